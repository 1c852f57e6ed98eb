"""The observations table and the picture's cache, on both backends."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from support.node import Cast
from tearline.config import Settings
from tearline.errors import DataFault, InvalidInput
from tearline.labels.parse import parse
from tearline.service import observations as module
from tearline.service.observations import Bbox, Report
from tearline.service.records import ObservationRecord


def _report(world: Cast, minutes: float, marking: str, lat: float = 34.5) -> Report:
    return Report(world.clock() - timedelta(minutes=minutes), lat, 129.5, "vessel", "USA",
                  "radar", marking, alt=10.0, course=90.0, speed=5.0, identity="MMSI 1",
                  accuracy=50.0)  # fmt: skip


def test_the_database_returns_only_readable_live_rows_and_keeps_versions(world: Cast) -> None:
    node = world.node
    shared = node.observations.add(world.releaser.id, _report(world, 9, "SECRET//REL TO USA, JPN"))
    secret = node.observations.add(world.releaser.id, _report(world, 8, "TOP SECRET//NOFORN"))
    store = node.store
    with store.transaction(write=False):
        rel = store.label_id(shared.label)
        assert [o.id for o in store.readable_observations([rel])] == [shared.id]
        assert store.readable_observations([]) == []
        assert store.readable_observations_among([secret.id, shared.id], [rel])[0] == (
            shared.observation
        )
        assert store.readable_observations_among([], [rel]) == []
        mark = store.observation_mark()
        assert set(store.changed_after(0)) == {shared.id, secret.id}
        assert store.changed_after(mark) == []
    node.observations.relabel(world.releaser.id, shared.id, "SECRET//NOFORN", reason="raise")
    node.observations.retract(world.releaser.id, shared.id, reason="gone")
    with store.transaction(write=False):
        assert store.changed_after(mark) == [shared.id]
        assert store.readable_observations([rel]) == []
        kept = store.observation(shared.id)
        assert kept is not None
        assert kept.version == 3
        assert kept.retracted == world.clock()
        assert kept.observation.identity == "MMSI 1"
        assert kept.observation.accuracy == 50.0
        versions = store.observation_versions(shared.id)
        assert [(v, r) for v, _, r in versions] == [(1, False), (2, False)]
        assert versions[0][1] == shared.label
        assert versions[1][1] == parse("SECRET//NOFORN", "us", registry=node.registry)
        assert store.observation_label(shared.id) is None
        assert store.observation("o-nothing") is None


def test_a_class_picture_is_brought_forward_and_says_what_changed(world: Cast) -> None:
    node, us = world.node, world.us_analyst.id
    first = node.observations.add(world.releaser.id, _report(world, 9, "SECRET//REL TO USA, JPN"))
    _, key = node.observations.class_of(us)
    built = node.observations.feed(key, None)
    assert built.snapshot  # nothing to tell before it: the whole picture
    assert [t.observations for t in built.tracks] == [(first.id,)]
    mark = built.mark
    still = node.observations.feed(key, mark)
    assert (still.snapshot, still.mark, still.tracks, still.removed) == (False, mark, (), ())
    second = node.observations.add(
        world.releaser.id, _report(world, 8, "SECRET//REL TO USA, JPN", 36.0)
    )
    moved = node.observations.feed(key, mark)
    assert not moved.snapshot
    assert moved.mark > mark
    assert [t.id for t in moved.tracks] == [f"trk-{second.id}"]
    assert moved.added == {second.id}
    node.observations.retract(world.releaser.id, first.id, reason="x")
    node.observations.retract(world.releaser.id, second.id, reason="x")
    gone = node.observations.feed(key, moved.mark)
    assert set(gone.removed) == {f"trk-{first.id}", f"trk-{second.id}"}
    assert node.observations.tracks(us).tracks == ()
    assert node.observations.feed(key, gone.mark + 10**6).snapshot  # not a mark it passed


def test_classes_are_kept_within_a_bound_and_rebuilt_after_many_changes(
    world: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    node = world.node
    monkeypatch.setattr(module, "CLASSES_KEPT", 1)
    monkeypatch.setattr(module, "JOURNAL_KEPT", 1)
    node.observations.add(world.releaser.id, _report(world, 9, "SECRET//REL TO USA, JPN"))
    node.observations.add(world.releaser.id, _report(world, 9, "TOP SECRET//NOFORN", 0.0))
    assert len(node.observations.tracks(world.us_analyst.id).tracks) == 1
    assert len(node.observations.tracks(world.releaser.id).tracks) == 2  # another class
    _, key = node.observations.class_of(world.us_analyst.id)
    mark = node.observations.feed(key, None).mark
    for n in range(2):
        node.observations.add(
            world.releaser.id, _report(world, 8 - n, "SECRET//REL TO USA, JPN", 40.0 + n)
        )
        node.observations.tracks(world.us_analyst.id)
    assert node.observations.feed(key, mark).snapshot  # the journal no longer reaches back
    reports = [_report(world, 5, "SECRET//REL TO USA, JPN", -50 + n / 10) for n in range(1001)]
    node.observations.add_many(world.releaser.id, reports)
    assert len(node.observations.tracks(world.us_analyst.id).tracks) > 1000
    assert len(node.observations.tracks(world.releaser.id).tracks) > 1000


def test_bad_batches_reasons_boxes_and_times_are_named(world: Cast) -> None:
    node = world.node
    with pytest.raises(InvalidInput, match="at least one"):
        node.observations.add_many(world.releaser.id, [])
    with pytest.raises(InvalidInput, match="at most"):
        node.observations.add_many(world.releaser.id, [_report(world, 1, "SECRET")] * 10_001)
    made = node.observations.add(world.releaser.id, _report(world, 1, "SECRET"))
    with pytest.raises(InvalidInput, match="reason"):
        node.observations.retract(world.releaser.id, made.id, reason=" ")
    with pytest.raises(InvalidInput, match="marking"):
        node.observations.add(world.releaser.id, _report(world, 1, " "))
    with pytest.raises(InvalidInput, match="time zone"):
        node.observations.tracks(world.releaser.id, at=world.clock().replace(tzinfo=None))
    assert Bbox.parse("170,-10,-170,10").holds(0.0, 179.0)
    assert not Bbox.parse("170,-10,-170,10").holds(0.0, 0.0)
    assert not Bbox.parse("0,0,1,1").holds(5.0, 0.5)


def test_markings_are_remembered_within_a_bound(
    world: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(module, "MARKINGS_KEPT", 1)
    node = world.node
    node.observations.add(world.releaser.id, _report(world, 9, "SECRET//REL TO USA, JPN"))
    node.observations.add(world.releaser.id, _report(world, 9, "TOP SECRET", 10.0))
    seen = node.observations.tracks(world.releaser.id).tracks
    assert sorted(len(v.marking) for v in seen) == [1, 1]
    assert node.observations.config.timeout == timedelta(minutes=30)


@pytest.mark.parametrize("text", ["cop_timeout_minutes = 29", "cop_timeout_minutes = true",
                                  "cop_timeout_minutes = 2000"])  # fmt: skip
def test_a_bad_cop_time_out_refuses_to_start(tmp_path: Path, text: str) -> None:
    (tmp_path / "node.toml").write_text(text + "\n")
    with pytest.raises(DataFault, match="cop_timeout_minutes"):
        Settings.load(tmp_path)


def test_the_cop_time_out_is_read_and_kept(tmp_path: Path) -> None:
    (tmp_path / "node.toml").write_text("cop_timeout_minutes = 45\n")
    settings = Settings.load(tmp_path)
    assert settings.cop_timeout_minutes == 45
    settings.save(remember_database=False)
    assert "cop_timeout_minutes = 45" in (tmp_path / "node.toml").read_text()


def test_the_collection_reads_own_live_readable_observations_in_version_order(
    world: Cast,
) -> None:
    node, store, at = world.node, world.node.store, world.clock()
    shared = "SECRET//REL TO USA, JPN"
    made = []
    for n in range(4):  # two at one instant: then by id
        made.append(node.observations.add(world.releaser.id, _report(world, 9, shared, 30 + n)))
        if n != 1:
            world.clock.advance(seconds=1)
    node.observations.add(world.releaser.id, _report(world, 9, "TOP SECRET//NOFORN"))
    theirs = replace(made[0].observation, id="o-" + "f" * 20, lat=40.0)
    with store.transaction():  # as the inbox files a peer's: created by peer:NAME
        store.add_observations([ObservationRecord(theirs, at, "peer:jp-node")], 10_000)
    node.observations.retract(world.releaser.id, made[3].id, reason="gone")
    expected = sorted((at + timedelta(seconds=min(n, 1) + max(n - 2, 0)), o.id)
                      for n, o in enumerate(made[:3]))  # fmt: skip
    with store.transaction(write=False):
        readable = [store.label_id(made[0].label)]
        rows = store.readable_observations_added(readable, None, None, 10)
        assert [(when, r.id) for r, when in rows] == expected
        assert [r.version for r, _ in rows] == [1, 1, 1]
        assert rows[0][0].observation == made[0].observation
        assert store.readable_observations_added([], None, None, 10) == []
        assert [r.id for r, _ in store.readable_observations_added(readable, None, None, 2)] == [
            i for _, i in expected[:2]
        ]
        after = store.readable_observations_added(readable, None, expected[1], 10)
        assert [(w, r.id) for r, w in after] == expected[2:]
        since = store.readable_observations_added(readable, expected[0][0], None, 10)
        assert [(w, r.id) for r, w in since] == expected[1:]
