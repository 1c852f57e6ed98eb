"""The answers about the exchange with peers: the ledger of what was given and received,
signed audit checkpoints, and the releases held for a releasing officer.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from tearline.api.schemas.answers import Json

__all__ = [
    "AnchorOut",
    "AnchorsOut",
    "HeldListOut",
    "HeldOut",
    "LedgerOut",
    "LedgerPeerOut",
    "LedgerRowOut",
]


class LedgerRowOut(BaseModel):
    """Objects given to and received from one peer in one span of time, at one tier (or TLP
    level), of one kind; the balance is given − received."""

    peer: str
    bucket: str
    tier: str
    kind: str
    given: int
    received: int
    balance: int


class LedgerPeerOut(BaseModel):
    """One peer's totals."""

    peer: str
    given: int
    received: int
    balance: int


class LedgerOut(BaseModel):
    """The ledger: what each peer was given and sent, grouped by span (``by``), tier and
    kind, from ``since`` on."""

    by: Literal["day", "week", "month"]
    since: str | None
    rows: list[LedgerRowOut]
    peers: list[LedgerPeerOut]


class AnchorOut(BaseModel):
    """A checkpoint this node holds of the calling peer."""

    node: str
    seq: int
    hash: str
    signature: str
    key_id: str


class AnchorsOut(BaseModel):
    """Checkpoints of the calling peer held here (after ``after``, in order), and the
    highest ``seq`` held."""

    anchors: list[AnchorOut]
    held: int
    accepted: int | None = None


class HeldOut(BaseModel):
    """An object version the release guard held for a releasing officer: to whom, why
    (``word`` or ``near-duplicate``, with ``detail``), and the decision once made."""

    id: str
    to: str
    item: str
    version: int
    reason: str
    detail: Json
    held_at: str
    decision: str | None
    decided_by: str | None
    decided_at: str | None
    note: str | None


class HeldListOut(BaseModel):
    held: list[HeldOut]
