"""Roll-up: the banner of a portion-marked document from its portions' labels (ISM rules).

The banner is the join of the portions, with the ISM's rules on top (markings.md §1.6):
highest level; union of SCI, SAP and restrictive controls; any NOFORN makes the banner NOFORN;
REL TO is the intersection after expanding tetragraphs; an unclassified portion with no
disclosure marking leaves REL TO alone, a classified one with none makes the banner owner-only;
RELIDO stays only if every restricted portion has it; FOUO only on an unclassified banner.
Foreign-owned portions in a document of mixed owners make it the scheme owner's document,
with their owners as foreign-government sources.
"""

from __future__ import annotations

from collections.abc import Sequence

from tearline.errors import InvalidInput, LabelError
from tearline.labels.gate import write
from tearline.labels.lattice import combine, dominates, has_disclosure, scheme_of
from tearline.labels.model import Label, _building
from tearline.labels.schemes import Registry, Scheme, resolve
from tearline.labels.value import replace

__all__ = ["rollup"]

_MAX_REASON = 1000


def rollup(
    portions: Sequence[Label],
    *,
    registry: Registry | None = None,
    banner: Label | None = None,
    compilation_reason: str | None = None,
) -> Label:
    """The banner label of a document made of ``portions`` (all of one scheme).

    With ``banner``, the author states the document's banner: it must protect at least what
    the portions need, and when it is higher (a compilation of portions that together need
    more protection, 32 CFR 2001.24(g)) ``compilation_reason`` must say why; the returned
    banner records it, as ISM's ``compilationReason`` does.

    Raises:
        InvalidInput: no portions, portions of different schemes, a stated banner below its
            portions, or a compilation without its reason.
    """
    computed = _rolled_up(portions, registry)
    if banner is None:
        if compilation_reason is not None:
            raise InvalidInput("a compilation reason goes with a stated banner (banner=)")
        return computed
    return _compiled(computed, banner, compilation_reason, registry)


def _compiled(
    computed: Label, banner: Label, reason: str | None, registry: Registry | None
) -> Label:
    needed = _marking(computed, registry)
    if not dominates(banner, computed, registry=registry):
        raise InvalidInput(
            f"the banner {banner} protects less than its portions need ({needed}); "
            "raise it, or state no banner to roll the portions up"
        )
    if banner == computed:
        return computed
    text = (reason or "").strip()
    if not text or not text.isprintable() or len(text) > _MAX_REASON:
        raise InvalidInput(
            f"the banner {banner} is higher than its portions need ({needed}): a "
            f"compilation; give its reason (printable text, at most {_MAX_REASON} characters)"
        )
    with _building():
        return replace(banner, compilation_reason=text)


def _marking(label: Label, registry: Registry | None) -> str:
    try:
        return write(label, resolve(registry).scheme(label.scheme), "banner")
    except LabelError:
        return str(label)


def _rolled_up(portions: Sequence[Label], registry: Registry | None) -> Label:
    scheme = scheme_of(portions, registry)
    owners = {portion.owner for portion in portions}
    if len(owners) == 1:
        return combine(portions, scheme, portions[0].owner)
    home = (scheme.owner,)
    foreign = frozenset(
        code for owner in owners if owner != home for code in owner if code != scheme.owner
    )
    held = [_as_held(portion, scheme, home) for portion in portions]
    return combine(held, scheme, home, fgi_sources=foreign)


def _as_held(portion: Label, scheme: Scheme, home: tuple[str, ...]) -> Label:
    """A portion as the document owner holds it: the owner may always read what it holds.

    A restricted portion with no disclosure marking stays with the document owner only.
    """
    if portion.releasable_to is None:
        return portion
    owner = scheme.nations.expand(home)
    with _building():
        if not has_disclosure(portion, scheme):
            return replace(portion, releasable_to=owner, displayable_to=frozenset())
        return replace(portion, releasable_to=portion.releasable_to | owner)
