"""The actions people take and the decisions made about them (people: :mod:`.person`)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from tearline.policy.person import Authorization, Clearance, Person, Status
from tearline.policy.reasons import Reason

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
    """A verdict with its reasons, as data: each names the rule that gave it.

    ``reasons_in(language)`` puts them into words (``"en"``, ``"ja"``, any language with a
    file); ``rule_ids`` lists the rules applied, once each, in order.
    """

    outcome: Outcome
    reasons: tuple[Reason, ...]

    @property
    def permitted(self) -> bool:
        """True only for a full permit (display-only is not a permit)."""
        return self.outcome is Outcome.PERMIT

    @property
    def rule_ids(self) -> tuple[str, ...]:
        """The ids of the rules that gave the reasons, once each."""
        return tuple(dict.fromkeys(reason.rule for reason in self.reasons))

    def reasons_in(self, language: str = "en") -> tuple[str, ...]:
        """The reasons in ``language``.

        Raises:
            NotFound: no reasons are written in ``language``.
        """
        return tuple(reason.text(language) for reason in self.reasons)
