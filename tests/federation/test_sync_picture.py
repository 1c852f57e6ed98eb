"""The picture shared by two real nodes (a US node and a Japan node, each with its own home,
database and HTTP server, peered with the CLI): observations travel as signed STIX
``observed-data`` through the release filter and into the other side's picture, labelled in
its own scheme; what is not releasable stays home; a retraction or a label raised beyond the
peer travels as a revocation and the observation leaves the peer's picture; and, with the
serve loops running, an observation filed on one node reaches a live stream on the other
within 2 seconds (the figure is printed)."""

from __future__ import annotations

import json
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from unittest.mock import ANY

import httpx
import pytest

from federation.test_sync import Side, _counts, pair  # noqa: F401 - the two-node fixture
from support.live import Events
from tearline.federation.changes import Changes
from tearline.federation.observed import observation_object
from tearline.federation.signing import sign
from tearline.federation.stix import EXTENSION_ID
from tearline.federation.sync import SyncLoop
from tearline.federation.taxii_client import TaxiiClient
from tearline.labels.parse import parse
from tearline.service.observations import Report

US_SHARED = "SECRET//REL TO USA, JPN"
JP_SHARED = "秘//REL TO JPN, USA"


def _file(side: Side, marking: str, lat: float, nation: str, **more: Any) -> str:
    report = Report(time=datetime.now(UTC) - timedelta(seconds=5), lat=lat, lon=135.0,
                    kind="vessel", source_nation=nation, sensor="test radar", marking=marking,
                    **more)  # fmt: skip
    return side.node.observations.add(side.author, report).id


def _tracks(side: Side) -> list[dict[str, Any]]:
    """The analyst's current tracks, as `tearline cop tracks --as … --json` gives them."""
    code, shown = side.sh.run("cop", "tracks", "--as", side.analyst)
    assert code == 0, shown
    return list(shown["tracks"])


def _nations(side: Side) -> set[str]:
    return {n for t in _tracks(side) for n in t["nations"]}


def test_observations_flow_both_ways_and_revocations_follow(pair: tuple[Side, Side]) -> None:  # noqa: F811
    us, jp = pair
    shared = _file(us, US_SHARED, 35.0, "USA")
    _file(us, "SECRET//NOFORN", 36.0, "USA")
    raised = _file(us, US_SHARED, 37.0, "USA")
    _file(jp, JP_SHARED, 30.0, "JPN")
    _file(jp, "秘", 31.0, "JPN")  # no release marking: stays home
    code, result = us.sync()
    assert code == 0, result
    assert _counts(result) == [("jp-node", 0, 2, 0)]  # items pull nothing; 2 observations
    code, result = jp.sync()
    assert code == 0, result
    assert _counts(result) == [("us-node", 0, 1, 0)]
    at_jp = _tracks(jp)
    assert sorted(t["lat"] for t in at_jp) == [30.0, 31.0, 35.0, 37.0]  # not the NOFORN
    us_tracks = [t for t in at_jp if t["nations"] == ["USA"]]
    assert {t["marking"] for t in us_tracks} == {"//USA 極秘//REL TO JPN, USA"}
    at_us = _tracks(us)
    assert sorted(t["lat"] for t in at_us) == [30.0, 35.0, 36.0, 37.0]
    (from_jp,) = [t for t in at_us if t["nations"] == ["JPN"]]
    assert from_jp["marking"] == "//JPN CONFIDENTIAL//REL TO USA, JPN"
    # retracted on one side, raised beyond Japan's reach on the other: both leave JP's picture
    us.node.observations.retract(us.author, shared, reason="duplicate")
    us.node.observations.relabel(us.author, raised, "SECRET//NOFORN", reason="source")
    code, result = us.sync()
    assert code == 0, result
    assert _counts(result) == [("jp-node", 0, 2, 0)]
    assert sorted(t["lat"] for t in _tracks(jp)) == [30.0, 31.0]
    token = jp.node.tokens.create(jp.officer, jp.analyst)[1]
    answer = httpx.get(f"{jp.served.base}/api/v1/cop/tracks",
                       headers={"Authorization": f"Bearer {token}"})  # fmt: skip
    assert answer.status_code == 200
    assert sorted(t["lat"] for t in answer.json()["tracks"]) == [30.0, 31.0]
    code, audit = jp.sh.run("audit", "search", "--as", jp.officer, "--action",
                            "observation.retract")  # fmt: skip
    assert code == 0, audit
    assert json.dumps(audit).count("revoked by us-node") == 2
    for side in (us, jp):  # a second sync moves nothing
        code, again = side.sync()
        assert [c[1:] for c in _counts(again)] == [(0, 0, 0)]


def _next_track(events: Events, lat: float) -> dict[str, Any]:
    """The first track at ``lat`` the stream sends (a ``track`` event, or a new snapshot:
    the viewer's class changes when a label is stored here for the first time)."""
    while True:
        event = events.next()
        data = event["data"]
        tracks = data["tracks"] if event["event"] == "snapshot" else [data]
        found = [t for t in tracks if t.get("lat") == lat]
        if found:
            return dict(found[0])


def test_an_observation_reaches_the_peers_live_picture_within_2_s(
    pair: tuple[Side, Side], capsys: pytest.CaptureFixture[str],  # noqa: F811
) -> None:  # fmt: skip
    us, jp = pair
    token = jp.node.tokens.create(jp.officer, jp.analyst)[1]
    loops = [SyncLoop(side.node.sync, side.node.settings.sync_interval_seconds)
             for side in (us, jp)]  # fmt: skip
    headers = {"Authorization": f"Bearer {token}"}
    for loop in loops:
        loop.start()
    try:
        with httpx.stream("GET", f"{jp.served.base}/api/v1/cop/stream", headers=headers,
                          timeout=10) as answer:  # fmt: skip
            assert answer.status_code == 200
            events = Events(answer)
            assert events.next() == {"event": "snapshot", "id": ANY, "data": {"tracks": []}}
            time.sleep(1.5)  # both loops have run a round over nothing
            figures = []
            for n in range(3):
                started = time.monotonic()
                mine = _file(us, US_SHARED, 33.0 + n, "USA")
                track = _next_track(events, 33.0 + n)
                figures.append(time.monotonic() - started)
                assert track["nations"] == ["USA"]
                assert track["marking"] == "//USA 極秘//REL TO JPN, USA"
                assert mine not in json.dumps(track)  # the peer files it under its own id
        with capsys.disabled():
            print("\nobservation to the peer's live picture: "
                  + ", ".join(f"{f:.2f} s" for f in figures))  # fmt: skip
        assert max(figures) < 2.0
    finally:
        for loop in loops:
            loop.stop()


def test_a_batch_is_paged_through_one_change_at_a_time(pair: tuple[Side, Side]) -> None:  # noqa: F811
    us, jp = pair
    when = datetime.now(UTC) - timedelta(seconds=5)
    reports = [Report(time=when, lat=30.0 + n / 10, lon=135.0, kind="vessel",
                      source_nation="USA", sensor="test radar",
                      marking=US_SHARED if n % 5 else "SECRET//NOFORN")
               for n in range(25)]  # fmt: skip
    us.node.observations.add_many(us.author, reports)  # one change for the whole batch
    changes = Changes(us.node.outbox)
    cursor, seen = (0, ""), []
    for _ in range(10):
        page, cursor = changes.observations("peer:jp-node", cursor, 7)
        seen += [s.obj["id"] for s in page.objects]
        if not page.more:
            break
    assert len(seen) == len(set(seen)) == 20  # every releasable one once; no NOFORN
    assert changes.observations("peer:jp-node", cursor, 7)[0].objects == []
    code, result = us.sync()
    assert code == 0, result
    assert _counts(result) == [("jp-node", 0, 20, 0)]
    assert sum(len(t["observations"]) for t in _tracks(jp)) == 20


def test_an_observation_taken_from_the_pages_is_not_pushed_twice(
    pair: tuple[Side, Side],  # noqa: F811
) -> None:
    us, jp = pair
    _file(us, US_SHARED, 35.0, "USA")
    _file(us, "SECRET//NOFORN", 36.0, "USA")
    code, result = jp.sync()  # JP pulls US's items only: observations come by US's push
    assert code == 0, result
    assert _counts(result) == [("us-node", 0, 0, 0)]
    assert _tracks(jp) == []
    # A TAXII client with JP's credential finds the observation on US's pages; JP takes it
    with jp.node.store.transaction(write=False):
        peer = jp.node.store.peer("us-node")
    assert peer is not None
    token = jp.node.peers.outgoing_token(peer)
    assert token is not None
    with TaxiiClient("us-node", us.served.base, token) as client:
        page = client.objects(client.collection(), added_after=None, next_=None, limit=10,
                              types={"observed-data"})  # fmt: skip
    assert [o["type"] for o in page.objects if o["type"] != "marking-definition"] == [
        "observed-data"
    ]
    status = jp.node.inbox.add("peer:us-node", page.objects, keep=False)
    assert (status["success_count"], status["failure_count"]) == (1, 0)
    assert "message" not in status["successes"][0]  # new here
    code, result = us.sync()  # the push sends the same signed version: held, counted in neither
    assert code == 0, result
    assert _counts(result) == [("jp-node", 0, 0, 0)]
    assert [t["lat"] for t in _tracks(jp)] == [35.0]


def test_an_item_raised_beyond_the_peer_or_spilled_is_revoked_there(
    pair: tuple[Side, Side],  # noqa: F811
) -> None:
    us, jp = pair
    for title in ("Stays", "Raised", "Edited, still shared", "Spilled"):
        us.add(title, US_SHARED)
    assert _counts(us.sync()[1]) == [("jp-node", 0, 4, 0)]
    assert {"Stays", "Raised", "Edited, still shared", "Spilled"} <= set(jp.titles())
    ids = {
        row["title"]: row["id"] for row in us.sh.run("item", "list", "--as", us.author)[1]["items"]
    }
    code, made = us.sh.run("item", "edit", ids["Raised"], "--as", us.author, "--marking",
                           "SECRET//NOFORN", "--reason", "source protection")  # fmt: skip
    assert code == 0, made
    code, made = us.sh.run("item", "edit", ids["Edited, still shared"], "--as", us.author,
                           "--title", "Edited twice", "--reason", "typo")  # fmt: skip
    assert code == 0, made
    code, made = us.sh.run("item", "spill", ids["Spilled"], "--as", us.officer, "--reason",
                           "written too low")  # fmt: skip
    assert code == 0, made
    code, result = us.sync()
    assert code == 0, result
    assert _counts(result) == [("jp-node", 0, 3, 0)]  # the new version; two revocations
    titles = set(jp.titles())
    assert not {"Raised", "Spilled"} & titles  # gone from the peer's readers
    assert {"Stays", "Edited twice"} <= titles
    code, audit = jp.sh.run("audit", "search", "--as", jp.officer, "--action", "item.revoke")
    assert code == 0, audit
    assert json.dumps(audit).count("revoked by us-node") == 2
    assert "written too low" not in json.dumps(audit)
    assert "source protection" not in json.dumps(jp.sh.run("audit", "search", "--as",
                                                            jp.officer)[1])  # fmt: skip
    for side in (us, jp):  # a second sync moves nothing: the revocation is not sent again
        code, again = side.sync()
        assert [c[1:] for c in _counts(again)] == [(0, 0, 0)]


def test_a_tampered_or_relabelled_observation_is_rejected_and_audited(
    pair: tuple[Side, Side],  # noqa: F811
) -> None:
    us, jp = pair
    mine = us.node.observations.add(us.author, Report(
        time=datetime.now(UTC) - timedelta(seconds=5), lat=34.0, lon=135.0, kind="vessel",
        source_nation="USA", sensor="test radar", marking=US_SHARED))  # fmt: skip
    registry = us.node.registry
    when = mine.created
    obj, markings = observation_object(mine.observation, us.node.info, registry, created=when,
                                       modified=when, version=1)  # fmt: skip
    signed = sign(obj, markings, us.node.key)
    moved = {**signed, "extensions": json.loads(json.dumps(signed["extensions"]))}
    moved["extensions"][EXTENSION_ID]["observation"]["lat"] = 35.0  # moved on the wire
    other, other_markings = observation_object(
        replace(mine.observation, label=parse("SECRET//NOFORN", "us", registry=registry)),
        us.node.info, registry, created=mine.created, modified=mine.created, version=1,
    )  # fmt: skip
    relabelled = {**signed, "object_marking_refs": other["object_marking_refs"]}
    status = jp.node.inbox.add("peer:us-node", [*markings, *other_markings, moved, relabelled])
    assert status["success_count"] == 0
    reasons = sorted(f["message"].split(":")[0] for f in status["failures"])
    assert reasons == ["altered", "relabelled"]
    code, audit = jp.sh.run("audit", "search", "--as", jp.officer, "--action", "stix.reject")
    assert code == 0, audit
    assert _tracks(jp) == []
    status = jp.node.inbox.add("peer:us-node", [*markings, signed])  # the genuine one
    assert status["success_count"] == 1
    assert [t["lat"] for t in _tracks(jp)] == [34.0]


def test_a_document_given_in_part_is_revoked_when_it_may_no_longer_go(
    pair: tuple[Side, Side],  # noqa: F811
    tmp_path: Any,
) -> None:
    """A document whose NOFORN portion stayed home went under the banner of its shared
    portion alone. When its shared portion is made NOFORN too, its full banner could never
    leave — the revocation goes under the cut banner the peer was given."""
    us, jp = pair
    first = tmp_path / "first.txt"
    first.write_text("(S//REL TO USA, JPN) Shared paragraph.\n\n(S//NF) Home paragraph.\n")
    code, made = us.sh.run("item", "add", "--as", us.author, "--title", "In part", "--kind",
                           "document", "--marking", "SECRET//NOFORN", "--content-file",
                           str(first))  # fmt: skip
    assert code == 0, made
    assert _counts(us.sync()[1]) == [("jp-node", 0, 1, 0)]
    assert "In part" in jp.titles()
    second = tmp_path / "second.txt"
    second.write_text("(S//NF) Shared paragraph, now home.\n\n(S//NF) Home paragraph.\n")
    code, edited = us.sh.run("item", "edit", made["id"], "--as", us.author, "--content-file",
                             str(second), "--reason", "source protection")  # fmt: skip
    assert code == 0, edited
    code, result = us.sync()
    assert code == 0, result
    assert _counts(result) == [("jp-node", 0, 1, 0)]  # the revocation
    assert "In part" not in jp.titles()
    code, audit = jp.sh.run("audit", "search", "--as", jp.officer, "--action", "item.revoke")
    assert code == 0, audit
    assert json.dumps(audit).count("revoked by us-node") == 1
    code, again = us.sync()
    assert [c[1:] for c in _counts(again)] == [(0, 0, 0)]
