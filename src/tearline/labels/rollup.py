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
from dataclasses import replace

from tearline.labels.lattice import combine, has_disclosure, scheme_of
from tearline.labels.model import Label, _building
from tearline.labels.schemes import Registry, Scheme

__all__ = ["rollup"]


def rollup(portions: Sequence[Label], *, registry: Registry | None = None) -> Label:
    """The banner label of a document made of ``portions`` (all of one scheme).

    Raises:
        InvalidInput: no portions, or portions of different schemes.
    """
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
