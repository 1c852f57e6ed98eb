"""The leak oracle of the live picture (``GET /api/v1/cop/stream``), on both backends.

Random people watch while randomly labelled observations are filed, retracted and relabelled;
each viewer's picture — the stream's events applied as a client applies them (a ``snapshot``
replaces everything, a ``track`` sets one, a ``withdraw`` removes one) — must end exactly the
fusion of the observations that viewer may read (decided here by the policy, one label at a
time), and no byte of any event may name an observation they may not read. A viewer who
drops off midway and resumes with the id of the last event it had ends with the same picture.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncGenerator
from dataclasses import replace
from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from contract.store.test_cop_oracle import (
    LABELS,
    PEOPLE,
    Book,
    Oracle,
    _book,
    _expected,
    _reads,
    changes,
    observations,
    oracle,
)
from support.node import Cast
from tearline.api.cop_stream import CopStreams
from tearline.errors import Denied
from tearline.feed import Follower, Subscription
from tearline.picture import Observation
from tearline.service.observations import Bbox, Report
from tearline.service.records import PersonRecord

__all__ = ["oracle"]  # the fixture, from the picture's own oracle


class Client:
    """What a client holds: the tracks, by id, and the id of the last event."""

    def __init__(self) -> None:
        self.tracks: dict[str, dict[str, Any]] = {}
        self.last: str | None = None
        self.raw = b""

    def apply(self, chunk: bytes) -> None:
        self.raw += chunk
        for block in chunk.decode().split("\n\n"):
            fields = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
            if "event" not in fields:
                continue
            data = json.loads(fields["data"])
            if fields["event"] == "snapshot":
                self.tracks = {t["id"]: t for t in data["tracks"]}
            elif fields["event"] == "track":
                self.tracks[data["id"]] = data
            elif fields["event"] == "withdraw":
                self.tracks.pop(data["id"], None)
            else:
                raise AssertionError(f"unexpected event {fields['event']!r}")
            self.last = fields.get("id", self.last)

    def copy(self) -> Client:
        other = Client()
        other.tracks, other.last = dict(self.tracks), self.last
        return other


async def _drain(chunks: AsyncGenerator[bytes, None], client: Client) -> None:
    """Apply every chunk written so far (the stream's keep-alive says it has no more)."""
    while True:
        chunk = await anext(chunks)
        if chunk.startswith(b": keepalive"):
            return
        client.apply(chunk)


class Watch:
    """Streams open on one node, pumped by hand: each change is followed by one poll of the
    audit log and every stream's output applied to its client."""

    def __init__(self, world: Cast, book: Book) -> None:
        self.world, self.book = world, book
        self.follower = Follower(world.node)
        self.streams = CopStreams(world.node, self.follower)
        self.opened: list[tuple[Subscription, AsyncGenerator[bytes, None], Client]] = []
        self.clients: dict[str, Client] = {}
        self.filed: list[str] = []
        self.had: dict[str, list[Observation]] = {}  # every label each observation carried

    async def open(self, who: PersonRecord, after: int | None = None, bbox: Bbox | None = None,
                   client: Client | None = None) -> Client:  # fmt: skip
        sub = await self.streams.open(who, lambda: who, after, bbox, None)
        await self.follower.stop()  # pumped by hand
        client = client or Client()
        chunks = sub.chunks(keepalive=0.01)
        self.opened.append((sub, chunks, client))
        await _drain(chunks, client)
        return client

    async def pump(self) -> None:
        self.follower.poll()
        for _, chunks, client in self.opened:
            await _drain(chunks, client)

    def author(self, scheme: str) -> str:
        return self.book.authors["JPN" if scheme == "jp" else "USA"]

    async def file(self, drawn: tuple[int, str, int, float, str]) -> None:
        label_index, kind, minutes, offset, source = drawn
        text, scheme = LABELS[label_index]
        at = self.world.clock() - timedelta(minutes=minutes)
        report = Report(at, 34.5 + offset, 129.5 - offset, kind, source, "radar", text, scheme)
        record = self.world.node.observations.add(self.author(scheme), report)
        self.book.live[record.id] = record.observation
        self.had[record.id] = [record.observation]
        self.filed.append(record.id)
        await self.pump()

    async def change(self, change: tuple[int, str, int]) -> None:
        index, how, label_index = change
        target = self.filed[index % len(self.filed)]
        live = self.book.live.get(target)
        if live is None:
            return
        author = self.author(live.label.scheme)
        if how == "retract":
            self.world.node.observations.retract(author, target, reason="oracle")
            del self.book.live[target]
        else:
            text, scheme = LABELS[label_index]
            try:
                done = self.world.node.observations.relabel(author, target, text, scheme=scheme,
                                                            reason="oracle")  # fmt: skip
            except Denied:
                return  # a lowering by a non-releasing officer, or a label above the author
            self.book.live[target] = replace(live, label=done.label)
            self.had[target].append(self.book.live[target])
        await self.pump()

    def close(self) -> None:
        for sub, _, _ in self.opened:
            self.streams.close(sub)

    def expected(self, who: PersonRecord) -> dict[str, dict[str, Any]]:
        answer = _expected(self.world, self.book, who, self.world.clock())
        return {t["id"]: t for t in answer["tracks"]}

    def never_readable(self, who: PersonRecord) -> set[str]:
        """Observations ``who`` could read under none of the labels they carried."""
        return {i for i in self.filed if not any(_reads(self.world, who, o) for o in self.had[i])}


def _seed_labels(world: Cast, book: Book) -> None:
    """Store every label drawn once, before any stream opens (a label stored for the first
    time sends every stream a fresh snapshot: tested in tests/api/test_api_cop_stream.py)."""
    for text, scheme in LABELS:
        author = book.authors["JPN" if scheme == "jp" else "USA"]
        far = Report(world.clock() - timedelta(minutes=59), -40.0, -40.0, "event", "USA",
                     "seed", text, scheme)  # fmt: skip
        record = world.node.observations.add(author, far)
        world.node.observations.retract(author, record.id, reason="seed")


@settings(max_examples=8, deadline=None, derandomize=True, phases=(Phase.generate,),
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow])  # fmt: skip
@given(
    drawn=observations,
    later=changes,
    newcomer=st.sampled_from(PEOPLE),
    boxed=st.booleans(),
)
def test_each_stream_ends_exactly_the_fusion_of_what_its_viewer_may_read(
    oracle: Oracle,
    drawn: list[tuple[int, str, int, float, str]],
    later: list[tuple[int, str, int]],
    newcomer: tuple[str, str, tuple[str, ...]],
    boxed: bool,
) -> None:
    world = oracle.world
    book = _book(world)
    nation, level, grants = newcomer
    person = world.node.people.add(
        world.officer.id, name=f"watcher {len(book.viewers)}", nationalities=[nation],
        clearance=level, authorizations=[(g, None) for g in grants],
    )  # fmt: skip
    book.viewers.append(person)
    _seed_labels(world, book)
    watch = Watch(world, book)

    async def scenario() -> tuple[dict[str, Client], Client, Client]:
        clients = {who.id: await watch.open(who) for who in book.viewers}
        midway: Client | None = None
        for one in drawn:
            await watch.file(one)
            midway = midway or clients[person.id].copy()
        for step in later:
            await watch.change(step)
        assert midway is not None
        # dropped off after the first observation; resumes from the last event it had
        await watch.open(person, None if midway.last is None else int(midway.last),
                         client=midway)  # fmt: skip
        box = await watch.open(person, bbox=_box() if boxed else None)
        watch.close()
        return clients, midway, box

    clients, midway, box = asyncio.run(scenario())
    for who in book.viewers:
        client = clients[who.id]
        assert client.tracks == watch.expected(who), who.id
        assert not any(i.encode() in client.raw for i in watch.never_readable(who)), who.id
    mine = watch.expected(person)
    assert midway.tracks == mine
    area = _box()
    assert box.tracks == {
        k: v for k, v in mine.items() if not boxed or area.holds(v["lat"], v["lon"])
    }


def _box() -> Bbox:
    return Bbox(129.49, 34.49, 129.51, 34.51)
