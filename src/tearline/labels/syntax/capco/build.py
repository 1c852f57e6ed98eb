"""Turn the items of a read marking into the canonical label."""

from __future__ import annotations

from tearline.labels.access import EMPTY, AccessExpression, And, Token
from tearline.labels.model import Label
from tearline.labels.schemes import Level, Scheme
from tearline.labels.syntax.capco.items import Item

__all__ = ["build_label"]


def build_label(
    scheme: Scheme, owner: tuple[str, ...], level: Level, items: list[Item], original: str
) -> Label:
    """The canonical label of a marking that passed its scheme's rules."""
    nations = scheme.nations
    tier = scheme.tier_of(owner, level)
    for item in items:
        if item.control.tier is not None:
            tier = max(tier, item.control.tier)
    lists = {item.control.list_kind: item for item in items if item.control.list_kind}
    rel = lists.get("release")
    rel_codes = tuple(entry.text for entry in rel.entries) if rel else None
    has_disclosure = any(item.control.disclosure for item in items)
    releasable, rel_groups = scheme.releasability(owner, tier, rel_codes, has_disclosure)
    display = lists.get("display")
    display_codes = tuple(entry.text for entry in display.entries) if display else ()
    displayable = nations.expand(display_codes) - (releasable or frozenset())
    fgi = lists.get("fgi")
    tokens = sorted({item.token for item in items if item.control.role == "access"})
    access = AccessExpression.of(And(tuple(Token(t) for t in tokens))) if tokens else EMPTY
    controls = sorted(
        {item.token for item in items if item.control.role == "controls"}, key=scheme.sort_key
    )
    return Label(
        scheme=scheme.id,
        level=level.token,
        tier=tier,
        owner=owner,
        releasable_to=releasable,
        rel_groups=rel_groups,
        displayable_to=displayable,
        display_groups=frozenset(c for c in display_codes if nations.is_group(c)),
        access=access,
        controls=tuple(controls),
        fgi=tuple(e.text for e in fgi.entries) if fgi else None,
        original=original,
    )
