"""Items as one reader sees them, and labels written out as markings.

An :class:`ItemView` holds only the portions its reader may read, under the banner rolled up
from those alone; :func:`marking` writes a label canonically in its own scheme, and
:func:`rendered` in the reader's scheme where the label can be carried there. Nothing here
decides or reads the store: the views are built by the use cases that do
(:mod:`tearline.service.items`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tearline.errors import LabelError, TearlineError
from tearline.labels.model import Label
from tearline.labels.parse import render
from tearline.labels.schemes import Registry
from tearline.service.records import ItemRecord, Portion

__all__ = ["ItemView", "marking", "portions", "rendered"]


@dataclass(frozen=True, slots=True)
class ItemView:
    """An item as one reader sees it: only the portions they may read, and the banner
    rolled up from those alone. ``display_only``: the reader may be shown the item (or some
    of its portions) for viewing but not given it — never to export, download or release."""

    item: ItemRecord
    label: Label
    portions: tuple[Portion, ...]
    reader_scheme: str
    display_only: bool = False
    #: With the node's placeholders on: the document's order, ``True`` where a portion is
    #: withheld. Empty otherwise: withheld portions leave no trace.
    layout: tuple[bool, ...] = ()

    def slots(self) -> list[Portion | None]:
        """The portions in document order, ``None`` for each withheld one when the node
        shows placeholders (otherwise just the readable portions)."""
        shown = iter(self.portions)
        if not self.layout:
            return list(shown)
        return [None if withheld else next(shown) for withheld in self.layout]


def marking(label: Label, registry: Registry) -> str:
    """The canonical marking of ``label`` in its own scheme (a label with no text form, such
    as one from a STANAG 4774 category condition, is shown by its description)."""
    cache = registry.cache("node-markings")
    found: str | None = cache.get(label)
    if found is None:
        try:
            found = render(label, registry=registry)
        except LabelError:
            found = str(label)
        if len(cache) > 100_000:
            cache.clear()
        cache[label] = found
    return found


def rendered(label: Label, scheme: str, registry: Registry) -> tuple[str, str]:
    """``label``'s marking in ``scheme`` (the reader's own), or in its own scheme when it
    cannot be carried there; returns ``(marking, scheme written in)``."""
    if label.scheme == scheme:
        return marking(label, registry), scheme
    try:
        return render(label, scheme, registry=registry), scheme
    except TearlineError:
        return marking(label, registry), label.scheme


def portions(view: ItemView, registry: Registry) -> list[dict[str, Any]]:
    """A document view's portions as the caller may see them, markings in their scheme.
    With placeholders on, every portion in order carries its ``position`` (from 0) and
    ``withheld``; a withheld one carries nothing else (no marking, no text)."""
    shown: list[dict[str, Any]] = []
    for position, portion in enumerate(view.slots()):
        if portion is None:
            shown.append({"position": position, "withheld": True, "marking": None, "text": None})
            continue
        shown_as = rendered(portion.label, view.reader_scheme, registry)[0]
        entry: dict[str, Any] = {"marking": shown_as, "text": portion.text}
        if view.layout:
            entry |= {"position": position, "withheld": False}
        shown.append(entry)
    return shown
