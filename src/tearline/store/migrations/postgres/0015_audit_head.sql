-- The audit log's signed head: the last entry's sequence number and hash, signed with the
-- node key (Ed25519) in the same transaction that chains entries. Hashes alone cannot show
-- entries cut from the end of the chain, or valid-looking entries added there by someone
-- who can write to the database; the head, which only the node key can sign, does. One row,
-- replaced on every write (so no earlier head is kept here to be put back).
CREATE TABLE audit_head (
    id SMALLINT PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL,
    signature TEXT NOT NULL,
    key_id TEXT NOT NULL,
    at BIGINT NOT NULL
);
