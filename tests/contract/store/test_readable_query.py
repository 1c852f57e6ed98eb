"""The database returns exactly the items ``decide()`` lets a person read: every query, every
plan (merge, scan, cells), both backends."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from support.node import BACKENDS, Clock, database_url
from support.strategies import any_labels, anyone
from tearline.bootstrap import Officer, create_node
from tearline.config import Settings
from tearline.labels.model import Label
from tearline.policy.decide import decide
from tearline.policy.model import Action, Authorization, Person
from tearline.service import Grant, ItemKind, ItemRecord, PersonRecord, Query
from tearline.store import readable

AT = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
KINDS = list(ItemKind)


def _held_once(person: Person) -> Person:
    """``person`` with each token held once (the longest-lived grant of it), as a registry
    keeps them."""
    best: dict[str, Authorization] = {}
    for auth in person.authorizations:
        kept = best.get(auth.token)
        if kept is None or (
            kept.expires is not None and (auth.expires is None or auth.expires > kept.expires)
        ):
            best[auth.token] = auth
    return Person(person.nationalities, person.clearance, tuple(best.values()))


def _record(person: Person, number: int) -> PersonRecord:
    clearance = person.clearance
    return PersonRecord(
        id=f"p-{number:016x}", name=f"person {number}", organisation="",
        nationalities=tuple(sorted(person.nationalities)), roles=(),
        clearance_level=clearance.level, clearance_scheme=clearance.scheme,
        clearance_granted=AT.date(), clearance_expires=clearance.expires,
        status=clearance.status,
        authorizations=tuple(Grant(a.token, AT.date(), a.expires) for a in person.authorizations),
    )  # fmt: skip


def _item(number: int, label: Label, kind: ItemKind, minutes: int,
          place: tuple[float, float] | None) -> ItemRecord:  # fmt: skip
    lat, lon = (None, None) if place is None else place
    return ItemRecord(
        id=f"i-{number:020x}", kind=kind, label=label, title=f"item {number}", content="",
        at=AT - timedelta(minutes=minutes), created=AT, modified=AT, created_by="p-0",
        originator_nation="USA", originator_org="", lat=lat, lon=lon,
    )  # fmt: skip


@st.composite
def queries(draw: st.DrawFn) -> Query:
    kind = draw(st.none() | st.sampled_from(KINDS))
    limit = draw(st.integers(1, 6))
    start = end = None
    if draw(st.booleans()):
        start = AT - timedelta(minutes=draw(st.integers(0, 60)))
        end = start + timedelta(minutes=draw(st.integers(0, 60)))
    bbox = None
    if draw(st.booleans()):
        low, left = draw(st.integers(-10, 10)), draw(st.integers(-10, 10))
        bbox = (float(low), float(left), float(low + 8), float(left + 8))
    elif draw(st.booleans()):  # on cell lines, across the antimeridian, empty, whole globe
        a, b = draw(st.sampled_from(LATS)), draw(st.sampled_from(LATS))
        west, east = draw(st.sampled_from(LONS)), draw(st.sampled_from(LONS))
        bbox = (min(a, b), west, max(a, b), east)
    return Query(kind, limit, None, start, end, bbox)


#: Coordinates on and beside the map cells' lines (5 past each ten) and the globe's edges.
LATS = [-90.0, -12.0, -5.0, -4.5, 0.0, 5.0, 12.0, 40.0, 90.0]
LONS = [-180.0, -179.5, -175.0, -12.0, -5.0, 0.0, 5.0, 12.0, 175.0, 179.5, 180.0]


def _wanted(query: Query, item: ItemRecord) -> bool:
    if query.kind is not None and item.kind is not query.kind:
        return False
    if query.start is not None and item.at < query.start:
        return False
    if query.end is not None and item.at >= query.end:
        return False
    if query.bbox is not None:
        if item.lat is None or item.lon is None:
            return False
        south, west, north, east = query.bbox
        across = west <= item.lon <= east if west <= east else not east < item.lon < west
        return south <= item.lat <= north and across
    return True


def _listed(node: object, person_id: str, query: Query) -> list[str]:
    seen: list[str] = []
    cursor = None
    while True:
        page, _ = node.items.page(person_id, Query(query.kind, query.limit, cursor,  # type: ignore[attr-defined]
                                                   query.start, query.end, query.bbox))  # fmt: skip
        seen += [s.id for s in page.items]
        if page.next is None:
            return seen
        cursor = page.next


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(
    ("merge_seek", "bitmap_max"),
    [(0, 1 << 16), (10**9, 1 << 16), (10**9, 0)],
    ids=["merge-plan", "scan-plan", "scan-plan-listed"],
)
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_listings_hold_exactly_what_decide_permits(
    backend: str,
    merge_seek: int,
    bitmap_max: int,
    monkeypatch: pytest.MonkeyPatch,
    data: st.DataObject,
) -> None:
    monkeypatch.setattr(readable, "MERGE_SEEK", merge_seek)
    monkeypatch.setattr(readable, "_BITMAP_MAX", bitmap_max)  # 0: the readable set as a list
    readable._scan_membership.cache_clear()
    labels = data.draw(st.lists(any_labels(), min_size=1, max_size=6), label="labels")
    people = [_held_once(p) for p in data.draw(st.lists(anyone(), min_size=1, max_size=3))]
    place = (
        st.none()
        | st.tuples(st.integers(-12, 12).map(float), st.integers(-12, 12).map(float))
        | st.tuples(st.sampled_from(LATS), st.sampled_from(LONS))
    )
    row = st.tuples(
        st.integers(0, len(labels) - 1), st.sampled_from(KINDS), st.integers(0, 90), place
    )
    rows = data.draw(st.lists(row, max_size=30), label="items")
    query = data.draw(queries(), label="query")
    home = Path(tempfile.mkdtemp())
    with database_url(backend, home) as url:
        node, _ = create_node(Settings(home / "node", url), nation="USA",
                              officer=Officer("O", "TS"), clock=Clock(AT))  # fmt: skip
        with node:
            items = [_item(n, labels[i], kind, minutes, where)
                     for n, (i, kind, minutes, where) in enumerate(rows)]  # fmt: skip
            with node.store.transaction():
                node.store.add_items(items)
                records = [_record(p, n) for n, p in enumerate(people)]
                for record in records:
                    node.store.add_person(record, AT)
            order = sorted(range(len(items)), key=lambda n: (items[n].at, n), reverse=True)
            for person, record in zip(people, records, strict=True):
                expected = [
                    items[n].id for n in order
                    if _wanted(query, items[n])
                    and decide(person, items[n].label, Action.READ, AT).permitted
                ]  # fmt: skip
                assert _listed(node, record.id, query) == expected
