"""The live picture (``GET /api/v1/cop/stream``) over a real server, on both backends.

Observations are filed, retracted and relabelled, and people suspended, through a second node
opened on the same database — as another process would (another ``tearline serve``, or
``tearline person revoke`` on the node's terminal)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from support.live import Events, Served, served_node
from support.node import BACKENDS
from tearline.service.observations import Report

SHARED = "SECRET//REL TO USA, JPN"


@pytest.fixture(params=BACKENDS)
def served(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Served]:
    with served_node(request.param, tmp_path) as node:
        yield node


def _observe(served: Served, marking: str = SHARED, *, lat: float = 34.5, lon: float = 129.5,
            minutes: float = 5, kind: str = "vessel", scheme: str | None = None
            ) -> str:  # fmt: skip
    at = served.world.clock() - timedelta(minutes=minutes)
    report = Report(at, lat, lon, kind, "USA", "P-8A radar", marking, scheme)
    return served.other.observations.add(served.world.releaser.id, report).id


@contextmanager
def _stream(served: Served, who: str, timeout: float = 10.0, params: dict[str, str] | None = None,
            **headers: str) -> Iterator[Events]:  # fmt: skip
    url = f"{served.url}/api/v1/cop/stream"
    with httpx.stream("GET", url, params=params, headers=served.headers(who, **headers),
                      timeout=timeout) as answer:  # fmt: skip
        assert answer.status_code == 200, answer.read()
        assert answer.headers["content-type"].startswith("text/event-stream")
        yield Events(answer)


def _tracks(served: Served, who: str) -> list[dict[str, Any]]:
    answer = httpx.get(f"{served.url}/api/v1/cop/tracks", headers=served.headers(who))
    assert answer.status_code == 200
    tracks: list[dict[str, Any]] = answer.json()["tracks"]
    return tracks


def test_a_snapshot_then_the_tracks_the_viewer_may_see_in_their_scheme(served: Served) -> None:
    first = _observe(served, minutes=6)
    with _stream(served, "jp") as events:
        snapshot = events.next()
        assert snapshot["event"] == "snapshot"
        assert snapshot["data"] == {"tracks": _tracks(served, "jp")}
        assert [t["observations"] for t in snapshot["data"]["tracks"]] == [[first]]
        hidden = _observe(served, "SECRET//NOFORN", lat=34.5005, minutes=5.5)  # joins, unseen
        far_hidden = _observe(served, "SECRET//NOFORN", lat=40.0, lon=140.0, minutes=5)
        second = _observe(served, lat=34.501, minutes=5)
        update = events.next()
    assert update["event"] == "track"
    assert set(update["data"]) == {"id", "kind", "lat", "lon", "time", "nations",
                                   "observations", "marking"}  # fmt: skip
    assert update["data"]["id"] == f"trk-{first}"
    assert update["data"]["observations"] == [first, second]
    assert update["data"]["marking"] == "//USA 極秘//REL TO JPN, USA"
    assert int(update["id"]) > int(snapshot["id"])
    assert update["data"] == _tracks(served, "jp")[0]
    assert hidden not in json.dumps(update)
    assert far_hidden not in json.dumps(update)
    streamed = served.other.oversight.search(
        served.world.officer.id, action="cop.stream", actor=served.world.jp_analyst.id
    )
    named = {o for e in streamed for o in json.loads(e.detail)["observations"]}
    assert named == {first, second}


def test_raising_a_label_or_retracting_withdraws_the_track(served: Served) -> None:
    alone = _observe(served, lat=36.0, lon=133.0)
    pair = [_observe(served, minutes=6), _observe(served, lat=34.5005, minutes=5)]
    with _stream(served, "jp") as events:
        tracks = {t["id"]: t for t in events.next()["data"]["tracks"]}
        assert set(tracks) == {f"trk-{alone}", f"trk-{pair[0]}"}
        served.other.observations.relabel(served.world.releaser.id, alone, "SECRET//NOFORN",
                                          reason="US only after all")  # fmt: skip
        gone = events.next()
        assert (gone["event"], gone["data"]) == ("withdraw", {"id": f"trk-{alone}"})
        served.other.observations.retract(served.world.releaser.id, pair[1], reason="duplicate")
        shrunk = events.next()
    assert shrunk["event"] == "track"
    assert shrunk["data"]["observations"] == [pair[0]]
    us = [t["id"] for t in _tracks(served, "us")]
    assert f"trk-{alone}" in us  # the US analyst still sees it


def test_resuming_with_last_event_id_loses_nothing_and_repeats_nothing(served: Served) -> None:
    _observe(served, lat=20.0, lon=150.0)
    with _stream(served, "jp") as events:
        events.next()
        first = _observe(served, lat=30.0, lon=130.0)
        seen = events.next()
    assert seen["data"]["observations"] == [first]
    missed = _observe(served, lat=31.0, lon=131.0)
    retracted = _observe(served, lat=32.0, lon=132.0)
    served.other.observations.retract(served.world.releaser.id, retracted, reason="wrong")
    with _stream(served, "jp", **{"Last-Event-ID": seen["id"]}) as events:
        replayed = events.next()
        assert replayed["event"] == "track"
        assert replayed["data"]["observations"] == [missed]
        later = _observe(served, lat=33.0, lon=133.0)
        live = events.next()
    assert live["data"]["observations"] == [later], (replayed, live, missed, retracted, later, seen)
    assert int(live["id"]) > int(replayed["id"]) > int(seen["id"])


def test_bbox_and_kinds_narrow_the_stream(served: Served) -> None:
    inside = _observe(served, lat=34.5, lon=129.5)
    _observe(served, lat=20.0, lon=150.0)
    _observe(served, lat=34.6, lon=129.6, kind="aircraft")
    params = {"bbox": "128,30,142,42", "kinds": "vessel,unknown-surface"}
    with _stream(served, "jp", params=params) as events:
        snapshot = events.next()
        assert [t["observations"] for t in snapshot["data"]["tracks"]] == [[inside]]
        _observe(served, lat=21.0, lon=151.0)  # outside: nothing
        _observe(served, lat=35.0, lon=130.0, kind="aircraft")  # another kind: nothing
        marker = _observe(served, lat=35.5, lon=131.0)
        update = events.next()
    assert update["data"]["observations"] == [marker]


def test_bad_parameters_are_refused_naming_them(served: Served) -> None:
    url = f"{served.url}/api/v1/cop/stream"
    for params, named in (({"bbox": "1,2,3"}, "bbox"), ({"kinds": "submarine"}, "kinds")):
        answer = httpx.get(url, params=params, headers=served.headers("jp"))
        assert answer.status_code == 422, answer.text
        assert answer.json()["error"]["field"] == named
    bad = httpx.get(url, headers=served.headers("jp", **{"Last-Event-ID": "x"}))
    assert bad.status_code == 422
    assert httpx.get(url).status_code == 401


@pytest.mark.parametrize("how", ["suspended", "revoked", "token"])
def test_a_stream_closes_within_a_second_of_losing_access(served: Served, how: str) -> None:
    with _stream(served, "jp") as events:
        assert events.next()["event"] == "snapshot"
        served.cut_off_jp(how)
        changed = time.monotonic()
        closing = events.next()
        took = time.monotonic() - changed
        with pytest.raises(EOFError):
            events.next()
    assert closing == {"event": "close", "data": {"reason": "unauthorized"}}
    assert took < 1.0


def test_a_stream_closes_when_the_clearance_runs_out_by_the_clock(served: Served) -> None:
    world = served.world
    expiring = served.other.people.add(
        world.officer.id, name="Kei Short", nationalities=["JPN"], clearance="極秘",
        expires=(world.clock.now + timedelta(days=2)).date(),
    )  # fmt: skip
    served.tokens["short"] = served.other.tokens.create(world.officer.id, expiring.id)[1]
    with _stream(served, "short") as events:
        assert events.next()["event"] == "snapshot"
        world.clock.advance(days=3)
        started = time.monotonic()
        closing = events.next()
        took = time.monotonic() - started
    assert closing == {"event": "close", "data": {"reason": "unauthorized"}}
    assert took < 1.5  # the once-a-second check


def test_tracks_that_time_out_are_withdrawn(served: Served) -> None:
    old = _observe(served, minutes=20)
    with _stream(served, "jp") as events:
        assert [t["observations"] for t in events.next()["data"]["tracks"]] == [[old]]
        served.world.clock.advance(minutes=11)  # 31 minutes: past the 30-minute time-out
        gone = events.next()
    assert gone["event"] == "withdraw"
    assert gone["data"] == {"id": f"trk-{old}"}
    assert _tracks(served, "jp") == []


def test_a_label_stored_for_the_first_time_sends_a_new_snapshot(served: Served) -> None:
    with _stream(served, "jp") as events:
        assert events.next()["data"] == {"tracks": []}
        first = _observe(
            served,
        )
        fresh = events.next()
        assert fresh["event"] == "snapshot"
        assert [t["observations"] for t in fresh["data"]["tracks"]] == [[first]]
        second = _observe(served, lat=34.501, minutes=4)
        update = events.next()
    assert update["event"] == "track"
    assert update["data"]["observations"] == [first, second]


def test_a_read_in_sends_a_new_snapshot(served: Served) -> None:
    world = served.world
    served.other.people.read_in(world.officer.id, world.releaser.id, "community:maritime",
                                reason="writes for the watch")  # fmt: skip
    community = _observe(served, "TLP:GREEN//COMMUNITY:maritime", lat=33.0, lon=135.0, scheme="tlp")
    with _stream(served, "jp") as events:
        assert events.next()["data"] == {"tracks": []}
        served.other.people.read_in(world.officer.id, world.jp_analyst.id,
                                    "community:maritime", reason="joins the watch")  # fmt: skip
        fresh = events.next()
    assert fresh["event"] == "snapshot"
    assert [t["observations"] for t in fresh["data"]["tracks"]] == [[community]]
