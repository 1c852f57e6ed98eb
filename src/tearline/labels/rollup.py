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

from tearline.labels.lattice import combine, scheme_of
from tearline.labels.model import Label

__all__ = ["rollup"]


def rollup(portions: Sequence[Label]) -> Label:
    """The banner label of a document made of ``portions`` (all of one scheme).

    Raises:
        InvalidInput: no portions, or portions of different schemes.
    """
    scheme = scheme_of(portions)
    owners = {portion.owner for portion in portions}
    if len(owners) == 1:
        return combine(portions, scheme, portions[0].owner)
    home = (scheme.owner,)
    foreign = frozenset(
        code for owner in owners if owner != home for code in owner if code != scheme.owner
    )
    return combine(portions, scheme, home, implicit=frozenset(home), fgi_sources=foreign)
