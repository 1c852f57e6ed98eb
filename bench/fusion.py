"""Fusion accuracy and speed: Tearline's fusion beside a Stone Soup reference tracker.

Run ``.venv/bin/python bench/fusion.py [--seed N] [--minutes M] [--quick]``. The scenario is
:func:`tearline.picture.scenario.scenario` (two nations' sensors around Japan, with its
truth). Two viewers: a fully cleared US viewer (reads every report) and a partial viewer, a
Japanese national cleared 極秘 (reads everything but the US-only NOFORN reports); who reads
what is decided by :func:`tearline.decide`.

For each viewer, the observations it may read are fused twice, timed single-threaded (best
of ``--repeat`` runs, garbage collector off):

- **Tearline**: :func:`tearline.picture.fuse` (constant-velocity Kalman filter, Mahalanobis
  gate, global-nearest-neighbour per scan, 30-minute time-out).
- **Stone Soup**: the reference tracker of the tracking field's open framework, a Kalman
  filter (constant velocity, same manoeuvre noise per domain) with global-nearest-neighbour
  association (``GNNWith2DAssignment`` over a Mahalanobis ``DistanceHypothesiser``, same
  gate), ``SimpleMeasurementInitiator`` and a 30-minute ``UpdateTimeDeleter``; one tracker
  per domain (surface, air), scans fed in the same order. Both get each report's own
  accuracy, and AIS course/speed as a velocity measurement.

Both pictures are sampled every 30 s: each current track's last estimate carried to the
sample time at its estimated velocity, in an equirectangular plane around 34°N 133°E. The
truth at a sample time is every object the viewer's readable reports saw in the two minutes
before (an object seen again after a gap is a new truth path). Stone Soup's metric
generators measure them: OSPA (c = 10 km, p = 1; mean over the samples; lower is better)
and SIAP completeness, ambiguity, spuriousness and position accuracy (track-to-truth
association within 5 km). The last line is
``ospa: X; stone soup ospa: Y; observations/s: N; stone soup observations/s: M`` (full
viewer).
"""

from __future__ import annotations

import argparse
import gc
import math
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

import numpy as np
from stonesoup.dataassociator.neighbour import GNNWith2DAssignment
from stonesoup.dataassociator.tracktotrack import TrackToTruth
from stonesoup.deleter.time import UpdateTimeDeleter
from stonesoup.hypothesiser.distance import DistanceHypothesiser
from stonesoup.initiator.simple import SimpleMeasurementInitiator
from stonesoup.measures import Euclidean, Mahalanobis
from stonesoup.metricgenerator.manager import MultiManager
from stonesoup.metricgenerator.ospametric import OSPAMetric
from stonesoup.metricgenerator.tracktotruthmetrics import SIAPMetrics
from stonesoup.models.measurement.linear import LinearGaussian
from stonesoup.models.transition.linear import (
    CombinedLinearGaussianTransitionModel,
    ConstantVelocity,
)
from stonesoup.predictor.kalman import KalmanPredictor
from stonesoup.types.detection import Detection
from stonesoup.types.groundtruth import GroundTruthPath, GroundTruthState
from stonesoup.types.state import GaussianState, State
from stonesoup.types.track import Track as SSTrack
from stonesoup.updater.kalman import KalmanUpdater

from tearline.labels.model import Label
from tearline.picture import FusionConfig, Observation, fuse
from tearline.picture.fusion import EARTH_RADIUS
from tearline.picture.scenario import Scenario, scenario
from tearline.policy.decide import decide
from tearline.policy.model import Action, Person

ORIGIN = (34.0, 133.0)
SAMPLE = timedelta(seconds=30)
SEEN = timedelta(minutes=2)
OSPA_C = 10_000.0
SIAP_THRESHOLD = 5_000.0

T = TypeVar("T")
Estimate = tuple[str, float, float, float, float]  # track id, x, vx, y, vy


def _xy(lat: float, lon: float) -> tuple[float, float]:
    scale = math.cos(math.radians(ORIGIN[0]))
    x = math.radians(lon - ORIGIN[1]) * EARTH_RADIUS * scale
    return x, math.radians(lat - ORIGIN[0]) * EARTH_RADIUS


def _velocity(course: float, speed: float) -> tuple[float, float]:
    rad = math.radians(course)
    return speed * math.sin(rad), speed * math.cos(rad)


def _samples(run: Scenario) -> list[datetime]:
    end = run.start + timedelta(minutes=run.minutes)
    found, at = [], run.start + SAMPLE
    while at <= end:
        found.append(at)
        at += SAMPLE
    return found


# ---------------------------------------------------------------------- Tearline


def tearline_estimates(
    observations: Sequence[Observation], config: FusionConfig, samples: Sequence[datetime]
) -> dict[datetime, list[Estimate]]:
    """Tearline's picture at each sample time, carried to it at the estimated velocity."""
    picture = fuse(observations, config)
    found: dict[datetime, list[Estimate]] = {}
    for at in samples:
        rows = []
        for track in picture.tracks(at):
            x, y = _xy(track.lat, track.lon)
            vx, vy = _velocity(track.course, track.speed)
            dt = (at - track.time).total_seconds()
            rows.append((track.id, x + vx * dt, vx, y + vy * dt, vy))
        found[at] = rows
    return found


# ---------------------------------------------------------------------- Stone Soup


@dataclass
class _Reference:
    """One Stone Soup Kalman/GNN tracker (one domain)."""

    associator: GNNWith2DAssignment
    updater: KalmanUpdater
    initiator: SimpleMeasurementInitiator
    deleter: UpdateTimeDeleter
    tracks: set[SSTrack]
    ended: list[SSTrack]


def _reference(noise: float, speed: float, gate: float, timeout: timedelta) -> _Reference:
    transition = CombinedLinearGaussianTransitionModel(
        [ConstantVelocity(noise), ConstantVelocity(noise)]
    )
    predictor = KalmanPredictor(transition)
    updater = KalmanUpdater(measurement_model=None)
    hypothesiser = DistanceHypothesiser(
        predictor, updater, measure=Mahalanobis(), missed_distance=math.sqrt(gate)
    )
    prior = GaussianState(np.zeros((4, 1)), np.diag([0.0, speed**2, 0.0, speed**2]))
    return _Reference(
        GNNWith2DAssignment(hypothesiser),
        updater,
        SimpleMeasurementInitiator(prior_state=prior, measurement_model=None),
        UpdateTimeDeleter(time_since_update=timeout),
        set(),
        [],
    )


def _detection(obs: Observation, config: FusionConfig) -> Detection:
    x, y = _xy(obs.lat, obs.lon)
    domain = obs.kind.domain
    sigma = obs.accuracy or (config.air_accuracy if domain == "air" else config.surface_accuracy)
    if obs.course is not None and obs.speed is not None:
        vx, vy = _velocity(obs.course, obs.speed)
        across = obs.speed * math.radians(config.course_error)
        rv = config.speed_error**2 + across**2
        model = LinearGaussian(4, (0, 1, 2, 3), np.diag([sigma**2, rv, sigma**2, rv]))
        vector = np.array([[x], [vx], [y], [vy]])
    else:
        model = LinearGaussian(4, (0, 2), np.diag([sigma**2, sigma**2]))
        vector = np.array([[x], [y]])
    return Detection(vector, timestamp=obs.time, measurement_model=model, metadata={})


def _scans(observations: Sequence[Observation]) -> list[list[Observation]]:
    ordered = sorted(observations, key=lambda o: (o.time, o.source_nation, o.sensor, o.id))
    scans: list[list[Observation]] = []
    for obs in ordered:
        if scans and (scans[-1][0].time, scans[-1][0].source_nation, scans[-1][0].sensor) == (
            obs.time, obs.source_nation, obs.sensor,
        ):  # fmt: skip
            scans[-1].append(obs)
        else:
            scans.append([obs])
    return scans


def stone_soup_tracks(observations: Sequence[Observation], config: FusionConfig) -> list[SSTrack]:
    """Every track the Stone Soup reference made of ``observations`` (updates only)."""
    trackers = {
        "surface": _reference(
            config.surface_noise, config.surface_speed, config.gate, config.timeout
        ),
        "air": _reference(config.air_noise, config.air_speed, config.gate, config.timeout),
    }
    for whole in _scans(observations):
        for domain, tracker in trackers.items():
            scan = [obs for obs in whole if obs.kind.domain == domain]
            if scan:
                _step(tracker, scan, config)
    return [t for tracker in trackers.values() for t in (*tracker.ended, *tracker.tracks)]


def _step(tracker: _Reference, scan: Sequence[Observation], config: FusionConfig) -> None:
    at = scan[0].time
    detections = {_detection(obs, config) for obs in scan}
    hypotheses = tracker.associator.associate(tracker.tracks, detections, at)
    used = set()
    for track in tracker.tracks:
        hypothesis = hypotheses[track]
        if hypothesis.measurement:
            track.append(tracker.updater.update(hypothesis))
            used.add(hypothesis.measurement)
    # No prediction is appended on a miss: for a linear-Gaussian model predicting from
    # the last update gives the same result as predicting step by step.
    gone = tracker.deleter.delete_tracks(tracker.tracks)
    tracker.tracks -= gone
    tracker.ended.extend(gone)
    tracker.tracks |= tracker.initiator.initiate(detections - used, at)


def stone_soup_estimates(
    tracks: Sequence[SSTrack], timeout: timedelta, samples: Sequence[datetime]
) -> dict[datetime, list[Estimate]]:
    """The reference's picture at each sample time: the same rule as Tearline's."""
    found: dict[datetime, list[Estimate]] = {at: [] for at in samples}
    for number, track in enumerate(tracks):
        states = list(track.states)
        times = [s.timestamp for s in states]
        index = 0
        for at in samples:
            while index < len(states) and times[index] <= at:
                index += 1
            if not index or at - times[index - 1] > timeout:
                continue
            last = states[index - 1]
            x, vx, y, vy = (float(v) for v in np.asarray(last.state_vector).ravel())
            dt = (at - times[index - 1]).total_seconds()
            found[at].append((f"ss-{number}", x + vx * dt, vx, y + vy * dt, vy))
    return found


# ---------------------------------------------------------------------- metrics


def _truth(
    run: Scenario, observations: Sequence[Observation], samples: Sequence[datetime]
) -> set[GroundTruthPath]:
    seen: dict[str, list[datetime]] = {}
    for obs in observations:
        seen.setdefault(run.truth[obs.id], []).append(obs.time)
    paths = set()
    for obj in run.objects:
        times = seen.get(obj.id, [])
        path: GroundTruthPath | None = None
        index, segment, previous = 0, 0, None
        for at in samples:
            while index < len(times) and times[index] <= at:
                index += 1
            if not index or at - times[index - 1] > SEEN:
                continue
            if path is None or previous != at - SAMPLE:
                # a new stretch of being seen: its own path, so no path has gaps
                segment += 1
                path = GroundTruthPath(id=f"{obj.id}/{segment}")
                paths.add(path)
            lat, lon, course, speed = obj.state(at)
            x, y = _xy(lat, lon)
            vx, vy = _velocity(course, speed)
            path.append(GroundTruthState(np.array([[x], [vx], [y], [vy]]), timestamp=at))
            previous = at
    return paths


def _as_tracks(estimates: dict[datetime, list[Estimate]]) -> set[SSTrack]:
    tracks: dict[str, SSTrack] = {}
    for at, rows in estimates.items():
        for track_id, x, vx, y, vy in rows:
            track = tracks.setdefault(track_id, SSTrack(id=track_id))
            track.append(State(np.array([[x], [vx], [y], [vy]]), timestamp=at))
    return set(tracks.values())


def measure(
    truth: set[GroundTruthPath], estimates: dict[datetime, list[Estimate]]
) -> dict[str, float]:
    """OSPA and SIAP of one picture against the truth, by Stone Soup's metric generators."""
    position = Euclidean((0, 2))
    manager = MultiManager(
        [
            OSPAMetric(
                c=OSPA_C,
                p=1,
                measure=position,
                generator_name="ospa",
                tracks_key="tracks",
                truths_key="truths",
            ),
            SIAPMetrics(
                position_measure=position,
                velocity_measure=Euclidean((1, 3)),
                generator_name="siap",
                tracks_key="tracks",
                truths_key="truths",
            ),
        ],
        associator=TrackToTruth(association_threshold=SIAP_THRESHOLD),
    )
    manager.add_data({"tracks": _as_tracks(estimates), "truths": truth})
    metrics: Any = manager.generate_metrics()
    ospa = [float(m.value) for m in metrics["ospa"]["OSPA distances"].value]
    siap = metrics["siap"]
    return {
        "ospa": statistics.fmean(ospa),
        "completeness": float(siap["SIAP Completeness"].value),
        "ambiguity": float(siap["SIAP Ambiguity"].value),
        "spuriousness": float(siap["SIAP Spuriousness"].value),
        "position": float(siap["SIAP Position Accuracy"].value),
    }


def _timed(work: Callable[[], T], repeat: int) -> tuple[float, T]:
    """The best of ``repeat`` timed runs of ``work`` (collector off), and its result."""
    best = math.inf
    enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(repeat):
            began = time.perf_counter()
            result = work()
            best = min(best, time.perf_counter() - began)
    finally:
        if enabled:
            gc.enable()
    return best, result


def _compare(
    run: Scenario,
    mine: Sequence[Observation],
    config: FusionConfig,
    samples: Sequence[datetime],
    repeat: int,
) -> tuple[dict[str, float], dict[str, float]]:
    """Both trackers over one viewer's observations: metrics and observations/s of each.

    Tearline is timed ``repeat`` times (best run); Stone Soup, much slower, once.
    """
    truth = _truth(run, mine, samples)
    ours_s, _ = _timed(lambda: fuse(mine, config), repeat)
    theirs_s, tracks = _timed(lambda: stone_soup_tracks(mine, config), 1)
    ours = measure(truth, tearline_estimates(mine, config, samples))
    theirs = measure(truth, stone_soup_estimates(tracks, config.timeout, samples))
    ours["rate"] = len(mine) / ours_s
    theirs["rate"] = len(mine) / theirs_s
    return ours, theirs


def _readable(person: Person, at: datetime) -> Callable[[Label], bool]:
    verdicts: dict[Label, bool] = {}

    def reads(label: Label) -> bool:
        if label not in verdicts:
            verdicts[label] = decide(person, label, Action.READ, at).permitted
        return verdicts[label]

    return reads


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--minutes", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="15 minutes, one timed run")
    args = parser.parse_args(argv)
    minutes, repeat = (15, 1) if args.quick else (args.minutes, args.repeat)
    run = scenario(args.seed, minutes)
    config = FusionConfig()
    samples = _samples(run)
    viewers = {
        "full (USA, TS)": Person.from_data(
            {"nationality": "USA", "clearance": "TS", "authorizations": ["community:maritime"]}
        ),
        "partial (JPN, 極秘)": Person.from_data(
            {
                "nationality": "JPN",
                "clearance": "極秘",
                "clearance_scheme": "jp",
                "authorizations": ["community:maritime"],
            }
        ),
    }
    print(f"scenario seed {args.seed}: {minutes} min, {len(run.objects)} objects, "
          f"{len(run.observations)} observations")  # fmt: skip
    header = f"{'viewer':<20} {'tracker':<10} {'obs':>6} {'obs/s':>9} {'OSPA m':>8} " \
             f"{'compl':>6} {'ambig':>6} {'spur':>6} {'pos m':>7}"  # fmt: skip
    print(header)
    last = ""
    for name, person in viewers.items():
        reads = _readable(person, run.start)
        mine = [o for o in run.observations if reads(o.label)]
        ours, theirs = _compare(run, mine, config, samples, repeat)
        for tracker, result in (("tearline", ours), ("stone soup", theirs)):
            print(
                f"{name:<20} {tracker:<10} {len(mine):>6} {result['rate']:>9.0f} "
                f"{result['ospa']:>8.0f} {result['completeness']:>6.3f} "
                f"{result['ambiguity']:>6.3f} {result['spuriousness']:>6.3f} "
                f"{result['position']:>7.0f}"
            )
        if not last:
            last = (
                f"ospa: {ours['ospa']:.0f}; stone soup ospa: {theirs['ospa']:.0f}; "
                f"observations/s: {ours['rate']:.0f}; "
                f"stone soup observations/s: {theirs['rate']:.0f}"
            )
    print(last)
    return 0


if __name__ == "__main__":
    sys.exit(main())
