"""The compiled fast path: booleans only, for bulk work (filters, feeds, benchmarks).

Labels compile to ``(tier, release mask, required mask, alternatives)`` and people, for a
given moment, to ``(tier, nationality mask, authorization mask)``; a decision is then a few
integer operations. It answers "may read" exactly as :func:`~tearline.policy.decide.decide`
answers ``permit`` for ``Action.READ`` (display-only counts as no), which the tests check.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import NamedTuple

from tearline.labels.model import Label
from tearline.policy.decide import clearance_tier
from tearline.policy.model import Person, Status

__all__ = ["CompiledLabel", "CompiledPerson", "Compiler", "can_read", "can_read_pairs"]

_EVERYONE = -1  # all bits set: the release mask of an unrestricted label


class CompiledLabel(NamedTuple):
    """A label as integers: tier, release bitmask, required-token bitmask, alternatives.

    ``alternatives`` is ``None`` when the access expression is one conjunction (``required``
    says it all); otherwise it holds one bitmask per disjunct.
    """

    tier: int
    release: int
    required: int
    alternatives: tuple[int, ...] | None
    scheme: str


class CompiledPerson(NamedTuple):
    """A person at one moment as integers; ``tier`` is -1 when the clearance does not count.

    ``valid_until`` is the earliest expiry the compiled form relied on (recompile after it).
    """

    tier: int
    nations: int
    authorizations: int
    scheme: str
    valid_until: datetime | None


class Compiler:
    """Assigns bit positions to nations and tokens and compiles labels and people with them.

    Keep one compiler for every label and person that will be compared: bit positions are
    only meaningful within it.
    """

    def __init__(self) -> None:
        self._nation_bits: dict[str, int] = {}
        self._token_bits: dict[str, int] = {}

    def _bit(self, table: dict[str, int], code: str) -> int:
        position = table.get(code)
        if position is None:
            position = table[code] = len(table)
        return 1 << position

    def _mask(self, table: dict[str, int], codes: Iterable[str]) -> int:
        mask = 0
        for code in codes:
            mask |= self._bit(table, code)
        return mask

    def label(self, label: Label) -> CompiledLabel:
        """Compile ``label``."""
        release = (
            _EVERYONE
            if label.releasable_to is None
            else self._mask(self._nation_bits, label.releasable_to)
        )
        terms = tuple(self._mask(self._token_bits, term) for term in label.access.dnf())
        required, alternatives = (terms[0], None) if len(terms) == 1 else (0, terms)
        return CompiledLabel(int(label.tier), release, required, alternatives, label.scheme)

    def person(self, person: Person, at: datetime) -> CompiledPerson:
        """Compile ``person`` as they stand at ``at`` (expired grants left out)."""
        today = at.date()
        clearance = person.clearance
        tier = clearance_tier(person)
        active = clearance.status is Status.ACTIVE and (
            clearance.expires is None or today < clearance.expires
        )
        held = [a for a in person.authorizations if a.expires is None or today < a.expires]
        expiries = [d for d in (clearance.expires, *(a.expires for a in held)) if d is not None]
        valid_until = (
            datetime.combine(min(expiries), datetime.min.time(), at.tzinfo) if expiries else None
        )
        return CompiledPerson(
            int(tier) if active and tier is not None else -1,
            self._mask(self._nation_bits, person.nationalities),
            self._mask(self._token_bits, (a.token for a in held)),
            clearance.scheme,
            valid_until,
        )


def can_read(person: CompiledPerson, label: CompiledLabel) -> bool:
    """Whether the compiled person may read the compiled label (a full permit)."""
    if person.tier < label.tier or not person.nations & label.release:
        return False
    if person.scheme != label.scheme:
        return False
    if label.alternatives is None:
        return person.authorizations & label.required == label.required
    held = person.authorizations
    return any(held & term == term for term in label.alternatives)


def can_read_pairs(pairs: Iterable[tuple[CompiledPerson, CompiledLabel]]) -> list[bool]:
    """:func:`can_read` over many pairs, in one tight loop."""
    return [
        pt >= lt
        and ps == ls
        and (pn & lr) != 0
        and ((pa & lq) == lq if alts is None else any((pa & term) == term for term in alts))
        for (pt, pn, pa, ps, _), (lt, lr, lq, alts, ls) in pairs
    ]
