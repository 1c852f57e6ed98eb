"""The node's records as values: people with their vetting, items with their versions.

Services build and read these; the store keeps them. Times are timezone-aware ``datetime``
(UTC); dates are ``date``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from tearline.labels.model import Label
from tearline.picture.observation import Observation
from tearline.policy.model import Authorization, Clearance, Person, Status

__all__ = [
    "Consent",
    "Given",
    "Grant",
    "HeldRow",
    "Incident",
    "ItemKind",
    "ItemRecord",
    "ItemRow",
    "ObservationRecord",
    "PersonRecord",
    "Portion",
    "Reader",
    "Role",
    "VettingEvent",
]


class Role(StrEnum):
    """What a person does on the node (besides reading what they may)."""

    ANALYST = "analyst"
    RELEASING_OFFICER = "releasing-officer"
    SECURITY_OFFICER = "security-officer"
    NODE_ADMINISTRATOR = "node-administrator"


class ItemKind(StrEnum):
    """The kinds of labelled item a node holds."""

    REPORT = "report"
    DOCUMENT = "document"
    OBSERVATION = "observation"


@dataclass(frozen=True, slots=True)
class Grant:
    """A compartment or community token held, when it was granted and until when."""

    token: str
    granted: date
    expires: date | None = None


@dataclass(frozen=True, slots=True)
class PersonRecord:
    """A vetted person as the node keeps them. ``version`` grows with every change."""

    id: str
    name: str
    organisation: str
    nationalities: tuple[str, ...]
    roles: tuple[Role, ...]
    clearance_level: str
    clearance_scheme: str
    clearance_granted: date
    clearance_expires: date | None
    status: Status
    authorizations: tuple[Grant, ...] = ()
    version: int = 1
    created: datetime | None = None
    modified: datetime | None = None

    def has_role(self, role: Role) -> bool:
        """Whether the person holds ``role``."""
        return role in self.roles

    def as_person(self) -> Person:
        """The person as the policy sees them."""
        return Person(
            nationalities=frozenset(self.nationalities),
            clearance=Clearance(
                self.clearance_level, self.clearance_scheme, self.clearance_expires, self.status
            ),
            authorizations=tuple(Authorization(g.token, g.expires) for g in self.authorizations),
            id=self.id,
        )


@dataclass(frozen=True, slots=True)
class VettingEvent:
    """One change to a person's vetting: who made it, when and why."""

    person_id: str
    at: datetime
    event: str
    actor: str
    reason: str
    detail: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Portion:
    """One portion of a document: its own label and its text."""

    label: Label
    text: str


@dataclass(frozen=True, slots=True)
class ItemRecord:
    """A labelled item (report, document, observation) at one version.

    ``at`` is the time the item is about (when observed or reported) and orders listings.
    The authority fields are the classification authority block of the item's marking.
    """

    id: str
    kind: ItemKind
    label: Label
    title: str
    content: str
    at: datetime
    created: datetime
    modified: datetime
    created_by: str
    originator_nation: str
    originator_org: str
    version: int = 1
    lat: float | None = None
    lon: float | None = None
    classified_by: str | None = None
    derived_from: str | None = None
    declassify_on: date | None = None
    declassify_event: str | None = None
    exemption: str | None = None
    portions: tuple[Portion, ...] = ()
    source_key: str | None = None


#: A new item (no portions) as the store writes it, in the order of the items table's
#: columns: ``(id, kind, label_id, title, content, at, created, modified, created_by,
#: originator_nation, originator_org, version, lat, lon, classified_by, derived_from,
#: declassify_on, declassify_event, exemption, source_key)`` — times in microseconds since
#: the epoch, ``declassify_on`` an ISO date. A bulk import builds these without records.
ItemRow = tuple[
    str, str, int, str, str, int, int, int, str, str, str, int, float | None, float | None,
    str | None, str | None, str | None, str | None, str | None, str | None,
]  # fmt: skip


@dataclass(frozen=True, slots=True)
class Reader:
    """Someone the audit log shows was given a spilled item: who, when, how (the audited
    action) and which version (``None`` in a listing, which shows no version)."""

    person_id: str
    at: datetime
    action: str
    item_id: str
    version: int | None


@dataclass(frozen=True, slots=True)
class Incident:
    """A spill declared by a security officer: the item and the releases cut from it were
    purged; ``readers`` lists who had been given them. It never holds the spilled content."""

    id: str
    item_id: str
    declared_by: str
    at: datetime
    reason: str
    purged: tuple[str, ...]
    readers: tuple[Reader, ...]


@dataclass(frozen=True, slots=True)
class Consent:
    """The originator's consent to release ORCON portions of one version of a document to
    an audience: all its portions (``portions`` is ``None``) or those at these positions."""

    id: str
    item_id: str
    version: int
    audience: frozenset[str]
    portions: tuple[int, ...] | None
    reference: str
    given_by: str
    at: datetime


@dataclass(frozen=True, slots=True)
class ObservationRecord:
    """A stored observation: the checked report, who filed it and when, its version (a
    relabel or a retraction raises it) and when it was retracted, if it was."""

    observation: Observation
    created: datetime
    created_by: str
    version: int = 1
    retracted: datetime | None = None

    @property
    def id(self) -> str:
        """The observation's id."""
        return self.observation.id

    @property
    def label(self) -> Label:
        """The observation's current label."""
        return self.observation.label


@dataclass(frozen=True, slots=True)
class Given:
    """The latest version of a purged item a peer was given: its STIX id, the local item
    id, version and label, and when the incident purged it."""

    stix_id: str
    item_id: str
    version: int
    label: Label
    purged_at: datetime


@dataclass(frozen=True, slots=True)
class HeldRow:
    """An object version the release guard held for ``principal`` instead of giving it out:
    why (``reason``: ``word`` or ``near-duplicate``; ``detail``), and a releasing officer's
    decision once made (``approved`` or ``denied``, by whom, when, with a note)."""

    id: str
    principal: str
    item_id: str
    version: int
    modified: datetime
    reason: str
    detail: dict[str, Any]
    held_at: datetime
    decision: str | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None
    note: str | None = None
