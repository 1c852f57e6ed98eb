"""The one query over items a person may read: the database returns only readable rows.

The policy answers "which labels may this person read" (a few thousand labels at most, each
decided once); the query then asks for items carrying one of those label ids, newest first.
Two plans (the scan taking a third form for a box), chosen from the number of items per
label (``label_counts``, kept in the same transaction as the items), read as one row of
:class:`Stats` (the database sums the counts of the readable labels; the counts themselves
are not fetched):

* **scan** — walk the ``(kind, at, n, label_id)`` index newest first, keeping rows whose
  label is in the readable set (tested on the index entry), until the page is full. Cheap
  when the person may read a good share: about ``page / share`` entries are examined.
* **merge** — one index range per readable label on ``(kind, label_id, at)``, merged newest
  first (SQLite's compound ``ORDER BY`` merge, PostgreSQL's Merge Append): about
  ``page + labels`` rows are examined however little the person may read.
* **cells** — the scan of a query of one kind with a bounding box (migration 0017): one
  index range per 10-degree map cell the box covers (at most :data:`CELLS_MAX`) on ``(kind,
  cell, at, n, label_id, lat, lon)``, merged newest first. The label and the box's exact
  edges are tested on the index entry, so only the cells' entries are walked (about ``page /
  (share x the box's part of its cells)``) and a row is read from the table only when it is
  listed (on SQLite; PostgreSQL reads each row in the box to test its label); a walk of the
  whole window would pass over every entry outside the box too.

The scan and the cells test the readable set as one bitmap (bytes, byte ``label_id`` set to
1), in constant time per entry: an ``IN`` list would be built again for every statement (and
every branch of the cells), and PostgreSQL's generic plan searches a parameter's array from
its start for every row.

The counts only choose between plans that return the same rows, so they are read again only
when something was written (checked on each page on SQLite, at most every
:data:`STATS_SECONDS` on PostgreSQL, where the check is a round trip) — except where the
answer depends on them: a person who may read no label any item carries gets an empty page
without a query, and one who may read more than :data:`MERGE_MAX` labels the merge over the
readable labels some item carries, both from counts read afresh. Only readable label ids
are ever named (never "all but these"), so an item stored with a label the planner has not
seen yet is not returned rather than returned by mistake.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from tearline.errors import InvalidInput
from tearline.labels.model import Label
from tearline.service.listing import Page, Query, Summary
from tearline.service.records import ItemKind
from tearline.store.rows import from_us, to_us

__all__ = [
    "CELLS_MAX",
    "COLUMNS",
    "Statement",
    "Stats",
    "carried",
    "cell",
    "cells",
    "filters",
    "membership",
    "plan",
    "stats",
    "unfiltered",
]

#: Above this many readable labels the merge plan is never used (one branch per label).
MERGE_MAX = 200
#: How long PostgreSQL's counts are used before asking whether anything was written.
STATS_SECONDS = 1.0
#: What one index seek of the merge plan costs, in rows examined by a scan.
MERGE_SEEK = 4
#: Above this many ids SQLite gets them as one JSON array instead of one parameter each.
_INLINE_MAX = 2000

#: Above this many map cells a box is listed by the scan over its window (a branch a cell).
CELLS_MAX = 36
#: The grid of the ``cell`` column (migration 0017, which computes the same): 10-degree
#: cells, lines at 5 degrees past each ten, 37 columns (-180 and 180 apart).
_CELL_DEGREES = 10.0
_CELL_COLUMNS = 37
#: From this label id on, the walks name the readable set as a list, not a bitmap.
_BITMAP_MAX = 1 << 16

COLUMNS = "id, kind, label_id, title, at, lat, lon, version, originator_nation, n"


@dataclass(frozen=True, slots=True)
class Statement:
    """The SQL chosen for a query, its parameters and its plan's name."""

    sql: str
    params: tuple[Any, ...]
    limit: int
    name: str

    def page(self, rows: Sequence[Sequence[Any]], label_of: Callable[[int], Label]) -> Page:
        """The page these rows make (one extra row says whether there is a next page)."""
        shown = rows[: self.limit]
        items = tuple(
            Summary(r[0], ItemKind(r[1]), label_of(int(r[2])), r[3], from_us(r[4]), *r[5:9])
            for r in shown
        )
        more = len(rows) > self.limit and shown
        return Page(items, f"{shown[-1][4]}.{shown[-1][9]}" if more else None, self.name)


def _cursor(text: str) -> tuple[int, int]:
    at, _, n = text.partition(".")
    if not (at.lstrip("-").isdigit() and n.isdigit()):
        raise InvalidInput(f"cursor {text[:40]!r} is not one this node gave; start without one")
    return int(at), int(n)


def filters(query: Query) -> tuple[str, list[Any]]:
    """The conditions every plan shares: window, cursor, bounding box."""
    where: list[str] = []
    params: list[Any] = []
    if query.start is not None:
        where.append("at >= ?")
        params.append(to_us(query.start))
    if query.end is not None:
        where.append("at < ?")
        params.append(to_us(query.end))
    if query.cursor is not None:
        where.append("(at, n) < (?, ?)")
        params.extend(_cursor(query.cursor))
    if query.bbox is not None:
        south, west, north, east = query.bbox
        where.append("lat BETWEEN ? AND ?")
        params.extend((south, north))
        where.append("lon BETWEEN ? AND ?" if west <= east else "(lon >= ? OR lon <= ?)")
        params.extend((west, east))
    return "".join(f" AND {w}" for w in where), params


@dataclass(frozen=True, slots=True)
class Stats:
    """What the planner knows of a query's kind: items in all, items carrying a readable
    label, and how many readable labels some item carries."""

    items: int
    readable: int
    labels: int


def _kind_filter(kind: ItemKind | None) -> tuple[str, list[Any]]:
    return ("", []) if kind is None else ("kind = ? AND ", [str(kind)])


def stats(kind: ItemKind | None, readable: Sequence[int], dialect: str) -> tuple[str, list[Any]]:
    """The one-row query for :class:`Stats` (``readable`` must not be empty)."""
    where, kinds = _kind_filter(kind)
    member, ids = membership(sorted(set(readable)), dialect)
    sql = (
        f"SELECT (SELECT COALESCE(SUM(items), 0) FROM label_counts WHERE {where}1 = 1), "
        f"COALESCE(SUM(items), 0), {'COUNT(DISTINCT label_id)' if kind is None else 'COUNT(*)'} "
        f"FROM label_counts WHERE {where}items > 0 AND {member}"
    )
    return sql, [*kinds, *kinds, *ids]


def carried(kind: ItemKind | None, readable: Sequence[int], dialect: str
            ) -> tuple[str, list[Any]]:  # fmt: skip
    """The query for the readable labels some item (of ``kind``) carries, for the merge."""
    where, kinds = _kind_filter(kind)
    member, ids = membership(sorted(set(readable)), dialect)
    sql = f"SELECT DISTINCT label_id FROM label_counts WHERE {where}items > 0 AND {member}"
    return sql, [*kinds, *ids]


def plan(
    query: Query,
    readable: Sequence[int],
    known: Stats,
    dialect: str,
    present: Callable[[], Sequence[int]],
) -> Statement | None:
    """The statement that lists ``query`` over the ``readable`` label ids (sorted, distinct),
    or ``None`` when no item carries a readable label (nothing to read, nothing scanned).

    ``known`` only chooses between plans that return the same rows, so it may be a little
    stale: with up to :data:`MERGE_MAX` readable labels the merge names every one of them.
    Where the answer depends on what items carry (no readable label carried: no query; more
    readable labels than a merge takes), ``present`` gives the readable labels some item
    carries, from the database as it is now."""
    if not readable:
        return None
    if known.readable > 0:
        scan_rows = query.limit * known.items / known.readable
        if len(readable) <= MERGE_MAX:
            if query.limit + MERGE_SEEK * len(readable) < scan_rows:
                return _merge(query, list(readable), dialect)
            return _scan(query, readable, dialect)
        if known.labels > MERGE_MAX or query.limit + MERGE_SEEK * known.labels >= scan_rows:
            return _scan(query, readable, dialect)
    labels = sorted(set(present()) & set(readable))
    if not labels:
        return None
    if len(labels) > MERGE_MAX:  # the counts moved since they were read
        return _scan(query, readable, dialect)
    return _merge(query, labels, dialect)


def membership(labels: Sequence[int], dialect: str, column: str = "label_id"
               ) -> tuple[str, list[Any]]:  # fmt: skip
    """The condition "``column`` is one of ``labels``" and its parameters."""
    if dialect == "postgres":  # one text parameter: psycopg dumps a long list slowly
        return f"{column} = ANY(CAST(? AS BIGINT[]))", ["{" + ",".join(map(str, labels)) + "}"]
    if len(labels) <= _INLINE_MAX:
        return f"{column} IN ({','.join('?' * len(labels))})", list(labels)
    return f"{column} IN (SELECT value FROM json_each(?))", [json.dumps(list(labels))]


#: The label column as the scan names it: an expression, so that no index on ``label_id``
#: can serve the membership test and the database walks ``(kind, at)`` as planned. (A
#: PostgreSQL generic plan — psycopg prepares a statement from its sixth run — otherwise
#: reads every row of every readable label through ``(kind, label_id, at)`` and sorts them.)
_SCAN_COLUMN = {"postgres": "(label_id + 0)", "sqlite": "+label_id"}
#: The walks' bitmap test (also an expression no index serves): byte ``label_id`` is 1.
_BITMAP_TEST = {
    # an id past the bitmap reads as not readable (and is never cast out of range)
    "postgres": f"substring(CAST(? AS BYTEA) FROM CAST(LEAST(label_id, {_BITMAP_MAX}) AS INTEGER)"
    " + 1 FOR 1) = '\\x01'",
    "sqlite": "substr(?, label_id + 1, 1) = x'01'",
}


@lru_cache(maxsize=64)
def _scan_membership(labels: tuple[int, ...], dialect: str) -> tuple[str, tuple[Any, ...]]:
    """The walks' membership test, built once per readable set (a page sends the same): one
    bitmap of the readable ids, tested per entry in constant time — no ``IN`` list built per
    statement (or per branch of the cells), no array searched per row (PostgreSQL's generic
    plan does not hash a parameter's array) — or, past :data:`_BITMAP_MAX`, the list."""
    if labels and min(labels) >= 0 and max(labels) < _BITMAP_MAX and dialect in _BITMAP_TEST:
        return _BITMAP_TEST[dialect], (_bitmap(labels),)
    member, ids = membership(labels, dialect, _SCAN_COLUMN.get(dialect, "label_id"))
    return member, tuple(ids)


def _scan(query: Query, labels: Sequence[int], dialect: str) -> Statement:
    where = _box_cells(query)
    if where is not None:
        return _cells(query, labels, dialect, where)
    more, params = filters(query)
    member, ids = _scan_membership(tuple(labels), dialect)
    kind, kinds = _kind(query)
    sql = f"SELECT {COLUMNS} FROM items WHERE {kind}{member}{more} ORDER BY at DESC, n DESC LIMIT ?"
    return Statement(sql, (*kinds, *ids, *params, query.limit + 1), query.limit, "scan")


def _kind(query: Query) -> tuple[str, list[Any]]:
    return _kind_filter(query.kind)


def _row(lat: float) -> int:
    return math.floor((min(max(lat, -90.0), 90.0) + 95.0) / _CELL_DEGREES)


def _column(lon: float) -> int:
    return math.floor((min(max(lon, -180.0), 180.0) + 185.0) / _CELL_DEGREES)


def cell(lat: float | None, lon: float | None) -> int | None:
    """The map cell the database computes for a position (``None`` without one)."""
    if lat is None or lon is None:
        return None
    return _row(lat) * _CELL_COLUMNS + _column(lon)


def cells(bbox: tuple[float, float, float, float]) -> list[int] | None:
    """The map cells holding every position in ``bbox`` (south, west, north, east; west >
    east crosses the antimeridian), or ``None`` when there are more than :data:`CELLS_MAX`
    (or none, or a coordinate is not a number): then the box is tested on the scan.
    ``cell`` only grows with latitude and with longitude, so a position within the box's
    edges is in a cell between those of the edges."""
    if not all(math.isfinite(v) for v in bbox):
        return None
    south, west, north, east = bbox
    rows = range(_row(south), _row(north) + 1)
    if west <= east:
        columns = set(range(_column(west), _column(east) + 1))
    else:
        columns = {*range(_column(west), _column(180.0) + 1),
                   *range(_column(-180.0), _column(east) + 1)}  # fmt: skip
    found = [row * _CELL_COLUMNS + column for row in rows for column in sorted(columns)]
    return found if 0 < len(found) <= CELLS_MAX else None


@lru_cache(maxsize=64)
def _bitmap(labels: tuple[int, ...]) -> bytes:
    """The readable set as bytes: byte ``label_id`` is 1 for a readable label (an id past
    the end, such as a label stored since, reads as not readable)."""
    found = bytearray(max(labels) + 1)
    for label in labels:
        found[label] = 1
    return bytes(found)


def _cells(query: Query, labels: Sequence[int] | None, dialect: str, where: list[int]
           ) -> Statement:  # fmt: skip
    """One branch per map cell, merged newest first (``labels`` ``None``: every label, the
    bench's unfiltered statement). Each branch is ordered and limited on PostgreSQL, as in
    :func:`_merge`; SQLite's compound ``ORDER BY`` merges branches ordered by their index."""
    more, params = filters(query)
    kinds = [str(query.kind)]
    member: str = ""
    ids: tuple[Any, ...] = ()
    if labels is not None:
        text, ids = _scan_membership(tuple(labels), dialect)
        member = f" AND {text}"
    branch = f"SELECT {COLUMNS} FROM items WHERE kind = ? AND cell = ?{member}{more}"
    limit: tuple[Any, ...] = ()
    if dialect == "postgres":
        branch = f"({branch} ORDER BY at DESC, n DESC LIMIT ?)"
        limit = (query.limit + 1,)
    union = " UNION ALL ".join([branch] * len(where))
    if dialect == "postgres":
        union = f"SELECT * FROM ({union}) AS merged"
    values: list[Any] = []
    for number in where:
        values.extend((*kinds, number, *ids, *params, *limit))
    sql = union + " ORDER BY at DESC, n DESC LIMIT ?"
    return Statement(sql, (*values, query.limit + 1), query.limit, "cells")


def _box_cells(query: Query) -> list[int] | None:
    """The cells the cells plan walks for ``query`` (``None``: no cells plan)."""
    if query.kind is None or query.bbox is None:  # the cell index leads with the kind
        return None
    return cells(query.bbox)


def unfiltered(query: Query, dialect: str) -> Statement:
    """The statement the store would run for ``query`` if the person could read every
    label: the scan's (or cells') SQL with only the label predicate left out. The bench
    times it against the store's: the same indexes, the same walk, no labels."""
    where = _box_cells(query)
    if where is not None:
        return _cells(query, None, dialect, where)
    more, params = filters(query)
    kind, kinds = _kind(query)
    sql = f"SELECT {COLUMNS} FROM items WHERE {kind}1 = 1{more} ORDER BY at DESC, n DESC LIMIT ?"
    return Statement(sql, (*kinds, *params, query.limit + 1), query.limit, "unfiltered")


def _merge(query: Query, labels: list[int], dialect: str) -> Statement:
    """One branch per label, merged newest first. On PostgreSQL each branch is ordered and
    limited itself, so that every plan (generic ones too) reads at most a page per label
    instead of appending every row of every label and sorting them."""
    more, params = filters(query)
    kind, kinds = _kind(query)
    branch = f"SELECT {COLUMNS} FROM items WHERE {kind}label_id = ?{more}"
    limit: tuple[Any, ...] = ()
    if dialect == "postgres":
        branch = f"({branch} ORDER BY at DESC, n DESC LIMIT ?)"
        limit = (query.limit + 1,)
    union = " UNION ALL ".join([branch] * len(labels))
    if dialect == "postgres":  # one parenthesised branch alone is not a query PostgreSQL takes
        union = f"SELECT * FROM ({union}) AS merged"
    sql = union + " ORDER BY at DESC, n DESC LIMIT ?"
    values: list[Any] = []
    for label in labels:
        values.extend((*kinds, label, *params, *limit))
    return Statement(sql, (*values, query.limit + 1), query.limit, "merge")
