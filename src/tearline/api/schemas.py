"""The request bodies the API accepts (validated by pydantic; unknown fields refused)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "ERRORS",
    "AnchorIn",
    "AnchorOut",
    "AnchorsIn",
    "AnchorsOut",
    "AuditEntryOut",
    "AuditOut",
    "AuthorizationOut",
    "ClearanceOut",
    "ConsentIn",
    "ConsentOut",
    "ConsentsOut",
    "DecisionIn",
    "DocumentEdit",
    "DocumentIn",
    "DocumentOut",
    "ErrorDetail",
    "ErrorOut",
    "FacetsOut",
    "HeldListOut",
    "HeldOut",
    "HistoryOut",
    "IncidentOut",
    "IncidentsOut",
    "ItemEdit",
    "ItemIn",
    "ItemListOut",
    "ItemOut",
    "ItemSummaryOut",
    "Json",
    "LedgerOut",
    "LedgerPeerOut",
    "LedgerRowOut",
    "ObservationBatchIn",
    "ObservationBatchOut",
    "ObservationChangedOut",
    "ObservationIn",
    "ObservationStoredOut",
    "OriginatorOut",
    "PersonOut",
    "PersonsOut",
    "PortionIn",
    "PortionOut",
    "ReaderOut",
    "RelabelIn",
    "ReleaseIn",
    "ReleaseOut",
    "RetractIn",
    "RollupIn",
    "RollupOut",
    "SessionOut",
    "SpillIn",
    "StoredDocumentOut",
    "StoredItemOut",
    "TrackHistoryOut",
    "TrackOut",
    "TrackPointOut",
    "TracksOut",
    "VerifyOut",
    "VersionOut",
    "VersionsOut",
    "WithheldOut",
    "answers",
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


# ---------------------------------------------------------------- answers (documented shapes)
# The routes build their answers as plain dicts; these models only describe them in the
# OpenAPI document (``tests/api/test_api_schema.py`` checks every answer against them).

Json = dict[str, Any]


class ErrorDetail(BaseModel):
    """One error: a stable code, its category (which fixes the HTTP status) and a message;
    some errors add fields (``field``, ``reasons``, ``position``…)."""

    model_config = ConfigDict(extra="allow")

    code: str
    category: str
    message: str


class ErrorOut(BaseModel):
    """The one error shape of every route."""

    error: ErrorDetail


class ItemSummaryOut(BaseModel):
    """An item in a listing, its marking in the caller's scheme and ``label`` canonical."""

    id: str
    kind: str
    title: str
    marking: str
    scheme: str
    label: Json
    at: str
    version: int
    lat: float | None
    lon: float | None
    partial: bool
    snippet: str | None
    display_only: bool


class FacetsOut(BaseModel):
    """Counts of what the caller may read that the query matches, by kind and by tier."""

    kind: dict[str, int]
    tier: dict[str, int]


class ItemListOut(BaseModel):
    """A page of the items the caller may read; ``next`` is the cursor of the next page;
    ``total`` and ``facets`` count everything readable the query matches."""

    items: list[ItemSummaryOut]
    next: str | None
    total: int
    facets: FacetsOut


class OriginatorOut(BaseModel):
    nation: str
    organisation: str


class ItemOut(BaseModel):
    """One item as the caller may see it (a document's ``content`` is ``null``)."""

    id: str
    kind: str
    title: str
    marking: str
    scheme: str
    canonical: str
    label: Json
    content: str | None
    at: str
    version: int
    lat: float | None
    lon: float | None
    originator: OriginatorOut
    display_only: bool


class StoredItemOut(BaseModel):
    """What was stored: its id, canonical marking and label, its version."""

    id: str
    marking: str
    label: Json
    version: int


class StoredDocumentOut(BaseModel):
    """The stored document: its id, the banner rolled up from its portions."""

    id: str
    banner: str
    label: Json
    version: int


class PortionOut(BaseModel):
    """A portion as the caller sees it; with the node's placeholders on, each carries its
    ``position`` and ``withheld`` (a withheld one has neither marking nor text)."""

    marking: str | None
    text: str | None
    position: int | None = None
    withheld: bool | None = None


class DocumentOut(BaseModel):
    """A document holding exactly the portions the caller may read."""

    id: str
    title: str
    banner: str
    label: Json
    portions: list[PortionOut]
    version: int
    display_only: bool = False


class WithheldOut(BaseModel):
    """A portion kept out of a release: its position (from 0), the rule that kept it
    (``release.orcon``, ``release.relido``, ``release.display-only``,
    ``release.nationality``) and why, in the language ``Accept-Language`` asks for."""

    position: int
    rule: str
    reason: str


class RollupOut(BaseModel):
    """The banner that covers every marking given, in the caller's scheme (a label that
    cannot be carried there, such as TLP, follows after " + "), and its highest tier."""

    banner: str
    tier: str = Field(examples=["secret"])


class ReleaseOut(DocumentOut):
    """A release: the new document, the one it came from, its audience, what was kept back."""

    source: str
    audience: list[str]
    withheld: list[WithheldOut]


class VersionOut(BaseModel):
    version: int
    title: str
    modified: str
    by: str
    marking: str
    label: Json


class VersionsOut(BaseModel):
    """The versions of an item the caller may read, each decided by its own label."""

    versions: list[VersionOut]


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


def answers(model: type[BaseModel], status: int = 200, *errors: int) -> dict[str, Any]:
    """Route keywords documenting its answer ``model`` at ``status`` and the ``errors`` it may
    give besides those every route may (see ``app.ERRORS``)."""
    responses: dict[int | str, dict[str, Any]] = {status: {"model": model}}
    for code in errors:
        responses[code] = {"model": ErrorOut, "description": _ERROR_TEXT[code]}
    return {"response_model": None, "status_code": status, "responses": responses}


_ERROR_TEXT = {
    401: "No valid API token (missing, malformed, expired or revoked)",
    403: "Refused by policy: the caller may not do this",
    404: "Not found: missing, forbidden or malformed, always the same bytes",
    409: "Conflict with the current state",
    422: "Invalid input: the message names the field and how to fix it",
    429: "Too many failed authentications from this client",
    500: "Internal error; nothing was changed (no detail is given)",
}

#: The errors every route may answer with.
ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorOut, "description": _ERROR_TEXT[code]}
    for code in (401, 404, 422, 429, 500)
}


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


class ConsentOut(BaseModel):
    """A recorded ORCON consent (``portions``: positions from 0, ``null`` for all)."""

    id: str
    document: str
    version: int
    audience: list[str]
    portions: list[int] | None
    reference: str
    given_by: str
    at: str


class ConsentsOut(BaseModel):
    consents: list[ConsentOut]


class ReaderOut(BaseModel):
    person: str
    at: str
    action: str
    item: str
    version: int | None


class IncidentOut(BaseModel):
    """A spill incident: what was purged and who had read it (no spilled content)."""

    id: str
    item: str
    declared_by: str
    at: str
    reason: str
    purged: list[str]
    readers: list[ReaderOut]


class IncidentsOut(BaseModel):
    incidents: list[IncidentOut]


class SessionOut(BaseModel):
    """A browser session opened: whose, its CSRF token (send it as ``X-CSRF-Token`` with
    every unsafe request), when it ends at the latest, and its idle limit."""

    person: str
    csrf: str
    expires: str
    idle_minutes: int


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


class DecisionIn(_Strict):
    """Why a held release may go, or stays (kept in the audit log)."""

    reason: str = Field(min_length=1, max_length=1000)
