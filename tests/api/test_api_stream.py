"""The live item stream (``GET /api/v1/items/stream``) over a real server, on both backends.

Changes are made through a second node opened on the same database — as another process
would (another ``tearline serve``, or ``tearline person revoke`` on the node's terminal)."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from support.live import Events, Served, served_node
from support.node import BACKENDS, cast
from tearline.api.stream import ItemStreams
from tearline.feed import Follower, Subscription
from tearline.service import Draft, ItemKind, PersonRecord

READABLE_BY_JP = "SECRET//REL TO USA, JPN"


@pytest.fixture(params=BACKENDS)
def served(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Served]:
    with served_node(request.param, tmp_path) as node:
        yield node


def _add(served: Served, marking: str, title: str) -> str:
    draft = Draft(ItemKind.REPORT, title, "text", marking=marking)
    return served.other.items.add(served.world.releaser.id, draft).id


@contextmanager
def _stream(served: Served, who: str, timeout: float = 10.0, **headers: str
            ) -> Iterator[Events]:  # fmt: skip
    url = f"{served.url}/api/v1/items/stream"
    with httpx.stream(
        "GET", url, headers=served.headers(who, **headers), timeout=timeout
    ) as answer:
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("text/event-stream")
        yield Events(answer)


def test_a_stream_sends_what_the_caller_may_read_and_nothing_else(served: Served) -> None:
    with _stream(served, "jp") as events:
        shared = _add(served, READABLE_BY_JP, "shared report")
        _add(served, "SECRET//NOFORN", "us only")
        marker = _add(served, READABLE_BY_JP, "marker")
        first, second = events.next(), events.next()
    assert [first["event"], second["event"]] == ["item", "item"]
    assert [first["data"]["id"], second["data"]["id"]] == [shared, marker]
    assert first["data"]["title"] == "shared report"
    assert first["data"]["marking"] == "//USA 極秘//REL TO JPN, USA"  # in the reader's scheme
    assert int(first["id"]) < int(second["id"])
    streamed = served.other.oversight.search(
        served.world.officer.id, action="item.stream", actor=served.world.jp_analyst.id
    )
    delivered = [i for e in streamed for i in json.loads(e.detail)["items"]]
    assert sorted(delivered) == sorted([shared, marker])


def test_resuming_with_last_event_id_loses_nothing_and_repeats_nothing(served: Served) -> None:
    with _stream(served, "jp") as events:
        first = _add(served, READABLE_BY_JP, "one")
        seen = events.next()
    assert seen["data"]["id"] == first
    missed = [_add(served, READABLE_BY_JP, f"missed {n}") for n in range(3)]
    with _stream(served, "jp", **{"Last-Event-ID": seen["id"]}) as events:
        replayed = [events.next()["data"]["id"] for _ in missed]
        after = _add(served, READABLE_BY_JP, "live again")
        live = events.next()
    assert replayed == missed
    assert live["data"]["id"] == after


@pytest.mark.parametrize("how", ["suspended", "revoked", "token"])
def test_a_stream_closes_within_a_second_of_losing_access(served: Served, how: str) -> None:
    with _stream(served, "jp") as events:
        _add(served, READABLE_BY_JP, "before")
        assert events.next()["event"] == "item"
        served.cut_off_jp(how)
        changed = time.monotonic()
        closing = events.next()
        took = time.monotonic() - changed
        with pytest.raises(EOFError):
            events.next()
    assert closing["event"] == "close"
    assert closing["data"] == {"reason": "unauthorized"}
    assert took < 1.0


def test_a_stream_closes_when_the_clearance_runs_out_by_the_clock(served: Served) -> None:
    world = served.world
    expiring = served.other.people.add(
        world.officer.id, name="Kei Short", nationalities=["JPN"], clearance="極秘",
        expires=(world.clock.now + timedelta(days=2)).date(),
    )  # fmt: skip
    token = served.other.tokens.create(world.officer.id, expiring.id)[1]
    served.tokens["short"] = token
    with _stream(served, "short") as events:
        _add(served, READABLE_BY_JP, "before")
        assert events.next()["event"] == "item"
        world.clock.advance(days=3)
        closing = events.next()
    assert closing == {"event": "close", "data": {"reason": "unauthorized"}}


def test_a_stream_refuses_a_bad_last_event_id_and_a_missing_token(served: Served) -> None:
    bad = httpx.get(f"{served.url}/api/v1/items/stream",
                    headers=served.headers("jp", **{"Last-Event-ID": "12; DROP"}))  # fmt: skip
    assert bad.status_code == 422
    assert "Last-Event-ID" in bad.json()["error"]["message"]
    anonymous = httpx.get(f"{served.url}/api/v1/items/stream")
    assert anonymous.status_code == 401


def test_a_stream_that_cannot_be_delivered_to_is_closed_for_the_client_to_resume(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = cast(tmp_path / "home", f"sqlite:///{tmp_path / 'node.db'}")
    follower = Follower(world.node)
    streams = ItemStreams(world.node, follower)

    def reauth() -> PersonRecord:
        return world.jp_analyst

    def broken(*args: object) -> None:
        raise RuntimeError("the database went away")

    async def scenario() -> tuple[Subscription, Subscription]:
        ahead = await streams.open(world.jp_analyst, reauth, after=10**9)  # from the present
        failing = await streams.open(world.jp_analyst, reauth, after=None)
        await follower.stop()
        assert ahead.cursor == follower.seq
        assert len(streams) == 2
        draft = Draft(ItemKind.REPORT, "t", "c", marking=READABLE_BY_JP)
        world.node.items.add(world.releaser.id, draft)
        monkeypatch.setattr(world.node.items, "deliver", broken)
        follower.poll()
        return ahead, failing

    try:
        ahead, failing = asyncio.run(scenario())
    finally:
        world.node.close()
    assert (ahead.closed, failing.closed) == ("error", "error")
    assert len(streams) == 0
