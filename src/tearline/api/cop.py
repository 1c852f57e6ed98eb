"""The common operational picture's routes: observations filed, retracted and relabelled;
the fused tracks each caller may see, now or at a past time, and one track's history.

Every answer is computed from the observations the caller may read alone (see
:mod:`tearline.service.observations`); a track their picture does not hold is the one 404.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import FastAPI, Query
from starlette.responses import JSONResponse

from tearline.api.auth import Caller, Reader
from tearline.api.schemas.answers import answers
from tearline.api.schemas.bodies import ObservationBatchIn, ObservationIn, RelabelIn, RetractIn
from tearline.api.schemas.picture import (
    ObservationBatchOut,
    ObservationChangedOut,
    ObservationStoredOut,
    TrackHistoryOut,
    TracksOut,
)
from tearline.bootstrap import Node
from tearline.labels.schemes import Registry
from tearline.service.observations import Bbox, Report, TrackView
from tearline.service.records import ObservationRecord
from tearline.service.views import marking, rendered

__all__ = ["cop_routes", "track_marking"]


def _report(body: ObservationIn) -> Report:
    return Report(
        time=body.time, lat=body.lat, lon=body.lon, kind=body.kind,
        source_nation=body.source_nation, sensor=body.sensor, marking=body.marking,
        scheme=body.scheme, alt=body.alt, course=body.course, speed=body.speed,
        identity=body.identity, accuracy=body.accuracy,
    )  # fmt: skip


def track_marking(view: TrackView, scheme: str, registry: Registry) -> str:
    """A track's marking for a reader of ``scheme``: its roll-up in their scheme, then any
    label that cannot be carried there (TLP) in its own, joined with " + "."""
    return " + ".join(rendered(label, scheme, registry)[0] for label in view.marking)


def track_json(view: TrackView, scheme: str, registry: Registry) -> dict[str, Any]:
    """One element of ``tracks``: exactly the keys of the contract."""
    track = view.track
    return {
        "id": track.id, "kind": str(track.kind), "lat": track.lat, "lon": track.lon,
        "time": track.time.isoformat(), "nations": list(track.nations),
        "observations": list(track.observations),
        "marking": track_marking(view, scheme, registry),
    }  # fmt: skip


def _changed(node: Node, record: ObservationRecord) -> dict[str, Any]:
    return {"id": record.id, "version": record.version,
            "marking": marking(record.label, node.registry),
            "retracted": record.retracted is not None}  # fmt: skip


def cop_routes(app: FastAPI, node: Node) -> None:
    """Add the observation and track routes to ``app``."""

    @app.post("/api/v1/observations", summary="File one observation",
              **answers(ObservationStoredOut, 201, 403))  # fmt: skip
    def post_observation(body: ObservationIn, who: Caller) -> JSONResponse:
        record = node.observations.add(who.id, _report(body))
        return JSONResponse({"id": record.id}, 201)

    @app.post("/api/v1/observations/batch",
              summary="File many observations (all checked first; all or none)",
              **answers(ObservationBatchOut, 201, 403))  # fmt: skip
    def post_observations(body: ObservationBatchIn, who: Caller) -> JSONResponse:
        made = node.observations.add_many(who.id, [_report(o) for o in body.observations])
        return JSONResponse({"ids": [r.id for r in made]}, 201)

    @app.post("/api/v1/observations/{observation_id}/retract",
              summary="Retract an observation (its author or a security officer)",
              **answers(ObservationChangedOut, 200, 403))  # fmt: skip
    def retract(observation_id: str, body: RetractIn, who: Caller) -> dict[str, Any]:
        return _changed(node, node.observations.retract(who.id, observation_id,
                                                        reason=body.reason))  # fmt: skip

    @app.post("/api/v1/observations/{observation_id}/relabel",
              summary="Give an observation a new label (lowering it: releasing officers)",
              **answers(ObservationChangedOut, 200, 403))  # fmt: skip
    def relabel(observation_id: str, body: RelabelIn, who: Caller) -> dict[str, Any]:
        record = node.observations.relabel(
            who.id, observation_id, body.marking, reason=body.reason, scheme=body.scheme
        )
        return _changed(node, record)

    @app.get("/api/v1/cop/tracks", summary="The fused tracks the caller may see",
             **answers(TracksOut))  # fmt: skip
    def tracks(
        who: Reader,
        bbox: Annotated[str | None, Query(max_length=200, description="W,S,E,N in degrees")] = None,
        at: Annotated[datetime | None, Query(description="ISO time with zone; default now")] = None,
    ) -> dict[str, Any]:
        box = None if bbox is None else Bbox.parse(bbox)
        sight = node.observations.tracks(who.id, at=at, bbox=box)
        scheme = sight.reader.clearance_scheme
        return {"tracks": [track_json(v, scheme, node.registry) for v in sight.tracks]}

    @app.get("/api/v1/cop/tracks/{track_id}", summary="One track with its history",
             **answers(TrackHistoryOut))  # fmt: skip
    def track(
        track_id: str,
        who: Reader,
        at: Annotated[
            datetime | None, Query(description="ISO time with zone; default: all")
        ] = None,
    ) -> dict[str, Any]:
        reader, view = node.observations.track(who.id, track_id, at=at)
        shown = view.track
        history = [
            {"time": p.time.isoformat(), "lat": p.lat, "lon": p.lon, "course": p.course,
             "speed": p.speed, "observation": p.observation, "kind": str(p.kind)}
            for p in shown.history
        ]  # fmt: skip
        return {**track_json(view, reader.clearance_scheme, node.registry),
                "identity": shown.identity, "course": shown.course, "speed": shown.speed,
                "history": history}  # fmt: skip
