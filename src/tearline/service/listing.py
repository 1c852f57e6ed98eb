"""What a listing asks for and what it returns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tearline.labels.model import Label
from tearline.service.records import ItemKind

__all__ = ["Page", "Query", "Summary"]


@dataclass(frozen=True, slots=True)
class Query:
    """What to list: items of ``kind`` (every kind if ``None``), newest first, optionally in
    a time window (``start`` inclusive, ``end`` exclusive) and a bounding box ``(south, west,
    north, east)`` in degrees (``west > east`` crosses the antimeridian); ``cursor``
    continues a page."""

    kind: ItemKind | None = None
    limit: int = 100
    cursor: str | None = None
    start: datetime | None = None
    end: datetime | None = None
    bbox: tuple[float, float, float, float] | None = None


@dataclass(frozen=True, slots=True)
class Summary:
    """One listed item (its content is read only when the item is shown)."""

    id: str
    kind: ItemKind
    label: Label
    title: str
    at: datetime
    lat: float | None
    lon: float | None
    version: int
    originator_nation: str


@dataclass(frozen=True, slots=True)
class Page:
    """A page of readable items; ``next`` continues it (``None``: no more). ``display_only``
    names the items on it the reader may be shown but not given (DISPLAY ONLY)."""

    items: tuple[Summary, ...]
    next: str | None
    plan: str
    display_only: frozenset[str] = frozenset()
