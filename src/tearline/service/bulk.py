"""Bulk work: importing items from JSON lines, and listing items due for declassification
review.

An import is checked whole before anything is written (a bad line is named by its number),
then written in batches, each batch with its audit entries in one transaction. Every line
has a key (its ``id`` field, else the SHA-256 of the line as written), so running the same
import again — after a crash, say — adds only what is missing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from typing import Any

from tearline.audit import Record, micros
from tearline.errors import DataFault, InvalidInput, TearlineError
from tearline.policy.decide import day_of
from tearline.service.context import Context
from tearline.service.drafts import Draft, created_record, new_item_ids
from tearline.service.fields import check_fields
from tearline.service.items import Items
from tearline.service.records import ItemKind, ItemRecord, ItemRow, PersonRecord
from tearline.service.views import rendered

__all__ = ["Bulk", "Due", "ImportResult"]

_FIELDS = frozenset(
    {"id", "kind", "title", "marking", "scheme", "content", "at", "lat", "lon", "authority"}
)

_KINDS = {kind.value: kind for kind in ItemKind}


@dataclass(frozen=True, slots=True)
class ImportResult:
    """How an import went: lines read, items added, lines already imported before."""

    lines: int
    added: int
    skipped: int


@dataclass(frozen=True, slots=True)
class Due:
    """An item whose declassification date (or event) calls for review."""

    item_id: str
    title: str
    marking: str
    declassify_on: date | None
    event: str | None


def _line_error(number: int, problem: str) -> InvalidInput:
    return InvalidInput(f"line {number}: {problem}")


def _fields(number: int, text: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as bad:
        raise _line_error(number, f"not JSON ({bad.msg} at column {bad.colno})") from None
    if not isinstance(data, dict):
        raise _line_error(number, "each line is one JSON object")
    if not data.keys() <= _FIELDS:
        unknown = sorted(set(data) - _FIELDS)
        raise _line_error(
            number, f"unknown field {unknown[0]!r}; fields: {', '.join(sorted(_FIELDS))}"
        )
    return data


def _draft(number: int, data: dict[str, Any], key: str) -> Draft:
    return Draft(
        kind=_kind(number, data.get("kind", "report")), title=_text(number, data, "title"),
        content=_text(number, data, "content", ""), marking=_maybe(number, data, "marking"),
        scheme=_maybe(number, data, "scheme"), at=_time(number, data.get("at")),
        lat=_number(number, data, "lat"), lon=_number(number, data, "lon"),
        authority=_maybe(number, data, "authority"),
        source_key=key,
    )  # fmt: skip


def _key_of(line: _Line) -> str:
    return _source_of(line) if isinstance(line, ItemRecord) else line[0]


def _source_of(record: ItemRecord) -> str:
    if record.source_key is None:  # pragma: no cover - every imported record has its key
        raise DataFault("an imported record has no key")
    return record.source_key


def _key(data: dict[str, Any], text: str) -> str:
    if isinstance(data.get("id"), str) and data["id"]:
        return "id:" + str(data["id"])[:200]
    return "sha256:" + hashlib.sha256(text.strip().encode()).hexdigest()


def _kind(number: int, value: object) -> ItemKind:
    known = _KINDS.get(value) if isinstance(value, str) else None
    if known is not None:
        return known
    try:
        return ItemKind(str(value))
    except ValueError:
        kinds = ", ".join(k.value for k in ItemKind)
        raise _line_error(number, f"kind {str(value)[:30]!r} is not one of {kinds}") from None


def _text(number: int, data: dict[str, Any], key: str, default: str | None = None) -> str:
    value = data.get(key, default)
    if not isinstance(value, str):
        raise _line_error(number, f"field {key!r} must be text")
    return value


def _maybe(number: int, data: dict[str, Any], key: str) -> str | None:
    return None if data.get(key) is None else _text(number, data, key)


def _number(number: int, data: dict[str, Any], key: str) -> float | None:
    value = data.get(key)
    if value is None or type(value) is float:
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _line_error(number, f"field {key!r} must be a number")
    return float(value)


def _time(number: int, value: object) -> datetime | None:
    if value is None:
        return None
    try:
        when = datetime.fromisoformat(str(value))
    except ValueError:
        raise _line_error(number, f"'at' {str(value)[:40]!r} is not an ISO time") from None
    if when.tzinfo is None:
        raise _line_error(number, "'at' needs a timezone, e.g. 2026-11-30T08:00:00Z")
    return when


@dataclass(eq=False, slots=True)
class _Shared:
    """What the lines of one kind and marking share: the first such line's item record
    (checked whole, its label parsed, the author's right to write it decided) and the
    detail of its ``item.create`` audit entry."""

    record: ItemRecord
    detail: str


#: A checked line: its item record (a document, a line with an authority block, the first
#: line of each kind and marking), or ``(source key, what it shares, title, content, at in
#: microseconds, lat, lon)`` for each line after that first one.
_Line = ItemRecord | tuple[str, _Shared, str, str, int, float | None, float | None]


class Bulk:
    """Bulk imports and the declassification review list."""

    def __init__(self, ctx: Context, items: Items) -> None:
        self._ctx = ctx
        self._items = items

    def import_lines(
        self,
        actor_id: str,
        lines: Iterable[str],
        *,
        batch: int = 20_000,
        progress: Callable[[int], None] | None = None,
    ) -> ImportResult:
        """Import items from JSON lines written by ``actor_id``.

        Raises:
            InvalidInput: a line is malformed (``line N: …``); nothing is written.
            Denied: a line's marking is above what the actor may read; nothing is written.
        """
        at = self._ctx.clock()
        with self._ctx.store.transaction(write=False):
            author = self._ctx.actor(actor_id)
        checked = self._checked(author, lines, at)
        added = 0
        for start in range(0, len(checked), batch):
            chunk = checked[start : start + batch]
            added += self._ctx.run(partial(self._write, chunk, author, at))
            if progress is not None:
                progress(len(chunk))
        return ImportResult(len(checked), added, len(checked) - added)

    def _checked(self, author: PersonRecord, lines: Iterable[str], at: datetime) -> list[_Line]:
        shared: dict[tuple[ItemKind, str | None, str | None], _Shared] = {}
        checked: list[_Line] = []
        for number, text in enumerate(lines, 1):
            if text.strip():
                checked.append(self._line(author, number, text, at, shared))
        records = [line for line in checked if isinstance(line, ItemRecord)]
        if records:
            self._ctx.run(lambda: self._may_write(author, records, at))
        return checked

    def _line(
        self, author: PersonRecord, number: int, text: str, at: datetime,
        shared: dict[tuple[ItemKind, str | None, str | None], _Shared],
    ) -> _Line:  # fmt: skip
        data = _fields(number, text)
        key = _key(data, text)
        draft = _draft(number, data, key)
        if draft.kind is ItemKind.DOCUMENT or draft.authority is not None:
            return self._prepared(author, number, draft, at)
        found = shared.get((draft.kind, draft.marking, draft.scheme))
        if found is None:
            record = self._prepared(author, number, draft, at)
            detail = created_record(record, at, self._ctx.registry).detail_json()
            shared[(draft.kind, draft.marking, draft.scheme)] = _Shared(record, detail)
            return record
        try:
            check_fields(draft.title, draft.lat, draft.lon)
        except TearlineError as problem:
            raise _line_error(number, str(problem)) from None
        when = micros(draft.at or at)
        return (key, found, draft.title.strip(), draft.content, when, draft.lat,
                draft.lon)  # fmt: skip

    def _prepared(self, author: PersonRecord, number: int, draft: Draft, at: datetime
                  ) -> ItemRecord:  # fmt: skip
        try:
            return self._items.prepare(author, draft, at)
        except TearlineError as problem:
            raise _line_error(number, str(problem)) from None

    def _may_write(self, author: PersonRecord, records: Sequence[ItemRecord], at: datetime) -> None:
        seen = set()
        for record in records:
            labels = (record.label, *(p.label for p in record.portions))
            if labels not in seen:
                self._items.refuse_write(author, record, at, "item.import")
                seen.add(labels)

    def _write(self, chunk: Sequence[_Line], author: PersonRecord, at: datetime) -> int:
        """Write the chunk's lines not imported before, with one ``item.create`` entry
        each: the lines sharing a kind and marking as rows, the others as records."""
        store = self._ctx.store
        done = store.existing_sources([_key_of(line) for line in chunk])
        records: list[ItemRecord] = []
        rows: list[ItemRow] = []
        audited: list[tuple[str, str]] = []
        label_ids: dict[_Shared, int] = {}
        now = micros(at)
        fixed = (now, now, author.id, author.nationalities[0], author.organisation, 1)
        ids = iter(new_item_ids(len(chunk)))
        for line in chunk:
            key = _key_of(line)
            if key in done:
                continue
            done.add(key)
            if isinstance(line, ItemRecord):
                records.append(line)
                audited.append(
                    (line.id, created_record(line, at, self._ctx.registry).detail_json())
                )
                continue
            _, found, title, content, when, lat, lon = line
            label_id = label_ids.get(found)
            if label_id is None:
                label_id = label_ids[found] = store.label_id(found.record.label)
            item_id = next(ids)
            rows.append((item_id, str(found.record.kind), label_id, title, content, when, *fixed,
                         lat, lon, None, None, None, None, None, key))  # fmt: skip
            audited.append((item_id, found.detail))
        store.add_items(records)
        store.add_item_rows(rows)
        self._ctx.audit.write_batch(at, author.id, "item.create", audited)
        return len(audited)

    def due(self, actor_id: str) -> list[Due]:
        """Items the actor may read whose declassification date has come, or that
        declassify on an event (to check): for review, never declassified automatically."""

        def work() -> list[Due]:
            at = self._ctx.clock()
            reader = self._ctx.actor(actor_id)
            readable = self._ctx.readable.for_person(reader, at)
            found = [
                Due(
                    item_id,
                    title,
                    rendered(label, reader.clearance_scheme, self._ctx.registry)[0],
                    on,
                    event,
                )
                for item_id, title, label, on, event in self._ctx.store.due(day_of(at), readable)
            ]
            detail = {"items": [d.item_id for d in found]}
            self._ctx.audit.write([Record(at, reader.id, "item.due", "", "permit", detail)])
            return found

        return self._ctx.run(work)
