-- Federation (#11): the TAXII collection's pages list this node's own live observations a
-- reader may read, oldest version first — (modified, id), after a cursor, a chunk at a time —
-- merged with the items' (modified, id) order (index items_modified). Only the rows a page
-- may list are in the index (live, not received from a peer), and label_id is on the entry,
-- so a row the reader may not read is passed over without reading it from the table.
CREATE INDEX observations_added ON observations (modified, id, label_id)
    WHERE retracted IS NULL AND created_by NOT LIKE 'peer:%';
