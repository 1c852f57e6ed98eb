-- The node: who it is, its people and their vetting, labels, items and the audit chain.
-- Times are microseconds since 1970-01-01 UTC; dates are ISO text (YYYY-MM-DD).
CREATE TABLE node (
    id TEXT PRIMARY KEY,
    nation TEXT NOT NULL,
    scheme TEXT NOT NULL,
    created BIGINT NOT NULL
);
CREATE TABLE people (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    organisation TEXT NOT NULL,
    nationalities TEXT NOT NULL,
    roles TEXT NOT NULL,
    clearance_level TEXT NOT NULL,
    clearance_scheme TEXT NOT NULL,
    clearance_granted TEXT NOT NULL,
    clearance_expires TEXT,
    status TEXT NOT NULL CHECK (status IN ('active', 'suspended', 'revoked')),
    version BIGINT NOT NULL,
    created BIGINT NOT NULL,
    modified BIGINT NOT NULL
);
CREATE TABLE authorizations (
    person_id TEXT NOT NULL REFERENCES people (id),
    token TEXT NOT NULL,
    granted TEXT NOT NULL,
    expires TEXT,
    PRIMARY KEY (person_id, token)
);
CREATE TABLE vetting_events (
    n INTEGER PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES people (id),
    at BIGINT NOT NULL,
    event TEXT NOT NULL,
    actor TEXT NOT NULL,
    reason TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX vetting_events_person ON vetting_events (person_id, n);
CREATE TABLE labels (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    body TEXT NOT NULL
);
CREATE TABLE items (
    n INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    label_id BIGINT NOT NULL REFERENCES labels (id),
    version BIGINT NOT NULL,
    title TEXT NOT NULL,
    content TEXT NOT NULL,
    at BIGINT NOT NULL,
    lat DOUBLE PRECISION,
    lon DOUBLE PRECISION,
    created BIGINT NOT NULL,
    modified BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    originator_nation TEXT NOT NULL,
    originator_org TEXT NOT NULL,
    classified_by TEXT,
    derived_from TEXT,
    declassify_on TEXT,
    declassify_event TEXT,
    exemption TEXT,
    source_key TEXT UNIQUE
);
CREATE INDEX items_at ON items (at, n);
CREATE INDEX items_label_at ON items (label_id, at, n);
CREATE INDEX items_kind_at ON items (kind, at, n);
CREATE INDEX items_kind_label_at ON items (kind, label_id, at, n);
CREATE INDEX items_declassify ON items (declassify_on) WHERE declassify_on IS NOT NULL;
CREATE TABLE item_versions (
    item_id TEXT NOT NULL REFERENCES items (id),
    version BIGINT NOT NULL,
    label_id BIGINT NOT NULL REFERENCES labels (id),
    title TEXT NOT NULL,
    content TEXT NOT NULL,
    modified BIGINT NOT NULL,
    modified_by TEXT NOT NULL,
    PRIMARY KEY (item_id, version)
);
CREATE TABLE portions (
    item_id TEXT NOT NULL REFERENCES items (id),
    version BIGINT NOT NULL,
    position INTEGER NOT NULL,
    label_id BIGINT NOT NULL REFERENCES labels (id),
    text TEXT NOT NULL,
    PRIMARY KEY (item_id, version, position)
);
CREATE TABLE label_counts (
    kind TEXT NOT NULL,
    label_id BIGINT NOT NULL REFERENCES labels (id),
    items BIGINT NOT NULL,
    PRIMARY KEY (kind, label_id)
);
CREATE TABLE audit (
    seq BIGINT PRIMARY KEY,
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    outcome TEXT NOT NULL,
    detail TEXT NOT NULL,
    prev TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_subject ON audit (subject, seq);
CREATE INDEX audit_actor ON audit (actor, seq);
CREATE TABLE audit_checkpoints (
    seq BIGINT PRIMARY KEY,
    hash TEXT NOT NULL,
    signature TEXT NOT NULL,
    key_id TEXT NOT NULL,
    at BIGINT NOT NULL
);
