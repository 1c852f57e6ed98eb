"""Visibility classes: compiled labels and people interned into one small shared table.

At scale most of the cost of the fast path is memory traffic: every pair reaches a person
and a label of its own, each a tuple of Python objects. A :class:`ClassTable` shares them.

- A label's **view** is what it asks of a person's clearance and nationality: scheme, tier,
  release mask and the ``(scheme, tier, release)`` of the markings it was translated from.
  Labels sharing all of that share one view (a few thousand views for 200,000 labels).
- A person's view is their ``(tiers, nationalities)``: a few dozen for a million people.
  For each person view the table keeps one byte per label view, the verdict of that pair,
  computed once with :func:`~tearline.policy.compiled.can_read` itself.
- What is left of a label is its access (required tokens, alternatives), and of a person
  their authorizations: a decision is one byte looked up and one mask compared.

Labels and persons equal as compiled values are one class (one object). The table decides
exactly as :func:`~tearline.policy.compiled.can_read` does, which the tests check.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from tearline.policy.compiled import CompiledLabel, CompiledPerson, can_read

__all__ = [
    "ClassTable",
    "LabelClass",
    "PersonClass",
    "can_read_class",
    "can_read_class_labels",
    "can_read_class_pairs",
]


class PersonClass(NamedTuple):
    """Everyone who reads alike: the verdicts of their view, and the tokens they hold.

    ``verdicts`` holds one byte per label view of the table that made it (1: this person's
    tier and nationality pass that view); it is the table's own row (row ``view``), shared by
    every class with the same view and grown in place as new label views come. Do not modify it. A
    class has no expiry: keep the :class:`~tearline.policy.compiled.CompiledPerson`'s
    ``valid_until`` and recompile the person after it.
    """

    verdicts: bytearray
    authorizations: int
    view: int


class LabelClass(NamedTuple):
    """Every label with the same compiled form: its view's index in the table, its access.

    ``required`` and ``alternatives`` are the compiled label's own
    (see :class:`~tearline.policy.compiled.CompiledLabel`).
    """

    view: int
    required: int
    alternatives: tuple[int, ...] | None


class ClassTable:
    """Interns compiled labels and persons (of one :class:`~tearline.policy.compiled.Compiler`).

    Only classes from one table may be compared: view indexes and verdict rows mean nothing
    in another. Interning a label with a new view adds a byte to every person view's row;
    interning a person with a new view computes a row over every label view. The table
    keeps only views and classes, not the compiled values it was given.
    """

    def __init__(self) -> None:
        self._views: list[CompiledLabel] = []  # label views: the label with no access terms
        self._view_index: dict[CompiledLabel, int] = {}
        self._readers: list[CompiledPerson] = []  # person views: no authorizations
        self._rows: list[bytearray] = []  # per person view, one verdict per label view
        self._reader_index: dict[tuple[tuple[int, ...], int], int] = {}
        self._labels: dict[LabelClass, LabelClass] = {}
        self._persons: dict[tuple[int, int], PersonClass] = {}

    def label(self, label: CompiledLabel) -> LabelClass:
        """The class of ``label`` (the same object for every equal compiled label)."""
        view = self._label_view(
            CompiledLabel(label.tier, label.release, 0, None, label.scheme, label.origins)
        )
        found = LabelClass(view, label.required, label.alternatives)
        return self._labels.setdefault(found, found)

    def person(self, person: CompiledPerson) -> PersonClass:
        """The class of ``person`` (the same object for everyone who reads alike)."""
        reader = self._person_view(person.tiers, person.nations)
        key = (reader, person.authorizations)
        found = self._persons.get(key)
        if found is None:
            found = self._persons[key] = PersonClass(
                self._rows[reader], person.authorizations, reader
            )
        return found

    def _label_view(self, view: CompiledLabel) -> int:
        index = self._view_index.get(view)
        if index is None:
            index = self._view_index[view] = len(self._views)
            self._views.append(view)
            for reader, row in zip(self._readers, self._rows, strict=True):
                row.append(can_read(reader, view))
        return index

    def _person_view(self, tiers: tuple[int, ...], nations: int) -> int:
        index = self._reader_index.get((tiers, nations))
        if index is None:
            index = self._reader_index[tiers, nations] = len(self._readers)
            reader = CompiledPerson(tiers, nations, 0, None)
            self._readers.append(reader)
            self._rows.append(bytearray(can_read(reader, view) for view in self._views))
        return index

    def holds(self, found: PersonClass | LabelClass) -> bool:
        """Whether ``found`` is a class this table made (and so may be compared with its own)."""
        if isinstance(found, PersonClass):
            return found.view < len(self._rows) and found.verdicts is self._rows[found.view]
        return self._labels.get(found) is found

    def verdict_rows(self) -> bytes:
        """A copy of every person view's row, in view order: row ``v`` of a matrix over views."""
        return b"".join(self._rows)

    @property
    def sizes(self) -> dict[str, int]:
        """How many label classes, person classes, label views and person views it holds."""
        return {
            "label classes": len(self._labels),
            "person classes": len(self._persons),
            "label views": len(self._views),
            "person views": len(self._readers),
        }


def can_read_class(person: PersonClass, label: LabelClass) -> bool:
    """Whether the person class may read the label class (a full permit)."""
    if not person.verdicts[label.view]:
        return False
    held = person.authorizations
    if label.alternatives is None:
        return held & label.required == label.required
    return any(held & term == term for term in label.alternatives)


def can_read_class_pairs(pairs: Iterable[tuple[PersonClass, LabelClass]]) -> list[bool]:
    """:func:`can_read_class` over many pairs, in one tight loop."""
    return [
        verdicts[view] == 1
        and ((held & rq) == rq if alts is None else any((held & term) == term for term in alts))
        for (verdicts, held, _), (view, rq, alts) in pairs
    ]


def can_read_class_labels(person: PersonClass, labels: Iterable[LabelClass]) -> list[bool]:
    """:func:`can_read_class` of one person class over many label classes."""
    verdicts, held, _ = person
    return [
        verdicts[view] == 1
        and ((held & rq) == rq if alts is None else any((held & term) == term for term in alts))
        for view, rq, alts in labels
    ]
