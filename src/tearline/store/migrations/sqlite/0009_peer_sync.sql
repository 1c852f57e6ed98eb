-- Federation sync (#11): the credential this node presents at each peer, sealed (AES-256-GCM
-- under a key derived from the node's key; never stored in the clear), and each peer's sync
-- state: how far this node has pulled (the peer's date_added) and pushed (its own versions),
-- the last success and error, consecutive failed attempts and when to try again, and the
-- lease that lets one process at a time sync that peer (holder, held until).
ALTER TABLE peers ADD COLUMN outgoing_token TEXT;

CREATE TABLE peer_sync (
    peer TEXT PRIMARY KEY,
    pull_cursor BIGINT,
    push_cursor BIGINT,
    last_success BIGINT,
    last_error TEXT,
    attempts INTEGER NOT NULL,
    next_attempt BIGINT,
    holder TEXT,
    held_until BIGINT
);

-- The federation reads what changed after a cursor (version time, item id), oldest first.
CREATE INDEX items_modified ON items (modified, id);
