-- A box listing (#8) walks only the map cells the box covers: ``cell`` is the 10-degree grid
-- cell of an item's position (lines at 5 degrees past each ten: -85, -75, ..., 85 and -175,
-- ..., 175, away from the round numbers boxes are drawn on), NULL without a position. It is
-- computed by the database, so every writer (bulk import, sync, federation) fills it, and
-- a virtual column: only the index stores it. The index holds label_id, lat and lon, so the
-- label and the box's exact edges are tested on the index entry: a row is read from the
-- table only when it is listed. store/readable.py computes the same cells (its
-- CELL_* constants) and must change with this expression.
ALTER TABLE items ADD COLUMN cell INTEGER GENERATED ALWAYS AS (
    CAST((MIN(MAX(lat, -90.0), 90.0) + 95.0) / 10.0 AS INTEGER) * 37
    + CAST((MIN(MAX(lon, -180.0), 180.0) + 185.0) / 10.0 AS INTEGER)
) VIRTUAL;
CREATE INDEX items_kind_cell_at ON items (kind, cell, at, n, label_id, lat, lon);
