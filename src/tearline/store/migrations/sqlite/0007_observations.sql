-- The common operational picture's observations (issue #10). Each is labelled through the
-- labels table like an item, so the database can return only those whose label a viewer
-- may read. A retraction or a relabel is a new version: the row keeps the current state
-- (retracted: when it was withdrawn), observation_versions keeps every earlier one.
-- change: the audit sequence number of the row's last change (its creation, retraction or
-- relabel), so "what changed since seq S" is one index range, and a cached picture knows
-- when it is stale.
CREATE TABLE observations (
    n INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    at BIGINT NOT NULL,
    lat DOUBLE PRECISION NOT NULL,
    lon DOUBLE PRECISION NOT NULL,
    alt DOUBLE PRECISION,
    kind TEXT NOT NULL,
    course DOUBLE PRECISION,
    speed DOUBLE PRECISION,
    identity TEXT,
    accuracy DOUBLE PRECISION,
    source_nation TEXT NOT NULL,
    sensor TEXT NOT NULL,
    label_id BIGINT NOT NULL REFERENCES labels (id),
    version BIGINT NOT NULL,
    created BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    modified BIGINT NOT NULL,
    retracted BIGINT,
    change BIGINT NOT NULL
);
CREATE INDEX observations_label_time ON observations (label_id, at) WHERE retracted IS NULL;
CREATE INDEX observations_at ON observations (at);
CREATE INDEX observations_change ON observations (change);
CREATE TABLE observation_versions (
    observation_id TEXT NOT NULL REFERENCES observations (id),
    version BIGINT NOT NULL,
    label_id BIGINT NOT NULL REFERENCES labels (id),
    retracted BIGINT,
    modified BIGINT NOT NULL,
    modified_by TEXT NOT NULL,
    PRIMARY KEY (observation_id, version)
);
