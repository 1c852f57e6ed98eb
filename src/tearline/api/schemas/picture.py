"""The answers about the common operational picture: filed observations and fused tracks."""

from __future__ import annotations

from pydantic import BaseModel

__all__ = [
    "ObservationBatchOut",
    "ObservationChangedOut",
    "ObservationStoredOut",
    "TrackHistoryOut",
    "TrackOut",
    "TrackPointOut",
    "TracksOut",
]


class ObservationStoredOut(BaseModel):
    """The id given to a filed observation."""

    id: str


class ObservationBatchOut(BaseModel):
    """The ids given to a batch's observations, in the order sent."""

    ids: list[str]


class ObservationChangedOut(BaseModel):
    """An observation after a retraction or a relabel: its version, its marking, whether
    it is retracted."""

    id: str
    version: int
    marking: str
    retracted: bool


class TrackOut(BaseModel):
    """A fused track as the caller sees it: from the observations they may read alone;
    ``nations`` the source nations of those, ``observations`` their ids (oldest first),
    ``marking`` their labels rolled up in the caller's scheme (a label that cannot be
    carried there, such as TLP, is joined after it with " + ")."""

    id: str
    kind: str
    lat: float
    lon: float
    time: str
    nations: list[str]
    observations: list[str]
    marking: str


class TracksOut(BaseModel):
    """The tracks current at the time asked (default now) that the caller may see."""

    tracks: list[TrackOut]


class TrackPointOut(BaseModel):
    """One point of a track's history: the filtered estimate after one observation."""

    time: str
    lat: float
    lon: float
    course: float
    speed: float
    observation: str
    kind: str


class TrackHistoryOut(TrackOut):
    """A track with its history (every point, oldest first), its identity if known."""

    identity: str | None
    course: float
    speed: float
    history: list[TrackPointOut]
