"""Fusion: observations of one object, from any nation and sensor, associated into tracks.

The method (docs/picture.md says it at length):

- **Scans.** Observations are processed in the order of ``(time, source nation, sensor)``;
  the observations sharing those three are one *scan* (one sweep of one sensor), processed
  together and sorted by id, so the order in which they arrived never matters.
- **Prediction.** Every track carries a constant-velocity Kalman filter in a local
  east/north plane around its position (the two axes share one covariance, since sensors
  report a circular error). Before a scan, each current track is predicted to the scan's
  time; the prediction's uncertainty grows with the elapsed time and the kind's manoeuvre
  noise.
- **Gating.** An observation may join a track only if their kinds are of one domain
  (surface, air; an event joins nothing), their identities (when both have one) agree, and
  the squared Mahalanobis distance of the observation from the prediction is within the gate
  (``gate``, chi-square with 2 degrees of freedom; 13.8 admits 99.9% of true reports). The
  gate grows with elapsed time and with the sensor's accuracy.
- **Association.** Global nearest neighbour within a scan: the assignment of observations to
  tracks (at most one each) of least total cost ``d² + ln|S|``, solved exactly
  (``scipy.optimize.linear_sum_assignment``). An observation left over starts a track whose
  id is derived from that observation's id only after a second chance: reports no track
  gated are gated again against the tracks the scan left alone, with each track's velocity
  made uncertain by its manoeuvre allowance (a turn, a reversal), and assigned the same way.
- **Update.** The filter takes the position (and the velocity, when the report gives course
  and speed). Each update appends one point to the track's history.
- **Time-out.** A track with no observation for longer than ``timeout`` (default 30 minutes)
  is no longer current: it takes no observation and is not in the picture, but its history
  stays.

A :class:`Picture` is maintained incrementally: an observation that comes after everything
seen is one more scan; one that comes late, joins the last scan, or is withdrawn rolls the
picture back to its scan and replays what followed, so the picture always equals fusion from
scratch over the same observations (:func:`fuse`), which the tests check.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Final, NamedTuple

import numpy as np
from scipy.optimize import linear_sum_assignment

from tearline.errors import Conflict, InvalidInput, NotFound
from tearline.labels.model import Label
from tearline.picture.observation import Kind, Observation

__all__ = ["Change", "FusionConfig", "Picture", "Track", "TrackPoint", "fuse"]

EARTH_RADIUS: Final = 6_371_008.8  # metres, the IUGG mean radius
_UNGATED: Final = 1e12


@dataclass(frozen=True, slots=True)
class FusionConfig:
    """The parameters of fusion (defaults suit ships and aircraft seen by radar and AIS).

    Attributes:
        timeout: how long a track stays current without an observation (≥ 30 minutes by
            default; any positive duration may be configured).
        gate: the squared Mahalanobis distance within which an observation may join a track.
        surface_accuracy, air_accuracy: the position error (one sigma, metres) assumed for
            an observation that states none.
        surface_noise, air_noise: the manoeuvre noise (m²/s³) of the constant-velocity model.
        surface_speed, air_speed: the typical speed (m/s) a new track's unknown velocity may
            have (its initial standard deviation).
        speed_error, course_error: the error (one sigma) of a reported speed (m/s) and course
            (degrees), for reports that carry them.
        surface_manoeuvre, air_manoeuvre: how much a track may have changed its velocity
            since it was last seen, as a multiple of its speed (one sigma), for the
            second-chance gate of reports no track gated (4.0 was best on the scenario,
            whose ships and aircraft reverse at the end of their lanes; bench/fusion.py).
    """

    timeout: timedelta = timedelta(minutes=30)
    gate: float = 13.8
    surface_accuracy: float = 300.0
    air_accuracy: float = 1000.0
    surface_noise: float = 0.02
    air_noise: float = 2.0
    surface_speed: float = 10.0
    air_speed: float = 150.0
    speed_error: float = 0.5
    course_error: float = 3.0
    surface_manoeuvre: float = 4.0
    air_manoeuvre: float = 4.0

    def __post_init__(self) -> None:
        if self.timeout <= timedelta(0):
            raise InvalidInput("timeout: must be a positive duration (default 30 minutes)")
        for name in (
            "gate", "surface_accuracy", "air_accuracy", "surface_noise", "air_noise",
            "surface_speed", "air_speed", "speed_error", "course_error",
            "surface_manoeuvre", "air_manoeuvre",
        ):  # fmt: skip
            value = getattr(self, name)
            if not (isinstance(value, int | float) and math.isfinite(value) and value > 0):
                raise InvalidInput(f"{name}: must be a positive number, not {value!r}")


@dataclass(frozen=True, slots=True)
class TrackPoint:
    """One point of a track's history: the estimate after one observation joined it.

    ``lat``/``lon`` are the filtered position at ``time``; ``course`` (degrees) and ``speed``
    (m/s) the filtered velocity; ``kind`` and ``identity`` what the track was known as then.
    """

    time: datetime
    lat: float
    lon: float
    course: float
    speed: float
    observation: str
    kind: Kind
    identity: str | None


@dataclass(frozen=True, slots=True)
class Track:
    """A fused track as it stood at one moment (see :meth:`Picture.tracks`).

    Attributes:
        id: derived from the id of its first observation (``trk-<id>``).
        kind, identity, time, lat, lon, course, speed: as of its last point.
        nations: the source nations of its observations, sorted.
        observations: its observations' ids, oldest first.
        labels: the distinct labels of its observations (roll them up with
            :func:`tearline.picture.marking`).
        history: every point, oldest first.
    """

    id: str
    kind: Kind
    identity: str | None
    time: datetime
    lat: float
    lon: float
    course: float
    speed: float
    nations: tuple[str, ...]
    observations: tuple[str, ...]
    labels: tuple[Label, ...]
    history: tuple[TrackPoint, ...]


@dataclass(frozen=True, slots=True)
class Change:
    """What an update changed: tracks created or moved, and tracks that no longer exist."""

    updated: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()


class _Filter(NamedTuple):
    """Constant-velocity filter state; ``a, b, c`` is the per-axis covariance [[a, b], [b, c]]."""

    time: datetime
    lat: float
    lon: float
    ve: float
    vn: float
    a: float
    b: float
    c: float


@dataclass(slots=True)
class _Track:
    id: str
    domain: str
    points: list[TrackPoint] = field(default_factory=list)
    filters: list[_Filter] = field(default_factory=list)


class _ScanKey(NamedTuple):
    time: datetime
    nation: str
    sensor: str


def _key(obs: Observation) -> _ScanKey:
    return _ScanKey(obs.time, obs.source_nation, obs.sensor)


class _Lazy(dict[str, "_Filter"]):
    """A mapping whose values are made when first asked for."""

    def __init__(self, make: Callable[[str], _Filter]) -> None:
        super().__init__()
        self._make = make

    def __missing__(self, key: str) -> _Filter:
        value = self[key] = self._make(key)
        return value


def _offset(lat: float, lon: float, to_lat: float, to_lon: float) -> tuple[float, float]:
    """East and north metres from (lat, lon) to (to_lat, to_lon), in the local plane."""
    dlon = (to_lon - lon + 180.0) % 360.0 - 180.0
    east = math.radians(dlon) * EARTH_RADIUS * math.cos(math.radians(lat))
    return east, math.radians(to_lat - lat) * EARTH_RADIUS


def _moved(lat: float, lon: float, east: float, north: float) -> tuple[float, float]:
    """The position ``east``/``north`` metres from (lat, lon)."""
    new_lat = lat + math.degrees(north / EARTH_RADIUS)
    scale = max(math.cos(math.radians(lat)), 1e-6)
    new_lon = lon + math.degrees(east / (EARTH_RADIUS * scale))
    new_lat = min(90.0, max(-90.0, new_lat))
    return new_lat, (new_lon + 180.0) % 360.0 - 180.0


class Picture:
    """The fused tracks of one set of observations, maintained as observations come and go.

    Build one per visibility class from exactly the observations its viewers may read (see
    :class:`tearline.picture.Pictures`); nothing else reaches it.
    """

    def __init__(self, config: FusionConfig | None = None) -> None:
        self._config = config or FusionConfig()
        self._observations: dict[str, Observation] = {}
        self._keys: list[_ScanKey] = []  # sorted; one per scan
        self._scans: list[list[Observation]] = []  # each sorted by id
        self._journal: list[tuple[str, ...]] = []  # per applied scan: the tracks it touched
        self._tracks: dict[str, _Track] = {}
        self._active: dict[str, _Track] = {}

    @property
    def config(self) -> FusionConfig:
        """The parameters this picture fuses with."""
        return self._config

    def __len__(self) -> int:
        return len(self._observations)

    def __contains__(self, observation_id: object) -> bool:
        return observation_id in self._observations

    # ------------------------------------------------------------------ updates

    def add(self, observation: Observation) -> Change:
        """Fuse one more observation (live): see :meth:`add_many`."""
        return self.add_many((observation,))

    def add_many(self, observations: Iterable[Observation]) -> Change:
        """Fuse ``observations`` into the picture, in any order.

        An observation already in the picture (same id, same value) is ignored.

        Raises:
            Conflict: an id already in the picture with a different value, or twice in
                ``observations`` with different values.
        """
        fresh: dict[str, Observation] = {}
        for obs in observations:
            known = self._observations.get(obs.id) or fresh.get(obs.id)
            if known is not None:
                if known != obs:
                    raise Conflict(f"observation {obs.id!r} is already in the picture")
                continue
            fresh[obs.id] = obs
        if not fresh:
            return Change()
        earliest = min(_key(obs) for obs in fresh.values())
        start = bisect.bisect_left(self._keys, earliest)
        touched = self._rewind(start)
        for obs in fresh.values():
            self._observations[obs.id] = obs
            key = _key(obs)
            index = bisect.bisect_left(self._keys, key)
            if index < len(self._keys) and self._keys[index] == key:
                ids = [o.id for o in self._scans[index]]
                self._scans[index].insert(bisect.bisect_left(ids, obs.id), obs)
            else:
                self._keys.insert(index, key)
                self._scans.insert(index, [obs])
        return self._replay(start, touched)

    def withdraw(self, observation_id: str) -> Change:
        """Take an observation out (its label was raised, or it was retracted).

        Every track is recomputed as if it had never been seen.

        Raises:
            NotFound: the observation is not in the picture.
        """
        obs = self._observations.get(observation_id)
        if obs is None:
            raise NotFound(f"observation {observation_id!r} is not in the picture")
        index = bisect.bisect_left(self._keys, _key(obs))
        touched = self._rewind(index)
        del self._observations[observation_id]
        scan = self._scans[index]
        scan.remove(obs)
        if not scan:
            del self._scans[index], self._keys[index]
        return self._replay(index, touched)

    def _rewind(self, start: int) -> set[str]:
        """Undo every scan from ``start`` on; the ids of the tracks they touched."""
        touched: set[str] = set()
        while len(self._journal) > start:
            for track_id in self._journal.pop():
                touched.add(track_id)
                track = self._tracks[track_id]
                track.points.pop()
                track.filters.pop()
                if not track.points:
                    del self._tracks[track_id]
        if touched:
            self._active = {}
            if start:
                horizon = self._keys[start - 1].time - self._config.timeout
                self._active = {
                    tid: track
                    for tid, track in self._tracks.items()
                    if track.domain != "event" and track.filters[-1].time >= horizon
                }
        return touched

    def _replay(self, start: int, touched: set[str]) -> Change:
        for index in range(start, len(self._scans)):
            applied = self._apply(self._keys[index].time, self._scans[index])
            self._journal.append(applied)
            touched.update(applied)
        removed = tuple(sorted(tid for tid in touched if tid not in self._tracks))
        updated = tuple(sorted(tid for tid in touched if tid in self._tracks))
        return Change(updated, removed)

    # ------------------------------------------------------------------ one scan

    def _apply(self, time: datetime, scan: Sequence[Observation]) -> tuple[str, ...]:
        horizon = time - self._config.timeout
        self._active = {
            tid: track for tid, track in self._active.items() if track.filters[-1].time >= horizon
        }
        candidates = sorted(self._active)
        # each track's filter carried forward to this scan, made when first asked for (only
        # the tracks near a report are); the gate is first applied to all at once (numpy)
        predicted = _Lazy(lambda tid: self._predict(self._active[tid], time))
        ahead = self._ahead(candidates, time)
        pairs = self._assign(scan, candidates, predicted, (ahead[0], ahead[1], ahead[2]))
        # Second chance: a report no track gated may be a manoeuvre (a turn, a change of
        # speed) of a track this scan left alone; gate them again with the track's velocity
        # uncertain by its manoeuvre allowance before starting a new track.
        left = [row for row in range(len(scan)) if row not in pairs]
        taken = set(pairs.values())
        spare_at = [i for i, tid in enumerate(candidates) if tid not in taken]
        if left and spare_at:
            spare = [candidates[i] for i in spare_at]
            widened = _Lazy(lambda tid: self._manoeuvre(self._active[tid], predicted[tid]))
            lat, lon, _, wide = (column[spare_at] for column in ahead)
            more = self._assign([scan[row] for row in left], spare, widened, (lat, lon, wide))
            for index, chosen in more.items():
                pairs[left[index]] = chosen
                predicted[chosen] = widened[chosen]
        touched: list[str] = []
        for row, obs in enumerate(scan):
            found = pairs.get(row)
            if found is None:
                track = self._start(obs)
            else:
                track = self._active[found]
                self._update(track, predicted[found], obs)
            touched.append(track.id)
        return tuple(touched)

    def _ahead(self, candidates: Sequence[str], time: datetime) -> tuple[np.ndarray, ...]:
        """Every candidate's predicted latitude, longitude and position variance at ``time``,
        and that variance widened by the manoeuvre allowance: :meth:`_predict` and
        :meth:`_manoeuvre` for all tracks at once, for gating only (the pairs gated are
        then costed with the exact filters)."""
        config = self._config
        n = len(candidates)
        values = np.empty((n, 9))
        for i, tid in enumerate(candidates):
            track = self._active[tid]
            state = track.filters[-1]
            air = track.domain == "air"
            values[i] = (
                state.lat, state.lon, state.ve, state.vn, state.a, state.b, state.c,
                max((time - state.time).total_seconds(), 0.0), 1.0 if air else 0.0,
            )  # fmt: skip
        lat, lon, ve, vn, a, b, c, dt, in_air = values.T
        q = np.where(in_air > 0, config.air_noise, config.surface_noise)
        allowance = np.where(in_air > 0, config.air_manoeuvre, config.surface_manoeuvre)
        new_lat = np.clip(lat + np.degrees(vn * dt / EARTH_RADIUS), -90.0, 90.0)
        scale = np.maximum(np.cos(np.radians(lat)), 1e-6)
        new_lon = (lon + np.degrees(ve * dt / (EARTH_RADIUS * scale)) + 180.0) % 360.0 - 180.0
        spread = a + 2.0 * dt * b + dt * dt * c + q * dt**3 / 3.0
        extra = (allowance * np.maximum(1.0, np.hypot(ve, vn))) ** 2
        return new_lat, new_lon, spread, spread + dt * dt * extra

    def _assign(
        self, scan: Sequence[Observation], candidates: Sequence[str],
        predicted: Mapping[str, _Filter], ahead: tuple[np.ndarray, np.ndarray, np.ndarray],
    ) -> dict[int, str]:  # fmt: skip
        """Global nearest neighbour: the least-cost one-to-one gated pairs (row -> track)."""
        pairs: dict[int, str] = {}
        if not candidates or not scan:
            return pairs
        costs = np.full((len(scan), len(candidates)), _UNGATED)
        rows, columns = self._near(scan, *ahead)
        for row, column in zip(rows.tolist(), columns.tolist(), strict=True):
            tid = candidates[column]
            costs[row, column] = self._cost(scan[row], self._active[tid], predicted[tid])
        used = np.flatnonzero((costs < _UNGATED).any(axis=0))
        if used.size:
            chosen, columns = linear_sum_assignment(costs[:, used])
            for row, column in zip(chosen.tolist(), columns.tolist(), strict=True):
                if costs[row, used[column]] < _UNGATED:
                    pairs[row] = candidates[int(used[column])]
        return pairs

    def _near(
        self, scan: Sequence[Observation], lat: np.ndarray, lon: np.ndarray, spread: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """The (row, column) pairs whose distance may be within the gate — the distance of
        :meth:`_cost`, computed for every pair at once (numpy) with a margin, so that
        :meth:`_cost`, which decides, is asked only about pairs it might admit."""
        t_lat, t_lon, t_a = np.radians(lat), lon, spread
        o_lat = np.radians(np.array([o.lat for o in scan]))
        o_lon = np.array([o.lon for o in scan])
        o_var = np.array([self._variance(o) for o in scan])
        dlon = (o_lon[:, None] - t_lon[None, :] + 180.0) % 360.0 - 180.0
        east = np.radians(dlon) * EARTH_RADIUS * np.cos(t_lat)[None, :]
        north = (o_lat[:, None] - t_lat[None, :]) * EARTH_RADIUS
        distance = (east * east + north * north) / (t_a[None, :] + o_var[:, None])
        rows, columns = np.nonzero(distance <= self._config.gate * 1.01)
        return rows, columns

    def _manoeuvre(self, track: _Track, state: _Filter) -> _Filter:
        """``state`` with the velocity uncertain by the manoeuvre allowance since last seen."""
        config = self._config
        allowance = config.air_manoeuvre if track.domain == "air" else config.surface_manoeuvre
        dt = (state.time - track.filters[-1].time).total_seconds()
        extra = (allowance * max(1.0, math.hypot(state.ve, state.vn))) ** 2
        return state._replace(
            a=state.a + dt * dt * extra, b=state.b + dt * extra, c=state.c + extra
        )

    def _predict(self, track: _Track, time: datetime) -> _Filter:
        """The track's filter carried forward to ``time`` (white-noise acceleration model)."""
        state = track.filters[-1]
        dt = (time - state.time).total_seconds()
        if dt <= 0:
            return state
        config = self._config
        q = config.air_noise if track.domain == "air" else config.surface_noise
        a, b, c = state.a, state.b, state.c
        lat, lon = _moved(state.lat, state.lon, state.ve * dt, state.vn * dt)
        return _Filter(
            time,
            lat,
            lon,
            state.ve,
            state.vn,
            a + 2.0 * dt * b + dt * dt * c + q * dt**3 / 3.0,
            b + dt * c + q * dt * dt / 2.0,
            c + q * dt,
        )

    def _cost(self, obs: Observation, track: _Track, state: _Filter) -> float:
        point = track.points[-1]
        if obs.kind.domain != track.domain or obs.kind is Kind.EVENT:
            return _UNGATED
        if obs.identity and point.identity and obs.identity != point.identity:
            return _UNGATED
        east, north = _offset(state.lat, state.lon, obs.lat, obs.lon)
        spread = state.a + self._variance(obs)
        distance = (east * east + north * north) / spread
        if distance > self._config.gate:
            return _UNGATED
        return distance + 2.0 * math.log(spread)

    def _variance(self, obs: Observation) -> float:
        if obs.accuracy is not None:
            return obs.accuracy * obs.accuracy
        config = self._config
        sigma = config.air_accuracy if obs.kind.domain == "air" else config.surface_accuracy
        return sigma * sigma

    def _start(self, obs: Observation) -> _Track:
        config = self._config
        track_id = f"trk-{obs.id}"
        domain = obs.kind.domain
        speed = config.air_speed if domain == "air" else config.surface_speed
        velocity = _velocity(obs)
        if velocity is None:
            ve, vn, c = 0.0, 0.0, speed * speed
        else:
            ve, vn = velocity
            c = self._velocity_variance(obs)
        state = _Filter(obs.time, obs.lat, obs.lon, ve, vn, self._variance(obs), 0.0, c)
        track = _Track(track_id, domain)
        track.points.append(_point(state, obs, obs.kind, obs.identity))
        track.filters.append(state)
        self._tracks[track_id] = track
        if obs.kind is not Kind.EVENT:
            self._active[track_id] = track
        return track

    def _velocity_variance(self, obs: Observation) -> float:
        config = self._config
        speed = obs.speed or 0.0
        across = speed * math.radians(config.course_error)
        return config.speed_error * config.speed_error + across * across

    def _update(self, track: _Track, state: _Filter, obs: Observation) -> None:
        r = self._variance(obs)
        east, north = _offset(state.lat, state.lon, obs.lat, obs.lon)
        a, b, c = state.a, state.b, state.c
        velocity = _velocity(obs)
        if velocity is None:
            s = a + r
            k0, k1 = a / s, b / s
            de, dn = k0 * east, k0 * north
            ve, vn = state.ve + k1 * east, state.vn + k1 * north
            a, b, c = a * r / s, b * r / s, c - k1 * b
        else:
            rv = self._velocity_variance(obs)
            s11, s12, s22 = a + r, b, c + rv
            det = s11 * s22 - s12 * s12
            i11, i12, i22 = s22 / det, -s12 / det, s11 / det
            # K = P S⁻¹ (2x2, symmetric P and S)
            k11, k12 = a * i11 + b * i12, a * i12 + b * i22
            k21, k22 = b * i11 + c * i12, b * i12 + c * i22
            nve, nvn = velocity[0] - state.ve, velocity[1] - state.vn
            de, dn = k11 * east + k12 * nve, k11 * north + k12 * nvn
            ve = state.ve + k21 * east + k22 * nve
            vn = state.vn + k21 * north + k22 * nvn
            # P' = (I - K) P
            a, b, c = (
                (1 - k11) * a - k12 * b,
                (1 - k11) * b - k12 * c,
                -k21 * b + (1 - k22) * c,
            )
        lat, lon = _moved(state.lat, state.lon, de, dn)
        new = _Filter(obs.time, lat, lon, ve, vn, a, b, c)
        last = track.points[-1]
        kind = obs.kind if obs.kind.specific or not last.kind.specific else last.kind
        track.points.append(_point(new, obs, kind, obs.identity or last.identity))
        track.filters.append(new)

    # ------------------------------------------------------------------ reading

    def tracks(self, at: datetime) -> list[Track]:
        """The tracks current at ``at``, as they stood then (sorted by id).

        A track is current when its last observation at or before ``at`` is no older than
        the time-out. Observations after ``at`` play no part, so a past ``at`` gives the
        picture as it was (fusion is causal: a later report never re-associates an earlier).
        """
        found = (self.track(tid, at) for tid in sorted(self._tracks))
        return [track for track in found if track is not None]

    def track(self, track_id: str, at: datetime | None = None) -> Track | None:
        """One track as it stood at ``at`` (``None``: with its whole history), if current.

        ``None`` when there is no such track, it had not begun by ``at``, or it had timed
        out by then. With ``at=None`` a track is returned whatever its age.
        """
        track = self._tracks.get(track_id)
        if track is None:
            return None
        points = track.points
        if at is not None:
            end = bisect.bisect_right([p.time for p in points], at)
            if not end or at - points[end - 1].time > self._config.timeout:
                return None
            points = points[:end]
        observations = [self._observations[p.observation] for p in points]
        last = points[-1]
        return Track(
            id=track.id,
            kind=last.kind,
            identity=last.identity,
            time=last.time,
            lat=last.lat,
            lon=last.lon,
            course=last.course,
            speed=last.speed,
            nations=tuple(sorted({o.source_nation for o in observations})),
            observations=tuple(o.id for o in observations),
            labels=tuple(dict.fromkeys(o.label for o in observations)),
            history=tuple(points),
        )

    @property
    def track_ids(self) -> tuple[str, ...]:
        """Every track's id, current or not (sorted)."""
        return tuple(sorted(self._tracks))

    @property
    def observations(self) -> dict[str, Observation]:
        """The observations in the picture, by id (a copy)."""
        return dict(self._observations)


def _velocity(obs: Observation) -> tuple[float, float] | None:
    if obs.course is None or obs.speed is None:
        return None
    course = math.radians(obs.course)
    return obs.speed * math.sin(course), obs.speed * math.cos(course)


def _point(state: _Filter, obs: Observation, kind: Kind, identity: str | None) -> TrackPoint:
    speed = math.hypot(state.ve, state.vn)
    course = math.degrees(math.atan2(state.ve, state.vn)) % 360.0
    return TrackPoint(state.time, state.lat, state.lon, course, speed, obs.id, kind, identity)


def fuse(observations: Iterable[Observation], config: FusionConfig | None = None) -> Picture:
    """The picture of ``observations``, computed from scratch."""
    picture = Picture(config)
    picture.add_many(observations)
    return picture
