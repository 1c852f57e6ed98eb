"""The scenario around Japan: deterministic, realistic, and fused back into its objects."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

import pytest

from tearline.errors import InvalidInput
from tearline.labels.parse import render
from tearline.picture import Kind, fuse, observation
from tearline.picture.scenario import DEFAULT_START, ROUTES, SENSORS, Scenario, scenario


@pytest.fixture(scope="module")
def ten_minutes() -> Scenario:
    return scenario(7, 10)


def test_the_same_seed_gives_the_same_scenario(ten_minutes: Scenario) -> None:
    again = scenario(7, 10)
    assert again == ten_minutes
    assert scenario(8, 10).observations != again.observations


def test_every_report_is_a_valid_observation_that_knows_its_object() -> None:
    run = scenario(3, 5, vessels=12, aircraft=6)
    objects = {o.id: o for o in run.objects}
    assert len(objects) == 18
    end = run.start + timedelta(minutes=5)
    for report in run.observations:
        checked = observation(
            id=report.id, time=report.time, lat=report.lat, lon=report.lon,
            kind=report.kind.value, source_nation=report.source_nation, sensor=report.sensor,
            label=report.label, now=end, alt=report.alt, course=report.course,
            speed=report.speed, identity=report.identity, accuracy=report.accuracy,
        )  # fmt: skip
        assert checked == report
        truth = objects[run.truth[report.id]]
        assert report.kind.domain == truth.kind.domain
        assert run.start <= report.time < end
        assert 20 < report.lat < 46
        assert 120 < report.lon < 150
        lat, lon, _, _ = truth.state(report.time)
        assert abs(lat - report.lat) < 0.05
        assert abs(lon - report.lon) < 0.05
    assert [r.time for r in run.observations] == sorted(r.time for r in run.observations)
    assert len({r.id for r in run.observations}) == len(run.observations)


def test_the_labels_are_the_two_nations_real_markings(ten_minutes: Scenario) -> None:
    markings = Counter(render(o.label, o.label.scheme) for o in ten_minutes.observations)
    assert set(markings) == {
        "秘//REL TO JPN, USA", "極秘//REL TO JPN, USA", "SECRET//REL TO USA, JPN",
        "SECRET//NOFORN", "TLP:GREEN//COMMUNITY:maritime",
    }  # fmt: skip
    nations = Counter(o.source_nation for o in ten_minutes.observations)
    assert set(nations) == {"USA", "JPN"}


def test_objects_move_at_plausible_speeds_along_their_routes(ten_minutes: Scenario) -> None:
    for obj in ten_minutes.objects:
        if obj.kind is Kind.VESSEL:
            assert 5 <= obj.speed <= 16
            assert obj.alt is None
            assert obj.route.domain == "surface"
        else:
            assert 100 <= obj.speed <= 250
            assert obj.alt is not None
            assert obj.alt > 1000
            assert obj.route.domain == "air"
        for minute in (0, 5, 10):
            _lat, _lon, course, speed = obj.state(DEFAULT_START + timedelta(minutes=minute))
            assert 0 <= course < 360
            assert speed == obj.speed
    a = ten_minutes.objects[0]
    far = a.state(DEFAULT_START + timedelta(days=3))  # back and forth, never off the lane
    assert 20 < far[0] < 46
    assert {r.domain for r in ROUTES} == {"surface", "air"}
    assert {s.nation for s in SENSORS} == {"USA", "JPN"}


def test_only_ships_that_transmit_ais_carry_identities(ten_minutes: Scenario) -> None:
    objects = {o.id: o for o in ten_minutes.objects}
    for report in ten_minutes.observations:
        if report.identity is not None:
            truth = objects[ten_minutes.truth[report.id]]
            assert truth.merchant
            assert report.identity == truth.identity
            assert report.course is not None
            assert report.speed is not None


def test_fusion_puts_each_objects_reports_together(ten_minutes: Scenario) -> None:
    picture = fuse(ten_minutes.observations)
    truth = ten_minutes.truth
    tracks = [picture.track(t) for t in picture.track_ids]
    pure = 0
    for track in tracks:
        assert track is not None
        sources = Counter(truth[o] for o in track.observations)
        pure += sources.most_common(1)[0][1]
    assert pure / len(truth) > 0.99  # nearly every report is on its own object's track
    assert len(tracks) <= 1.3 * len(ten_minutes.objects)


@pytest.mark.parametrize(
    "arguments",
    [
        {"minutes": 0},
        {"minutes": 1441},
        {"minutes": True},
        {"vessels": -1},
        {"start": datetime(2026, 1, 1)},
    ],
)
def test_bad_arguments_are_refused(arguments: dict[str, object]) -> None:
    with pytest.raises(InvalidInput):
        scenario(1, **{"minutes": 5, **arguments})  # type: ignore[arg-type]
