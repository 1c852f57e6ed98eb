"""The request bodies the API accepts (validated by pydantic; unknown fields refused)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "ConsentIn",
    "DocumentEdit",
    "DocumentIn",
    "ItemEdit",
    "ItemIn",
    "PortionIn",
    "ReleaseIn",
    "SpillIn",
]


class _Strict(BaseModel):
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


class PortionIn(_Strict):
    """One portion: its marking (banner or portion form) and its text."""

    marking: str = Field(max_length=2000, examples=["(S//REL TO USA, JPN)"])
    text: str = Field(min_length=1)


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
