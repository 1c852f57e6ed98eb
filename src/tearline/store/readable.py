"""The one query over items a person may read: the database returns only readable rows.

The policy answers "which labels may this person read" (a few thousand labels at most, each
decided once); the query then asks for items carrying one of those label ids, newest first.
Two plans, chosen from the number of items per label (``label_counts``, kept in the same
transaction as the items):

* **scan** — walk the ``(kind, at)`` index newest first, keeping rows whose label is in the
  readable set, until the page is full. Cheap when the person may read a good share: about
  ``page / share`` rows are examined.
* **merge** — one index range per readable label on ``(kind, label_id, at)``, merged newest
  first (SQLite's compound ``ORDER BY`` merge, PostgreSQL's Merge Append): about
  ``page + labels`` rows are examined however little the person may read.

A person who may read no label that any item carries gets an empty page without a query.
Only readable label ids are ever named (never "all but these"), so an item stored with a
label the planner has not seen yet is not returned rather than returned by mistake.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tearline.errors import InvalidInput
from tearline.labels.model import Label
from tearline.service.listing import Page, Query, Summary
from tearline.service.records import ItemKind
from tearline.store.rows import from_us, to_us

__all__ = ["Statement", "membership", "plan"]

#: Above this many readable labels the merge plan is never used (one branch per label).
MERGE_MAX = 200
#: What one index seek of the merge plan costs, in rows examined by a scan.
MERGE_SEEK = 4
#: Above this many ids SQLite gets them as one JSON array instead of one parameter each.
_INLINE_MAX = 2000

_COLUMNS = "id, kind, label_id, title, at, lat, lon, version, originator_nation, n"


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


def _filters(query: Query) -> tuple[str, list[Any]]:
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


def plan(
    query: Query, readable: Sequence[int], counts: Mapping[int, int], dialect: str
) -> Statement | None:
    """The statement that lists ``query`` over the ``readable`` label ids, or ``None`` when
    no item carries a readable label (nothing to read, nothing scanned)."""
    present = sorted(label for label in set(readable) if counts.get(label, 0) > 0)
    if not present:
        return None
    share = sum(counts[label] for label in present) / sum(counts.values())
    scan_rows = query.limit / share
    merge_rows = query.limit + MERGE_SEEK * len(present)
    if len(present) <= MERGE_MAX and merge_rows < scan_rows:
        return _merge(query, present)
    return _scan(query, present, dialect)


def membership(labels: Sequence[int], dialect: str) -> tuple[str, list[Any]]:
    """The condition "``label_id`` is one of ``labels``" and its parameters."""
    if dialect == "postgres":
        return "label_id = ANY(?)", [list(labels)]
    if len(labels) <= _INLINE_MAX:
        return f"label_id IN ({','.join('?' * len(labels))})", list(labels)
    return "label_id IN (SELECT value FROM json_each(?))", [json.dumps(list(labels))]


def _scan(query: Query, labels: list[int], dialect: str) -> Statement:
    filters, params = _filters(query)
    member, ids = membership(labels, dialect)
    kind, kinds = _kind(query)
    sql = (
        f"SELECT {_COLUMNS} FROM items WHERE {kind}{member}{filters} "
        "ORDER BY at DESC, n DESC LIMIT ?"
    )
    return Statement(sql, (*kinds, *ids, *params, query.limit + 1), query.limit, "scan")


def _kind(query: Query) -> tuple[str, list[Any]]:
    return ("", []) if query.kind is None else ("kind = ? AND ", [str(query.kind)])


def _merge(query: Query, labels: list[int]) -> Statement:
    filters, params = _filters(query)
    kind, kinds = _kind(query)
    branch = f"SELECT {_COLUMNS} FROM items WHERE {kind}label_id = ?{filters}"
    sql = " UNION ALL ".join([branch] * len(labels)) + " ORDER BY at DESC, n DESC LIMIT ?"
    values: list[Any] = []
    for label in labels:
        values.extend((*kinds, label, *params))
    return Statement(sql, (*values, query.limit + 1), query.limit, "merge")
