-- Spills: an incident per item declared spilled. The item's content is purged from every
-- table; the incident keeps who declared it, when, why, which items went (the item and the
-- releases cut from it) and who had read them (from the audit log) — never the content.
CREATE TABLE incidents (
    id TEXT PRIMARY KEY,
    item_id TEXT NOT NULL UNIQUE,
    declared_by TEXT NOT NULL REFERENCES people (id),
    at BIGINT NOT NULL,
    reason TEXT NOT NULL,
    purged TEXT NOT NULL,
    readers TEXT NOT NULL
);
CREATE INDEX incidents_at ON incidents (at);
-- ORCON consents: the originator's recorded consent to release a document (one version of
-- it; some of its portions, or all of them) to an audience.
CREATE TABLE consents (
    id TEXT PRIMARY KEY,
    item_id TEXT NOT NULL REFERENCES items (id),
    version BIGINT NOT NULL,
    audience TEXT NOT NULL,
    portions TEXT,
    reference TEXT NOT NULL,
    given_by TEXT NOT NULL REFERENCES people (id),
    at BIGINT NOT NULL
);
CREATE INDEX consents_item ON consents (item_id, version);
