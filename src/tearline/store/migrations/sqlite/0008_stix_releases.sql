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

-- What a node received from its peers: each object version once (STIX id + modified), with
-- the signature it came with, the peer it came from, its originator and the local item it
-- became; and the TAXII status of each add-objects request, for its sender to read.
CREATE TABLE stix_received (
    stix_id TEXT NOT NULL,
    modified BIGINT NOT NULL,
    signature TEXT NOT NULL,
    peer TEXT NOT NULL,
    item_id TEXT NOT NULL,
    originator TEXT NOT NULL,
    at BIGINT NOT NULL,
    PRIMARY KEY (stix_id, modified)
);
CREATE INDEX stix_received_item ON stix_received (item_id);

CREATE TABLE taxii_statuses (
    id TEXT PRIMARY KEY,
    principal TEXT NOT NULL,
    body TEXT NOT NULL,
    at BIGINT NOT NULL
);
