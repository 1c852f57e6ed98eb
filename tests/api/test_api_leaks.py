"""The leak oracle: for random people and random labelled items and documents, every listing,
get and document view returns exactly what ``decide()`` allows — and no byte of the rest."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from api.conftest import Api, make_api
from contract.store.test_readable_query import AT, _held_once, _item, _record
from contract.store.test_search_query import Seen
from support.node import BACKENDS, Cast, cast, database_url
from support.strategies import any_labels, anyone, us_labels
from tearline.errors import TearlineError
from tearline.labels.rollup import rollup
from tearline.policy.decide import decide
from tearline.policy.model import Action, Outcome, Person
from tearline.service import ItemKind, ItemRecord, Portion

NOT_FOUND = b'{"error": {"code": "not-found", "category": "not-found", "message": "not found"}}'
#: What the API shows a viewer: what they may read, and what they may only be shown (marked).
_SHOWN = (Outcome.PERMIT, Outcome.DISPLAY_ONLY)


def shown(person: Person, item: ItemRecord) -> Seen | None:
    """The oracle: what ``decide()`` lets the API show ``person`` of ``item`` — what they
    may read, and what they may only be shown (``None``: nothing)."""
    visible = [p for p in item.portions
               if decide(person, p.label, Action.READ, AT).outcome in _SHOWN]  # fmt: skip
    whole = decide(person, item.label, Action.READ, AT).outcome in _SHOWN
    body = tuple(p.text for p in visible) if item.kind is ItemKind.DOCUMENT else (item.content,)
    if whole:
        return Seen(item.label, (item.title, *body), partial=False)
    if item.kind is ItemKind.DOCUMENT and visible:
        return Seen(rollup([p.label for p in visible]), (item.title, *body), partial=True)
    return None


def _documents(data: st.DataObject, start: int) -> list[ItemRecord]:
    documents = []
    for n in range(data.draw(st.integers(0, 3), label="documents")):
        portions = data.draw(st.lists(us_labels(), min_size=1, max_size=4), label="portions")
        try:
            banner = rollup(portions)
        except TearlineError:
            continue
        base = _item(start + n, banner, ItemKind.DOCUMENT, n, (0.0, 0.0))
        texts = tuple(Portion(label, f"portion-text-{start + n}-{k}")
                      for k, label in enumerate(portions))  # fmt: skip
        from dataclasses import replace

        documents.append(replace(base, portions=texts))
    return documents


@pytest.mark.parametrize("backend", BACKENDS)
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_no_caller_sees_a_byte_they_may_not(backend: str, data: st.DataObject) -> None:
    labels = data.draw(st.lists(any_labels(), min_size=1, max_size=5), label="labels")
    people = [_held_once(p) for p in data.draw(st.lists(anyone(), min_size=1, max_size=3))]
    picks = data.draw(st.lists(st.integers(0, len(labels) - 1), max_size=8), label="items")
    items = [_item(n, labels[i], ItemKind.REPORT, n, (0.0, 0.0)) for n, i in enumerate(picks)]
    documents = _documents(data, len(items))
    assume(items or documents)
    home = Path(tempfile.mkdtemp())
    with database_url(backend, home) as url:
        world: Cast = cast(home / "node", url)
        world.clock.now = AT
        try:
            _check(world, people, items, documents)
        finally:
            world.node.close()


def _check(
    world: Cast, people: list[Person], items: list[ItemRecord], documents: list[ItemRecord]
) -> None:
    api = make_api(world)
    records = [_record(p, 100 + n) for n, p in enumerate(people)]
    with world.node.store.transaction():
        world.node.store.add_items([*items, *documents])
        for record in records:
            world.node.store.add_person(record, AT)
    for person, record in zip(people, records, strict=True):
        token = world.node.tokens.create(world.officer.id, record.id)[1]
        headers = {"Authorization": f"Bearer {token}"}
        answer = api.client.get("/api/v1/items?limit=500", headers=headers).json()
        views = {i.id: shown(person, i) for i in [*items, *documents]}
        allowed = {i for i, view in views.items() if view is not None}
        assert {i["id"] for i in answer["items"]} == allowed
        assert answer["total"] == len(allowed) == sum(answer["facets"]["kind"].values())
        for row in answer["items"]:
            view = views[row["id"]]
            assert view is not None
            assert row["partial"] == view.partial
            # shown for viewing only exactly when decide() does not permit what is shown
            assert row["display_only"] == (
                not decide(person, view.label, Action.READ, AT).permitted
            )
        _check_search(api, headers, person, documents, views)
        for item in items:
            response = api.client.get(f"/api/v1/items/{item.id}", headers=headers)
            assert (response.status_code == 200) == (item.id in allowed)
            if response.status_code != 200:
                assert response.content == NOT_FOUND
        for doc in documents:
            _check_document(api, headers, person, doc)
            response = api.client.get(f"/api/v1/items/{doc.id}", headers=headers)
            assert (response.status_code == 200) == (doc.id in allowed)
            if response.status_code != 200:
                assert response.content == NOT_FOUND


def _check_document(api: Api, headers: dict[str, str], person: Person, doc: ItemRecord) -> None:
    readable = [p.text for p in doc.portions
                if decide(person, p.label, Action.READ, AT).outcome in _SHOWN]  # fmt: skip
    response = api.client.get(f"/api/v1/documents/{doc.id}", headers=headers)
    if not readable:
        assert response.content == NOT_FOUND
        return
    assert [p["text"] for p in response.json()["portions"]] == readable
    withheld = {p.text for p in doc.portions} - set(readable)
    assert not any(text.encode() in response.content for text in withheld)


def _check_search(
    api: Api, headers: dict[str, str], person: Person, documents: list[ItemRecord],
    views: dict[str, Seen | None],
) -> None:  # fmt: skip
    """Searching for a portion's text finds it exactly when the caller may read that
    portion; neither the answer nor its snippets carry a byte of a withheld portion."""
    for doc in documents:
        for portion in doc.portions:
            response = api.client.get(f"/api/v1/items?q={portion.text}", headers=headers)
            found = [row["id"] for row in response.json()["items"]]
            readable = decide(person, portion.label, Action.READ, AT).outcome in _SHOWN
            assert (doc.id in found) == readable
            assert response.json()["total"] == len(found)
            withheld = [
                p.text for d in documents for p in d.portions
                if decide(person, p.label, Action.READ, AT).outcome not in _SHOWN
            ]  # fmt: skip
            assert not any(text.encode() in response.content for text in withheld)
            for row in response.json()["items"]:
                assert views[row["id"]] is not None
