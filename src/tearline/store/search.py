"""Search, totals, facets and partly readable documents: still only readable rows.

A person sees an item when they may read its label, and a document also when they may read
at least one of its portions (current version): the database finds those through the
portions' own label ids (index ``portions_label``), and returns with each such document the
ids of its readable portions' labels, from which its banner is rolled up. The only banner
labels named for that second way in are the ones documents carry that the person may *not*
read (from ``label_counts``): a document under a label the planner has not seen is not
returned rather than returned by mistake.

A text search (``Query.text``) is a ``LIKE`` (``ILIKE`` on PostgreSQL) over the title, the
content of items that are not documents, and the text of a document's *readable* portions,
with ``%``, ``_`` and ``\\`` escaped; so is the snippet's source. Totals and facets are one
grouped query over the same condition (or, for a plain listing, the label counts).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from tearline.labels.model import Label
from tearline.service.listing import Facets, Page, Query, Summary
from tearline.service.records import ItemKind
from tearline.store.readable import COLUMNS, filters, membership
from tearline.store.rows import from_us

__all__ = ["Reading", "facets", "merged", "page", "partial", "searched", "snippet", "tally"]

_PORTIONS = "FROM portions p WHERE p.item_id = items.id AND p.version = items.version"
_DOCUMENT = "kind = 'document'"
#: Characters of readable text shown either side of a match.
SNIPPET_SIDE = 60


@dataclass(frozen=True, slots=True)
class Reading:
    """What one person may read: ``readable`` label ids, and ``hidden`` — the labels some
    document carries as its banner that the person may not read."""

    readable: tuple[int, ...]
    hidden: tuple[int, ...]
    dialect: str

    def member(self, column: str = "label_id") -> tuple[str, list[Any]]:
        return membership(self.readable, self.dialect, column)

    def readable_portion(self, extra: str = "") -> tuple[str, list[Any]]:
        """``EXISTS`` a portion of the current version the person may read."""
        member, ids = self.member("p.label_id")
        return f"EXISTS (SELECT 1 {_PORTIONS} AND {member}{extra})", ids

    def partly(self) -> tuple[str, list[Any]]:
        """A document under a hidden banner with a readable portion (``hidden`` not empty)."""
        banner, hidden = membership(self.hidden, self.dialect)
        portion, ids = self.readable_portion()
        return f"{_DOCUMENT} AND {banner} AND {portion}", [*hidden, *ids]

    def visible(self) -> tuple[str, list[Any]]:
        """The condition of every item the person sees."""
        member, ids = self.member()
        if not self.hidden:
            return member, ids
        partly, more = self.partly()
        return f"({member} OR ({partly}))", [*ids, *more]

    def portion_labels(self) -> tuple[str, list[Any]]:
        """The column: for a partly readable document, its readable portions' label ids
        (comma-separated), else ``NULL``."""
        if not self.hidden:
            return "NULL", []
        banner, hidden = membership(self.hidden, self.dialect)
        member, ids = self.member("p.label_id")
        agg = ("string_agg(DISTINCT CAST(p.label_id AS TEXT), ',')"
               if self.dialect == "postgres" else "group_concat(DISTINCT p.label_id)")  # fmt: skip
        return f"CASE WHEN {banner} THEN (SELECT {agg} {_PORTIONS} AND {member}) END", [
            *hidden,
            *ids,
        ]

    def like(self) -> str:
        return "ILIKE" if self.dialect == "postgres" else "LIKE"

    def matches(self, text: str) -> tuple[str, list[Any]]:
        """The condition "the readable text holds ``text``"."""
        op, pattern = self.like(), _pattern(text)
        portion, ids = self.readable_portion(f" AND p.text {op} ? ESCAPE '\\'")
        sql = (
            f"(title {op} ? ESCAPE '\\' OR (kind <> 'document' AND content {op} ? ESCAPE '\\')"
            f" OR ({_DOCUMENT} AND {portion}))"
        )
        return sql, [pattern, pattern, *ids, pattern]

    def snippet_source(self, text: str) -> tuple[str, list[Any]]:
        """The column holding the readable text the snippet is cut from."""
        op, pattern = self.like(), _pattern(text)
        member, ids = self.member("p.label_id")
        first = (f"SELECT p.text {_PORTIONS} AND {member} AND p.text {op} ? ESCAPE '\\' "
                 "ORDER BY p.position LIMIT 1")  # fmt: skip
        sql = f"CASE WHEN {_DOCUMENT} THEN ({first}) ELSE content END"
        return sql, [*ids, pattern]


def _pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _kind(query: Query) -> tuple[str, list[Any]]:
    return ("", []) if query.kind is None else ("kind = ? AND ", [str(query.kind)])


def partial(query: Query, reading: Reading) -> tuple[str, list[Any]] | None:
    """The newest page of partly readable documents (``None``: there can be none)."""
    if not reading.hidden or not reading.readable or query.kind not in (None, ItemKind.DOCUMENT):
        return None
    labels, label_ids = reading.portion_labels()
    where, params = reading.partly()
    more, extra = filters(query)
    sql = (
        f"SELECT {COLUMNS}, {labels}, NULL FROM items WHERE {where}{more} "
        "ORDER BY at DESC, n DESC LIMIT ?"
    )
    return sql, [*label_ids, *params, *extra, query.limit + 1]


def searched(query: Query, reading: Reading) -> tuple[str, list[Any]] | None:
    """The page of a text search (``None``: nothing readable, no query)."""
    if not reading.readable or query.text is None:
        return None
    labels, label_ids = reading.portion_labels()
    source, source_ids = reading.snippet_source(query.text)
    kind, kinds = _kind(query)
    visible, ids = reading.visible()
    match, match_ids = reading.matches(query.text)
    more, extra = filters(query)
    sql = (
        f"SELECT {COLUMNS}, {labels}, {source} FROM items "
        f"WHERE {kind}{visible} AND {match}{more} ORDER BY at DESC, n DESC LIMIT ?"
    )
    return sql, [*label_ids, *source_ids, *kinds, *ids, *match_ids, *extra, query.limit + 1]


def tally(query: Query, reading: Reading) -> list[tuple[str, list[Any]]]:
    """The grouped queries whose rows ``(kind, label id, portion labels, count)`` sum to
    the totals and facets of ``query`` (no cursor). A plain listing counts its items under
    readable labels from ``label_counts`` and only its partly readable documents row by
    row."""
    if not reading.readable:
        return []
    kind, kinds = _kind(query)
    labels, label_ids = reading.portion_labels()
    plain = query.text is None and query.start is None and query.end is None
    if plain and query.bbox is None:
        member, ids = reading.member()
        queries = [(f"SELECT kind, label_id, NULL, items FROM label_counts "
                    f"WHERE {kind}items > 0 AND {member}", [*kinds, *ids])]  # fmt: skip
        if not reading.hidden or query.kind not in (None, ItemKind.DOCUMENT):
            return queries
        where, params = reading.partly()
    else:
        queries = []
        where, params = reading.visible()
        if query.text is not None:
            match, match_ids = reading.matches(query.text)
            where, params = f"{where} AND {match}", [*params, *match_ids]
    more, extra = filters(replace(query, cursor=None))
    inner = f"SELECT kind, label_id, {labels} AS combo FROM items WHERE {kind}{where}{more}"
    sql = (f"SELECT kind, label_id, combo, COUNT(*) FROM ({inner}) AS t "
           "GROUP BY kind, label_id, combo")  # fmt: skip
    return [*queries, (sql, [*label_ids, *kinds, *params, *extra])]


def facets(
    rows: Sequence[Sequence[Any]], label_of: Callable[[int], Label],
    rolled: Callable[[Sequence[int]], Label],
) -> Facets:  # fmt: skip
    """Totals and facets from the rows of :func:`tally`'s queries."""
    kinds: dict[str, int] = {}
    tiers: dict[str, int] = {}
    for kind, label_id, combo, count in rows:
        label = rolled(_ids(combo)) if combo else label_of(int(label_id))
        kinds[kind] = kinds.get(kind, 0) + int(count)
        tiers[label.tier.title] = tiers.get(label.tier.title, 0) + int(count)
    return Facets(sum(kinds.values()), kinds, tiers)


def _ids(combo: str) -> list[int]:
    return sorted(int(i) for i in str(combo).split(","))


def merged(rows: Sequence[Sequence[Any]], more: Sequence[Sequence[Any]], limit: int
           ) -> list[Sequence[Any]]:  # fmt: skip
    """Two pages of rows, each newest first, as one (``limit`` + 1 rows at most)."""
    both = [*rows, *more]
    both.sort(key=lambda r: (r[4], r[9]), reverse=True)
    return both[: limit + 1]


def page(
    rows: Sequence[Sequence[Any]], query: Query, name: str, label_of: Callable[[int], Label],
    rolled: Callable[[Sequence[int]], Label],
) -> Page:  # fmt: skip
    """The page these rows make (the columns of ``COLUMNS``, portion labels, snippet source;
    one extra row says whether there is a next page)."""
    shown = rows[: query.limit]
    items = []
    for r in shown:
        combo = r[10] if len(r) > 10 else None
        label = rolled(_ids(combo)) if combo else label_of(int(r[2]))
        source = r[11] if len(r) > 11 else None
        excerpt = None
        if query.text is not None:
            excerpt = snippet(source, query.text) or snippet(r[3], query.text)
        items.append(Summary(r[0], ItemKind(r[1]), label, r[3], from_us(r[4]), r[5], r[6],
                             int(r[7]), r[8], partial=bool(combo), snippet=excerpt))  # fmt: skip
    more = len(rows) > query.limit and shown
    return Page(tuple(items), f"{shown[-1][4]}.{shown[-1][9]}" if more else None, name)


def snippet(source: str | None, text: str) -> str | None:
    """A short excerpt of ``source`` around the first match of ``text`` (ASCII letters
    case-insensitively, as the query matched), or ``None`` when it does not hold it."""
    if not source or not text:
        return None
    at = _ascii_lower(source).find(_ascii_lower(text))
    if at < 0:
        return None
    start, end = max(0, at - SNIPPET_SIDE), min(len(source), at + len(text) + SNIPPET_SIDE)
    return ("…" if start else "") + source[start:end] + ("…" if end < len(source) else "")


def _ascii_lower(text: str) -> str:
    return text.translate(_LOWER)


_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
