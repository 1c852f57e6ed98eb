"""The request bodies the API accepts (validated by pydantic; unknown fields refused)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "AnchorIn",
    "AnchorsIn",
    "ConsentIn",
    "DecisionIn",
    "DocumentEdit",
    "DocumentIn",
    "ItemEdit",
    "ItemIn",
    "ObservationBatchIn",
    "ObservationIn",
    "PortionIn",
    "RelabelIn",
    "ReleaseIn",
    "RetractIn",
    "RollupIn",
    "SpillIn",
]


class _Strict(BaseModel):
    """A request body: unknown fields refused, every string bounded."""

    model_config = ConfigDict(extra="forbid", str_max_length=1_000_000)


class ItemIn(_Strict):
    """A report or observation: its marking in the caller's scheme unless ``scheme`` says."""

    marking: str = Field(max_length=2000, examples=["SECRET//REL TO USA, JPN"])
    scheme: str | None = Field(default=None, max_length=20, examples=["us"])
    title: str = Field(max_length=300)
    content: str = ""
    kind: Literal["report", "observation"] = "report"
    at: datetime | None = None
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)


class ObservationIn(_Strict):
    """One observation of the common operational picture: SI units (metres, metres per
    second, degrees); ``marking`` in the caller's scheme unless ``scheme`` names another.
    Ranges are checked by the node, which names the field at fault."""

    time: datetime = Field(examples=["2026-11-30T08:55:00Z"])
    lat: float = Field(examples=[34.6])
    lon: float = Field(examples=[129.4])
    kind: str = Field(max_length=40, examples=["vessel"])
    source_nation: str = Field(max_length=10, examples=["USA"])
    sensor: str = Field(max_length=400, examples=["P-8A radar"])
    marking: str = Field(max_length=2000, examples=["SECRET//REL TO USA, JPN"])
    scheme: str | None = Field(default=None, max_length=20)
    alt: float | None = None
    course: float | None = None
    speed: float | None = None
    identity: str | None = Field(default=None, max_length=400)
    accuracy: float | None = None


class ObservationBatchIn(_Strict):
    """Many observations, checked whole before any is filed (all or none)."""

    observations: list[ObservationIn] = Field(min_length=1, max_length=10_000)


class RetractIn(_Strict):
    """Why an observation is retracted (kept in the audit log)."""

    reason: str = Field(min_length=1, max_length=500)


class RelabelIn(_Strict):
    """An observation's new marking (lowering it takes a releasing officer) and why."""

    marking: str = Field(max_length=2000, examples=["SECRET//NOFORN"])
    scheme: str | None = Field(default=None, max_length=20)
    reason: str = Field(min_length=1, max_length=500)


class PortionIn(_Strict):
    """One portion: its marking (banner or portion form) and its text."""

    marking: str = Field(max_length=2000, examples=["(S//REL TO USA, JPN)"])
    text: str = Field(min_length=1)


class RollupIn(_Strict):
    """Markings to roll up into one banner (each in the caller's scheme, or TLP; a track's
    mark may join several with " + ")."""

    markings: list[str] = Field(
        min_length=1, max_length=500, examples=[["SECRET//REL TO USA, JPN", "SECRET//NOFORN"]]
    )


class ReleaseIn(_Strict):
    """A release of a document to an audience; ``relido`` is the officer's explicit
    decision to let RELIDO portions go too."""

    audience: str = Field(max_length=2000, examples=["REL TO USA, JPN"])
    relido: bool = False


class DocumentIn(_Strict):
    """A portion-marked document; its banner is rolled up from the portions."""

    title: str = Field(max_length=300)
    portions: list[PortionIn] = Field(min_length=1, max_length=1000)
    scheme: str | None = Field(default=None, max_length=20)


class ItemEdit(ItemIn):
    """A new version of an item; ``reason`` is kept in the audit log (a lower marking is a
    downgrade: releasing officers only)."""

    reason: str = Field(min_length=1, max_length=1000)


class DocumentEdit(DocumentIn):
    """A new version of a document, its portions given anew; ``reason`` as for an item."""

    reason: str = Field(min_length=1, max_length=1000)


class SpillIn(_Strict):
    """Why an item is declared spilled (kept in the incident and the audit log; do not quote
    the spilled content here)."""

    reason: str = Field(min_length=1, max_length=1000)


class ConsentIn(_Strict):
    """The originator's consent to release ORCON portions of a document to an audience:
    ``portions`` are positions from 0 (all ORCON portions when left out); ``reference`` is the
    originator's message or file number."""

    audience: str = Field(max_length=2000, examples=["REL TO USA, GBR"])
    reference: str = Field(min_length=1, max_length=200)
    portions: list[int] | None = Field(default=None, min_length=1, max_length=1000)


class AnchorIn(_Strict):
    """A signed audit checkpoint of the sending node: entry ``seq`` had hash ``hash``."""

    seq: int = Field(ge=1, le=2**62)
    hash: str = Field(pattern=r"^[0-9a-f]{64}$")
    signature: str = Field(pattern=r"^[0-9a-f]{128}$")
    key_id: str = Field(max_length=64)


class AnchorsIn(_Strict):
    """The sending node's id (signed within each checkpoint) and its checkpoints."""

    node: str = Field(min_length=1, max_length=100)
    anchors: list[AnchorIn] = Field(min_length=1, max_length=1000)


class DecisionIn(_Strict):
    """Why a held release may go, or stays (kept in the audit log)."""

    reason: str = Field(min_length=1, max_length=1000)
