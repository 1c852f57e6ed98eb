"""Observations: what is accepted, and what is refused with the field named."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from support.picture import REL, T0
from tearline.errors import InvalidInput
from tearline.picture import InvalidObservation, Kind, compatible, observation

GOOD: dict[str, Any] = {
    "id": "obs-1",
    "time": T0,
    "lat": 35.5,
    "lon": 139.8,
    "kind": "vessel",
    "source_nation": "JPN",
    "sensor": "JMSDF P-1",
    "label": REL,
    "now": T0 + timedelta(minutes=1),
}


def test_a_good_report_is_accepted_as_given() -> None:
    found = observation(**GOOD, alt=-50, course=360, speed=7.5, identity=" MMSI 431 ", accuracy=30)
    assert found.kind is Kind.VESSEL
    assert (found.lat, found.lon, found.alt, found.speed) == (35.5, 139.8, -50.0, 7.5)
    assert found.course == 0.0  # 360° is north
    assert found.identity == "MMSI 431"
    assert found.label == REL


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("lat", 90.5, "outside -90…90"),
        ("lat", -91, "outside"),
        ("lon", 180.01, "outside -180…180"),
        ("lon", math.nan, "finite"),
        ("lat", math.inf, "finite"),
        ("lat", "35", "must be a number"),
        ("lon", True, "must be a number"),
        ("kind", "submarine", "unknown kind 'submarine'"),
        ("kind", 3, "unknown kind"),
        ("speed", -0.1, "outside 0…2000"),
        ("speed", 5000, "outside"),
        ("course", 360.5, "outside 0…360"),
        ("course", -1, "outside"),
        ("alt", 200_000, "outside"),
        ("accuracy", 0, "outside"),
        ("sensor", "", "printable text"),
        ("sensor", "radar\x00", "printable text"),
        ("sensor", 7, "must be text"),
        ("identity", "x" * 201, "printable text"),
        ("source_nation", "usa", "trigraph"),
        ("source_nation", "USAF", "trigraph"),
        ("id", "", "is not an id"),
        ("id", "a b", "is not an id"),
        ("id", "../etc/passwd", "is not an id"),
        ("id", "x" * 129, "is not an id"),
        ("sensor", "radar\u202egnp.exe", "printable text"),
        ("identity", "MMSI\n431", "printable text"),
        ("label", "SECRET", "parsed label"),
        ("time", "2026-03-01T12:00:00Z", "must be a datetime"),
    ],
)
def test_bad_input_is_refused_naming_the_field(field: str, value: object, says: str) -> None:
    with pytest.raises(InvalidObservation) as caught:
        observation(**{**GOOD, field: value})
    assert caught.value.field == field
    assert says in caught.value.message
    assert caught.value.as_dict()["field"] == field
    assert caught.value.as_dict()["code"] == "invalid-input"
    assert isinstance(caught.value, InvalidInput)


def test_a_time_in_the_future_is_refused_beyond_the_clock_slack() -> None:
    now = GOOD["now"]
    assert observation(**{**GOOD, "time": now + timedelta(seconds=4)}).time > now
    with pytest.raises(InvalidObservation, match="in the future") as caught:
        observation(**{**GOOD, "time": now + timedelta(seconds=6)})
    assert caught.value.field == "time"
    with pytest.raises(InvalidObservation, match="in the future"):
        observation(**{**GOOD, "time": now + timedelta(seconds=1)}, future_slack=timedelta(0))


def test_a_time_without_zone_is_refused() -> None:
    with pytest.raises(InvalidObservation, match="no time zone"):
        observation(**{**GOOD, "time": datetime(2026, 3, 1, 12)})


def test_the_nation_must_be_known_when_the_caller_names_the_known_ones() -> None:
    assert observation(**GOOD, nations={"JPN", "USA"}).source_nation == "JPN"
    with pytest.raises(InvalidObservation, match="not a known nation"):
        observation(**{**GOOD, "source_nation": "XYZ"}, nations={"JPN", "USA"})


def test_kinds_of_one_domain_are_compatible_and_events_join_nothing() -> None:
    assert compatible(Kind.VESSEL, Kind.UNKNOWN_SURFACE)
    assert compatible(Kind.UNKNOWN_AIR, Kind.AIRCRAFT)
    assert not compatible(Kind.VESSEL, Kind.AIRCRAFT)
    assert not compatible(Kind.UNKNOWN_SURFACE, Kind.UNKNOWN_AIR)
    assert not compatible(Kind.EVENT, Kind.EVENT)
    assert Kind.VESSEL.specific
    assert not Kind.UNKNOWN_AIR.specific


def test_now_is_the_callers_not_a_clock() -> None:
    late = datetime(2030, 1, 1, tzinfo=UTC)
    assert observation(**{**GOOD, "time": late, "now": late}).time == late
