-- Federation of the picture (#11): observations travel between nodes as STIX observed-data,
-- pushed incrementally from the audit sequence number of their last change (filing, relabel,
-- retraction), then their id (a batch is one change): how far this node has pushed its
-- observations to each peer. Their signatures,
-- releases and provenance on receipt (the peer, the originator's nation, the signature, the
-- local observation it became) are kept in stix_signatures, stix_releases and stix_received,
-- as for items, the local id in item_id.
ALTER TABLE peer_sync ADD COLUMN observation_cursor BIGINT;
ALTER TABLE peer_sync ADD COLUMN observation_cursor_id TEXT;

-- The label each signed object version was given under, so that its revocation can carry it
-- when the item itself is gone (purged by a spill). NULL for versions signed before.
ALTER TABLE stix_signatures ADD COLUMN label_id BIGINT;
