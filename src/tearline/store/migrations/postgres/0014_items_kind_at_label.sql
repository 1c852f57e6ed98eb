-- The listing's scan (#8) walks (kind, at, n) newest first and keeps the rows whose label the
-- reader may read. With label_id in the index, that test is made on the index entry: a row
-- the reader may not read is passed over without reading it from the table (SQLite defers
-- the table seek until a column outside the index is needed). It replaces the narrower
-- index, so writes keep one index on these columns, not two.
CREATE INDEX items_kind_at_label ON items (kind, at, n, label_id);
DROP INDEX items_kind_at;
