"""The map cell of an item (migration 0017): the database computes the cell the planner
expects for every position, fills it for rows written before the migration, and a box's
cells hold every position in the box (both backends)."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from support.node import BACKENDS, database_url
from tearline.store.database import Database, open_database
from tearline.store.migrate import available, upgrade
from tearline.store.readable import CELLS_MAX, cell, cells

LATS = [-90.0, -85.0, -84.99999999999999, -5.0, -0.0, 4.999999999999999, 5.0, 40.0, 85.0, 90.0]
LONS = [-180.0, -179.5, -175.0, -5.0, 0.0, 5.0, 120.0, 174.99999999999997, 175.0, 180.0]
latitudes = st.floats(-90, 90) | st.sampled_from(LATS)
longitudes = st.floats(-180, 180) | st.sampled_from(LONS)
positions = st.tuples(latitudes, longitudes)


@pytest.fixture(params=BACKENDS)
def before_cells(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A database of each backend migrated up to 0016 (before the cell column, 0017)."""
    with database_url(request.param, tmp_path) as url:
        db = open_database(url)
        try:
            with db.transaction():
                db.execute(
                    "CREATE TABLE schema_migrations "
                    "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied BIGINT NOT NULL)"
                )
            for migration in available(db.dialect)[:16]:
                with db.transaction():
                    db.script(migration.sql)
                    db.execute(
                        "INSERT INTO schema_migrations (version, name, applied) VALUES (?, ?, 0)",
                        (migration.version, migration.name),
                    )
            yield db
        finally:
            db.close()


def _add(db: Database, places: list[tuple[float | None, float | None]], first: int) -> None:
    db.executemany(
        "INSERT INTO items (id, kind, label_id, version, title, content, at, lat, lon, created,"
        " modified, created_by, originator_nation, originator_org) "
        "VALUES (?, 'observation', 1, 1, 't', '', ?, ?, ?, 0, 0, 'p', 'USA', 'o')",
        [(f"i-{first + n}", first + n, lat, lon) for n, (lat, lon) in enumerate(places)],
    )


def _cells_of(db: Database) -> list[tuple[int | None, float | None, float | None]]:
    rows = db.all("SELECT cell, lat, lon FROM items ORDER BY at")
    return [(None if c is None else int(c), lat, lon) for c, lat, lon in rows]


def test_the_migration_fills_the_cells_of_items_already_there_and_of_items_written_since(
    before_cells: Database,
) -> None:
    db = before_cells
    old = [(lat, lon) for lat in LATS for lon in LONS] + [(None, None)]
    with db.transaction():
        db.execute("INSERT INTO labels (id, key, body) VALUES (1, 'k', '{}')")
        _add(db, list(old), 0)
    assert [m.version for m in upgrade(db)] == [m.version for m in available(db.dialect)[16:]]
    with db.transaction():
        _add(db, [(40.0, 130.0), (None, None), (-90.0, 180.0)], len(old))
    found = _cells_of(db)
    assert [c for c, _, _ in found] == [cell(lat, lon) for _, lat, lon in found]
    assert found[-3][0] == 13 * 37 + 31  # 35..45 N, 125..135 E
    assert found[-2][0] is None


@given(st.lists(positions, min_size=1, max_size=40))
def test_the_database_computes_the_cell_the_planner_expects(
    cell_db: Database, places: list[tuple[float, float]]
) -> None:
    with cell_db.transaction():
        cell_db.execute("DELETE FROM items")
        _add(cell_db, list(places), 0)
    assert [c for c, _, _ in _cells_of(cell_db)] == [cell(lat, lon) for lat, lon in places]


@pytest.fixture(scope="module", params=BACKENDS)
def cell_db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
            ) -> Iterator[Database]:  # fmt: skip
    """A migrated database of each backend with one label, shared by the examples."""
    with database_url(request.param, tmp_path_factory.mktemp("cells")) as url:
        db = open_database(url)
        try:
            upgrade(db)
            with db.transaction():
                db.execute("INSERT INTO labels (id, key, body) VALUES (1, 'k', '{}')")
            yield db
        finally:
            db.close()


def _inside(box: tuple[float, float, float, float], lat: float, lon: float) -> bool:
    south, west, north, east = box
    across = west <= lon <= east if west <= east else (lon >= west or lon <= east)
    return south <= lat <= north and across


@given(latitudes, latitudes, longitudes, longitudes, st.lists(positions, max_size=20))
def test_a_box_s_cells_hold_every_position_in_the_box(
    a: float, b: float, west: float, east: float, places: list[tuple[float, float]]
) -> None:
    box = (min(a, b), west, max(a, b), east)
    covered = cells(box)
    if covered is None:  # too many: the scan tests the box
        return
    assert len(covered) == len(set(covered)) <= CELLS_MAX
    for lat, lon in places:
        if _inside(box, lat, lon):
            assert cell(lat, lon) in covered


def test_cells_of_boxes_on_round_numbers_across_the_antimeridian_and_too_wide() -> None:
    assert cells((20.0, 120.0, 40.0, 140.0)) == [
        r * 37 + c for r in (11, 12, 13) for c in (30, 31, 32)
    ]  # lines at 15, 25, 35, 45 N and 115, 125, 135, 145 E
    assert cells((0.0, 178.0, 1.0, -179.0)) == [9 * 37 + 0, 9 * 37 + 36]
    assert cells((0.0, 170.0, 1.0, 169.0)) is None  # the whole parallel: 37 cells
    assert cells((-90.0, -180.0, 90.0, 180.0)) is None
    assert cells((math.nan, 0.0, 1.0, 1.0)) is None
    assert cells((20.0, 0.0, 5.0, 1.0)) is None  # south above north: nothing in it
    assert cell(None, 3.0) is None
    assert cell(-90.0, -180.0) == 0
