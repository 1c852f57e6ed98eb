"""The actions people take and the decisions made about them (people: :mod:`.person`)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from tearline.policy.person import Authorization, Clearance, Person, Status

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
