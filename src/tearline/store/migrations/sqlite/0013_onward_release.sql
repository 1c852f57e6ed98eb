-- The third-party rule in full (#11). onward_consents: the nations a releasing officer of
-- this (originating) node allows an item's version to go on to from the peers it is given
-- to; the list is carried in the version's signed form. stix_onward: each received object
-- version that carries such a consent, exactly as signed by its originator (object and
-- marking-definitions), so that it can go on unchanged — and verifiable — to those nations.
CREATE TABLE onward_consents (
    item_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    nations TEXT NOT NULL,
    officer TEXT NOT NULL,
    at BIGINT NOT NULL,
    PRIMARY KEY (item_id, version)
);

CREATE TABLE stix_onward (
    stix_id TEXT NOT NULL,
    modified BIGINT NOT NULL,
    item_id TEXT NOT NULL,
    nations TEXT NOT NULL,
    from_peer TEXT NOT NULL,
    object TEXT NOT NULL,
    markings TEXT NOT NULL,
    PRIMARY KEY (stix_id, modified)
);
