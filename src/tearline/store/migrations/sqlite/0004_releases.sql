-- Tearline releases: which document was released from which, to whom, by whom, what was kept.
CREATE TABLE releases (
    release_id TEXT PRIMARY KEY REFERENCES items (id),
    source_id TEXT NOT NULL REFERENCES items (id),
    audience TEXT NOT NULL,
    released_by TEXT NOT NULL,
    at BIGINT NOT NULL,
    portions TEXT NOT NULL
);
CREATE INDEX releases_source ON releases (source_id);
