"""What a listing asks for and what it returns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tearline.labels.model import Label
from tearline.service.records import ItemKind

__all__ = ["Facets", "Page", "Query", "Summary"]


@dataclass(frozen=True, slots=True)
class Query:
    """What to list: items of ``kind`` (every kind if ``None``), newest first, optionally in
    a time window (``start`` inclusive, ``end`` exclusive) and a bounding box ``(south, west,
    north, east)`` in degrees (``west > east`` crosses the antimeridian); ``cursor``
    continues a page; ``text`` keeps only items whose readable text (title, content, or a
    document's readable portions) holds it, case-insensitively (ASCII letters)."""

    kind: ItemKind | None = None
    limit: int = 100
    cursor: str | None = None
    start: datetime | None = None
    end: datetime | None = None
    bbox: tuple[float, float, float, float] | None = None
    text: str | None = None


@dataclass(frozen=True, slots=True)
class Summary:
    """One listed item (its content is read only when the item is shown). ``partial``: a
    document of which the reader may read some portions only, ``label`` rolled up from those;
    ``snippet``: with a text search, an excerpt of readable text around the match."""

    id: str
    kind: ItemKind
    label: Label
    title: str
    at: datetime
    lat: float | None
    lon: float | None
    version: int
    originator_nation: str
    partial: bool = False
    snippet: str | None = None


@dataclass(frozen=True, slots=True)
class Facets:
    """How many readable items match a query in all, by kind and by classification tier
    (a partly readable document counts at the tier of its readable portions)."""

    total: int
    kinds: dict[str, int]
    tiers: dict[str, int]


@dataclass(frozen=True, slots=True)
class Page:
    """A page of readable items; ``next`` continues it (``None``: no more). ``display_only``
    names the items on it the reader may be shown but not given (DISPLAY ONLY); ``facets``
    counts every readable item the query matches, when asked for."""

    items: tuple[Summary, ...]
    next: str | None
    plan: str
    display_only: frozenset[str] = frozenset()
    facets: Facets | None = None
