"""``decide()``: the one access decision, with reasons in plain words (English and Japanese).

A person may act on a labelled item when, at the time asked about: their clearance is active
and unexpired and, carried into the label's scheme through a confirmed agreement (never
upwards), reaches the label's tier; one of their nationalities may receive it (or, for
reading only, be shown it); their unexpired authorizations satisfy its access expression;
and its controls allow the action. Every failing check adds a reason; a permit lists the
checks that passed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from tearline.errors import AccessExpressionError, InvalidInput, NoAgreement, NotFound
from tearline.labels.describe import describe_display, describe_release
from tearline.labels.model import Label, Tier
from tearline.labels.schemes import Registry, Scheme, resolve
from tearline.labels.translate import translate_clearance
from tearline.policy.model import Action, Decision, Outcome, Person, Status
from tearline.policy.reasons import Reason

__all__ = ["clearance_tier", "day_of", "decide"]


@dataclass
class _Findings:
    denials: list[Reason] = field(default_factory=list)
    display: list[Reason] = field(default_factory=list)
    passes: list[Reason] = field(default_factory=list)

    def decision(self) -> Decision:
        if self.denials:
            return _decision(Outcome.DENY, self.denials)
        if self.display:
            return _decision(Outcome.DISPLAY_ONLY, self.display)
        return _decision(Outcome.PERMIT, self.passes)


def _decision(outcome: Outcome, found: list[Reason]) -> Decision:
    return Decision(outcome, tuple(found))


def day_of(at: datetime) -> date:
    """The UTC date of ``at`` (a naive time is taken as UTC): expiries are UTC dates.

    A time whose UTC date falls outside the calendar (``9999-12-31T23:00-05:00``) is taken
    as the calendar's last (or first) day, which every expiry is before (or after).
    """
    if at.tzinfo is None:
        return at.date()
    try:
        return at.astimezone(UTC).date()
    except OverflowError:
        offset = at.utcoffset()
        return date.max if offset is not None and offset < timedelta(0) else date.min


def clearance_tier(person: Person, scheme: str, registry: Registry) -> Tier | None:
    """The tier the person's clearance reaches for labels of ``scheme``.

    Another scheme's labels are reached only through a confirmed agreement, mapping the
    clearance down. ``None`` when the clearance's level is unknown or no agreement carries it.
    """
    clearance = person.clearance
    try:
        own = registry.scheme(clearance.scheme).level(clearance.level)
    except (NotFound, KeyError):
        return None
    if scheme == clearance.scheme:
        return own.clearance_tier
    try:
        carried = translate_clearance(clearance.level, clearance.scheme, scheme, registry=registry)
    except (NoAgreement, NotFound):
        return None
    return carried.tier if carried is not None else None


def decide(
    person: Person,
    label: Label,
    action: Action | str,
    at: datetime,
    *,
    registry: Registry | None = None,
) -> Decision:
    """Decide whether ``person`` may take ``action`` on an item labelled ``label`` at ``at``.

    A label translated from other schemes is decided on its own fields and on each of its
    ``origins``: every check of every one must pass.

    Args:
        action: an :class:`Action` or its value (``"read"``, ``"export"``, ``"release"``).
        registry: the schemes and agreements to decide with (default: the packaged ones).

    Returns:
        ``Decision(outcome, reasons)``: ``permit``, ``deny`` or
        ``display-only`` (the person may be shown the item but not given it).

    Raises:
        InvalidInput: ``action`` is not an action.
    """
    act = _action(action)
    known = resolve(registry)
    found = _Findings()
    today = day_of(at)
    _check_label(person, label, act, today, known, found)
    for origin in label.origins:
        marking = str(origin)
        inner = _Findings()
        _check_label(person, origin, act, today, known, inner)
        found.denials += [r.from_origin(marking) for r in inner.denials]
        found.display += [r.from_origin(marking) for r in inner.display]
    return found.decision()


def _action(action: Action | str) -> Action:
    try:
        return Action(action)
    except ValueError:
        choices = ", ".join(a.value for a in Action)
        raise InvalidInput(f"unknown action {action!r}; use one of {choices}") from None


def _check_label(
    person: Person,
    label: Label,
    action: Action,
    today: date,
    registry: Registry,
    found: _Findings,
) -> None:
    scheme = registry.scheme(label.scheme)
    _check_clearance(person, label, today, registry, found)
    _check_release(person, label, scheme, action, found)
    _check_access(person, label, today, found)
    _check_controls(label, scheme, action, found)


def _check_clearance(
    person: Person, label: Label, today: date, registry: Registry, found: _Findings
) -> None:
    clearance = person.clearance
    if clearance.status is not Status.ACTIVE:
        found.denials.append(Reason.status(clearance.status.value))
    if clearance.expires is not None and today >= clearance.expires:
        found.denials.append(Reason.clearance_expired(clearance.expires))
    try:
        words = registry.scheme(clearance.scheme).level(clearance.level).banner
    except (NotFound, KeyError):
        found.denials.append(Reason.unknown_level(clearance.level, clearance.scheme))
        return
    tier = clearance_tier(person, label.scheme, registry)
    if tier is None:
        agreement = registry.agreement(clearance.scheme, label.scheme)
        if agreement is None:
            found.denials.append(Reason.no_agreement(clearance.scheme, label.scheme))
        else:
            found.denials.append(
                Reason.unconfirmed(agreement.title, clearance.scheme, label.scheme)
            )
        return
    covers = tier >= label.tier
    (found.passes if covers else found.denials).append(Reason.level(words, label.tier, covers))


def _check_release(
    person: Person, label: Label, scheme: Scheme, action: Action, found: _Findings
) -> None:
    nationalities = sorted(person.nationalities)
    if label.releasable_to is None:
        found.passes.append(Reason.unrestricted())
        return
    release = describe_release(label, scheme)
    receiving = sorted(person.nationalities & label.releasable_to)
    if receiving:
        found.passes.append(Reason.may(receiving[0], action.value, release))
        return
    shown_to = sorted(person.nationalities & label.displayable_to)
    if shown_to:
        display = describe_display(label, scheme)
        reason = Reason.display_only(shown_to[0], display, action.value)
        (found.display if action is Action.READ else found.denials).append(reason)
        return
    if release.kind == "list":
        found.denials.append(Reason.not_listed(nationalities, release))
    else:
        found.denials.append(Reason.refused(release, nationalities, action.value))


def _check_access(person: Person, label: Label, today: date, found: _Findings) -> None:
    if label.access.is_empty:
        return
    held = {a.token for a in person.authorizations if a.expires is None or today < a.expires}
    if label.access.evaluate(held):
        found.passes.append(Reason.access(label.access.text, []))
        return
    try:
        missing = sorted(label.access.missing(held))
    except AccessExpressionError:  # too many alternatives to name the fewest missing
        found.denials.append(Reason.access_too_complex(label.access.text))
        return
    lapsed = {
        a.token: a.expires
        for a in person.authorizations
        if a.expires is not None and today >= a.expires and a.token in missing
    }
    for token, expired in sorted(lapsed.items()):
        found.denials.append(Reason.authorization_expired(token, expired))
    found.denials.append(Reason.access(label.access.text, missing))


def _check_controls(label: Label, scheme: Scheme, action: Action, found: _Findings) -> None:
    for token in label.controls:
        control = scheme.control(token)
        if action.value in control.restricts:
            found.denials.append(Reason.control(token, control.banner, action.value))
