"""Observations for the picture's tests, by hand and by Hypothesis."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import strategies as st

from tearline.labels.model import Label
from tearline.labels.parse import parse
from tearline.picture import Kind, Observation

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
REL = parse("SECRET//REL TO USA, JPN", "us")
NOFORN = parse("SECRET//NOFORN", "us")
HI = parse("極秘//REL TO JPN, USA", "jp")
LABELS = (REL, NOFORN, HI)


def obs(
    id: str,
    seconds: float,
    lat: float,
    lon: float,
    *,
    kind: Kind = Kind.VESSEL,
    nation: str = "USA",
    sensor: str = "radar",
    label: Label = REL,
    identity: str | None = None,
    course: float | None = None,
    speed: float | None = None,
    accuracy: float | None = 100.0,
) -> Observation:
    return Observation(
        id=id,
        time=T0 + timedelta(seconds=seconds),
        lat=lat,
        lon=lon,
        kind=kind,
        source_nation=nation,
        sensor=sensor,
        label=label,
        identity=identity,
        course=course,
        speed=speed,
        accuracy=accuracy,
    )


@st.composite
def observations(draw: st.DrawFn, max_size: int = 14) -> list[Observation]:
    """A few objects near each other, reported by two sensors under mixed labels."""
    count = draw(st.integers(1, max_size))
    found = []
    for n in range(count):
        target = draw(st.integers(0, 3))
        seconds = draw(st.sampled_from([0, 30, 60, 90, 120, 2400]))
        found.append(
            Observation(
                id=f"o{n:03d}",
                time=T0 + timedelta(seconds=seconds),
                lat=34.0 + 0.01 * target + draw(st.floats(-0.002, 0.002)),
                lon=135.0 + 0.004 * seconds / 30 + draw(st.floats(-0.002, 0.002)),
                kind=draw(st.sampled_from([Kind.VESSEL, Kind.UNKNOWN_SURFACE, Kind.AIRCRAFT])),
                source_nation=draw(st.sampled_from(["USA", "JPN"])),
                sensor=draw(st.sampled_from(["a", "b"])),
                label=draw(st.sampled_from(LABELS)),
                accuracy=200.0,
            )
        )
    return found
