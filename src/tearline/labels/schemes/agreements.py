"""Bilateral security agreements as data: which level of one scheme equals which of another.

Each agreement is a TOML file in ``tearline/labels/data/agreements``. Every equivalence names
its source and its basis:

- ``treaty-text``: read in the agreement itself;
- ``secondary``: reported by a reliable secondary source, the text not yet read;
- ``convention``: Tearline's own, not a security equivalence (unclassified is unclassified);
- ``inferred``: our inference, to be confirmed. Inferred equivalences translate and render
  labels (always upwards), but never grant access: decisions use only the others.
"""

from __future__ import annotations

from tearline.errors import SchemeError
from tearline.labels.schemes.model import Scheme
from tearline.labels.value import value

TYPE_CHECKING = False  # typing is not imported at run time (the command line starts faster)
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any
if TYPE_CHECKING:
    from types import MappingProxyType
else:  # types.MappingProxyType, without importing types
    MappingProxyType = type(type.__dict__)

__all__ = ["BASES", "Agreement", "Equivalence", "Side", "agreement_from_data"]

#: The kinds of evidence behind an equivalence, strongest first.
BASES = ("treaty-text", "secondary", "convention", "inferred")


@value
class Side:
    """One side of an equivalence: a level of a scheme, with the controls that go with it."""

    scheme: str
    level: str
    controls: tuple[str, ...] = ()


@value
class Equivalence:
    """Two sides that an agreement treats as the same protection."""

    sides: Mapping[str, Side]
    basis: str
    source: str

    @property
    def inferred(self) -> bool:
        """Whether this equivalence is our inference, not confirmed by a source."""
        return self.basis == "inferred"

    def side(self, scheme: str) -> Side:
        """The side of ``scheme``."""
        return self.sides[scheme]


@value(slots=False)
class Agreement:
    """An agreement between two schemes (or a table shared by several) and its equivalences."""

    id: str
    title: str
    schemes: tuple[str, ...]
    source: str
    equivalences: tuple[Equivalence, ...]

    def connects(self, a: str, b: str) -> bool:
        """Whether the agreement's table relates schemes ``a`` and ``b`` (by some row)."""
        return a != b and a in self.schemes and b in self.schemes and bool(self.between(a, b))

    def between(self, a: str, b: str) -> tuple[Equivalence, ...]:
        """The equivalences that name both ``a`` and ``b``."""
        return tuple(e for e in self.equivalences if a in e.sides and b in e.sides)

    def inferred_between(self, a: str, b: str) -> bool:
        """Whether every equivalence between ``a`` and ``b`` is inferred (not confirmed)."""
        return all(e.inferred for e in self.between(a, b))


def agreement_from_data(
    data: Mapping[str, Any], schemes: Mapping[str, Scheme], filename: str
) -> Agreement:
    """Build an agreement from its TOML data, checking every level and control it names."""
    head = data["agreement"]
    parties = tuple(str(s) for s in head["schemes"])
    if len(parties) < 2 or len(set(parties)) != len(parties):
        raise SchemeError(f"{filename}: an agreement names two or more different schemes")
    for scheme_id in parties:
        if scheme_id not in schemes:
            raise SchemeError(f"{filename}: unknown scheme {scheme_id!r}")
    default_basis = str(head.get("basis", "inferred"))
    equivalences = tuple(
        _equivalence(entry, parties, schemes, filename, default_basis)
        for entry in data.get("levels", ())
    )
    return Agreement(
        id=str(head["id"]),
        title=str(head["title"]),
        schemes=parties,
        source=str(head.get("source", "")),
        equivalences=equivalences,
    )


def _equivalence(
    entry: Mapping[str, Any],
    parties: tuple[str, ...],
    schemes: Mapping[str, Scheme],
    filename: str,
    default_basis: str,
) -> Equivalence:
    basis = str(entry.get("basis", default_basis))
    if basis not in BASES:
        raise SchemeError(f"{filename}: unknown basis {basis!r}; use one of {', '.join(BASES)}")
    present = [scheme_id for scheme_id in parties if scheme_id in entry]
    if len(present) < 2:
        raise SchemeError(f"{filename}: each row relates at least two of {', '.join(parties)}")
    sides: dict[str, Side] = {}
    for scheme_id in present:
        scheme = schemes[scheme_id]
        level = str(entry[scheme_id])
        controls = tuple(entry.get(f"{scheme_id}_controls", ()))
        if not scheme.has_level(level):
            raise SchemeError(f"{filename}: {level!r} is not a level of {scheme_id}")
        for token in controls:
            try:
                scheme.control(token)
            except KeyError:
                raise SchemeError(
                    f"{filename}: {token!r} is not a control of {scheme_id}"
                ) from None
        sides[scheme_id] = Side(scheme_id, level, controls)
    return Equivalence(MappingProxyType(sides), basis, str(entry.get("source", "")))
