"""The common operational picture's pure core: observations, fusion into tracks, scenarios.

No I/O: the store, the API, the live stream and the command line build on this.
"""

from tearline.picture.fusion import Change, FusionConfig, Picture, Track, TrackPoint, fuse
from tearline.picture.observation import (
    InvalidObservation,
    Kind,
    Observation,
    compatible,
    observation,
)
from tearline.picture.views import Pictures, marking

__all__ = [
    "Change",
    "FusionConfig",
    "InvalidObservation",
    "Kind",
    "Observation",
    "Picture",
    "Pictures",
    "Track",
    "TrackPoint",
    "compatible",
    "fuse",
    "marking",
    "observation",
]
