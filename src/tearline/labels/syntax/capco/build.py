"""Turn what a marking says into the canonical label: one path for every reader of the syntax."""

from __future__ import annotations

from tearline.labels.access import EMPTY, AccessExpression
from tearline.labels.model import Label, Tier
from tearline.labels.schemes import Level, Scheme
from tearline.labels.value import value

TYPE_CHECKING = False  # typing is not imported at run time (the command line starts faster)
if TYPE_CHECKING:
    from tearline.labels.syntax.capco.items import Item

__all__ = ["Marked", "assemble", "build_label"]

#: Access expressions are kept per scheme by their tokens (a value of the tokens alone).
_ACCESS_MEMO = "capco.access"
_ACCESS_MEMO_MAX = 4096
_NO_CODES: frozenset[str] = frozenset()


@value
class Marked:
    """What a marking that passed its scheme's rules says, field by field."""

    owner: tuple[str, ...]
    level: Level
    tier: Tier  # the level's tier, raised by the controls
    rel_codes: tuple[str, ...] | None  # the release list as written, None without one
    has_disclosure: bool  # some control says who may receive it
    display_codes: tuple[str, ...]
    access: tuple[str, ...]  # access tokens, sorted, once each
    controls: tuple[str, ...]  # control tokens in register order, once each
    fgi: tuple[str, ...] | None


def build_label(
    scheme: Scheme, owner: tuple[str, ...], level: Level, items: list[Item], original: str
) -> Label:
    """The canonical label of a marking that passed its scheme's rules."""
    tier = scheme.tier_of(owner, level)
    for item in items:
        if item.control.tier is not None:
            tier = max(tier, item.control.tier)
    lists = {item.control.list_kind: item for item in items if item.control.list_kind}
    rel, display, fgi = lists.get("release"), lists.get("display"), lists.get("fgi")
    controls = sorted(
        {item.token for item in items if item.control.role == "controls"}, key=scheme.sort_key
    )
    marked = Marked(
        owner=owner,
        level=level,
        tier=tier,
        rel_codes=tuple(entry.text for entry in rel.entries) if rel else None,
        has_disclosure=any(item.control.disclosure for item in items),
        display_codes=tuple(entry.text for entry in display.entries) if display else (),
        access=tuple(sorted({item.token for item in items if item.control.role == "access"})),
        controls=tuple(controls),
        fgi=tuple(e.text for e in fgi.entries) if fgi else None,
    )
    return assemble(scheme, marked, original)


def assemble(scheme: Scheme, marked: Marked, original: str) -> Label:
    """The label of ``marked``: releasability worked out, the access expression built."""
    nations = scheme.nations
    releasable, rel_groups = scheme.releasability(
        marked.owner, marked.tier, marked.rel_codes, marked.has_disclosure
    )
    display_codes = marked.display_codes
    displayable, display_groups = _NO_CODES, _NO_CODES
    if display_codes:
        displayable = nations.expand(display_codes) - (releasable or _NO_CODES)
        display_groups = frozenset(c for c in display_codes if nations.is_group(c))
    # Every field, in the order of Label's fields (positional: this is the hot path).
    return Label(
        scheme.id,  # scheme
        marked.level.token,  # level
        marked.tier,  # tier
        marked.owner,  # owner
        releasable,  # releasable_to
        rel_groups,  # rel_groups
        displayable,  # displayable_to
        display_groups,  # display_groups
        access_of(scheme, marked.access),  # access
        marked.controls,  # controls
        marked.fgi,  # fgi
        None,  # declassify_on
        None,  # compilation_reason
        False,  # level_inferred
        (),  # origins
        original,  # original
    )


def access_of(scheme: Scheme, tokens: tuple[str, ...]) -> AccessExpression:
    """The conjunction of ``tokens`` (sorted, once each); kept with the scheme once built."""
    if not tokens:
        return EMPTY
    memo: dict[tuple[str, ...], AccessExpression] | None = scheme.memo.get(_ACCESS_MEMO)
    if memo is None:
        memo = scheme.memo[_ACCESS_MEMO] = {}
    found = memo.get(tokens)
    if found is None:
        found = AccessExpression.all_of(tokens)
        if len(memo) >= _ACCESS_MEMO_MAX:
            memo.clear()
        memo[tokens] = found
    return found
