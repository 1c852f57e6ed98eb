-- A box listing (#8) walks only the map cells the box covers: ``cell`` is the 10-degree grid
-- cell of an item's position (lines at 5 degrees past each ten: -85, -75, ..., 85 and -175,
-- ..., 175, away from the round numbers boxes are drawn on), NULL without a position. It is
-- computed by the database (a stored generated column, filled for the rows already there),
-- so every writer (bulk import, sync, federation) fills it. The index holds label_id, lat
-- and lon: the box's exact edges are index conditions, tested on the index entry, so a row
-- is read from the table only when it is in the box. store/readable.py computes the same
-- cells (its CELL_* constants) and must change with this expression.
-- (GREATEST and LEAST pass over NULL: the CASE keeps an item without a position out.)
ALTER TABLE items ADD COLUMN cell INTEGER GENERATED ALWAYS AS (CASE
    WHEN lat IS NOT NULL AND lon IS NOT NULL THEN
        CAST(floor((LEAST(GREATEST(lat, -90), 90) + 95) / 10) AS INTEGER) * 37
        + CAST(floor((LEAST(GREATEST(lon, -180), 180) + 185) / 10) AS INTEGER)
END) STORED;
CREATE INDEX items_kind_cell_at ON items (kind, cell, at, n, label_id, lat, lon);
