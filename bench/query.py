"""The node store's one readable query, timed on SQLite and PostgreSQL side by side.

Run ``.venv/bin/python bench/query.py`` (1,000,000 items; ``--quick`` for 50,000 and fewer
repetitions; ``--items N`` for another size; ``--postgres URL`` for another server). It
builds the same data in both backends: about 2,000 distinct US labels (``decisions.py``'s
generator: levels, SCI and SAP compartments, NOFORN, REL TO lists over many nations and
groups), 10,000 vetted persons and the items, loaded through ``Repository.add_items``.

Four constructed readers may read about 50%, 18%, 1% and 0% of the observations (the share is
measured and printed): each label's item weight is set from which of them may read it. The
"0%" reader may read some labels, but only reports carry them.

Two queries, each for each reader: (1) the latest 100 readable observations and (2) the
latest 100 in a two-week window and a bounding box. Each is timed three ways, interleaved:

- **filtered**: ``Repository.readable_page`` (the planner's statement, its statistics read
  and the page built), over the label ids the service's ``ReadableLabels`` gives;
- **unfiltered**: the store's own statement for the query with only the label predicate
  removed (``readable.unfiltered``: the same columns, ``ORDER BY``, ``LIMIT`` and walk — a
  box of one kind by its map cells), and the same page built from the rows;
- **RLS** (PostgreSQL only): the unfiltered SQL run by a non-owner role under a row-level
  security policy that allows the rows whose label is in a table of (viewer, label id)
  pairs holding exactly the same readable sets.

Each figure is the median of interleaved runs (a shared 2-vCPU box: read the ratios). Each
plan is shown once: ``EXPLAIN QUERY PLAN`` on SQLite, ``EXPLAIN (ANALYZE, BUFFERS)`` on
PostgreSQL (with the rows of ``items`` it read). Last, items are imported through the
service's bulk import (each batch with its audit entries in one transaction) on both
backends. The last line is ``worst filtered/unfiltered: sqlite R1, postgres R2; 0% reader rows
scanned: N; ingest items/s: M`` (the SQLite ingest rate).

The PostgreSQL data lives in a schema of its own, dropped at the end with its role.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import secrets
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import quote

import psycopg

from decisions import build_markings, random_person
from tearline.bootstrap import Node, Officer, create_node
from tearline.config import Settings
from tearline.labels.model import Label
from tearline.labels.parse import render
from tearline.policy.compiled import Compiler, can_read_labels
from tearline.policy.model import Person, Status
from tearline.service.listing import Page, Query
from tearline.service.readable import ReadableLabels
from tearline.service.records import Grant, ItemKind, ItemRecord, PersonRecord, Role
from tearline.store import readable as readable_plan
from tearline.store.database import PostgresDatabase
from tearline.store.readable import Statement

SEED = 2026
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
SPAN = timedelta(days=365)
KIND = ItemKind.OBSERVATION  # what both queries list; reports carry the rest
OTHER_SHARE = 0.10  # share of items that are reports
WINDOW = (NOW - timedelta(days=120), NOW - timedelta(days=106))  # query 2: two weeks
BBOX = (20.0, 120.0, 40.0, 140.0)  # query 2: south, west, north, east
THEATRE = (0.0, 100.0, 50.0, 160.0)  # where half the observations are
PAGE = 100
GRANTED = date(2025, 1, 1)
POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"


class Reader(NamedTuple):
    key: str
    target: float  # the share of observations this reader is built to read
    record: PersonRecord


class Sizes(NamedTuple):
    items: int
    labels: int
    persons: int
    rounds: int  # timed runs per variant (fewer when a variant exceeds its budget)
    budget: float  # seconds of timed runs per variant and case
    ingest: int  # items imported through the service


FULL = Sizes(1_000_000, 2_000, 10_000, 21, 4.0, 50_000)
QUICK = Sizes(50_000, 2_000, 10_000, 5, 0.5, 2_000)
BATCH = 20_000


# ------------------------------------------------------------------ people


def _record(pid: str, nations: Sequence[str], level: str, tokens: Sequence[str] = ()
            ) -> PersonRecord:  # fmt: skip
    return PersonRecord(
        id=pid, name=pid, organisation="bench", nationalities=tuple(nations),
        roles=(Role.ANALYST,), clearance_level=level, clearance_scheme="us",
        clearance_granted=GRANTED, clearance_expires=None, status=Status.ACTIVE,
        authorizations=tuple(Grant(t, GRANTED) for t in tokens), created=NOW, modified=NOW,
    )  # fmt: skip


def readers() -> list[Reader]:
    """The four readers: their shares come from the label weights (see ``weights``)."""
    sci = ("SI", "TK", "HCS", "SI-G", "KDK", "RSV", "EL")
    return [
        Reader("50%", 0.50, _record("r-broad", ["USA"], "S")),
        Reader("18%", 0.18, _record("r-typical", ["JPN"], "S")),
        Reader("1%", 0.01, _record("r-narrow", ["NZL"], "C")),
        Reader("0%", 0.0, _record("r-none", ["IND"], "TS", sci)),
    ]


def _from_person(person: Person) -> PersonRecord:
    clearance = person.clearance
    return PersonRecord(
        id=person.id or "", name=person.id or "", organisation="bench",
        nationalities=tuple(sorted(person.nationalities)), roles=(Role.ANALYST,),
        clearance_level=clearance.level, clearance_scheme=clearance.scheme,
        clearance_granted=GRANTED, clearance_expires=clearance.expires,
        status=clearance.status, created=NOW, modified=NOW,
        authorizations=tuple(Grant(a.token, GRANTED, a.expires) for a in person.authorizations),
    )  # fmt: skip


def population(rng: random.Random, count: int) -> list[PersonRecord]:
    """``count`` vetted persons from ``decisions.py``'s generator."""
    return [_from_person(random_person(rng, i)) for i in range(count)]


# ------------------------------------------------------------------ labels and items


@dataclass
class Mix:
    """The labels, how often each is carried, and who may read which."""

    labels: list[Label]
    weights: list[float]  # per label: the share of observations carrying it
    report_labels: list[int]  # indexes of the labels reports carry (every label)
    readable: dict[str, list[bool]] = field(default_factory=dict)  # reader -> per label


GROUPS: dict[
    tuple[bool, ...], float
] = {  # (broad, typical, narrow) may read -> share of observations
    (True, False, False): 0.315,
    (True, True, False): 0.175,
    (True, False, True): 0.005,
    (True, True, True): 0.005,
    (False, False, False): 0.50,
}


def _verdicts(labels: Sequence[Label], people: Sequence[Reader]) -> dict[str, list[bool]]:
    compiler = Compiler()
    compiled = [compiler.label(label) for label in labels]
    return {
        r.key: can_read_labels(compiler.person(r.record.as_person(), NOW), compiled) for r in people
    }


def weights(rng: random.Random, verdicts: dict[str, list[bool]]) -> list[float]:
    """Per label, its share of observations: each group of labels (by which of the broad,
    typical and narrow readers may read it) gets its target share, spread unevenly; labels
    the 0% reader may read, and groups with no target, are carried by reports only."""
    count = len(verdicts["0%"])
    groups: dict[tuple[bool, ...], list[int]] = {}
    for index in range(count):
        if verdicts["0%"][index]:
            continue
        key = tuple(verdicts[r][index] for r in ("50%", "18%", "1%"))
        if key in GROUPS:
            groups.setdefault(key, []).append(index)
    result = [0.0] * count
    for key, members in groups.items():
        raw = [rng.lognormvariate(0.0, 1.0) for _ in members]
        scale = GROUPS[key] / sum(raw)
        for index, value in zip(members, raw, strict=True):
            result[index] = value * scale
    return result


def build_mix(rng: random.Random, count: int, people: Sequence[Reader]) -> Mix:
    _, labels, _ = build_markings(rng, count)
    verdicts = _verdicts(labels, people)
    missing = [k for k in GROUPS if not any(
        all(verdicts[r][i] == v for r, v in zip(("50%", "18%", "1%"), k, strict=True))
        for i in range(len(labels)))]  # fmt: skip
    if missing:
        raise SystemExit(f"no label falls in reader group(s) {missing}; change the seed")
    return Mix(labels, weights(rng, verdicts), list(range(len(labels))), verdicts)


def _position(rng: random.Random) -> tuple[float, float]:
    if rng.random() < 0.5:
        south, west, north, east = THEATRE
        return rng.uniform(south, north), rng.uniform(west, east)
    return rng.uniform(-70.0, 70.0), rng.uniform(-180.0, 180.0)


def item_batches(rng: random.Random, mix: Mix, count: int, author: str
                 ) -> Iterator[list[ItemRecord]]:  # fmt: skip
    """``count`` items, oldest first, in batches; observations carry labels by weight."""
    step = SPAN / count
    start = NOW - SPAN
    cumulative: list[float] = []
    total = 0.0
    for w in mix.weights:
        total += w
        cumulative.append(total)
    for first in range(0, count, BATCH):
        size = min(BATCH, count - first)
        drawn = rng.choices(range(len(mix.labels)), cum_weights=cumulative, k=size)
        batch = []
        for offset, label_index in enumerate(drawn):
            kind = ItemKind.REPORT if rng.random() < OTHER_SHARE else KIND
            if kind is ItemKind.REPORT:
                label_index = rng.choice(mix.report_labels)
            at = start + step * (first + offset) + timedelta(seconds=rng.random())
            lat, lon = _position(rng)
            batch.append(ItemRecord(
                id=f"i-{rng.getrandbits(80):020x}", kind=kind, label=mix.labels[label_index],
                title=f"item {first + offset}", content="", at=at, created=at, modified=at,
                created_by=author, originator_nation="USA", originator_org="bench",
                lat=lat, lon=lon,
            ))  # fmt: skip
        yield batch


# ------------------------------------------------------------------ the two backends


@dataclass
class Backend:
    """One node's store and what the bench keeps about it."""

    name: str
    node: Node
    readable: dict[str, list[int]] = field(default_factory=dict)  # reader -> label ids
    viewer: PostgresDatabase | None = None  # the non-owner role's connection (RLS)
    load_seconds: float = 0.0


@dataclass(frozen=True)
class PostgresPlace:
    url: str
    schema: str
    role: str


@contextmanager
def postgres_place(base: str) -> Iterator[PostgresPlace]:
    """A schema and a non-owner role of the bench's own, dropped afterwards."""
    tag = secrets.token_hex(4)
    place = PostgresPlace("", f"bench_query_{tag}", f"bench_viewer_{tag}")
    with psycopg.connect(base, autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {place.schema}")
        admin.execute(f"CREATE ROLE {place.role} NOLOGIN")
    separator = "&" if "?" in base else "?"
    options = quote(f"-csearch_path={place.schema}")
    try:
        yield PostgresPlace(f"{base}{separator}options={options}", place.schema, place.role)
    finally:
        with psycopg.connect(base, autocommit=True) as admin:
            admin.execute(f"DROP SCHEMA {place.schema} CASCADE")
            admin.execute(f"DROP ROLE IF EXISTS {place.role}")


def open_backend(name: str, url: str, home: Path) -> Backend:
    node, _officer = create_node(
        Settings(home, url), nation="USA", officer=Officer("Bench Officer", "TS"),
        clock=lambda: NOW,
    )  # fmt: skip
    return Backend(name, node)


def add_people(backends: Sequence[Backend], people: Sequence[PersonRecord]) -> None:
    for backend in backends:
        store = backend.node.store
        with store.transaction():
            for person in people:
                store.add_person(person, NOW)


def _add(backend: Backend, batch: list[ItemRecord]) -> None:
    store = backend.node.store
    start = time.perf_counter()
    with store.transaction():
        store.add_items(batch)
    backend.load_seconds += time.perf_counter() - start


def load(backends: Sequence[Backend], batches: Iterator[list[ItemRecord]]) -> None:
    """Every batch into every backend through ``Repository.add_items``, one transaction
    each, the backends loading at the same time (one thread each: PostgreSQL works in its
    own process); then fresh planner statistics on PostgreSQL (as autovacuum would give)."""
    with ThreadPoolExecutor(len(backends)) as pool:
        for batch in batches:
            for done in [pool.submit(_add, backend, batch) for backend in backends]:
                done.result()
            print(".", end="", flush=True)
    print()
    for backend in backends:
        if backend.name == "postgres":
            backend.node.store.db.execute("VACUUM ANALYZE")


def readable_sets(backend: Backend, people: Sequence[Reader]) -> None:
    """Each reader's readable label ids, as the service computes them."""
    node = backend.node
    labels = ReadableLabels(node.store, node.registry)
    with node.store.transaction(write=False):
        for reader in people:
            backend.readable[reader.key] = list(labels.for_person(reader.record, NOW))


def enable_rls(backend: Backend, place: PostgresPlace, people: Sequence[Reader]) -> None:
    """Row-level security on ``items`` for a non-owner role: a row is visible when its
    label is among the viewer's readable labels (the same sets the store is given)."""
    db = backend.node.store.db
    with db.transaction():
        db.execute(
            "CREATE TABLE readable (viewer TEXT NOT NULL, label_id BIGINT NOT NULL, "
            "PRIMARY KEY (viewer, label_id))"
        )
        db.executemany(
            "INSERT INTO readable (viewer, label_id) VALUES (?, ?)",
            [(r.record.id, i) for r in people for i in backend.readable[r.key]],
        )
        db.execute("ALTER TABLE items ENABLE ROW LEVEL SECURITY")
        db.execute(
            f"CREATE POLICY items_readable ON items FOR SELECT TO {place.role} USING "
            "(items.label_id IN (SELECT r.label_id FROM readable r "
            "WHERE r.viewer = (SELECT current_setting('app.viewer'))))"
        )
        db.execute(f"GRANT USAGE ON SCHEMA {place.schema} TO {place.role}")
        db.execute(f"GRANT SELECT ON items, readable TO {place.role}")
    db.execute("ANALYZE readable")
    viewer = PostgresDatabase(place.url)
    viewer.execute(f"SET ROLE {place.role}")
    backend.viewer = viewer


# ------------------------------------------------------------------ queries


QUERIES = {
    "latest 100": Query(KIND, PAGE),
    "window+bbox": Query(KIND, PAGE, start=WINDOW[0], end=WINDOW[1], bbox=BBOX),
}


def unfiltered(backend: Backend, query: Query) -> Statement:
    """The store's own statement for ``query`` with only the label predicate removed (the
    same walk, over the same indexes: a box of one kind by its map cells)."""
    return readable_plan.unfiltered(query, backend.node.store.db.dialect)


def variants(backend: Backend, query: Query, reader: Reader) -> dict[str, Callable[[], Page]]:
    """The ways to list ``query`` for ``reader`` on ``backend``, each building a page."""
    store = backend.node.store
    readable = backend.readable[reader.key]
    bare = unfiltered(backend, query)

    def filtered() -> Page:
        return store.readable_page(query, readable)

    def plain() -> Page:
        return bare.page(store.db.all(bare.sql, bare.params), store.label)

    found: dict[str, Callable[[], Page]] = {"filtered": filtered, "unfiltered": plain}
    viewer = backend.viewer
    if viewer is not None:
        viewer.execute("SELECT set_config('app.viewer', ?, false)", (reader.record.id,))

        def rls() -> Page:
            return bare.page(viewer.all(bare.sql, bare.params), store.label)

        found["RLS"] = rls
    return found


# ------------------------------------------------------------------ timing and plans

WARMUP = 6  # psycopg prepares a statement server-side from its sixth run


def medians(runs: dict[str, Callable[[], Page]], rounds: int, budget: float
            ) -> tuple[dict[str, list[float]], dict[str, Page]]:  # fmt: skip
    """Milliseconds of each run, the runs interleaved round by round (a run stops early,
    after three times, once it has used ``budget`` seconds); and each one's page."""
    pages = {name: run() for name, run in runs.items()}
    for _ in range(WARMUP - 1):
        for run in runs.values():
            run()
    times: dict[str, list[float]] = {name: [] for name in runs}
    gc.collect()
    gc.disable()
    try:
        for _ in range(rounds):
            for name, run in runs.items():
                if len(times[name]) >= 3 and sum(times[name]) > budget:
                    continue
                start = time.perf_counter()
                run()
                times[name].append(time.perf_counter() - start)
    finally:
        gc.enable()
    return {name: [1000 * t for t in taken] for name, taken in times.items()}, pages


def sqlite_plan(backend: Backend, statement: Statement) -> str:
    """``EXPLAIN QUERY PLAN``, repeated lines (one per branch of a merge) counted."""
    rows = backend.node.store.db.all("EXPLAIN QUERY PLAN " + statement.sql, statement.params)
    counted = Counter(str(row[3]) for row in rows)
    return "; ".join(f"{n}x {text}" if n > 1 else text for text, n in counted.items())


def _describe(node: dict[str, Any]) -> str:
    name = str(node["Node Type"])
    if node.get("Scan Direction") == "Backward":
        name += " Backward"
    if "Index Name" in node:
        name += f" using {node['Index Name']}"
    children = [_describe(child) for child in node.get("Plans", [])]
    counted = Counter(children)
    if len(children) == 1:
        return f"{name} > {children[0]}"
    if children:
        inner = ", ".join(f"{n}x {text}" if n > 1 else text for text, n in counted.items())
        return f"{name} [{inner}]"
    return name


def _items_rows(node: dict[str, Any]) -> int:
    own = 0
    if node.get("Relation Name") == "items":
        read = node.get("Actual Rows", 0) + node.get("Rows Removed by Filter", 0)
        own = int(read * node.get("Actual Loops", 1))
    return own + sum(_items_rows(child) for child in node.get("Plans", []))


def postgres_plan(db: PostgresDatabase, statement: Statement) -> tuple[str, int, float]:
    """The plan, the rows of ``items`` it read, and the server's execution time (ms)."""
    found = db.one("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + statement.sql, statement.params)
    if found is None:  # pragma: no cover - EXPLAIN always answers
        raise RuntimeError("EXPLAIN gave nothing")
    tree = found[0][0] if isinstance(found[0], list) else json.loads(found[0])[0]
    return _describe(tree["Plan"]), _items_rows(tree["Plan"]), float(tree["Execution Time"])


@dataclass
class Case:
    """One query for one reader on one backend: median times and the pages listed."""

    backend: str
    query: str
    reader: str
    plan: str  # the store's plan: scan, merge, or empty (no statement)
    times: dict[str, list[float]]  # milliseconds of each timed run, per variant
    pages: dict[str, Page]

    @property
    def ms(self) -> dict[str, float]:
        """The median of each variant."""
        return {name: statistics.median(taken) for name, taken in self.times.items()}

    @property
    def ratio(self) -> float:
        return self.ms["filtered"] / self.ms["unfiltered"]

    @property
    def best_ratio(self) -> float:
        """The ratio of the fastest runs (the least disturbed by other jobs)."""
        return min(self.times["filtered"]) / min(self.times["unfiltered"])


class PlanRow(NamedTuple):
    backend: str
    query: str
    reader: str
    variant: str
    plan: str
    rows: int | None  # rows of items read (EXPLAIN ANALYZE; 0 when nothing is run)
    server_ms: float | None


def _explain(backend: Backend, db: PostgresDatabase | None, statement: Statement
             ) -> tuple[str, int | None, float | None]:  # fmt: skip
    if db is None:
        return sqlite_plan(backend, statement), None, None
    return postgres_plan(db, statement)


def explain(backend: Backend, name: str, query: Query, reader: Reader, first: bool
            ) -> list[PlanRow]:  # fmt: skip
    """Each plan of this case once: the store's statement, the unfiltered one (for the
    first reader only: it is the same for all) and the RLS one."""
    store = backend.node.store
    pg = store.db if isinstance(store.db, PostgresDatabase) else None
    statement = store.readable_statement(query, backend.readable[reader.key])
    head = (backend.name, name, reader.key)
    if statement is None:
        found = [PlanRow(*head, "filtered", "no statement: no readable label is carried", 0, 0.0)]
    else:
        found = [PlanRow(*head, f"filtered ({statement.name})", *_explain(backend, pg, statement))]
    bare = unfiltered(backend, query)
    if first:
        found.append(PlanRow(backend.name, name, "any", "unfiltered", *_explain(backend, pg, bare)))
    if backend.viewer is not None:
        found.append(PlanRow(*head, "RLS", *_explain(backend, backend.viewer, bare)))
    return found


def run_case(backend: Backend, name: str, reader: Reader, sizes: Sizes) -> Case:
    query = QUERIES[name]
    times, pages = medians(variants(backend, query, reader), sizes.rounds, sizes.budget)
    return Case(backend.name, name, reader.key, pages["filtered"].plan, times, pages)


def problems(cases: Sequence[Case], backends: Sequence[Backend]) -> list[str]:
    """What must hold: the store lists only readable labels, RLS lists the same page, and
    both backends list the same items."""
    found = []
    allowed = {
        (b.name, key): {b.node.store.label(i) for i in ids}
        for b in backends
        for key, ids in b.readable.items()
    }
    listed: dict[tuple[str, str], list[list[str]]] = {}
    for case in cases:
        page = case.pages["filtered"]
        ids = [s.id for s in page.items]
        if any(s.label not in allowed[(case.backend, case.reader)] for s in page.items):
            found.append(f"{case.backend} {case.query} {case.reader}: an unreadable label listed")
        if "RLS" in case.pages and [s.id for s in case.pages["RLS"].items] != ids:
            found.append(f"{case.backend} {case.query} {case.reader}: RLS lists other items")
        listed.setdefault((case.query, case.reader), []).append(ids)
    found += [f"{q} {r}: the backends differ" for (q, r), pages in listed.items()
              if any(p != pages[0] for p in pages)]  # fmt: skip
    return found


# ------------------------------------------------------------------ ingest with audit

IMPORTER_TOKENS = (
    "SI", "TK", "HCS", "SI-G", "KDK", "RSV", "EL", "SAR-AQ", "SAR-BP", "SAR-CD", "SAR-GRN",
    "SAR-KZ", "SAR-MTN", "SAR-NT", "SAR-RVR", "SAR-TX", "RD", "FRD", "RD-CNWDI",
)  # fmt: skip


def import_lines(rng: random.Random, mix: Mix, count: int) -> tuple[PersonRecord, list[str]]:
    """An importer who may read every label written, and ``count`` JSON lines."""
    importer = _record("r-importer", ["USA"], "TS", IMPORTER_TOKENS)
    compiler = Compiler()
    person = compiler.person(importer.as_person(), NOW)
    verdicts = can_read_labels(person, [compiler.label(label) for label in mix.labels])
    markings = [render(label) for label, ok in zip(mix.labels, verdicts, strict=True) if ok]
    lines = []
    for index in range(count):
        lat, lon = _position(rng)
        at = NOW + timedelta(milliseconds=index)
        lines.append(json.dumps({
            "id": f"feed-{index}", "kind": str(KIND), "title": f"import {index}",
            "marking": rng.choice(markings), "at": at.isoformat(), "lat": lat, "lon": lon,
        }))  # fmt: skip
    return importer, lines


def ingest(backend: Backend, importer: PersonRecord, lines: Sequence[str]) -> tuple[float, int]:
    """Items per second through ``Bulk.import_lines`` (checked, written and audited in
    batches of 20,000 — its default — one transaction each), and the audit entries it
    wrote."""
    node = backend.node
    with node.store.transaction():
        node.store.add_person(importer, NOW)
    before = node.store.audit_head()[0]
    start = time.perf_counter()
    result = node.bulk.import_lines(importer.id, lines)
    seconds = time.perf_counter() - start
    entries = node.store.audit_head()[0] - before
    if result.added != len(lines) or entries < len(lines):
        raise SystemExit(f"{backend.name}: imported {result.added}, audited {entries}")
    return len(lines) / seconds, entries


# ------------------------------------------------------------------ report


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """A plain text table: text left-aligned, numbers right-aligned."""
    cells = [[str(h) for h in headers], *[[_cell(v) for v in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    numeric = [all(isinstance(row[i], int | float) for row in rows) for i in range(len(headers))]
    for number, row in enumerate(cells):
        line = "  ".join(
            text.rjust(width) if right else text.ljust(width)
            for text, width, right in zip(row, widths, numeric, strict=True)
        )
        print(line.rstrip())
        if number == 0:
            print("  ".join("-" * width for width in widths))
    print()


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return "" if value is None else str(value)


def share(backend: Backend, ids: Sequence[int]) -> float:
    counts = backend.node.store.label_counts(KIND)
    return sum(counts.get(i, 0) for i in ids) / sum(counts.values())


def print_readers(backend: Backend, people: Sequence[Reader], persons: Sequence[PersonRecord]
                  ) -> None:  # fmt: skip
    counts = backend.node.store.label_counts(KIND)
    rows = []
    for reader in people:
        ids = backend.readable[reader.key]
        person = reader.record
        who = f"{'/'.join(person.nationalities)} {person.clearance_level}"
        grants = len(person.authorizations)
        rows.append((reader.key, person.id, who + (f" +{grants} SCI" if grants else ""),
                     len(ids), sum(1 for i in ids if counts.get(i)),
                     f"{share(backend, ids):.2%}"))  # fmt: skip
    print(f"readers (share of the {sum(counts.values()):,} {KIND} items they may read):")
    table(("reader", "person", "nation, clearance", "readable labels",
           f"carried by {KIND}s", "share"), rows)  # fmt: skip
    labels = ReadableLabels(backend.node.store, backend.node.registry)
    with backend.node.store.transaction(write=False):
        shares = sorted(share(backend, labels.for_person(p, NOW)) for p in persons[:2000])
    cuts = [shares[min(len(shares) - 1, int(q * len(shares)))] for q in (0, 0.1, 0.5, 0.9, 1)]
    print("the population's shares (first 2,000 persons): min {:.1%}, p10 {:.1%}, median "
          "{:.1%}, p90 {:.1%}, max {:.1%}\n".format(*cuts))  # fmt: skip


def print_cases(cases: Sequence[Case]) -> None:
    rows = []
    for case in cases:
        ms = case.ms
        rls = ms.get("RLS")
        rows.append((
            case.backend, case.query, case.reader, case.plan, len(case.pages["filtered"].items),
            ms["filtered"], ms["unfiltered"], case.ratio, case.best_ratio,
            rls, None if rls is None else rls / ms["filtered"],
        ))  # fmt: skip
    print(
        "median milliseconds per page (filtered: Repository.readable_page; unfiltered: "
        "the same SQL without the label predicate; RLS: PostgreSQL row-level security):"
    )
    table(("backend", "query", "reader", "plan", "rows", "filtered", "unfiltered",
           "filt/unf", "(best)", "RLS", "RLS/filt"), rows)  # fmt: skip


def print_plans(plans: Sequence[PlanRow]) -> None:
    print(
        "plans (SQLite: EXPLAIN QUERY PLAN; PostgreSQL: EXPLAIN ANALYZE, rows of items read "
        "and server time in ms):"
    )
    for row in plans:
        read = "" if row.rows is None else f" [{row.rows:,} rows, {row.server_ms:.2f} ms]"
        print(f"  {row.backend:8} {row.query:11} {row.reader:4} {row.variant:16} "
              f"{row.plan}{read}")  # fmt: skip
    print()


# ------------------------------------------------------------------ the run


def prepare(backends: Sequence[Backend], place: PostgresPlace, sizes: Sizes
            ) -> tuple[Mix, list[Reader], list[PersonRecord]]:  # fmt: skip
    rng = random.Random(SEED)
    people = readers()
    mix = build_mix(rng, sizes.labels, people)
    persons = population(rng, sizes.persons)
    add_people(backends, [r.record for r in people] + persons)
    print(f"loading {sizes.items:,} items into both backends (a dot per {BATCH:,})")
    load(backends, item_batches(rng, mix, sizes.items, people[0].record.id))
    for backend in backends:
        rate = sizes.items / backend.load_seconds
        print(
            f"  {backend.name}: Repository.add_items {rate:,.0f} items/s (no audit; both loading)"
        )
        readable_sets(backend, people)
    enable_rls(backends[1], place, people)
    print(
        f"{len(mix.labels):,} distinct labels, {len(persons):,} persons; "
        f"{Counter(mix.readable['0%'])[True]} labels the 0% reader may read\n"
    )
    return mix, people, persons


def measure(backends: Sequence[Backend], place: PostgresPlace, sizes: Sizes) -> int:
    mix, people, persons = prepare(backends, place, sizes)
    print_readers(backends[0], people, persons)
    cases, plans = [], []
    for name in QUERIES:
        for index, reader in enumerate(people):
            for backend in backends:
                cases.append(run_case(backend, name, reader, sizes))
                plans += explain(backend, name, QUERIES[name], reader, index == 0)
    print_cases(cases)
    print_plans(plans)
    wrong = problems(cases, backends)
    for problem in wrong:
        print("PROBLEM:", problem)
    importer, lines = import_lines(random.Random(SEED + 1), mix, sizes.ingest)
    rates = {b.name: ingest(b, importer, lines) for b in backends}
    for name, (rate, entries) in rates.items():
        print(f"ingest {name}: {len(lines):,} items through Bulk.import_lines, "
              f"{entries:,} audit entries: {rate:,.0f} items/s")  # fmt: skip
    print()
    print(last_line(cases, plans, rates["sqlite"][0]))
    return 1 if wrong else 0


def last_line(cases: Sequence[Case], plans: Sequence[PlanRow], ingest_rate: float) -> str:
    worst = {
        name: max(c.ratio for c in cases if c.backend == name) for name in ("sqlite", "postgres")
    }
    scanned = [p.rows for p in plans if p.reader == "0%" and p.variant.startswith("filtered")]
    rows = max((r for r in scanned if r is not None), default=0)
    return (
        f"worst filtered/unfiltered: sqlite {worst['sqlite']:.2f}, postgres "
        f"{worst['postgres']:.2f}; 0% reader rows scanned: {rows}; "
        f"ingest items/s: {ingest_rate:.0f}"
    )


def run(sizes: Sizes, postgres: str) -> int:
    print(f"Python {sys.version.split()[0]}; {sizes.items:,} items, {sizes.rounds} rounds")
    with (
        tempfile.TemporaryDirectory(prefix="bench-query-") as tmp,
        postgres_place(postgres) as place,
    ):
        home = Path(tmp)
        backends: list[Backend] = []
        try:
            backends.append(open_backend("sqlite", f"sqlite:///{home / 'node.db'}", home / "s"))
            backends.append(open_backend("postgres", place.url, home / "p"))
            return measure(backends, place, sizes)
        finally:
            for backend in backends:
                if backend.viewer is not None:
                    backend.viewer.close()
                backend.node.close()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="50,000 items, fewer runs")
    parser.add_argument("--items", type=int, help="items to load (default 1,000,000)")
    parser.add_argument("--rounds", type=int, help="timed runs per variant (default 21)")
    parser.add_argument("--postgres", default=POSTGRES, help=f"server (default {POSTGRES})")
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL
    if args.items is not None:
        sizes = sizes._replace(items=args.items)
    if args.rounds is not None:
        sizes = sizes._replace(rounds=args.rounds)
    if sizes.items < 1_000 or sizes.rounds < 1:
        parser.error("give at least 1,000 items and one round")
    return run(sizes, args.postgres)


if __name__ == "__main__":
    sys.exit(main())
