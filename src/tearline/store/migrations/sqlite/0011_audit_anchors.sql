-- Audit anchoring (#11): the signed audit checkpoints each peer sent this node, kept so the
-- peer can ask for them back and find out whether its own log was rewritten since (a node
-- holding its key can rehash its chain and sign new checkpoints, but cannot change what its
-- peers hold). Keyed by the peer, the public key it signed them with, and the sequence number.
CREATE TABLE audit_anchors (
    peer TEXT NOT NULL,
    public_key TEXT NOT NULL,
    node_id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL,
    signature TEXT NOT NULL,
    key_id TEXT NOT NULL,
    received BIGINT NOT NULL,
    PRIMARY KEY (peer, public_key, seq)
);

-- How far this node's own checkpoints have been sent to each peer (that peer's key and URL
-- as they were then: a peer registered anew is sent everything again).
CREATE TABLE audit_anchors_sent (
    peer TEXT PRIMARY KEY,
    public_key TEXT NOT NULL,
    url TEXT NOT NULL,
    seq BIGINT NOT NULL,
    at BIGINT NOT NULL
);

-- The release guard (#11): an object version whose content hit the guard (a word that must
-- never leave, or a near-duplicate of an item the receiver may not read) is held here for a
-- releasing officer instead of being given out; the decision (approved, denied) is kept.
CREATE TABLE held_releases (
    id TEXT PRIMARY KEY,
    principal TEXT NOT NULL,
    item_id TEXT NOT NULL,
    version BIGINT NOT NULL,
    modified BIGINT NOT NULL,
    reason TEXT NOT NULL,
    detail TEXT NOT NULL,
    held_at BIGINT NOT NULL,
    decision TEXT,
    decided_by TEXT,
    decided_at BIGINT,
    note TEXT,
    UNIQUE (principal, item_id, version)
);
CREATE INDEX held_releases_pending ON held_releases (decision, held_at);
