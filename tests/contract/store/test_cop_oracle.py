"""The leak oracle of the common operational picture, on both backends.

Random people and randomly labelled observations are filed, some then retracted or relabelled;
every viewer's answer from ``GET /api/v1/cop/tracks`` (now and at a past time) and
``GET /api/v1/cop/tracks/{id}`` must be byte for byte what :func:`tearline.picture.fuse` gives
over exactly the observations that viewer may read (decided here by the policy, one label at
a time) — ids, positions, nations, observation lists, marking — and no byte of anything
else: no id of an observation they may not read appears anywhere in what they receive.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from support.node import Cast
from tearline.api import create_app
from tearline.api.cop import track_json
from tearline.errors import Denied
from tearline.labels.parse import parse
from tearline.picture import Observation, fuse, marking
from tearline.policy.decide import decide
from tearline.policy.model import Action
from tearline.service.observations import Report, TrackView
from tearline.service.records import PersonRecord

#: (marking, scheme) of the labels drawn.
LABELS = (
    ("SECRET//REL TO USA, JPN", "us"),
    ("SECRET//NOFORN", "us"),
    ("TOP SECRET//NOFORN", "us"),
    ("UNCLASSIFIED", "us"),
    ("秘//REL TO JPN, USA", "jp"),
    ("極秘//REL TO JPN, USA", "jp"),
    ("TLP:GREEN//COMMUNITY:maritime", "tlp"),
)
#: (nationality, clearance, authorizations) of the people drawn.
PEOPLE = (
    ("USA", "S", ()),
    ("USA", "TS", ("community:maritime",)),
    ("USA", "C", ()),
    ("JPN", "秘", ()),
    ("JPN", "極秘", ("community:maritime",)),
    ("GBR", "S", ()),
)
KINDS = ("vessel", "unknown-surface", "aircraft", "event")


@dataclass
class Book:
    """What the test knows was filed: each live observation as it now stands."""

    live: dict[str, Observation] = field(default_factory=dict)
    authors: dict[str, str] = field(default_factory=dict)
    viewers: list[PersonRecord] = field(default_factory=list)
    tokens: dict[str, str] = field(default_factory=dict)


_BOOKS: dict[int, Book] = {}


def _book(world: Cast) -> Book:
    book = _BOOKS.get(id(world))
    if book is None:
        _BOOKS.clear()
        book = _BOOKS[id(world)] = Book()
        node, officer = world.node, world.officer.id
        for who in (world.officer, world.us_analyst, world.jp_analyst, world.releaser):
            book.viewers.append(who)
        for nation, level in (("USA", "TS"), ("JPN", "極秘")):
            writer = node.people.add(
                officer, name=f"writer {nation}", nationalities=[nation], clearance=level,
                authorizations=[("community:maritime", None)],
            )  # fmt: skip
            book.authors[nation] = writer.id
            book.viewers.append(writer)
        for who in book.viewers:
            book.tokens[who.id] = node.tokens.create(officer, who.id)[1]
    return book


def _reads(world: Cast, who: PersonRecord, obs: Observation) -> bool:
    verdict = decide(who.as_person(), obs.label, Action.READ, world.clock(),
                     registry=world.node.registry)  # fmt: skip
    return verdict.permitted


def _expected(world: Cast, book: Book, who: PersonRecord, at: Any) -> dict[str, Any]:
    mine = [o for o in book.live.values() if _reads(world, who, o)]
    picture = fuse(mine, world.node.observations.config)
    scheme = who.clearance_scheme
    views = [
        TrackView(t, marking(t.labels, scheme, registry=world.node.registry))
        for t in picture.tracks(at)
    ]
    return {"tracks": [track_json(v, scheme, world.node.registry) for v in views]}


class Oracle:
    """The world under test (a short repr: Hypothesis prints its arguments)."""

    def __init__(self, world: Cast) -> None:
        self.world = world

    def __repr__(self) -> str:
        return "Oracle()"


@pytest.fixture
def oracle(world: Cast) -> Oracle:
    return Oracle(world)


observations = st.lists(
    st.tuples(
        st.integers(0, len(LABELS) - 1),
        st.sampled_from(KINDS),
        st.integers(1, 50),  # minutes before now
        st.floats(-0.02, 0.02),  # offset in degrees
        st.sampled_from(("USA", "JPN")),
    ),
    min_size=1,
    max_size=7,
)
changes = st.lists(
    st.tuples(
        st.integers(0, 6), st.sampled_from(("retract", "relabel")), st.integers(0, len(LABELS) - 1)
    ),
    max_size=3,
)


@settings(max_examples=10, deadline=None, derandomize=True, phases=(Phase.generate,),
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow])  # fmt: skip
@given(
    drawn=observations,
    later=changes,
    newcomer=st.sampled_from(PEOPLE),
    past=st.integers(0, 40),
)
def test_each_viewer_sees_exactly_the_fusion_of_what_they_may_read(
    oracle: Oracle,
    drawn: list[tuple[int, str, int, float, str]],
    later: list[tuple[int, str, int]],
    newcomer: tuple[str, str, tuple[str, ...]],
    past: int,
) -> None:
    world = oracle.world
    node, book = world.node, _book(world)
    nation, level, grants = newcomer
    person = node.people.add(
        world.officer.id, name=f"viewer {len(book.viewers)}", nationalities=[nation],
        clearance=level, authorizations=[(g, None) for g in grants],
    )  # fmt: skip
    book.viewers.append(person)
    book.tokens[person.id] = node.tokens.create(world.officer.id, person.id)[1]
    now = world.clock()
    filed: list[str] = []
    for label_index, kind, minutes, offset, source in drawn:
        text, scheme = LABELS[label_index]
        author = book.authors["JPN" if scheme == "jp" else "USA"]
        report = Report(now - timedelta(minutes=minutes), 34.5 + offset, 129.5 - offset, kind,
                        source, "radar", text, scheme)  # fmt: skip
        record = node.observations.add(author, report)
        book.live[record.id] = record.observation
        filed.append(record.id)
    for index, change, label_index in later:
        target = filed[index % len(filed)]
        if target not in book.live:
            continue
        author = book.authors["JPN" if book.live[target].label.scheme == "jp" else "USA"]
        if change == "retract":
            node.observations.retract(author, target, reason="oracle")
            del book.live[target]
            continue
        text, scheme = LABELS[label_index]
        try:
            done = node.observations.relabel(author, target, text, scheme=scheme, reason="oracle")
        except Denied:
            continue  # a lowering by a non-releasing officer, or a label above the author
        book.live[target] = replace(book.live[target], label=done.label)
    filed_ids = {*filed, *book.live}
    client = TestClient(create_app(node), raise_server_exceptions=False)
    for who in book.viewers:
        headers = {"Authorization": f"Bearer {book.tokens[who.id]}"}
        hidden = {
            i for i in filed_ids if i not in book.live or not _reads(world, who, book.live[i])
        }
        for at in (None, now - timedelta(minutes=past)):
            params = {} if at is None else {"at": at.isoformat()}
            answer = client.get("/api/v1/cop/tracks", params=params, headers=headers)
            assert answer.status_code == 200, answer.text
            assert answer.json() == _expected(world, book, who, at or now), who.id
            assert not any(i in answer.text for i in hidden)
            for shown in answer.json()["tracks"]:
                url = f"/api/v1/cop/tracks/{shown['id']}"
                one = client.get(url, params=params, headers=headers)
                assert one.status_code == 200
                assert {k: one.json()[k] for k in shown} == shown
                assert [p["observation"] for p in one.json()["history"]] == shown["observations"]
                assert not any(i in one.text for i in hidden)
    client.close()


def test_a_track_another_class_sees_is_the_one_404_for_this_one(world: Cast) -> None:
    node, book = world.node, _book(world)
    now = world.clock()
    report = Report(now - timedelta(minutes=3), 30.0, 140.0, "vessel", "USA", "sonar",
                    "SECRET//NOFORN", "us")  # fmt: skip
    record = node.observations.add(book.authors["USA"], report)
    client = TestClient(create_app(node), raise_server_exceptions=False)
    us = {"Authorization": f"Bearer {book.tokens[world.us_analyst.id]}"}
    jp = {"Authorization": f"Bearer {book.tokens[world.jp_analyst.id]}"}
    track = f"trk-{record.id}"
    assert client.get(f"/api/v1/cop/tracks/{track}", headers=us).status_code == 200
    hidden = client.get(f"/api/v1/cop/tracks/{track}", headers=jp)
    missing = client.get("/api/v1/cop/tracks/trk-o-00000000000000000000", headers=jp)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content
    listing = client.get("/api/v1/cop/tracks", headers=jp).text
    assert record.id not in listing
    client.close()
    assert parse("SECRET//NOFORN", "us", registry=node.registry) == record.label
