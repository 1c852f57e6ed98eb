"""The compiled fast path: booleans only, for bulk work (filters, feeds, benchmarks).

Labels compile to ``(tier, release mask, required mask, alternatives, scheme index)`` and
people, for a given moment, to ``(tier per scheme, nationality mask, authorization mask)``; a
decision is then a few integer operations. It answers "may read" exactly as
:func:`~tearline.policy.decide.decide` answers ``permit`` for ``Action.READ`` (display-only
counts as no), which the tests check.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import NamedTuple

from tearline.errors import AccessExpressionError
from tearline.labels.model import Label
from tearline.labels.schemes import Registry, resolve
from tearline.policy.decide import clearance_tier, day_of
from tearline.policy.model import Person, Status

__all__ = [
    "CompiledLabel",
    "CompiledPerson",
    "Compiler",
    "can_read",
    "can_read_labels",
    "can_read_pairs",
]

_EVERYONE = -1  # all bits set: the release mask of an unrestricted label


class CompiledLabel(NamedTuple):
    """A label as integers: tier, release bitmask, required-token bitmask, alternatives.

    ``alternatives`` is ``None`` when the access expression is one conjunction (``required``
    says it all); otherwise it holds one bitmask per disjunct (none at all when the expression
    has too many to compile: nobody reads it on the fast path). ``scheme`` is the index of the
    label's scheme in the compiler's list of schemes. ``origins`` holds ``(scheme, tier,
    release)`` for each marking a translated label was carried from (their access
    expressions are already conjoined into ``required`` / ``alternatives``).
    """

    tier: int
    release: int
    required: int
    alternatives: tuple[int, ...] | None
    scheme: int
    origins: tuple[tuple[int, int, int], ...] = ()


class CompiledPerson(NamedTuple):
    """A person at one moment as integers.

    ``tiers`` holds, per scheme index, the tier the clearance reaches for that scheme's labels
    (-1 when it does not count, or no confirmed agreement carries it there). ``valid_until``
    is the earliest expiry the compiled form relied on: recompile after it.
    """

    tiers: tuple[int, ...]
    nations: int
    authorizations: int
    valid_until: datetime | None


class Compiler:
    """Assigns bit positions to nations and tokens and compiles labels and people with them.

    Keep one compiler for every label and person that will be compared: bit positions are
    only meaningful within it.
    """

    def __init__(self, registry: Registry | None = None) -> None:
        self._registry = resolve(registry)
        self._nation_bits: dict[str, int] = {}
        self._token_bits: dict[str, int] = {}
        self._schemes = tuple(sorted(self._registry.schemes))

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
        """Compile ``label`` (with the markings it was translated from, if any)."""
        access = label.access
        for origin in label.origins:
            access = access.conjoin(origin.access)
        try:
            terms = tuple(self._mask(self._token_bits, term) for term in access.dnf())
        except AccessExpressionError:  # too many alternatives: nobody on the fast path
            terms = ()
        required, alternatives = (terms[0], None) if len(terms) == 1 else (0, terms)
        scheme = self._schemes.index(label.scheme)
        origins = tuple(
            (self._schemes.index(o.scheme), int(o.tier), self._release(o)) for o in label.origins
        )
        return CompiledLabel(
            int(label.tier), self._release(label), required, alternatives, scheme, origins
        )

    def _release(self, label: Label) -> int:
        if label.releasable_to is None:
            return _EVERYONE
        return self._mask(self._nation_bits, label.releasable_to)

    def person(self, person: Person, at: datetime) -> CompiledPerson:
        """Compile ``person`` as they stand at ``at`` (expired grants left out)."""
        today = day_of(at)
        clearance = person.clearance
        active = clearance.status is Status.ACTIVE and (
            clearance.expires is None or today < clearance.expires
        )
        reached = [clearance_tier(person, scheme, self._registry) for scheme in self._schemes]
        tiers = tuple(int(t) if active and t is not None else -1 for t in reached)
        held = [a for a in person.authorizations if a.expires is None or today < a.expires]
        expiries = [d for d in (clearance.expires, *(a.expires for a in held)) if d is not None]
        valid_until = (
            datetime.combine(min(expiries), datetime.min.time(), UTC) if expiries else None
        )
        return CompiledPerson(
            tiers,
            self._mask(self._nation_bits, person.nationalities),
            self._mask(self._token_bits, (a.token for a in held)),
            valid_until,
        )


def can_read(person: CompiledPerson, label: CompiledLabel) -> bool:
    """Whether the compiled person may read the compiled label (a full permit)."""
    if person.tiers[label.scheme] < label.tier or not person.nations & label.release:
        return False
    if any(person.tiers[s] < t or not person.nations & r for s, t, r in label.origins):
        return False
    if label.alternatives is None:
        return person.authorizations & label.required == label.required
    held = person.authorizations
    return any(held & term == term for term in label.alternatives)


def can_read_pairs(pairs: Iterable[tuple[CompiledPerson, CompiledLabel]]) -> list[bool]:
    """:func:`can_read` over many pairs, in one tight loop."""
    return [
        pt[ls] >= lt
        and (pn & lr) != 0
        and ((pa & lq) == lq if alts is None else any((pa & term) == term for term in alts))
        and (not lo or all(pt[s] >= t and pn & r for s, t, r in lo))
        for (pt, pn, pa, _), (lt, lr, lq, alts, ls, lo) in pairs
    ]


def can_read_labels(person: CompiledPerson, labels: Iterable[CompiledLabel]) -> list[bool]:
    """:func:`can_read` of one person over many labels: the person's fields are read once.

    This is the shape of the node's filter ("which labels may this person read") and the
    fastest order for bulk work: group the pairs by person.
    """
    pt, pn, pa, _ = person
    return [
        pt[ls] >= lt
        and (pn & lr) != 0
        and ((pa & lq) == lq if alts is None else any((pa & term) == term for term in alts))
        and (not lo or all(pt[s] >= t and pn & r for s, t, r in lo))
        for lt, lr, lq, alts, ls, lo in labels
    ]
