"""A deterministic two-nation picture in the seas around Japan, with its truth.

:func:`scenario` moves vessels along sea lanes (the Korea/Tsushima Strait and the Sea of
Japan, the Pacific coast, the East China Sea, the Tsugaru and Miyako straits, the Ryukyu
chain) and aircraft along over-water airways and patrol orbits, at plausible speeds, and
lets US and Japanese sensors report them at their own rates, coverage and accuracy (with
Gaussian noise), under realistic labels: Japanese 秘 / 極秘 releasable to the US,
US ``SECRET//REL TO USA, JPN``, US-only ``SECRET//NOFORN`` reports and ``TLP:GREEN``
open-source AIS reports. Every observation knows the object it came from
(:attr:`Scenario.truth`). The same seed gives the same scenario, to the bit.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Final

from tearline.errors import InvalidInput
from tearline.labels.model import Label
from tearline.labels.parse import parse
from tearline.labels.schemes import Registry
from tearline.picture.fusion import EARTH_RADIUS
from tearline.picture.observation import Kind, Observation

__all__ = ["ROUTES", "SENSORS", "Route", "Scenario", "Sensor", "TruthObject", "scenario"]

#: When a scenario starts unless told otherwise.
DEFAULT_START: Final = datetime(2026, 1, 1, tzinfo=UTC)
_LANE_HALF_WIDTH: Final = 4000.0  # metres either side of a lane's centre line


@dataclass(frozen=True, slots=True)
class Route:
    """A sea lane or airway: waypoints (lat, lon) over water, travelled back and forth."""

    name: str
    domain: str  # surface or air
    waypoints: tuple[tuple[float, float], ...]


ROUTES: Final = (
    Route("Tsushima Strait – Sea of Japan", "surface", (
        (34.0, 129.8), (35.2, 131.0), (36.5, 133.5), (38.0, 136.5), (40.5, 138.5),
        (43.0, 139.8),
    )),
    Route("Pacific coast", "surface", (
        (34.9, 139.8), (34.3, 139.3), (33.6, 137.5), (33.1, 135.6), (32.6, 134.0),
        (31.8, 132.3), (30.8, 131.5), (29.5, 130.0),
    )),
    Route("East China Sea", "surface", (
        (31.0, 123.0), (31.0, 126.0), (32.5, 128.0), (33.5, 128.6), (34.0, 129.8),
    )),
    Route("Tsugaru Strait", "surface", (
        (41.3, 139.0), (41.33, 140.1), (41.63, 141.0), (41.6, 141.7), (41.2, 142.5),
        (40.0, 143.5),
    )),
    Route("Ryukyu chain", "surface", (
        (26.0, 127.3), (27.5, 128.0), (29.0, 129.2), (30.8, 129.8), (31.5, 129.5),
    )),
    Route("Miyako Strait", "surface", (
        (25.2, 125.0), (25.3, 126.5), (25.5, 128.0), (26.5, 130.0),
    )),
    Route("Korea – Honshu airway", "air", ((37.0, 130.5), (36.8, 134.0), (37.6, 136.0))),
    Route("Okinawa – Kyushu airway", "air", ((26.3, 127.5), (28.5, 129.0), (30.5, 131.5))),
    Route("Sea of Japan patrol", "air", (
        (39.0, 133.0), (41.0, 134.5), (41.5, 137.0), (39.5, 136.5), (39.0, 133.0),
    )),
    Route("East China Sea patrol", "air", (
        (28.0, 124.5), (30.0, 125.0), (30.5, 127.5), (28.5, 127.0), (28.0, 124.5),
    )),
    Route("Pacific transit", "air", ((35.0, 142.0), (33.0, 140.5), (30.0, 138.0))),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Sensor:
    """A sensor or reporting unit: who reports, what, how often, how well, under what labels.

    ``markings`` are ``(marking, scheme, weight)``: each report draws one by weight.
    ``specific`` is the chance a report says ``vessel``/``aircraft`` rather than an unknown
    of the domain. ``coverage`` is a centre (lat, lon) and a radius in kilometres.
    """

    name: str
    nation: str
    domains: frozenset[str]
    period: float  # seconds between sweeps
    sigma: float  # position error, metres (one sigma)
    detection: float  # chance each object in coverage is reported in a sweep
    coverage: tuple[float, float, float]
    markings: tuple[tuple[str, str, float], ...]
    specific: float = 0.5
    kinematics: bool = False  # reports course and speed (and identity): AIS
    merchant_only: bool = False  # sees only ships that transmit AIS


_SURFACE: Final = frozenset({"surface"})
_AIR: Final = frozenset({"air"})
_REL_JP_S = ("秘//REL TO JPN, USA", "jp")
_REL_JP_TS = ("極秘//REL TO JPN, USA", "jp")
_REL_US = ("SECRET//REL TO USA, JPN", "us")
_NOFORN = ("SECRET//NOFORN", "us")

SENSORS: Final = (
    Sensor("JMSDF P-1 maritime patrol radar", "JPN", _SURFACE, 30.0, 150.0, 0.9,
           (36.0, 134.0, 900.0), ((*_REL_JP_S, 0.8), (*_REL_JP_TS, 0.2)), specific=0.6),
    Sensor("JASDF J/FPS-5 air defence radar", "JPN", _AIR, 10.0, 400.0, 0.95,
           (35.0, 131.0, 1200.0), ((*_REL_JP_TS, 0.7), (*_REL_JP_S, 0.3)), specific=0.4),
    Sensor("USS Shiloh AN/SPY-1 radar", "USA", _SURFACE | _AIR, 12.0, 250.0, 0.9,
           (33.5, 136.0, 700.0), ((*_REL_US, 0.75), (*_NOFORN, 0.25)), specific=0.5),
    Sensor("US Navy P-8A Poseidon radar", "USA", _SURFACE, 20.0, 100.0, 0.85,
           (31.0, 127.5, 600.0), ((*_REL_US, 0.6), (*_NOFORN, 0.4)), specific=0.8),
    Sensor("JCG AIS feed (open source)", "JPN", _SURFACE, 60.0, 20.0, 0.8,
           (35.0, 134.0, 2500.0), (("TLP:GREEN//COMMUNITY:maritime", "tlp", 1.0),), specific=1.0,
           kinematics=True, merchant_only=True),
)  # fmt: skip


def _haversine(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS * math.asin(min(1.0, math.sqrt(h)))


def _bearing(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dl = math.radians(lon2 - lon1)
    y = math.sin(dl) * math.cos(p2)
    x = math.cos(p1) * math.sin(p2) - math.sin(p1) * math.cos(p2) * math.cos(dl)
    return math.degrees(math.atan2(y, x)) % 360.0


def _shift(lat: float, lon: float, east: float, north: float) -> tuple[float, float]:
    new_lat = lat + math.degrees(north / EARTH_RADIUS)
    new_lon = lon + math.degrees(east / (EARTH_RADIUS * math.cos(math.radians(lat))))
    return new_lat, new_lon


@cache
def _legs(points: tuple[tuple[float, float], ...]) -> tuple[float, ...]:
    return tuple(_haversine(*points[i], *points[i + 1]) for i in range(len(points) - 1))


@dataclass(frozen=True, slots=True)
class TruthObject:
    """One real vessel or aircraft: where it is at any moment of the scenario.

    It travels its route's waypoints back and forth at a constant ``speed`` (m/s), starting
    ``offset`` metres along, ``lateral`` metres to the right of the lane's centre line.
    """

    id: str
    kind: Kind
    identity: str | None
    route: Route
    speed: float
    offset: float
    lateral: float
    alt: float | None
    merchant: bool
    start: datetime

    def state(self, at: datetime) -> tuple[float, float, float, float]:
        """``(lat, lon, course, speed)`` at ``at``."""
        points = self.route.waypoints
        legs = _legs(points)
        total = sum(legs)
        travelled = self.offset + self.speed * (at - self.start).total_seconds()
        lap, along = divmod(travelled, total)
        forward = int(lap) % 2 == 0
        distance = along if forward else total - along
        for index, leg in enumerate(legs):
            if distance <= leg or index == len(legs) - 1:
                break
            distance -= leg
        (lat1, lon1), (lat2, lon2) = points[index], points[index + 1]
        share = min(1.0, distance / leg)
        lat, lon = lat1 + (lat2 - lat1) * share, lon1 + (lon2 - lon1) * share
        course = _bearing(lat1, lon1, lat2, lon2)
        if not forward:
            course = (course + 180.0) % 360.0
        right = math.radians(course + 90.0)
        lat, lon = _shift(lat, lon, self.lateral * math.sin(right), self.lateral * math.cos(right))
        return lat, lon, course, self.speed


@dataclass(frozen=True, slots=True)
class Scenario:
    """A generated scenario: its objects, their observations in time order, and the truth.

    ``truth`` maps every observation's id to the id of the object it saw.
    """

    seed: int
    start: datetime
    minutes: int
    objects: tuple[TruthObject, ...]
    observations: tuple[Observation, ...]
    truth: Mapping[str, str]


def _objects(rng: random.Random, vessels: int, aircraft: int, start: datetime) -> list[TruthObject]:
    lanes = [r for r in ROUTES if r.domain == "surface"]
    airways = [r for r in ROUTES if r.domain == "air"]
    found: list[TruthObject] = []
    for n in range(vessels):
        route = lanes[n % len(lanes)]
        merchant = rng.random() < 0.7
        speed = rng.uniform(6.0, 10.0) if merchant else rng.uniform(7.0, 15.0)
        identity = f"MMSI {rng.randrange(431_000_000, 432_000_000)}" if merchant else None
        found.append(_object(rng, f"V{n:03d}", Kind.VESSEL, identity, route, speed, None, start,
                             merchant=merchant))  # fmt: skip
    for n in range(aircraft):
        route = airways[n % len(airways)]
        patrol = "patrol" in route.name
        speed = rng.uniform(120.0, 170.0) if patrol else rng.uniform(200.0, 240.0)
        alt = rng.uniform(3000.0, 8000.0) if patrol else rng.uniform(9000.0, 12000.0)
        found.append(_object(rng, f"A{n:03d}", Kind.AIRCRAFT, None, route, speed, alt, start,
                             merchant=False))  # fmt: skip
    return found


def _object(
    rng: random.Random,
    name: str,
    kind: Kind,
    identity: str | None,
    route: Route,
    speed: float,
    alt: float | None,
    start: datetime,
    *,
    merchant: bool,
) -> TruthObject:
    total = sum(_legs(route.waypoints))
    return TruthObject(
        id=name,
        kind=kind,
        identity=identity,
        route=route,
        speed=speed,
        offset=rng.uniform(0.0, 2 * total),
        lateral=rng.uniform(-_LANE_HALF_WIDTH, _LANE_HALF_WIDTH),
        alt=alt,
        merchant=merchant,
        start=start,
    )


def _sees(sensor: Sensor, obj: TruthObject, lat: float, lon: float) -> bool:
    if obj.route.domain not in sensor.domains or (sensor.merchant_only and not obj.merchant):
        return False
    clat, clon, radius = sensor.coverage
    return _haversine(clat, clon, lat, lon) <= radius * 1000.0


def _pick(rng: random.Random, labels: list[tuple[Label, float]]) -> Label:
    return rng.choices([label for label, _ in labels], [w for _, w in labels])[0]


def _unknown(kind: Kind) -> Kind:
    return Kind.UNKNOWN_AIR if kind is Kind.AIRCRAFT else Kind.UNKNOWN_SURFACE


def scenario(
    seed: int,
    minutes: int,
    *,
    start: datetime = DEFAULT_START,
    vessels: int = 24,
    aircraft: int = 10,
    registry: Registry | None = None,
) -> Scenario:
    """The scenario of ``seed``: ``minutes`` of reports on ``vessels`` ships and ``aircraft``.

    Raises:
        InvalidInput: ``minutes`` not within 1–1440, a negative count, or a naive ``start``.
    """
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 1 <= minutes <= 1440:
        raise InvalidInput(f"minutes: {minutes!r} is not a whole number of minutes in 1–1440")
    if min(vessels, aircraft) < 0:
        raise InvalidInput("vessels, aircraft: counts cannot be negative")
    if start.tzinfo is None:
        raise InvalidInput("start: give a time zone (UTC)")
    rng = random.Random(seed)
    objects = _objects(rng, vessels, aircraft, start)
    labels = {
        sensor.name: [
            (parse(text, scheme, registry=registry), w) for text, scheme, w in sensor.markings
        ]
        for sensor in SENSORS
    }
    reports: list[tuple[datetime, int, int, Observation]] = []
    end = start + timedelta(minutes=minutes)
    for number, sensor in enumerate(SENSORS):
        phase = rng.uniform(0.0, sensor.period)
        sweep = 0
        while (at := start + timedelta(seconds=phase + sweep * sensor.period)) < end:
            sweep += 1
            for index, obj in enumerate(objects):
                lat, lon, course, speed = obj.state(at)
                if not _sees(sensor, obj, lat, lon) or rng.random() > sensor.detection:
                    continue
                noisy = _shift(lat, lon, rng.gauss(0, sensor.sigma), rng.gauss(0, sensor.sigma))
                specific = rng.random() < sensor.specific
                obs = Observation(
                    id="",
                    time=at,
                    lat=noisy[0],
                    lon=noisy[1],
                    kind=obj.kind if specific else _unknown(obj.kind),
                    source_nation=sensor.nation,
                    sensor=sensor.name,
                    label=_pick(rng, labels[sensor.name]),
                    alt=None if obj.alt is None else obj.alt + rng.gauss(0, 100.0),
                    course=(course + rng.gauss(0, 1.0)) % 360.0 if sensor.kinematics else None,
                    speed=max(0.0, speed + rng.gauss(0, 0.2)) if sensor.kinematics else None,
                    identity=obj.identity if sensor.kinematics else None,
                    accuracy=sensor.sigma,
                )
                reports.append((at, number, index, obs))
    reports.sort(key=lambda r: (r[0], r[1], r[2]))
    observations: list[Observation] = []
    truth: dict[str, str] = {}
    for n, (_, _, index, obs) in enumerate(reports):
        named = replace(obs, id=f"s{seed}-{n:07d}")
        observations.append(named)
        truth[named.id] = objects[index].id
    return Scenario(seed, start, minutes, tuple(objects), tuple(observations), truth)
