-- Federation (#11): every STIX object version a node shares is signed once, when it is first
-- released, and the signature kept; each release to a peer (or a person reading over TAXII)
-- is recorded: which object version, with which signed content, to whom, when.
CREATE TABLE stix_signatures (
    stix_id TEXT NOT NULL,
    modified BIGINT NOT NULL,
    digest TEXT NOT NULL,
    item_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    signature TEXT NOT NULL,
    first_released BIGINT NOT NULL,
    PRIMARY KEY (stix_id, modified, digest)
);
CREATE INDEX stix_signatures_item ON stix_signatures (item_id);

CREATE TABLE stix_releases (
    principal TEXT NOT NULL,
    stix_id TEXT NOT NULL,
    modified BIGINT NOT NULL,
    digest TEXT NOT NULL,
    at BIGINT NOT NULL,
    PRIMARY KEY (principal, stix_id, modified, digest)
);
