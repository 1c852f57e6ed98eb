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
