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

from tearline.audit import Record
from tearline.errors import InvalidInput, TearlineError
from tearline.policy.decide import day_of
from tearline.service.context import Context
from tearline.service.items import Draft, Items, created_record, rendered
from tearline.service.records import ItemKind, ItemRecord, PersonRecord

__all__ = ["Bulk", "Due", "ImportResult"]

_FIELDS = frozenset(
    {"id", "kind", "title", "marking", "scheme", "content", "at", "lat", "lon", "authority"}
)


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


def _draft(number: int, text: str) -> Draft:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as bad:
        raise _line_error(number, f"not JSON ({bad.msg} at column {bad.colno})") from None
    if not isinstance(data, dict):
        raise _line_error(number, "each line is one JSON object")
    unknown = sorted(set(data) - _FIELDS)
    if unknown:
        raise _line_error(
            number, f"unknown field {unknown[0]!r}; fields: {', '.join(sorted(_FIELDS))}"
        )
    return Draft(
        kind=_kind(number, data.get("kind", "report")), title=_text(number, data, "title"),
        content=_text(number, data, "content", ""), marking=_maybe(number, data, "marking"),
        scheme=_maybe(number, data, "scheme"), at=_time(number, data.get("at")),
        lat=_number(number, data, "lat"), lon=_number(number, data, "lon"),
        authority=_maybe(number, data, "authority"),
        source_key=_key(data, text),
    )  # fmt: skip


def _key(data: dict[str, Any], text: str) -> str:
    if isinstance(data.get("id"), str) and data["id"]:
        return "id:" + str(data["id"])[:200]
    return "sha256:" + hashlib.sha256(text.strip().encode()).hexdigest()


def _kind(number: int, value: object) -> ItemKind:
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
    if value is None:
        return None
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
        batch: int = 5000,
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
        records = self._checked(author, lines, at)
        added = 0
        for start in range(0, len(records), batch):
            chunk = records[start : start + batch]
            added += self._ctx.run(partial(self._write, chunk, at))
            if progress is not None:
                progress(len(chunk))
        return ImportResult(len(records), added, len(records) - added)

    def _checked(
        self, author: PersonRecord, lines: Iterable[str], at: datetime
    ) -> list[ItemRecord]:
        records = []
        for number, text in enumerate(lines, 1):
            if not text.strip():
                continue
            draft = _draft(number, text)
            try:
                record = self._items.prepare(author, draft, at)
            except TearlineError as problem:
                raise _line_error(number, str(problem)) from None
            records.append(record)
        if records:
            self._ctx.run(lambda: self._may_write(author, records, at))
        return records

    def _may_write(self, author: PersonRecord, records: Sequence[ItemRecord], at: datetime) -> None:
        seen = set()
        for record in records:
            labels = (record.label, *(p.label for p in record.portions))
            if labels not in seen:
                self._items.refuse_write(author, record, at, "item.import")
                seen.add(labels)

    def _write(self, chunk: Sequence[ItemRecord], at: datetime) -> int:
        keys = [r.source_key for r in chunk if r.source_key is not None]
        done = self._ctx.store.existing_sources(keys)
        fresh: list[ItemRecord] = []
        seen: set[str | None] = set(done)
        for record in chunk:
            if record.source_key in seen:
                continue
            seen.add(record.source_key)
            fresh.append(record)
        self._ctx.store.add_items(fresh)
        self._ctx.audit.write([created_record(r, at, self._ctx.registry) for r in fresh])
        return len(fresh)

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
