"""Carry labels and clearances from one scheme to another through their agreement.

**Labels map up, clearances map down.** Translating a label never lowers its protection: a
level with no counterpart maps to the next higher one that has one, and says so. Translating
a clearance never raises it: a level with no counterpart maps to the next lower one. With no
agreement between two schemes nothing is translated (:class:`~tearline.errors.NoAgreement`).
"""

from __future__ import annotations

from dataclasses import dataclass

from tearline.errors import LabelError, NoAgreement, NotFound, TranslationError
from tearline.labels.gate import admitted
from tearline.labels.lattice import merged_origins
from tearline.labels.model import Label, Tier, _building
from tearline.labels.schemes import Level, Registry, Scheme, resolve
from tearline.labels.schemes.agreements import Agreement, Equivalence, Side
from tearline.labels.value import replace

__all__ = ["ClearanceTranslation", "Translation", "translate", "translate_clearance"]


@dataclass(frozen=True, slots=True)
class Translation:
    """A label carried into another scheme, and how sure the carrying is."""

    label: Label
    inferred: bool
    mapped_up: bool
    basis: str
    source: str
    agreement: str | None


@dataclass(frozen=True, slots=True)
class ClearanceTranslation:
    """A clearance level carried into another scheme (never higher than it was)."""

    level: str
    tier: Tier
    mapped_down: bool
    basis: str
    agreement: str


def _agreement(registry: Registry, source: str, target: str) -> Agreement:
    agreement = registry.agreement(source, target)
    if agreement is None:
        raise NoAgreement(
            f"no agreement connects {source} and {target}: nothing is translated between them"
        )
    return agreement


def _pairs(agreement: Agreement, source: str, target: str) -> list[tuple[Side, Side, Equivalence]]:
    return [(e.side(source), e.side(target), e) for e in agreement.between(source, target)]


def translate(label: Label, target: str, *, registry: Registry | None = None) -> Translation:
    """``label`` in scheme ``target``, at least as protective as it was.

    The result keeps ``label`` (and whatever ``label`` was itself translated from) in its
    ``origins``: decisions on the result also apply every origin's rules, so an equivalence
    that is only inferred, or a clearance that reaches the target's scheme through another
    agreement, never grants what the original marking denies.

    Raises:
        NoAgreement: no agreement connects the label's scheme and ``target``.
        TranslationError: a control of the label has no counterpart in ``target``.
    """
    if label.scheme == target:
        return Translation(label, label.level_inferred, False, "same scheme", "", None)
    known = resolve(registry)
    known.scheme(target)
    agreement = _agreement(known, label.scheme, target)
    src, dst = known.scheme(label.scheme), known.scheme(target)
    _check_carriable(label, dst)
    chosen, mapped_up = _level_for(label, src, _pairs(agreement, label.scheme, target))
    source_side, target_side, equivalence = chosen
    controls = _controls(label, src, dst, source_side, target_side)
    level, raised = _level_at_least(label, dst, dst.level(target_side.level), controls)
    carried = _carried(label, dst, level, controls, known)
    return Translation(
        carried,
        equivalence.inferred or label.level_inferred,
        mapped_up or raised,
        equivalence.basis,
        equivalence.source,
        agreement.id,
    )


def _check_carriable(label: Label, dst: Scheme) -> None:
    """Refuse what ``dst`` cannot say at all: a label with no owning nation, FGI sources."""
    nations = dst.nations
    if dst.owner_kind == "nation" and not all(
        nations.is_nation(o) or nations.is_group(o) for o in label.owner
    ):
        raise TranslationError(
            f"a {label.scheme} label names no owning nation; {dst.id} markings need one, so it "
            f"is shown in {label.scheme} only"
        )
    if label.fgi is not None and not _knows(dst, "FGI"):
        raise TranslationError(
            f"{dst.name} has no marking for foreign-government sources (FGI); the label "
            f"cannot be carried into {dst.id} without losing it"
        )


def _level_at_least(
    label: Label, dst: Scheme, level: Level, controls: set[str]
) -> tuple[Level, bool]:
    """``level``, or the next level of ``dst`` up that protects at least the label's tier."""
    if _tier(dst, label.owner, level, controls) >= label.tier:
        return level, False
    higher = [lv for lv in dst.levels if _tier(dst, label.owner, lv, controls) >= label.tier]
    if not higher:
        raise TranslationError(
            f"no level of {dst.id} protects at least {label.tier.title}; nothing is translated"
        )
    return higher[0], True


def _carried(
    label: Label, dst: Scheme, level: Level, controls: set[str], registry: Registry
) -> Label:
    """The label in ``dst`` at ``level``, holding its origins, through the one gate."""
    tier = _tier(dst, label.owner, level, controls)
    releasable = label.releasable_to
    if releasable is None and tier > Tier.CONTROLLED:  # mapped up into a classified level
        releasable = dst.nations.expand(label.owner)
    with _building():
        draft = replace(
            label,
            releasable_to=releasable,
            scheme=dst.id,
            level=level.token,
            tier=tier,
            controls=tuple(sorted(controls, key=dst.sort_key)),
            level_inferred=False,
            origins=merged_origins((label.origins, (replace(label, origins=()),))),
            original="",
        )
    try:
        return admitted(draft, registry=registry)
    except LabelError as problem:
        raise TranslationError(
            f"the {label.scheme} label cannot be carried into {dst.id}: the result would not "
            f"be a valid {dst.id} marking ({problem.message})"
        ) from None


def _level_for(
    label: Label, src: Scheme, pairs: list[tuple[Side, Side, Equivalence]]
) -> tuple[tuple[Side, Side, Equivalence], bool]:
    """The equivalence for the label's level, or for the next higher level that has one."""
    held = set(label.controls)
    exact = [p for p in pairs if p[0].level == label.level and set(p[0].controls) <= held]
    if exact:
        return max(exact, key=lambda p: len(p[0].controls)), False
    level = src.level(label.level)
    higher = [p for p in pairs if not p[0].controls and src.level(p[0].level).rank > level.rank]
    if not higher:
        raise TranslationError(
            f"no level of the other scheme protects at least {level.banner}; "
            "the agreement has no equivalence at or above it"
        )
    return min(higher, key=lambda p: src.level(p[0].level).rank), True


def _controls(
    label: Label, src: Scheme, dst: Scheme, source_side: Side, target_side: Side
) -> set[str]:
    """The label's controls in ``dst``: same token, else same disclosure role."""
    out = set(target_side.controls)
    for token in label.controls:
        if token in source_side.controls:
            continue
        if _knows(dst, token):
            out.add(token)
            continue
        role = src.control(token).disclosure
        counterpart = dst.disclosure_control(role) if role else None
        if counterpart is None:
            raise TranslationError(
                f"{dst.id} has no counterpart for {src.control(token).banner}; the label cannot "
                f"be carried into {dst.id} without losing protection"
            )
        out.add(counterpart)
    return out


def _knows(scheme: Scheme, token: str) -> bool:
    try:
        scheme.control(token)
    except KeyError:
        return False
    return True


def _tier(scheme: Scheme, owner: tuple[str, ...], level: Level, controls: set[str]) -> Tier:
    tiers = [scheme.control(t).tier for t in controls]
    return max([scheme.tier_of(owner, level), *(t for t in tiers if t is not None)])


def translate_clearance(
    level: str,
    source: str,
    target: str,
    *,
    confirmed_only: bool = True,
    registry: Registry | None = None,
) -> ClearanceTranslation | None:
    """A clearance at ``level`` of ``source`` as a level of ``target``, never higher.

    Only confirmed equivalences count unless ``confirmed_only`` is False. Returns ``None``
    when no level of ``target`` is low enough.

    Raises:
        NoAgreement: no agreement connects the schemes.
        NotFound: ``level`` is not a level of ``source``, or a scheme is unknown.
    """
    chosen = resolve(registry)
    cache = chosen.cache("clearance")
    key = (level, source, target, confirmed_only)
    if key not in cache:
        cache[key] = _clearance(chosen, level, source, target, confirmed_only)
    found: ClearanceTranslation | None = cache[key]
    return found


def _clearance(
    registry: Registry, level: str, source: str, target: str, confirmed_only: bool
) -> ClearanceTranslation | None:
    agreement = _agreement(registry, source, target)
    src, dst = registry.scheme(source), registry.scheme(target)
    if not src.has_level(level):
        raise NotFound(f"{level!r} is not a level of {source}")
    held = src.level(level)
    pairs = [
        p
        for p in _pairs(agreement, source, target)
        if not p[0].controls and not (confirmed_only and p[2].inferred)
    ]
    within = [p for p in pairs if src.level(p[0].level).clearance_tier <= held.clearance_tier]
    if not within:
        return None
    exact = [p for p in within if p[0].level == level]
    candidates = exact or within
    best = (
        max(candidates, key=lambda p: src.level(p[0].level).rank)
        if not exact
        else min(exact, key=lambda p: dst.level(p[1].level).rank)
    )
    reached = dst.level(best[1].level)
    mapped_down = not exact
    if reached.clearance_tier > held.clearance_tier:  # never raise a clearance
        lower = [lv for lv in dst.levels if lv.clearance_tier <= held.clearance_tier]
        if not lower:
            return None
        reached, mapped_down = lower[-1], True
    return ClearanceTranslation(
        reached.token, reached.clearance_tier, mapped_down, best[2].basis, agreement.id
    )
