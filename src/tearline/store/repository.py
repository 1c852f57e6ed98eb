"""Every query the node's services make, written once for both backends.

The repository reads and writes records; it decides nothing. Its one query over items that
a person may read takes the ids of the labels that person may read (the policy's answer)
and lets the database return only rows carrying one of them: see :mod:`.readable`.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from operator import itemgetter
from typing import Any

from tearline.audit import AuditRow, Checkpoint, Entry
from tearline.labels import codec
from tearline.labels.model import Label
from tearline.labels.rollup import rollup
from tearline.labels.schemes import Registry
from tearline.policy.model import Status
from tearline.service.listing import Facets, Page, Query, Summary
from tearline.service.records import (
    Grant,
    ItemKind,
    ItemRecord,
    ItemRow,
    PersonRecord,
    Portion,
    Role,
    VettingEvent,
)
from tearline.store import readable as readable_plan
from tearline.store import search
from tearline.store.audit_head import AuditHeadRow
from tearline.store.credentials import CredentialRows
from tearline.store.custody import CustodyTables
from tearline.store.database import Database
from tearline.store.exchange import ExchangeRows
from tearline.store.observations import ObservationTables
from tearline.store.onward import OnwardRows
from tearline.store.readable import Statement, Stats, carried, membership, plan, stats
from tearline.store.revocations import RevocationRows
from tearline.store.rows import day, from_day, from_list, from_us, to_list, to_us, version_order
from tearline.store.sync_rows import SyncRows

__all__ = ["Repository"]


@dataclass(slots=True)
class _Planning:
    """What the planner knows of one (kind, readable set): the ids sorted, the counts and
    the readable labels some item carries (each read when first needed)."""

    ids: tuple[int, ...]
    stats: Stats | None = None
    present: list[int] | None = None


_PERSON_COLUMNS = (
    "id, name, organisation, nationalities, roles, clearance_level, clearance_scheme, "
    "clearance_granted, clearance_expires, status, version, created, modified"
)
_ITEM_COLUMNS = (
    "id, kind, label_id, title, content, at, created, modified, created_by, "
    "originator_nation, originator_org, version, lat, lon, classified_by, derived_from, "
    "declassify_on, declassify_event, exemption, source_key"
)
_AUDIT_COLUMNS = "seq, at, actor, action, subject, outcome, detail, prev, hash"


class Repository(
    AuditHeadRow,
    CredentialRows,
    CustodyTables,
    ObservationTables,
    RevocationRows,
    SyncRows,
    ExchangeRows,
    OnwardRows,
):
    """The node's tables over one database connection (see :class:`Database`)."""

    def __init__(self, db: Database, registry: Registry) -> None:
        self.db = db
        self._registry = registry
        self._labels: dict[int, Label] = {}
        self._label_ids: dict[str, int] = {}
        self._ids_by_label: dict[Label, int] = {}  # equal labels have equal intern keys
        self._newest = 0  # the highest label id cached
        # The planner's statistics per (kind, readable set), kept while nothing was written:
        # SQLite's data_version moves when another connection commits, _writes when we do.
        self._writes = 0
        self._stats_mark: tuple[int, int] | None = None
        self._stats_due = 0.0  # when PostgreSQL's mark is next read (time.monotonic)
        self._stats: dict[tuple[object, tuple[int, ...]], _Planning] = {}

    @contextmanager
    def transaction(self, *, write: bool = True) -> Iterator[None]:
        """One transaction. If a write transaction fails, the labels this repository cached
        from inside it are forgotten: a label interned in a rolled-back transaction has no
        row, and its id may be given to another label next. Labels known before it are kept
        (ids only grow): a refused write, like a refused read, leaves the cache as it was, so
        the next request — a forbidden id as much as a missing one — costs what it did."""
        before = self._newest
        try:
            with self.db.transaction(write=write):
                yield
        except BaseException:
            if not write:
                raise
            self._forget_labels_after(before)
            self._stats.clear()
            self._stats_mark = None
            raise

    def _forget_labels_after(self, label_id: int) -> None:
        for newer in [known for known in self._labels if known > label_id]:
            del self._labels[newer]
        self._label_ids = {key: i for key, i in self._label_ids.items() if i <= label_id}
        self._ids_by_label = {label: i for label, i in self._ids_by_label.items() if i <= label_id}
        self._newest = label_id

    # ------------------------------------------------------------------ node
    def node(self) -> tuple[str, str, str] | None:
        """The node's ``(id, nation, scheme)``, or ``None`` before ``init``."""
        row = self.db.one("SELECT id, nation, scheme FROM node")
        return None if row is None else (row[0], row[1], row[2])

    def create_node(self, node_id: str, nation: str, scheme: str, at: datetime) -> None:
        """Record who the node is (once)."""
        self.db.execute(
            "INSERT INTO node (id, nation, scheme, created) VALUES (?, ?, ?, ?)",
            (node_id, nation, scheme, to_us(at)),
        )

    # ------------------------------------------------------------------ people
    def add_person(self, person: PersonRecord, at: datetime) -> None:
        """Insert a new person with their authorizations."""
        self.db.execute(
            f"INSERT INTO people ({_PERSON_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            _person_row(person, at, at),
        )
        self._write_grants(person)

    def update_person(self, person: PersonRecord, at: datetime) -> None:
        """Store ``person`` as it now is (its version already raised by the caller)."""
        row = _person_row(person, person.created or at, at)
        self.db.execute(
            "UPDATE people SET name=?, organisation=?, nationalities=?, roles=?, "
            "clearance_level=?, clearance_scheme=?, clearance_granted=?, clearance_expires=?, "
            "status=?, version=?, modified=? WHERE id=?",
            (*row[1:11], row[12], person.id),
        )
        self.db.execute("DELETE FROM authorizations WHERE person_id = ?", (person.id,))
        self._write_grants(person)

    def _write_grants(self, person: PersonRecord) -> None:
        self.db.executemany(
            "INSERT INTO authorizations (person_id, token, granted, expires) VALUES (?,?,?,?)",
            [(person.id, g.token, day(g.granted), day(g.expires)) for g in person.authorizations],
        )

    def person(self, person_id: str) -> PersonRecord | None:
        """The person with ``person_id``, or ``None``."""
        row = self.db.one(f"SELECT {_PERSON_COLUMNS} FROM people WHERE id = ?", (person_id,))
        if row is None:
            return None
        grants = self.db.all(
            "SELECT token, granted, expires FROM authorizations WHERE person_id = ? ORDER BY token",
            (person_id,),
        )
        return _person(row, grants)

    def person_version(self, person_id: str) -> int | None:
        """The version of ``person_id``'s record (a cheap freshness check), or ``None``."""
        row = self.db.one("SELECT version FROM people WHERE id = ?", (person_id,))
        return None if row is None else int(row[0])

    def people(self) -> list[PersonRecord]:
        """Everyone, by name."""
        rows = self.db.all(f"SELECT {_PERSON_COLUMNS} FROM people ORDER BY name, id")
        grants: dict[str, list[Any]] = {}
        for g in self.db.all(
            "SELECT person_id, token, granted, expires FROM authorizations ORDER BY token"
        ):
            grants.setdefault(g[0], []).append(g[1:])
        return [_person(row, grants.get(row[0], [])) for row in rows]

    def add_vetting_event(self, event: VettingEvent) -> None:
        """Append one vetting event to the person's history."""
        self.db.execute(
            "INSERT INTO vetting_events (person_id, at, event, actor, reason, detail) "
            "VALUES (?,?,?,?,?,?)",
            (
                event.person_id, to_us(event.at), event.event, event.actor, event.reason,
                json.dumps(event.detail, sort_keys=True, ensure_ascii=False),
            ),
        )  # fmt: skip

    def vetting_history(self, person_id: str) -> list[VettingEvent]:
        """The person's vetting events, oldest first."""
        rows = self.db.all(
            "SELECT at, event, actor, reason, detail FROM vetting_events WHERE person_id = ? "
            "ORDER BY n",
            (person_id,),
        )
        return [
            VettingEvent(person_id, from_us(r[0]), r[1], r[2], r[3], json.loads(r[4])) for r in rows
        ]

    # ------------------------------------------------------------------ labels
    def label_id(self, label: Label) -> int:
        """The id of ``label`` in the labels table, interning it if it is new."""
        remembered = self._ids_by_label.get(label)
        if remembered is not None:
            return remembered
        key = codec.intern_key(label)
        known = self._label_ids.get(key)
        if known is not None:
            self._ids_by_label[label] = known
            return known
        self.db.execute(
            "INSERT INTO labels (key, body) VALUES (?, ?) ON CONFLICT (key) DO NOTHING",
            (key, codec.canonical_json(label).decode()),
        )
        row = self.db.one("SELECT id FROM labels WHERE key = ?", (key,))
        if row is None:  # pragma: no cover - the insert above makes it exist
            raise LookupError(key)
        self._label_ids[key] = int(row[0])
        self._labels[int(row[0])] = label
        self._ids_by_label[label] = int(row[0])
        self._newest = max(self._newest, int(row[0]))
        return int(row[0])

    def label(self, label_id: int) -> Label:
        """The label with ``label_id`` (decoded through the codec's gate, then cached)."""
        found = self._labels.get(label_id)
        if found is None:
            self.labels_after(max(self._labels, default=0))
            found = self._labels.get(label_id)
        if found is None:  # a rollback emptied the cache, since refilled past this id
            row = self.db.one("SELECT key, body FROM labels WHERE id = ?", (label_id,))
            if row is None:
                raise KeyError(label_id)
            found = codec.from_dict(json.loads(row[1]), registry=self._registry)
            self._labels[label_id] = found
            self._label_ids[row[0]] = label_id
        return found

    def labels_after(self, after: int) -> list[tuple[int, Label]]:
        """Labels with an id above ``after``, in id order (labels never change once stored)."""
        rows = self.db.all("SELECT id, key, body FROM labels WHERE id > ? ORDER BY id", (after,))
        new = []
        for label_id, key, body in rows:
            label = self._labels.get(label_id)
            if label is None:
                label = codec.from_dict(json.loads(body), registry=self._registry)
                self._labels[label_id] = label
                self._label_ids[key] = label_id
                self._newest = max(self._newest, int(label_id))
            new.append((int(label_id), label))
        return new

    def label_counts(self, kind: ItemKind | None) -> dict[int, int]:
        """How many items (of ``kind``, or of any kind) carry each label (the planner's
        statistics)."""
        if kind is None:
            rows = self.db.all("SELECT label_id, SUM(items) FROM label_counts GROUP BY label_id")
        else:
            rows = self.db.all(
                "SELECT label_id, items FROM label_counts WHERE kind = ?", (str(kind),)
            )
        return {int(label_id): int(n) for label_id, n in rows}

    def _count(self, changes: dict[tuple[str, int], int]) -> None:
        self._writes += 1
        self.db.executemany(
            "INSERT INTO label_counts (kind, label_id, items) VALUES (?, ?, ?) "
            "ON CONFLICT (kind, label_id) "
            "DO UPDATE SET items = label_counts.items + excluded.items",
            [(kind, label_id, n) for (kind, label_id), n in changes.items() if n],
        )

    # ------------------------------------------------------------------ items
    def add_items(self, items: Sequence[ItemRecord]) -> None:
        """Insert new items (and their portions) in one go."""
        self.add_item_rows([self._item_row(item) for item in items])
        self._add_portions(items)

    def add_item_rows(self, rows: Sequence[ItemRow]) -> None:
        """Insert new items without portions, given as rows (label ids interned already)."""
        self.db.executemany(
            f"INSERT INTO items ({_ITEM_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            rows,
        )
        self._count(Counter(zip(map(itemgetter(1), rows), map(itemgetter(2), rows), strict=True)))

    def _add_portions(self, items: Iterable[ItemRecord]) -> None:
        self.db.executemany(
            "INSERT INTO portions (item_id, version, position, label_id, text) VALUES (?,?,?,?,?)",
            [
                (item.id, item.version, position, self.label_id(p.label), p.text)
                for item in items
                for position, p in enumerate(item.portions)
            ],
        )

    def _item_row(self, item: ItemRecord) -> ItemRow:
        return (
            item.id, str(item.kind), self.label_id(item.label), item.title, item.content,
            to_us(item.at), to_us(item.created), to_us(item.modified), item.created_by,
            item.originator_nation, item.originator_org, item.version, item.lat, item.lon,
            item.classified_by, item.derived_from, day(item.declassify_on),
            item.declassify_event, item.exemption, item.source_key,
        )  # fmt: skip

    def revise_item(self, before: ItemRecord, after: ItemRecord, by: str) -> None:
        """Keep ``before`` as an earlier version and make ``after`` the item."""
        self.db.execute(
            "INSERT INTO item_versions (item_id, version, label_id, title, content, modified, "
            "modified_by) SELECT id, version, label_id, title, content, modified, ? "
            "FROM items WHERE id = ?",
            (by, before.id),
        )
        self.db.execute(
            "UPDATE items SET label_id=?, title=?, content=?, modified=?, version=?, "
            "classified_by=?, derived_from=?, declassify_on=?, declassify_event=?, exemption=? "
            "WHERE id = ?",
            (
                self.label_id(after.label), after.title, after.content, to_us(after.modified),
                after.version, after.classified_by, after.derived_from, day(after.declassify_on),
                after.declassify_event, after.exemption, after.id,
            ),
        )  # fmt: skip
        self._add_portions([after])
        old, new = self.label_id(before.label), self.label_id(after.label)
        if old != new:
            self._count({(str(before.kind), old): -1, (str(after.kind), new): 1})

    def item(self, item_id: str) -> ItemRecord | None:
        """The item ``item_id`` at its current version, with its portions, or ``None``."""
        row = self.db.one(f"SELECT {_ITEM_COLUMNS} FROM items WHERE id = ?", (item_id,))
        return None if row is None else self._item(row)

    def item_head(self, item_id: str) -> tuple[Label, ItemKind] | None:
        """Just the current label and the kind of ``item_id`` (to decide before reading
        anything else)."""
        row = self.db.one("SELECT label_id, kind FROM items WHERE id = ?", (item_id,))
        return None if row is None else (self.label(int(row[0])), ItemKind(row[1]))

    def portion_label_ids(self, item_id: str) -> list[int]:
        """The label ids of the portions of ``item_id``'s current version (none for an item
        that is not a document, or no item)."""
        rows = self.db.all(
            "SELECT p.label_id FROM portions p JOIN items i ON i.id = p.item_id "
            "AND i.version = p.version WHERE p.item_id = ? ORDER BY p.position",
            (item_id,),
        )
        return [int(row[0]) for row in rows]

    def existing_sources(self, keys: Sequence[str]) -> set[str]:
        """Which of these import keys are already stored (so a re-run skips them)."""
        found: set[str] = set()
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            found.update(
                r[0]
                for r in self.db.all(
                    f"SELECT source_key FROM items WHERE source_key IN ({marks})", chunk
                )
            )
        return found

    def items(self, item_ids: Sequence[str]) -> dict[str, ItemRecord]:
        """The items of these ids that exist, at their current versions, by id: as
        :meth:`item` gives each, in two queries for every 500."""
        found: dict[str, ItemRecord] = {}
        for start in range(0, len(item_ids), 500):
            chunk = item_ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self.db.all(f"SELECT {_ITEM_COLUMNS} FROM items WHERE id IN ({marks})", chunk)
            current = {(row[0], int(row[11])) for row in rows}
            portions: dict[str, list[tuple[int, str]]] = {}
            for item_id, version, label_id, text in self.db.all(
                "SELECT item_id, version, label_id, text FROM portions "
                f"WHERE item_id IN ({marks}) ORDER BY item_id, position",
                chunk,
            ):  # fmt: skip
                if (item_id, int(version)) in current:
                    portions.setdefault(item_id, []).append((int(label_id), text))
            for row in rows:
                found[row[0]] = self._item(row, portions.get(row[0], []))
        return found

    def _item(
        self, row: Sequence[Any], portion_rows: Sequence[tuple[int, str]] | None = None
    ) -> ItemRecord:
        if portion_rows is None:
            portion_rows = self.db.all(
                "SELECT label_id, text FROM portions WHERE item_id = ? AND version = ? "
                "ORDER BY position",
                (row[0], row[11]),
            )
        portions = tuple(
            Portion(self.label(int(label_id)), text) for label_id, text in portion_rows
        )
        return ItemRecord(
            id=row[0], kind=ItemKind(row[1]), label=self.label(int(row[2])), title=row[3],
            content=row[4], at=from_us(row[5]), created=from_us(row[6]),
            modified=from_us(row[7]), created_by=row[8], originator_nation=row[9],
            originator_org=row[10], version=int(row[11]), lat=row[12], lon=row[13],
            classified_by=row[14], derived_from=row[15], declassify_on=from_day(row[16]),
            declassify_event=row[17], exemption=row[18], portions=portions, source_key=row[19],
        )  # fmt: skip

    def versions(self, item_id: str) -> list[tuple[int, Label, str, datetime, str]]:
        """The earlier versions of ``item_id``: ``(version, label, title, modified, by)``."""
        rows = self.db.all(
            "SELECT version, label_id, title, modified, modified_by FROM item_versions "
            "WHERE item_id = ? ORDER BY version",
            (item_id,),
        )
        return [(int(v), self.label(int(lid)), t, from_us(m), by) for v, lid, t, m, by in rows]

    def readable_statement(self, query: Query, readable: Sequence[int]) -> Statement | None:
        """The statement :meth:`readable_page` runs (``None``: nothing readable is carried,
        no query). See :func:`.readable.plan`."""
        if not readable:
            return None
        dialect = self.db.dialect
        entry = self._planning(query.kind, readable)

        def present() -> list[int]:
            fresh = self._planning(query.kind, readable, fresh=True)
            if fresh.present is None:
                found = self.db.all(*carried(query.kind, fresh.ids, dialect))
                fresh.present = [int(r[0]) for r in found]
            return list(fresh.present)

        return plan(query, entry.ids, self._known(entry, query.kind), dialect, present)

    def _known(self, entry: _Planning, kind: ItemKind | None) -> Stats:
        if entry.stats is None:
            row = self.db.one(*stats(kind, entry.ids, self.db.dialect))
            entry.stats = Stats(*(int(v) for v in row)) if row else Stats(0, 0, 0)
        return entry.stats

    def _planning(self, kind: ItemKind | None, readable: Sequence[int], *, fresh: bool = False
                  ) -> _Planning:  # fmt: skip
        """What the planner knows of this reading, forgotten whenever anything may have been
        written: on SQLite when ``data_version`` moves (another connection committed), on
        PostgreSQL when the audit log grows (every write through the services appends to it
        in the same transaction) — asked on each call on SQLite, and on PostgreSQL when
        ``fresh`` or at most every :data:`.readable.STATS_SECONDS` — and on our own writes."""
        now = time.monotonic()
        mark = self._stats_mark
        if fresh or mark is None or mark[1] != self._writes or now >= self._stats_due:
            mark = (self._write_mark(), self._writes)
            if self.db.dialect == "postgres":
                self._stats_due = now + readable_plan.STATS_SECONDS
        if mark != self._stats_mark or len(self._stats) > 4096:
            self._stats.clear()
            self._stats_mark = mark
        key = (kind, readable if isinstance(readable, tuple) else tuple(readable))
        entry = self._stats.get(key)
        if entry is None:
            entry = self._stats[key] = _Planning(tuple(sorted(set(readable))))
        return entry

    def _write_mark(self) -> int:
        if self.db.dialect == "sqlite":
            row = self.db.one("PRAGMA data_version")
        else:
            row = self.db.one("SELECT COALESCE(MAX(seq), 0) FROM audit")
        return int(row[0]) if row else -1

    def readable_page(self, query: Query, readable: Sequence[int]) -> Page:
        """A page of the items ``query`` asks for that a person who may read the labels in
        ``readable`` sees: items carrying one of them, and documents of which they may read a
        portion (their banner rolled up from those portions alone).

        The database sees the readable label ids and returns only rows the person sees:
        nothing the person may not read is read. See :mod:`.readable` and :mod:`.search`.
        """
        if query.text is not None:
            found = search.searched(query, self._reading(query, readable))
            if found is None:
                return Page((), None, "empty")
            return search.page(self.db.all(*found), query, "search", self.label, self._rolled)
        statement = self.readable_statement(query, readable)
        extra = None  # only documents are partly readable
        if query.kind in (None, ItemKind.DOCUMENT):
            extra = search.partial(query, self._reading(query, readable))
        rows = [] if statement is None else self.db.all(statement.sql, statement.params)
        more = [] if extra is None else self.db.all(*extra)
        if not more:
            if statement is None:
                return Page((), None, "empty")
            return statement.page(rows, lambda label_id: self.label(label_id))
        name = f"{statement.name}+partial" if statement else "partial"
        merged = search.merged(rows, more, query.limit)
        return search.page(merged, query, name, self.label, self._rolled)

    def readable_changed(
        self, readable: Sequence[int], since: datetime | None,
        after: tuple[datetime, str] | None, limit: int,
    ) -> list[str]:  # fmt: skip
        """The ids of up to ``limit`` items a person who may read the labels in ``readable``
        sees (as :meth:`readable_page`) whose current version was made after ``since`` and
        comes after the position ``after`` (version time, item id), in that order (index
        ``items_modified``): the federation's objects, read incrementally."""
        reading = self._reading(Query(), readable)
        if not reading.readable:
            return []
        visible, params = reading.visible()
        # In version order: SQLite would otherwise take the label index and sort every
        # readable item for each chunk (quadratic over a long sync); this visits each once.
        order = " INDEXED BY items_modified" if self.db.dialect == "sqlite" else ""
        sql = f"SELECT id FROM items{order} WHERE {visible}"
        more, after_params = version_order(since, after)
        rows = self.db.all(sql + more, (*params, *after_params, limit))
        return [str(r[0]) for r in rows]

    def readable_facets(self, query: Query, readable: Sequence[int]) -> Facets:
        """How many items ``query`` matches among those the person sees (as
        :meth:`readable_page`), in all, by kind and by tier; the cursor is ignored."""
        reading = self._reading(query, readable)
        rows = [row for sql in search.tally(query, reading) for row in self.db.all(*sql)]
        return search.facets(rows, self.label, self._rolled)

    def _reading(self, query: Query, readable: Sequence[int]) -> search.Reading:
        ids = tuple(sorted(set(readable)))
        hidden: tuple[int, ...] = ()
        if ids and query.kind in (None, ItemKind.DOCUMENT):
            banners = self.db.all(
                "SELECT label_id FROM label_counts WHERE kind = 'document' AND items > 0"
            )
            hidden = tuple(sorted({int(r[0]) for r in banners} - set(ids)))
        return search.Reading(ids, hidden, self.db.dialect)

    def _rolled(self, label_ids: Sequence[int]) -> Label:
        return rollup([self.label(i) for i in label_ids], registry=self._registry)

    def readable_summaries(self, item_ids: Sequence[str], readable: Sequence[int]
                           ) -> list[Summary]:  # fmt: skip
        """The items among ``item_ids`` that carry a readable label, as listed (the database
        filters by label: an item the reader may not read is never read)."""
        if not readable or not item_ids:
            return []
        member, ids = membership(sorted(set(readable)), self.db.dialect)
        found: list[Summary] = []
        for start in range(0, len(item_ids), 500):
            chunk = list(item_ids[start : start + 500])
            rows = self.db.all(
                "SELECT id, kind, label_id, title, at, lat, lon, version, originator_nation "
                f"FROM items WHERE {member} AND id IN ({','.join('?' * len(chunk))})",
                (*ids, *chunk),
            )
            found.extend(
                Summary(r[0], ItemKind(r[1]), self.label(int(r[2])), r[3], from_us(r[4]),
                        r[5], r[6], int(r[7]), r[8])
                for r in rows
            )  # fmt: skip
        return found

    def due(
        self, today: date, readable: Sequence[int]
    ) -> list[tuple[str, str, Label, date | None, str | None]]:
        """``(id, title, label, declassify on, event)`` of the items carrying a readable
        label whose declassification date has come, or that declassify on an event."""
        if not readable:
            return []
        member, ids = membership(sorted(set(readable)), self.db.dialect)
        rows = self.db.all(
            f"SELECT id, title, label_id, declassify_on, declassify_event FROM items "
            f"WHERE {member} AND ((declassify_on IS NOT NULL AND declassify_on <= ?) "
            "OR declassify_event IS NOT NULL) ORDER BY declassify_on, id",
            (*ids, today.isoformat()),
        )
        return [(r[0], r[1], self.label(int(r[2])), from_day(r[3]), r[4]) for r in rows]

    def add_release(
        self, release_id: str, source_id: str, audience: str, by: str, at: datetime,
        portions: Sequence[int],
    ) -> None:  # fmt: skip
        """Link a released document to the one it was released from."""
        self.db.execute(
            "INSERT INTO releases (release_id, source_id, audience, released_by, at, portions) "
            "VALUES (?,?,?,?,?,?)",
            (release_id, source_id, audience, by, to_us(at), json.dumps(list(portions))),
        )

    # ------------------------------------------------------------------ spills
    def purge_items(self, item_ids: Sequence[str]) -> None:
        """Delete these items from every table that holds their content: every version,
        every portion, their release links and consents; the planner's counts follow."""
        counts: dict[tuple[str, int], int] = {}
        marks = ",".join("?" * len(item_ids))
        for kind, label_id in self.db.all(
            f"SELECT kind, label_id FROM items WHERE id IN ({marks})", tuple(item_ids)
        ):
            counts[(kind, int(label_id))] = counts.get((kind, int(label_id)), 0) - 1
        for item_id in item_ids:
            for sql in (
                "DELETE FROM consents WHERE item_id = ?",
                "DELETE FROM releases WHERE release_id = ? OR source_id = ?",
                "DELETE FROM portions WHERE item_id = ?",
                "DELETE FROM item_versions WHERE item_id = ?",
                "DELETE FROM items WHERE id = ?",
            ):
                self.db.execute(sql, (item_id,) * sql.count("?"))
        self._count(counts)

    # ------------------------------------------------------------------ tokens
    def add_token(
        self, token_id: str, person_id: str, digest: str, at: datetime, by: str, expires: date
    ) -> None:
        """Keep a new API token (its hash only)."""
        self.db.execute(
            "INSERT INTO api_tokens (id, person_id, hash, created, created_by, expires) "
            "VALUES (?,?,?,?,?,?)",
            (token_id, person_id, digest, to_us(at), by, expires.isoformat()),
        )

    def token(self, digest: str) -> tuple[str, str, date, bool] | None:
        """``(token id, person id, expires, revoked)`` of the token with this hash."""
        row = self.db.one(
            "SELECT id, person_id, expires, revoked FROM api_tokens WHERE hash = ?", (digest,)
        )
        if row is None:
            return None
        return row[0], row[1], date.fromisoformat(row[2]), row[3] is not None

    def revoke_token(self, token_id: str, at: datetime) -> bool:
        """Revoke a token; whether there was one to revoke."""
        known = self.db.one("SELECT revoked FROM api_tokens WHERE id = ?", (token_id,))
        if known is None or known[0] is not None:
            return False
        self.db.execute("UPDATE api_tokens SET revoked = ? WHERE id = ?", (to_us(at), token_id))
        return True

    # ------------------------------------------------------------------ audit
    def audit_head(self) -> tuple[int, str | None]:
        """The last entry's ``(seq, hash)``: ``(0, None)`` on an empty log."""
        row = self.db.one("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1")
        return (0, None) if row is None else (int(row[0]), row[1])

    def add_audit_entries(self, entries: Sequence[Entry]) -> None:
        """Append chained entries."""
        self.add_audit_rows(
            [
                (e.seq, e.at, e.actor, e.action, e.subject, e.outcome, e.detail, e.prev, e.hash)
                for e in entries
            ]
        )

    def add_audit_rows(self, rows: Sequence[AuditRow]) -> None:
        """Append chained entries given as rows (as :func:`tearline.audit.chain_rows` makes)."""
        self.db.executemany(
            f"INSERT INTO audit ({_AUDIT_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?)", rows
        )

    def audit_after(self, seq: int, limit: int = 5000) -> list[Entry]:
        """The entries after ``seq``, oldest first, at most ``limit`` of them (how a live
        stream, in this process or another, follows what the node did)."""
        rows = self.db.all(
            f"SELECT {_AUDIT_COLUMNS} FROM audit WHERE seq > ? ORDER BY seq LIMIT ?",
            (seq, limit),
        )
        return [Entry(*row) for row in rows]

    def audit_entries(self, batch: int = 5000) -> Iterator[Entry]:
        """Every entry, in order of ``seq``, read in batches."""
        after = -1
        while True:
            rows = self.db.all(
                f"SELECT {_AUDIT_COLUMNS} FROM audit WHERE seq > ? ORDER BY seq LIMIT ?",
                (after, batch),
            )
            for row in rows:
                yield Entry(*row)
            if len(rows) < batch:
                return
            after = rows[-1][0]

    def audit_search(
        self,
        *,
        actor: str | None = None,
        action: str | None = None,
        subject: str | None = None,
        since: datetime | None = None,
        limit: int = 50,
    ) -> list[Entry]:
        """The latest entries matching every filter given, newest first."""
        where: list[str] = ["1=1"]
        params: list[Any] = []
        for column, value in (("actor", actor), ("action", action), ("subject", subject)):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        if since is not None:
            where.append("at >= ?")
            params.append(to_us(since))
        rows = self.db.all(
            f"SELECT {_AUDIT_COLUMNS} FROM audit WHERE {' AND '.join(where)} "
            "ORDER BY seq DESC LIMIT ?",
            (*params, limit),
        )
        return [Entry(*row) for row in rows]

    def add_checkpoint(self, checkpoint: Checkpoint, at: datetime) -> None:
        """Keep a signed checkpoint."""
        self.db.execute(
            "INSERT INTO audit_checkpoints (seq, hash, signature, key_id, at) VALUES (?,?,?,?,?)",
            (checkpoint.seq, checkpoint.hash, checkpoint.signature, checkpoint.key_id, to_us(at)),
        )

    def checkpoints(self) -> list[Checkpoint]:
        """Every checkpoint, in order."""
        rows = self.db.all(
            "SELECT seq, hash, signature, key_id FROM audit_checkpoints ORDER BY seq"
        )
        return [Checkpoint(int(r[0]), r[1], r[2], r[3]) for r in rows]


def _person_row(person: PersonRecord, created: datetime, modified: datetime) -> tuple[Any, ...]:
    return (
        person.id, person.name, person.organisation, to_list(person.nationalities),
        to_list(tuple(str(r) for r in person.roles)), person.clearance_level,
        person.clearance_scheme, day(person.clearance_granted), day(person.clearance_expires),
        str(person.status), person.version, to_us(created), to_us(modified),
    )  # fmt: skip


def _person(row: Sequence[Any], grants: Iterable[Sequence[Any]]) -> PersonRecord:
    granted = from_day(row[7])
    if granted is None:  # pragma: no cover - the column is NOT NULL
        raise LookupError(row[0])
    return PersonRecord(
        id=row[0], name=row[1], organisation=row[2], nationalities=from_list(row[3]),
        roles=tuple(Role(r) for r in from_list(row[4])), clearance_level=row[5],
        clearance_scheme=row[6], clearance_granted=granted, clearance_expires=from_day(row[8]),
        status=Status(row[9]),
        authorizations=tuple(Grant(t, _date(g), from_day(e)) for t, g, e in grants),
        version=int(row[10]), created=from_us(row[11]), modified=from_us(row[12]),
    )  # fmt: skip


def _date(text: str) -> date:
    return date.fromisoformat(text)
