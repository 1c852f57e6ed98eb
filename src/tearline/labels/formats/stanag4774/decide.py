"""The STANAG 4774 access decision itself, on the XML's own terms (markings.md §4.3)."""

from __future__ import annotations

from tearline.labels.formats.stanag4774.model import (
    ConfidentialityLabel,
    StanagClearance,
    scheme_for,
)  # fmt: skip
from tearline.labels.schemes import Registry, resolve

__all__ = ["permits"]


def permits(
    label: ConfidentialityLabel, clearance: StanagClearance, *, registry: Registry | None = None
) -> tuple[bool, list[str]]:
    """The 4774 access decision (markings.md §4.3), with the reasons it fails.

    Policies must match; the clearance's classification must reach the label's; every
    RESTRICTIVE value must be held; for each PERMISSIVE tag at least one value must be held;
    INFORMATIVE categories and categories absent from the label impose nothing.
    """
    reasons: list[str] = []
    chosen = resolve(registry)
    scheme = scheme_for(label.policy, label.policy_uri, chosen)
    if scheme_for(clearance.policy, None, chosen).id != scheme.id:
        return False, [f"policy {clearance.policy} does not match {label.policy}"]
    rank = {lv.banner.upper(): lv.rank for lv in scheme.levels}
    held_rank = rank.get(clearance.classification.upper(), -1)
    if held_rank < rank.get(label.classification.upper(), len(rank)):
        reasons.append(f"clearance {clearance.classification} is below {label.classification}")
    for category in label.categories:
        held = {v.upper() for v in clearance.held.get(category.tag, frozenset())}
        values = {v.upper() for v in category.values}
        if category.type == "RESTRICTIVE" and not values <= held:
            reasons.append(f"{category.tag} requires all of {', '.join(sorted(values))}")
        elif category.type == "PERMISSIVE" and not values & held:
            reasons.append(f"{category.tag} requires one of {', '.join(sorted(values))}")
    return not reasons, reasons
