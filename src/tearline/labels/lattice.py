"""The label lattice: which label protects more (``dominates``) and the least upper bound.

``join(a, b)`` is the weakest label that protects at least as much as both: the higher tier,
the readers both allow (owner-only absorbs everything), the conjunction of access expressions
and the union of handling controls. Its disclosure controls (REL TO, NOFORN, DISPLAY ONLY,
RELIDO) are derived from the resulting releasability, so the join is commutative, associative
and idempotent on whole labels.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import reduce

from tearline.errors import InvalidInput
from tearline.labels.model import Label, _building
from tearline.labels.schemes import Registry, Scheme, resolve

__all__ = ["combine", "dominates", "has_disclosure", "join", "merged_origins", "scheme_of"]


def scheme_of(labels: Sequence[Label], registry: Registry | None = None) -> Scheme:
    """The one scheme ``labels`` are written in; refuses a mix (translate them first)."""
    if not labels:
        raise InvalidInput("no labels given: give at least one")
    schemes = sorted({label.scheme for label in labels})
    if len(schemes) > 1:
        raise InvalidInput(
            f"labels of different schemes ({', '.join(schemes)}) cannot be combined; "
            "translate them into one scheme first"
        )
    return resolve(registry).scheme(schemes[0])


def _within(inner: frozenset[str] | None, outer: frozenset[str] | None) -> bool:
    """``inner ⊆ outer`` where ``None`` means everyone."""
    if outer is None:
        return True
    return inner is not None and inner <= outer


def dominates(a: Label, b: Label, *, registry: Registry | None = None) -> bool:
    """Whether ``a`` protects at least as much as ``b``: whoever may read ``a`` may read ``b``.

    Checks the tier, the readers and receivers (``None`` = everyone), that ``a``'s access
    expression implies ``b``'s, and that ``a`` carries every handling control of ``b`` that its
    level admits (a SECRET label subsumes FOUO).
    """
    scheme = scheme_of((a, b), registry)
    if a.tier < b.tier:
        return False
    if not (_within(a.readers, b.readers) and _within(a.releasable_to, b.releasable_to)):
        return False
    if not a.access.implies(b.access):
        return False
    if not set(b.origins) <= set(a.origins):
        return False  # b is also decided by markings that a is not held to
    official = scheme.disclosure_control("disclosure-official")
    restricted = a.releasable_to is not None and b.releasable_to is not None
    if restricted and official in a.controls and official not in b.controls:
        return False
    level = a.level
    for token in _handling(b, scheme):
        control = scheme.control(token)
        if control.levels is not None and level not in control.levels:
            continue
        if token not in a.controls:
            return False
    return True


def join(a: Label, b: Label, *, registry: Registry | None = None) -> Label:
    """The least upper bound of two labels of one scheme (owners are united: a joint label)."""
    scheme = scheme_of((a, b), registry)
    owner = tuple(sorted(set(a.owner) | set(b.owner)))
    return combine((a, b), scheme, owner)


def _handling(label: Label, scheme: Scheme) -> list[str]:
    return [t for t in label.controls if scheme.control(t).disclosure is None]


def _release_token(restricted: list[Label], scheme: Scheme) -> str | None:
    """How the result writes its release list: as every input wrote it, else the default."""
    used = {scheme.role_in(lb.controls, "release") for lb in restricted}
    if len(used) == 1 and None not in used:
        return used.pop()
    return scheme.disclosure_control("release")


def has_disclosure(label: Label, scheme: Scheme) -> bool:
    """Whether the label carries a disclosure marking (REL TO, NOFORN, RELIDO, DISPLAY ONLY)."""
    return any(scheme.control(t).disclosure is not None for t in label.controls)


def _owner_only_controls(restricted: list[Label], scheme: Scheme, level: str) -> set[str]:
    """The owner-only controls other than the scheme's own (SBU NOFORN, FED ONLY) that the
    result's level admits: they say more than NOFORN alone (a tier, a use), so they stay."""
    kept: set[str] = set()
    for label in restricted:
        for token in label.controls:
            control = scheme.control(token)
            if control.disclosure != "owner-only" or token == scheme.owner_only_control:
                continue
            if control.levels is None or level in control.levels:
                kept.add(token)
    return kept


def _intersect(sets: list[frozenset[str]]) -> frozenset[str]:
    return reduce(frozenset.intersection, sets)


def _group_roles(
    restricted: list[Label], scheme: Scheme, rel: frozenset[str], readers: frozenset[str]
) -> tuple[frozenset[str], frozenset[str]]:
    """Groups named by every label whose members still read: release role if in all lists."""
    named = _intersect([lb.rel_groups | lb.display_groups for lb in restricted])
    rel_groups: set[str] = set()
    display_groups: set[str] = set()
    for group in named:
        members = scheme.nations.members(group)
        if not members <= readers:
            continue
        if members <= rel and all(group in lb.rel_groups for lb in restricted):
            rel_groups.add(group)
        else:
            display_groups.add(group)
    return frozenset(rel_groups), frozenset(display_groups)


def _fgi(labels: Sequence[Label], extra: frozenset[str], scheme: Scheme) -> tuple[str, ...] | None:
    """The foreign-government sources of a combination: concealed wins, else the union."""
    sources = [label.fgi for label in labels if label.fgi is not None]
    if not sources and not extra:
        return None
    if any(source == () for source in sources):
        return ()
    codes = {code for source in sources for code in source} | extra
    covered = scheme.nations.expand(c for c in codes if scheme.nations.is_group(c))
    nations = sorted(c for c in codes if scheme.nations.is_nation(c) and c not in covered)
    return (*nations, *sorted(c for c in codes if scheme.nations.is_group(c)))


def combine(
    labels: Sequence[Label],
    scheme: Scheme,
    owner: tuple[str, ...],
    fgi_sources: frozenset[str] = frozenset(),
) -> Label:
    """The least upper bound of ``labels`` given the result's ``owner``.

    ``fgi_sources`` are added to the foreign-government sources of the result.
    """
    level = max((scheme.level(lb.level) for lb in labels), key=lambda lv: lv.rank)
    controls = {
        t
        for lb in labels
        for t in _handling(lb, scheme)
        if scheme.control(t).levels is None or level.token in (scheme.control(t).levels or ())
    }
    release = _Release.of(labels, scheme, owner, level.token)
    with _building():
        return Label(
            scheme=scheme.id,
            level=level.token,
            tier=max(lb.tier for lb in labels),
            owner=owner,
            releasable_to=release.to,
            rel_groups=release.groups,
            displayable_to=release.displayable,
            display_groups=release.display_groups,
            access=reduce(lambda x, y: x.conjoin(y), (lb.access for lb in labels)),
            controls=tuple(sorted(controls | release.controls, key=scheme.sort_key)),
            fgi=_fgi(labels, fgi_sources, scheme),
            declassify_on=max(
                (lb.declassify_on for lb in labels if lb.declassify_on), default=None
            ),
            level_inferred=all(lb.level_inferred for lb in labels if lb.level == level.token),
            origins=merged_origins(lb.origins for lb in labels),
        )


@dataclass(frozen=True, slots=True)
class _Release:
    """Who may receive or be shown a combination, and the disclosure controls that say so."""

    to: frozenset[str] | None = None
    groups: frozenset[str] = frozenset()
    displayable: frozenset[str] = frozenset()
    display_groups: frozenset[str] = frozenset()
    controls: frozenset[str] = frozenset()

    @classmethod
    def of(
        cls, labels: Sequence[Label], scheme: Scheme, owner: tuple[str, ...], level: str
    ) -> _Release:
        restricted = [lb for lb in labels if lb.releasable_to is not None]
        if not restricted:
            return cls()
        rel = _intersect([lb.releasable_to or frozenset() for lb in restricted])
        readers = _intersect([lb.readers or frozenset() for lb in restricted])
        displayable = readers - rel
        groups, display_groups = _group_roles(restricted, scheme, rel, readers)
        official = scheme.disclosure_control("disclosure-official")
        relido = official is not None and all(official in lb.controls for lb in restricted)
        owner_only = rel <= scheme.nations.expand(owner)
        release, display = _release_token(restricted, scheme), scheme.disclosure_control("display")
        controls: set[str] = set()
        if not owner_only and release is not None:
            controls.add(release)
        if displayable and display is not None:
            controls.add(display)
        if relido and official is not None:
            controls.add(official)
        marked = any(has_disclosure(lb, scheme) for lb in labels)
        only = scheme.owner_only_control
        if owner_only and not displayable and not relido and marked and only:
            controls |= _owner_only_controls(restricted, scheme, level) or {only}
        return cls(rel, groups, displayable, display_groups, frozenset(controls))


def merged_origins(groups: Iterable[tuple[Label, ...]]) -> tuple[Label, ...]:
    """The origins of several labels, once each, in a fixed order (a join keeps them all)."""
    unique = {origin for group in groups for origin in group}
    return tuple(sorted(unique, key=_origin_order))


def _origin_order(label: Label) -> tuple[object, ...]:
    return (
        label.scheme,
        label.level,
        label.owner,
        sorted(label.releasable_to or ()),
        label.access.text,
        label.controls,
        str(label),
    )
