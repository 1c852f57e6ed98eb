"""The answers about the audit log: its entries and the verdict on its hash chain."""

from __future__ import annotations

from pydantic import BaseModel

from tearline.api.schemas.answers import Json

__all__ = [
    "AuditEntryOut",
    "AuditOut",
    "VerifyOut",
]


class AuditEntryOut(BaseModel):
    seq: int
    at: int
    actor: str
    action: str
    subject: str
    outcome: str
    detail: Json


class AuditOut(BaseModel):
    entries: list[AuditEntryOut]


class VerifyOut(BaseModel):
    """The chain's verdict: valid with its length, or the first bad entry and why."""

    valid: bool
    entries: int | None = None
    first_bad: int | None = None
    problem: str | None = None
