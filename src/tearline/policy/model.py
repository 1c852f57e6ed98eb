"""The people decisions are made about, the actions they take, and the decisions themselves."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

__all__ = ["Action", "Authorization", "Clearance", "Decision", "Outcome", "Person", "Status"]


class Outcome(StrEnum):
    """A decision's verdict."""

    PERMIT = "permit"
    DENY = "deny"
    DISPLAY_ONLY = "display-only"


class Action(StrEnum):
    """What the person wants to do with the item.

    ``read``: see it in Tearline. ``export``: take a copy out (download, print).
    ``release``: receive it as a further dissemination (the person is the recipient).
    """

    READ = "read"
    EXPORT = "export"
    RELEASE = "release"


class Status(StrEnum):
    """The state of a clearance. Only an active clearance counts."""

    ACTIVE = "active"
    SUSPENDED = "suspended"
    REVOKED = "revoked"


@dataclass(frozen=True, slots=True)
class Clearance:
    """A person's clearance: a level of a named scheme, its expiry and its status.

    ``expires`` is the first day on which the clearance no longer counts (``None``: no expiry).
    """

    level: str
    scheme: str = "us"
    expires: date | None = None
    status: Status = Status.ACTIVE


@dataclass(frozen=True, slots=True)
class Authorization:
    """A compartment or community token the person holds (``SI``), with an optional expiry.

    ``expires`` is the first day on which it no longer counts.
    """

    token: str
    expires: date | None = None


@dataclass(frozen=True, slots=True)
class Person:
    """A vetted person: nationalities (GENC trigraphs), clearance and authorizations."""

    nationalities: frozenset[str]
    clearance: Clearance
    authorizations: tuple[Authorization, ...] = ()
    id: str = ""

    def __post_init__(self) -> None:
        if not self.nationalities:
            raise ValueError("a person needs at least one nationality")


@dataclass(frozen=True, slots=True)
class Decision:
    """A verdict with the plain-language reasons for it and the ids of the rules applied."""

    outcome: Outcome
    reasons: tuple[str, ...]
    rule_ids: tuple[str, ...] = ()
    reasons_ja: tuple[str, ...] = ()

    @property
    def permitted(self) -> bool:
        """True only for a full permit (display-only is not a permit)."""
        return self.outcome is Outcome.PERMIT

    def reasons_in(self, language: str) -> tuple[str, ...]:
        """The reasons in ``language``: ``en`` (the default) or ``ja``."""
        return self.reasons_ja if language == "ja" and self.reasons_ja else self.reasons
