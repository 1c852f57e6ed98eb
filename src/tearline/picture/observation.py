"""Observations: one report of something seen at one time and place, with its label.

An :class:`Observation` is a checked value: build it with :func:`observation`, which refuses
input that cannot be a real report and names the field and the rule it breaks
(:class:`InvalidObservation`). Units are SI: metres, metres per second, degrees.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Final

from tearline.errors import InvalidInput
from tearline.labels.model import Label

__all__ = [
    "MAX_SPEED",
    "InvalidObservation",
    "Kind",
    "Observation",
    "compatible",
    "observation",
]

#: The fastest anything reported may move, in metres per second (about Mach 6).
MAX_SPEED: Final = 2000.0
#: The highest altitude accepted, in metres (low orbit is not part of this picture).
MAX_ALT: Final = 100_000.0
#: The lowest altitude accepted, in metres (a submarine's depth is a negative altitude).
MIN_ALT: Final = -12_000.0
_MAX_TEXT: Final = 200
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
_NATION = re.compile(r"[A-Z][A-Z0-9]{2}")


class Kind(StrEnum):
    """What was seen."""

    VESSEL = "vessel"
    AIRCRAFT = "aircraft"
    UNKNOWN_SURFACE = "unknown-surface"
    UNKNOWN_AIR = "unknown-air"
    EVENT = "event"

    @property
    def domain(self) -> str:
        """``surface``, ``air`` or ``event``: kinds of one domain may be one object."""
        return _DOMAIN[self]

    @property
    def specific(self) -> bool:
        """Whether the kind says what the object is (not an unknown of its domain)."""
        return self in (Kind.VESSEL, Kind.AIRCRAFT)


_DOMAIN: Final = {
    Kind.VESSEL: "surface",
    Kind.UNKNOWN_SURFACE: "surface",
    Kind.AIRCRAFT: "air",
    Kind.UNKNOWN_AIR: "air",
    Kind.EVENT: "event",
}


def compatible(a: Kind, b: Kind) -> bool:
    """Whether observations of kinds ``a`` and ``b`` may be of one object.

    A vessel and an unknown surface contact may be; a vessel and an aircraft may not; an
    event is a happening, not an object, and is never associated with anything.
    """
    return a.domain == b.domain and a.domain != "event"


class InvalidObservation(InvalidInput):
    """An observation that cannot be accepted; ``field`` names the offending field.

    Attributes:
        field: the field at fault (``lat``, ``time``, ``kind``, …).
        message: what is wrong and how to fix it.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field

    def as_dict(self) -> dict[str, object]:
        """The shared error shape plus ``field``."""
        return {**super().as_dict(), "field": self.field}


@dataclass(frozen=True, slots=True)
class Observation:
    """One report: something of ``kind`` seen at ``time`` at (``lat``, ``lon``).

    Attributes:
        id: the observation's id (stable: fusion derives track ids from it).
        time: when it was seen (timezone-aware).
        lat, lon: WGS 84 degrees, north and east positive.
        kind: what was seen.
        source_nation: the reporting nation's trigraph (``USA``, ``JPN``).
        sensor: the sensor or reporting unit.
        label: the observation's classification label.
        alt: altitude in metres above mean sea level, if known.
        course: course over ground in degrees from true north, ``[0, 360)``, if known.
        speed: speed over ground in metres per second, if known.
        identity: a name, hull number, call sign or MMSI, if known.
        accuracy: the position's standard error (one sigma) in metres, if the sensor says;
            fusion otherwise uses its configured default for the kind.
    """

    id: str
    time: datetime
    lat: float
    lon: float
    kind: Kind
    source_nation: str
    sensor: str
    label: Label
    alt: float | None = None
    course: float | None = None
    speed: float | None = None
    identity: str | None = None
    accuracy: float | None = None


def _number(field: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidObservation(field, f"must be a number, not {type(value).__name__}")
    number = float(value)
    if not math.isfinite(number):
        raise InvalidObservation(field, f"must be a finite number, not {number!r}")
    return number


def _within(field: str, value: object, low: float, high: float, unit: str) -> float:
    number = _number(field, value)
    if not low <= number <= high:
        raise InvalidObservation(
            field, f"{number:g} is outside {low:g}…{high:g} {unit}; give a value within it"
        )
    return number


def _optional(field: str, value: object, low: float, high: float, unit: str) -> float | None:
    return None if value is None else _within(field, value, low, high, unit)


def _text(field: str, value: object) -> str:
    if not isinstance(value, str):
        raise InvalidObservation(field, f"must be text, not {type(value).__name__}")
    text = value.strip()
    if not text or len(text) > _MAX_TEXT or not text.isprintable():
        raise InvalidObservation(
            field, f"must be printable text of 1 to {_MAX_TEXT} characters, not {value!r}"
        )
    return text


def _kind(value: object) -> Kind:
    try:
        return Kind(value if isinstance(value, str) else "")
    except ValueError:
        known = ", ".join(k.value for k in Kind)
        raise InvalidObservation("kind", f"unknown kind {value!r}; use one of {known}") from None


def _time(value: object, now: datetime, future_slack: timedelta) -> datetime:
    if not isinstance(value, datetime):
        raise InvalidObservation("time", f"must be a datetime, not {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidObservation("time", "has no time zone; give it in UTC (…Z or +00:00)")
    if value > now + future_slack:
        raise InvalidObservation(
            "time",
            f"{value.isoformat()} is in the future (now is {now.isoformat()}); "
            "report what was seen, when it was seen",
        )
    return value


def _nation(value: object, nations: Collection[str] | None) -> str:
    text = _text("source_nation", value)
    if not _NATION.fullmatch(text) or (nations is not None and text not in nations):
        raise InvalidObservation(
            "source_nation", f"{text!r} is not a known nation; give its trigraph (USA, JPN, …)"
        )
    return text


def observation(
    *,
    id: str,
    time: datetime,
    lat: float,
    lon: float,
    kind: str,
    source_nation: str,
    sensor: str,
    label: Label,
    now: datetime,
    alt: float | None = None,
    course: float | None = None,
    speed: float | None = None,
    identity: str | None = None,
    accuracy: float | None = None,
    nations: Collection[str] | None = None,
    future_slack: timedelta = timedelta(seconds=5),
) -> Observation:
    """A checked :class:`Observation`.

    Args:
        now: the present, as the caller's clock says; a ``time`` later than ``now`` by more
            than ``future_slack`` (clock skew between sensors) is refused.
        nations: the nations ``source_nation`` must be one of (``None``: any trigraph).

    Raises:
        InvalidObservation: naming the field: an id that is not a short token, a position
            off the globe, a time without zone or in the future, an unknown kind, a negative
            or impossible speed, a course outside 0–360, an accuracy that is not positive,
            empty or unprintable text, a label that is not a :class:`~tearline.labels.Label`.
    """
    if not isinstance(id, str) or not _ID.fullmatch(id):
        raise InvalidObservation(
            "id", f"{id!r} is not an id: 1 to 128 letters, digits, '.', '_', ':' or '-'"
        )
    if not isinstance(label, Label):
        raise InvalidObservation("label", "must be a parsed label (tearline.parse)")
    checked_course = _optional("course", course, 0.0, 360.0, "degrees")
    return Observation(
        id=id,
        time=_time(time, now, future_slack),
        lat=_within("lat", lat, -90.0, 90.0, "degrees"),
        lon=_within("lon", lon, -180.0, 180.0, "degrees"),
        kind=_kind(kind),
        source_nation=_nation(source_nation, nations),
        sensor=_text("sensor", sensor),
        label=label,
        alt=_optional("alt", alt, MIN_ALT, MAX_ALT, "metres"),
        course=None if checked_course is None else checked_course % 360.0,
        speed=_optional("speed", speed, 0.0, MAX_SPEED, "metres per second"),
        identity=None if identity is None else _text("identity", identity),
        accuracy=_optional("accuracy", accuracy, 0.1, 1_000_000.0, "metres"),
    )
