"""Turn the items of a read marking into the canonical label."""

from __future__ import annotations

from tearline.labels.access import EMPTY, AccessExpression, And, Token
from tearline.labels.capco.items import Item
from tearline.labels.model import Label, Tier
from tearline.labels.scheme import Level, Scheme

__all__ = ["base_tier", "build_label", "releasability"]


def base_tier(scheme: Scheme, owner: tuple[str, ...], level: Level) -> Tier:
    """The tier of ``level`` for ``owner`` (NATO UNCLASSIFIED is CONTROLLED, for instance)."""
    if len(owner) == 1 and owner[0] in scheme.owner_forms:
        return scheme.owner_forms[owner[0]].tier.get(level.token, level.tier)
    return level.tier


def releasability(
    scheme: Scheme,
    owner: tuple[str, ...],
    tier: Tier,
    rel_codes: tuple[str, ...] | None,
    has_disclosure: bool,
) -> tuple[frozenset[str] | None, frozenset[str]]:
    """Who may receive a label, and which groups its release list names.

    A release list adds its nations to the owner's; any other disclosure marking, or a
    classified level with none, leaves the owner only; unclassified information with none is
    unrestricted.
    """
    nations = scheme.nations
    owners = nations.expand(owner)
    if rel_codes is not None:
        # a group that owns the item (//NATO SECRET in US markings) is named with the list
        owning = {o for o in owner if nations.is_group(o) and o != scheme.owner}
        groups = frozenset(code for code in rel_codes if nations.is_group(code)) | owning
        return nations.expand(rel_codes) | owners, groups
    if has_disclosure or tier >= Tier.RESTRICTED:
        return owners, frozenset()
    return None, frozenset()


def build_label(
    scheme: Scheme, owner: tuple[str, ...], level: Level, items: list[Item], original: str
) -> Label:
    """The canonical label of a marking that passed its scheme's rules."""
    nations = scheme.nations
    tier = base_tier(scheme, owner, level)
    for item in items:
        if item.control.tier is not None:
            tier = max(tier, item.control.tier)
    lists = {item.control.list_kind: item for item in items if item.control.list_kind}
    rel = lists.get("release")
    rel_codes = tuple(entry.text for entry in rel.entries) if rel else None
    has_disclosure = any(item.control.disclosure for item in items)
    releasable, rel_groups = releasability(scheme, owner, tier, rel_codes, has_disclosure)
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
