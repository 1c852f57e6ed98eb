"""A new item from what its author submits: the draft checked and made an item record.

A :class:`Draft` is parsed in the author's scheme (or the one it names): a document's
portions are read one by one and its banner rolled up from them, a classification authority
block is read and carried by the label, the title and position are checked. Nothing here is
written or decided: :class:`tearline.service.items.Items` decides who may write it and
stores it.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, replace
from datetime import datetime

from tearline.audit import Record
from tearline.errors import InvalidInput, LabelError
from tearline.labels.authority import Authority, read_authority, with_authority
from tearline.labels.model import Label
from tearline.labels.parse import parse, render
from tearline.labels.rollup import rollup
from tearline.labels.schemes import Registry
from tearline.service.fields import check_fields
from tearline.service.records import ItemKind, ItemRecord, PersonRecord, Portion
from tearline.service.views import marking

__all__ = [
    "Draft",
    "created_record",
    "keep_authority",
    "new_item_id",
    "new_item_ids",
    "prepare",
]

_PORTION = re.compile(r"\((?P<mark>[^()\n]{1,200})\)\s+(?P<text>.+)", re.S)


def new_item_id() -> str:
    """A fresh random item id (``i-`` and 20 hex digits): ids tell nothing of order."""
    return "i-" + secrets.token_hex(10)


def new_item_ids(count: int) -> list[str]:
    """``count`` fresh random item ids, as :func:`new_item_id` makes them, drawn at once."""
    digits = secrets.token_hex(10 * count)
    return ["i-" + digits[start : start + 20] for start in range(0, 20 * count, 20)]


@dataclass(frozen=True, slots=True)
class Draft:
    """What an author submits: the marking in a scheme, the content and its facts.

    A document's ``content`` is its portions, one paragraph each (blank lines between),
    each opening with its portion mark: ``(S//REL TO USA, JPN) text`` — or ``portions``
    gives them as ``(marking, text)`` pairs (banner or portion form). Its banner is rolled
    up from them (a stated ``marking`` must protect at least that much).
    """

    kind: ItemKind
    title: str
    content: str
    marking: str | None = None
    scheme: str | None = None
    at: datetime | None = None
    lat: float | None = None
    lon: float | None = None
    authority: str | None = None
    source_key: str | None = None
    portions: tuple[tuple[str, str], ...] | None = None


def prepare(author: PersonRecord, draft: Draft, at: datetime, registry: Registry) -> ItemRecord:
    """Check ``draft`` and make it an item record of ``author`` (nothing written yet).

    Raises:
        LabelError / InvalidInput: the marking, portions or authority block are wrong.
    """
    scheme = draft.scheme or author.clearance_scheme
    portions = _portions(draft, scheme, registry)
    label = _label(draft, scheme, portions, registry)
    authority = None
    if draft.authority is not None:
        block = registry.scheme(scheme)
        authority = read_authority(
            draft.authority.strip().splitlines(), block, document_date=at.date()
        )
        label = with_authority(label, authority)
    check_fields(draft.title, draft.lat, draft.lon)
    return ItemRecord(
        id=new_item_id(), kind=draft.kind, label=label, title=draft.title.strip(),
        content=_content(draft, portions, registry), at=draft.at or at, created=at,
        modified=at, created_by=author.id, originator_nation=author.nationalities[0],
        originator_org=author.organisation, lat=draft.lat, lon=draft.lon,
        classified_by=authority.classified_by if authority else None,
        derived_from=authority.derived_from if authority else None,
        declassify_on=authority.declassify_on if authority else None,
        declassify_event=authority.event if authority else None,
        exemption=authority.exemption if authority else None,
        portions=portions, source_key=draft.source_key,
    )  # fmt: skip


def _portions(draft: Draft, scheme: str, registry: Registry) -> tuple[Portion, ...]:
    if draft.kind is not ItemKind.DOCUMENT:
        return ()
    if draft.portions is not None:
        return _given_portions(draft.portions, scheme, registry)
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", draft.content) if p.strip()]
    if not paragraphs:
        raise InvalidInput("a document needs portions: paragraphs opening with (MARKING)")
    portions = []
    for number, paragraph in enumerate(paragraphs, 1):
        found = _PORTION.fullmatch(paragraph)
        if found is None:
            raise InvalidInput(
                f"portion {number} does not open with its portion mark, e.g. "
                f'"(S//REL TO USA, JPN) text": {paragraph[:30]!r}'
            )
        mark = found["mark"]
        label = parse(f"({mark})", scheme, form="portion", registry=registry)
        portions.append(Portion(label, found["text"]))
    return tuple(portions)


def _content(draft: Draft, portions: tuple[Portion, ...], registry: Registry) -> str:
    """The text kept as the item's content: a document given as portions is written out
    in the paragraph form (portion mark, text) that ``--content-file`` reads."""
    if draft.portions is None:
        return draft.content
    return "\n\n".join(
        f"{render(p.label, form='portion', registry=registry)} {p.text}" for p in portions
    )


def _given_portions(
    given: tuple[tuple[str, str], ...], scheme: str, registry: Registry
) -> tuple[Portion, ...]:
    if not given:
        raise InvalidInput("a document needs at least one portion")
    portions = []
    for number, (mark, text) in enumerate(given, 1):
        try:
            label = parse(mark.strip(), scheme, registry=registry)
        except LabelError as problem:
            raise InvalidInput(f"portion {number}: {problem}") from None
        if not text.strip():
            raise InvalidInput(f"portion {number} has no text")
        portions.append(Portion(label, text))
    return tuple(portions)


def _label(draft: Draft, scheme: str, portions: tuple[Portion, ...], registry: Registry) -> Label:
    stated = None
    if draft.marking is not None:
        stated = parse(draft.marking.strip(), scheme, registry=registry)
    if not portions:
        if stated is None:
            raise InvalidInput('an item needs its marking: --marking "SECRET//REL TO USA, JPN"')
        return stated
    return rollup([p.label for p in portions], registry=registry, banner=stated)


def keep_authority(before: ItemRecord, fresh: ItemRecord) -> ItemRecord:
    """``fresh`` carrying ``before``'s classification authority block (an edit that gives no
    new block keeps the old one, and the label keeps its declassification date)."""
    if before.classified_by is None:
        return fresh
    block = Authority(
        before.classified_by, before.derived_from, None, before.declassify_on,
        before.exemption, before.declassify_event,
    )  # fmt: skip
    return replace(
        fresh, label=with_authority(fresh.label, block), classified_by=before.classified_by,
        derived_from=before.derived_from, declassify_on=before.declassify_on,
        declassify_event=before.declassify_event, exemption=before.exemption,
    )  # fmt: skip


def created_record(item: ItemRecord, at: datetime, registry: Registry) -> Record:
    """The audit record of a new item."""
    detail = {"kind": str(item.kind), "marking": marking(item.label, registry),
              "version": item.version}  # fmt: skip
    return Record(at, item.created_by, "item.create", item.id, "done", detail)
