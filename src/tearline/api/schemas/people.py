"""The answers about people: persons as a security officer sees them, and a browser session."""

from __future__ import annotations

from pydantic import BaseModel

__all__ = [
    "AuthorizationOut",
    "ClearanceOut",
    "HistoryOut",
    "PersonOut",
    "PersonsOut",
    "SessionOut",
]


class ClearanceOut(BaseModel):
    level: str
    scheme: str
    granted: str
    expires: str | None
    status: str


class AuthorizationOut(BaseModel):
    token: str
    expires: str | None


class HistoryOut(BaseModel):
    at: str
    event: str
    by: str
    reason: str


class PersonOut(BaseModel):
    """A person as a security officer sees them (``history`` on a single person)."""

    id: str
    name: str
    organisation: str
    nationalities: list[str]
    roles: list[str]
    clearance: ClearanceOut
    authorizations: list[AuthorizationOut]
    version: int
    history: list[HistoryOut] | None = None


class PersonsOut(BaseModel):
    persons: list[PersonOut]


class SessionOut(BaseModel):
    """A browser session opened: whose, its CSRF token (send it as ``X-CSRF-Token`` with
    every unsafe request), when it ends at the latest, and its idle limit."""

    person: str
    csrf: str
    expires: str
    idle_minutes: int
