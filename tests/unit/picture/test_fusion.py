"""Fusion: association over time and distance, time-out, history, live updates, withdrawal."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from support.picture import HI, NOFORN, T0, obs, observations
from tearline.errors import Conflict, InvalidInput, NotFound
from tearline.picture import Change, FusionConfig, Kind, Observation, Picture, fuse

PROPERTIES = settings(max_examples=60, deadline=None)
# a vessel steaming east at about 7.4 m/s (0.004° of longitude at 34°N every 30 s)
EAST = 0.004


def _summary(picture: Picture) -> list[tuple[str, tuple[str, ...]]]:
    return [(tid, picture.track(tid).observations) for tid in picture.track_ids]  # type: ignore[union-attr]


def test_two_nations_seeing_one_vessel_make_one_track() -> None:
    picture = fuse(
        [
            obs("u1", 0, 34.0, 135.0, nation="USA", sensor="spy"),
            obs("j1", 10, 34.0003, 135.0012, nation="JPN", sensor="p1", label=HI),
            obs("u2", 30, 34.0, 135.0 + EAST, nation="USA", sensor="spy"),
            obs("j2", 40, 34.0002, 135.0054, nation="JPN", sensor="p1", label=HI),
        ]
    )
    (track,) = picture.tracks(T0 + timedelta(seconds=40))
    assert track.id == "trk-u1"  # derived from its first observation
    assert track.observations == ("u1", "j1", "u2", "j2")
    assert track.nations == ("JPN", "USA")
    assert track.labels == (obs("x", 0, 0, 0).label, HI)
    assert len(track.history) == 4
    assert 60 <= track.course <= 120  # heading east
    assert 3 < track.speed < 12
    assert track.time == T0 + timedelta(seconds=40)


def test_objects_far_apart_stay_apart() -> None:
    picture = fuse([obs("a", 0, 34.0, 135.0), obs("b", 0, 34.5, 135.0), obs("c", 30, 34.5, 135.0)])
    assert _summary(picture) == [("trk-a", ("a",)), ("trk-b", ("b", "c"))]


def test_within_a_scan_each_report_goes_to_its_own_track() -> None:
    # two vessels 1 km apart; the second scan's reports are both nearer the first track's
    # prediction than a greedy choice would allow: the global assignment keeps them apart
    first = [obs("a1", 0, 34.0, 135.0), obs("b1", 0, 34.009, 135.0)]
    second = [obs("a2", 30, 34.0030, 135.0), obs("b2", 30, 34.0095, 135.0)]
    picture = fuse(first + second)
    assert _summary(picture) == [("trk-a1", ("a1", "a2")), ("trk-b1", ("b1", "b2"))]


def test_kinds_of_another_domain_never_join_and_unknowns_do() -> None:
    picture = fuse(
        [
            obs("v", 0, 34.0, 135.0, kind=Kind.VESSEL),
            obs("a", 0, 34.0, 135.0, kind=Kind.AIRCRAFT, sensor="air"),
            obs("u", 30, 34.0, 135.0 + EAST, kind=Kind.UNKNOWN_SURFACE),
            obs("e", 30, 34.0, 135.0 + EAST, kind=Kind.EVENT, sensor="log"),
            obs("e2", 31, 34.0, 135.0 + EAST, kind=Kind.EVENT, sensor="log"),
        ]
    )
    assert _summary(picture) == [
        ("trk-a", ("a",)),
        ("trk-e", ("e",)),
        ("trk-e2", ("e2",)),
        ("trk-v", ("v", "u")),
    ]
    vessel = picture.track("trk-v")
    assert vessel is not None
    assert vessel.kind is Kind.VESSEL
    unknown = fuse([obs("u", 0, 34, 135, kind=Kind.UNKNOWN_SURFACE), obs("v", 30, 34, 135)])
    (track,) = unknown.tracks(T0 + timedelta(seconds=30))
    assert track.kind is Kind.VESSEL  # a specific report names it


def test_different_identities_are_different_objects() -> None:
    picture = fuse(
        [
            obs("a", 0, 34.0, 135.0, identity="MMSI 1"),
            obs("b", 30, 34.0, 135.0, identity="MMSI 2"),
            obs("c", 60, 34.0, 135.0),
            obs("d", 90, 34.0, 135.0, identity="MMSI 2"),
        ]
    )
    assert len(picture.track_ids) == 2
    track = picture.track("trk-b")
    assert track is not None
    assert track.identity == "MMSI 2"


def test_a_track_times_out_and_a_later_report_starts_another() -> None:
    picture = fuse([obs("a", 0, 34.0, 135.0), obs("b", 31 * 60, 34.0, 135.0)])
    assert picture.tracks(T0 + timedelta(minutes=30))[0].id == "trk-a"
    assert [t.id for t in picture.tracks(T0 + timedelta(minutes=30, seconds=1))] == []
    assert [t.id for t in picture.tracks(T0 + timedelta(minutes=31))] == ["trk-b"]
    shorter = fuse([obs("a", 0, 34.0, 135.0)], FusionConfig(timeout=timedelta(minutes=5)))
    assert shorter.tracks(T0 + timedelta(minutes=6)) == []
    assert shorter.track("trk-a") is not None  # its history stays


def test_the_picture_at_a_past_time_knows_nothing_later() -> None:
    picture = fuse([obs(f"o{n}", 30 * n, 34.0, 135.0 + EAST * n) for n in range(6)])
    (then,) = picture.tracks(T0 + timedelta(seconds=65))
    assert then.observations == ("o0", "o1", "o2")
    assert then.time == T0 + timedelta(seconds=60)
    assert picture.tracks(T0 - timedelta(seconds=1)) == []
    assert picture.track("trk-o0", T0 - timedelta(seconds=1)) is None
    whole = picture.track("trk-o0")
    assert whole is not None
    assert len(whole.history) == 6
    assert picture.track("nope") is None


def test_course_and_speed_reports_steer_the_estimate() -> None:
    ais = [
        obs(f"s{n}", 60 * n, 34.0 + 0.0045 * n, 135.0, course=0.0, speed=8.33, accuracy=20.0)
        for n in range(3)
    ]
    (track,) = fuse(ais).tracks(T0 + timedelta(seconds=120))
    assert track.course == pytest.approx(0.0, abs=3.0) or track.course > 357
    assert track.speed == pytest.approx(8.33, abs=0.5)
    first = fuse(ais[:1]).track("trk-s0")
    assert first is not None
    assert first.speed == pytest.approx(8.33)


def test_defaults_are_used_when_a_report_states_no_accuracy() -> None:
    air = [
        obs(f"a{n}", 10 * n, 34.0, 135.0 + 0.02 * n, kind=Kind.AIRCRAFT, accuracy=None)
        for n in range(5)
    ]
    assert len(fuse(air).track_ids) == 1


def test_live_updates_say_what_changed() -> None:
    picture = Picture()
    assert picture.add(obs("a", 0, 34.0, 135.0)) == Change(("trk-a",), ())
    assert picture.add(obs("b", 30, 34.0, 135.0 + EAST)) == Change(("trk-a",), ())
    assert picture.add(obs("b", 30, 34.0, 135.0 + EAST)) == Change()  # the same again
    assert picture.add_many([]) == Change()
    assert "b" in picture
    assert len(picture) == 2
    assert picture.withdraw("a") == Change(("trk-b",), ("trk-a",))
    assert picture.track_ids == ("trk-b",)
    assert set(picture.observations) == {"b"}


def test_an_id_cannot_be_reused_for_another_report() -> None:
    picture = fuse([obs("a", 0, 34.0, 135.0)])
    with pytest.raises(Conflict, match="already in the picture"):
        picture.add(obs("a", 0, 35.0, 135.0))
    with pytest.raises(Conflict):
        Picture().add_many([obs("x", 0, 34, 135), obs("x", 0, 35, 135)])


def test_withdrawing_an_unknown_observation_is_refused() -> None:
    with pytest.raises(NotFound):
        Picture().withdraw("nope")


@pytest.mark.parametrize(
    "change",
    [
        {"timeout": timedelta(0)},
        {"gate": 0},
        {"air_noise": -1.0},
        {"surface_accuracy": float("nan")},
    ],
)
def test_a_bad_configuration_is_refused(change: dict[str, object]) -> None:
    with pytest.raises(InvalidInput):
        FusionConfig(**change)  # type: ignore[arg-type]


def test_the_default_time_out_is_at_least_thirty_minutes() -> None:
    assert FusionConfig().timeout >= timedelta(minutes=30)
    assert Picture().config == FusionConfig()


@PROPERTIES
@given(observations(), st.randoms(use_true_random=False))
def test_arrival_order_does_not_change_the_picture(
    found: list[Observation], rng: random.Random
) -> None:
    shuffled = list(found)
    rng.shuffle(shuffled)
    live = Picture()
    for item in shuffled:
        live.add(item)
    assert _summary(live) == _summary(fuse(found)) == _summary(fuse(reversed(found)))


@PROPERTIES
@given(observations(), st.data())
def test_withdrawal_equals_fusion_from_scratch_without_it(
    found: list[Observation], data: st.DataObject
) -> None:
    picture = fuse(found)
    gone = data.draw(st.sets(st.sampled_from([o.id for o in found])))
    for observation_id in sorted(gone):
        picture.withdraw(observation_id)
    rest = [o for o in found if o.id not in gone]
    assert _summary(picture) == _summary(fuse(rest))
    at = T0 + timedelta(seconds=2400)
    assert picture.tracks(at) == fuse(rest).tracks(at)


def test_a_withdrawn_report_leaves_no_trace() -> None:
    secret = obs("s", 30, 34.0, 135.0 + EAST, label=NOFORN)
    rest = [obs("a", 0, 34.0, 135.0), obs("b", 60, 34.0, 135.0 + 2 * EAST)]
    picture = fuse([*rest, secret])
    picture.withdraw("s")
    assert picture.tracks(T0 + timedelta(seconds=60)) == fuse(rest).tracks(
        T0 + timedelta(seconds=60)
    )


def test_a_sharp_turn_keeps_its_track_through_the_second_chance_gate() -> None:
    # an aircraft flying east at ~185 m/s (0.02° of longitude every 10 s) turns north
    east = [obs(f"e{n}", 10 * n, 34.0, 135.0 + 0.02 * n, kind=Kind.AIRCRAFT) for n in range(6)]
    north = [
        obs(f"n{n}", 50 + 10 * n, 34.0 + 0.0167 * n, 135.1, kind=Kind.AIRCRAFT) for n in range(1, 5)
    ]
    turning = fuse(east + north)
    assert len(turning.track_ids) == 1
    rigid = fuse(east + north, FusionConfig(air_manoeuvre=1e-6))
    assert len(rigid.track_ids) > 1  # without it, the turn breaks the track
    (track,) = turning.tracks(T0 + timedelta(seconds=90))
    assert track.course < 45 or track.course > 315  # now heading north
