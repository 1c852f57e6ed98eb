"""The answers about items and documents: listings, an item, a document's readable portions,
versions, releases and what they withheld, ORCON consents and spill incidents.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from tearline.api.schemas.answers import Json

__all__ = [
    "ConsentOut",
    "ConsentsOut",
    "DocumentOut",
    "FacetsOut",
    "IncidentOut",
    "IncidentsOut",
    "ItemListOut",
    "ItemOut",
    "ItemSummaryOut",
    "OriginatorOut",
    "PortionOut",
    "ReaderOut",
    "ReleaseOut",
    "RollupOut",
    "StoredDocumentOut",
    "StoredItemOut",
    "VersionOut",
    "VersionsOut",
    "WithheldOut",
]


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
