"""``decide()``: the one access decision, with reasons in plain words.

A person may act on a labelled item when, at the time asked about:
their clearance is active and unexpired and reaches the label's tier; one of their
nationalities may receive it (or, for reading only, be shown it); their unexpired
authorizations satisfy its access expression; and its controls allow the action.
Every failing check adds a reason; a permit lists the checks that passed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from tearline.errors import NotFound
from tearline.labels.capco import display_list, release_list
from tearline.labels.model import Label, Tier
from tearline.labels.scheme import Scheme, registry
from tearline.policy.model import Action, Decision, Outcome, Person, Status

__all__ = ["clearance_tier", "decide"]


@dataclass
class _Findings:
    denials: list[tuple[str, str]] = field(default_factory=list)
    display: list[tuple[str, str]] = field(default_factory=list)
    passes: list[tuple[str, str]] = field(default_factory=list)

    def decision(self) -> Decision:
        if self.denials:
            return _decision(Outcome.DENY, self.denials)
        if self.display:
            return _decision(Outcome.DISPLAY_ONLY, self.display)
        return _decision(Outcome.PERMIT, self.passes)


def _decision(outcome: Outcome, found: list[tuple[str, str]]) -> Decision:
    return Decision(outcome, tuple(r for _, r in found), tuple(dict.fromkeys(i for i, _ in found)))


def clearance_tier(person: Person) -> Tier | None:
    """The tier the person's clearance reaches, or ``None`` if its scheme or level is unknown."""
    try:
        scheme = registry().scheme(person.clearance.scheme)
        return scheme.level(person.clearance.level).clearance_tier
    except (NotFound, KeyError):
        return None


def decide(person: Person, label: Label, action: Action, at: datetime) -> Decision:
    """Decide whether ``person`` may take ``action`` on an item labelled ``label`` at ``at``.

    Returns:
        ``Decision(outcome, reasons, rule_ids)``: ``permit``, ``deny`` or ``display-only``
        (the person may be shown the item but not given it).
    """
    found = _Findings()
    today = at.date()
    scheme = registry().scheme(label.scheme)
    _check_clearance(person, label, scheme, today, found)
    _check_release(person, label, scheme, action, found)
    _check_access(person, label, today, found)
    _check_controls(label, scheme, action, found)
    return found.decision()


def _level_words(scheme_id: str, token: str) -> str:
    try:
        return registry().scheme(scheme_id).level(token).banner
    except (NotFound, KeyError):
        return token


def _check_clearance(
    person: Person, label: Label, scheme: Scheme, today: date, found: _Findings
) -> None:
    clearance = person.clearance
    if clearance.status is not Status.ACTIVE:
        found.denials.append(("clearance.status", f"clearance is {clearance.status.value}"))
    if clearance.expires is not None and today >= clearance.expires:
        found.denials.append(
            ("clearance.expiry", f"clearance expired {clearance.expires.isoformat()}")
        )
    tier = clearance_tier(person)
    words = _level_words(clearance.scheme, clearance.level)
    if tier is None:
        found.denials.append(
            (
                "clearance.level",
                f"clearance {clearance.level!r} is not a level of scheme {clearance.scheme!r}",
            )
        )
    elif clearance.scheme != label.scheme:
        found.denials.append(
            (
                "clearance.agreement",
                f"no agreement maps {clearance.scheme} clearances to {label.scheme} labels",
            )
        )
    elif tier < label.tier:
        found.denials.append(("clearance.level", f"clearance {words} is below {label.tier.title}"))
    else:
        found.passes.append(("clearance.level", f"clearance {words} covers {label.tier.title}"))


def _not_in(codes: list[str], words: str) -> str:
    if len(codes) == 1:
        return f"{codes[0]} is not in {words}"
    return f"none of {', '.join(codes)} is in {words}"


def _release_words(label: Label, scheme: Scheme) -> str:
    if label.releasable_to is None:
        return "unrestricted"
    rel = scheme.disclosure_control("release")
    if rel in label.controls:
        return f"{scheme.control(rel).banner} {', '.join(release_list(label, scheme))}"
    owners = ", ".join(label.owner)
    official = scheme.disclosure_control("disclosure-official")
    if official in label.controls:
        return f"{official}: {owners} only until a disclosure official releases it"
    if scheme.owner_only_control in label.controls:
        return f"{scheme.owner_only_words}: {owners} only"
    return f"no release marking: {owners} only"


def _check_release(
    person: Person, label: Label, scheme: Scheme, action: Action, found: _Findings
) -> None:
    nationalities = sorted(person.nationalities)
    words = _release_words(label, scheme)
    if label.releasable_to is None:
        found.passes.append(("release.nationality", "release is unrestricted"))
        return
    verb = "read" if action is Action.READ else "receive"
    receiving = sorted(person.nationalities & label.releasable_to)
    if receiving:
        found.passes.append(("release.nationality", f"{receiving[0]} may {verb} it ({words})"))
        return
    shown_to = sorted(person.nationalities & label.displayable_to)
    if shown_to:
        display = f"DISPLAY ONLY {', '.join(display_list(label, scheme))}"
        if action is Action.READ:
            found.display.append(
                (
                    "release.display-only",
                    f"{shown_to[0]} may be shown it but not given it ({display})",
                )
            )
        else:
            found.denials.append(
                (
                    "release.display-only",
                    f"{shown_to[0]} may only be shown it ({display}); {action.value} is refused",
                )
            )
        return
    if scheme.disclosure_control("release") in label.controls:
        found.denials.append(("release.nationality", _not_in(nationalities, words)))
    else:
        who = " or ".join(nationalities)
        found.denials.append(("release.nationality", f"{words}; {who} may not {verb} it"))


def _check_access(person: Person, label: Label, today: date, found: _Findings) -> None:
    if label.access.is_empty:
        return
    held = {a.token for a in person.authorizations if a.expires is None or today < a.expires}
    if label.access.evaluate(held):
        found.passes.append(("access.expression", f"authorizations satisfy {label.access.text}"))
        return
    missing = sorted(label.access.missing(held))
    lapsed = {
        a.token: a.expires
        for a in person.authorizations
        if a.expires is not None and today >= a.expires and a.token in missing
    }
    for token, expired in sorted(lapsed.items()):
        found.denials.append(("access.expiry", f"authorization {token} expired {expired}"))
    found.denials.append(
        ("access.expression", f"access requires {label.access.text}; missing {', '.join(missing)}")
    )


def _check_controls(label: Label, scheme: Scheme, action: Action, found: _Findings) -> None:
    for token in label.controls:
        control = scheme.control(token)
        if action.value in control.restricts:
            found.denials.append(
                (
                    f"control.{token}",
                    f"{control.banner}: {action.value} needs the originator's approval",
                )
            )
