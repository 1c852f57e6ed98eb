"""Search, totals, facets and partly readable documents: the database returns exactly what
``decide()`` lets a person see — every query, both plans, both backends."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contract.store.test_readable_query import (
    AT,
    KINDS,
    _held_once,
    _item,
    _record,
    _wanted,
    queries,
)
from support.node import BACKENDS, Clock, database_url
from support.strategies import any_labels, anyone, us_labels
from tearline.bootstrap import Node, Officer, create_node
from tearline.config import Settings
from tearline.errors import TearlineError
from tearline.labels.codec import intern_key
from tearline.labels.model import Label
from tearline.labels.rollup import rollup
from tearline.policy.decide import decide
from tearline.policy.model import Action, Person
from tearline.service import ItemKind, ItemRecord, Portion, Query
from tearline.store import readable
from tearline.store.search import snippet

WORDS = ("alpha", "Bravo", "char%lie", "del_ta", "ECHO", "fox\\trot")
SEARCHES = ("alpha", "BRAVO", "%", "_", "lie", "a", "trot", "\\", "zulu")


def _folded(text: str) -> str:
    return text.translate(str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz"))


def _holds(text: str, wanted: str) -> bool:
    return _folded(wanted) in _folded(text)


@dataclass(frozen=True)
class Seen:
    """What a person sees of one item: the label shown and the text they may read."""

    label: Label
    texts: tuple[str, ...]
    partial: bool


def seen(person: Person, item: ItemRecord) -> Seen | None:
    """The oracle: what ``decide()`` lets ``person`` see of ``item`` (``None``: nothing)."""
    readable = [p for p in item.portions
                if decide(person, p.label, Action.READ, AT).permitted]  # fmt: skip
    whole = decide(person, item.label, Action.READ, AT).permitted
    body = tuple(p.text for p in readable) if item.kind is ItemKind.DOCUMENT else (item.content,)
    if whole:
        return Seen(item.label, (item.title, *body), partial=False)
    if item.kind is ItemKind.DOCUMENT and readable:
        return Seen(rollup([p.label for p in readable]), (item.title, *body), partial=True)
    return None


def _matches(query: Query, view: Seen) -> bool:
    return query.text is None or any(_holds(t, query.text) for t in view.texts)


@st.composite
def documents(draw: st.DrawFn, start: int) -> list[ItemRecord]:
    made = []
    for n in range(draw(st.integers(0, 4), label="documents")):
        labels = draw(st.lists(us_labels(), min_size=1, max_size=4), label="portions")
        try:
            banner = rollup(labels)
        except TearlineError:
            continue
        words = st.lists(st.sampled_from(WORDS), min_size=1, max_size=3).map(" ".join)
        texts = [draw(words) for _ in labels]
        base = _item(start + n, banner, ItemKind.DOCUMENT, draw(st.integers(0, 90)),
                     (float(n), float(n)))  # fmt: skip
        portions = tuple(Portion(label, text) for label, text in zip(labels, texts, strict=True))
        made.append(replace(base, portions=portions, title=f"doc {draw(st.sampled_from(WORDS))}"))
    return made


def _listed(node: Node, person_id: str, query: Query) -> list[tuple[str, str, bool]]:
    """What ``person_id`` is listed, each label by its stable key: the store interns labels
    by it, so one label written two ways (``original`` differs) is one stored label."""
    seen_ids: list[tuple[str, str, bool]] = []
    cursor = None
    while True:
        page, _ = node.items.page(person_id, replace(query, cursor=cursor))
        seen_ids += [(s.id, intern_key(s.label), s.partial) for s in page.items]
        for s in page.items:
            if query.text is not None and s.snippet is not None:
                assert _holds(s.snippet, query.text)
        if page.next is None:
            return seen_ids
        cursor = page.next


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("merge_seek", [0, 10**9], ids=["merge-plan", "scan-plan"])
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_search_totals_and_partial_documents_hold_exactly_what_decide_permits(
    backend: str, merge_seek: int, monkeypatch: pytest.MonkeyPatch, data: st.DataObject
) -> None:
    monkeypatch.setattr(readable, "MERGE_SEEK", merge_seek)
    labels = data.draw(st.lists(any_labels(), min_size=1, max_size=5), label="labels")
    people = [_held_once(p) for p in data.draw(st.lists(anyone(), min_size=1, max_size=3))]
    place = st.tuples(st.integers(-12, 12), st.integers(-12, 12))
    text = st.lists(st.sampled_from(WORDS), max_size=3).map(" ".join)
    row = st.tuples(st.integers(0, len(labels) - 1), st.sampled_from(KINDS),
                    st.integers(0, 90), place, text)  # fmt: skip
    rows = data.draw(st.lists(row, max_size=20), label="items")
    items = [replace(_item(n, labels[i], kind, minutes, (float(la), float(lo))), content=body)
             for n, (i, kind, minutes, (la, lo), body) in enumerate(rows)]  # fmt: skip
    items += data.draw(documents(len(items)))
    query = data.draw(queries(), label="query")
    query = replace(query, text=data.draw(st.none() | st.sampled_from(SEARCHES), label="text"))
    home = Path(tempfile.mkdtemp())
    with database_url(backend, home) as url:
        node, _ = create_node(Settings(home / "node", url), nation="USA",
                              officer=Officer("O", "TS"), clock=Clock(AT))  # fmt: skip
        with node:
            with node.store.transaction():
                node.store.add_items(items)
                records = [_record(p, n) for n, p in enumerate(people)]
                for record in records:
                    node.store.add_person(record, AT)
            order = sorted(range(len(items)), key=lambda n: (items[n].at, n), reverse=True)
            for person, record in zip(people, records, strict=True):
                views = {n: seen(person, items[n]) for n in order}
                expected = [
                    (items[n].id, intern_key(view.label), view.partial)
                    for n in order
                    if (view := views[n]) is not None
                    and _wanted(query, items[n]) and _matches(query, view)
                ]  # fmt: skip
                assert _listed(node, record.id, query) == expected
                page, _ = node.items.page(record.id, query, count=True)
                assert page.facets is not None
                assert page.facets.total == len(expected)
                kinds: dict[str, int] = {}
                tiers: dict[str, int] = {}
                for n in order:
                    view = views[n]
                    if view is None or not _wanted(query, items[n]) or not _matches(query, view):
                        continue
                    kinds[str(items[n].kind)] = kinds.get(str(items[n].kind), 0) + 1
                    tiers[view.label.tier.title] = tiers.get(view.label.tier.title, 0) + 1
                assert page.facets.kinds == kinds
                assert page.facets.tiers == tiers


def test_a_snippet_is_cut_around_the_match() -> None:
    text = "x" * 100 + "Needle" + "y" * 100
    cut = snippet(text, "needle")
    assert cut is not None
    assert cut.startswith("…")
    assert cut.endswith("…")
    assert "Needle" in cut
    assert snippet("short needle", "NEEDLE") == "short needle"
    assert snippet("nothing here", "needle") is None
    assert snippet(None, "needle") is None
