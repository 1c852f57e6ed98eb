"""Visibility classes as arrays: many decisions at once, with numpy.

A :class:`~tearline.policy.classes.ClassTable` answers one pair at a time, and at scale each
pair reaches two Python objects of its own. :class:`ClassArrays` lays the same data out as
a few contiguous arrays, indexed by the position of a person or label in the sequences it
was given (a node's label ids, a feed's subscribers):

- the table's verdicts as one 2-D ``uint8`` matrix, person view × label view (tens of
  thousands of bytes: it stays in cache);
- per person their view and authorization mask; per label its view and first access term
  (a conjunction's ``required``), with the further alternatives of the few labels that
  have them in a small padded array;
- masks as 64-bit words: one word while the compiler has at most 64 tokens, more words
  (compared word by word) past that, so nothing is ever truncated.

A batch of pairs is then a handful of array operations: a gather from the matrix, one mask
comparison. It decides exactly as :func:`~tearline.policy.classes.can_read_class` (and so
as ``can_read`` and ``decide()``), which the tests check. The arrays are a snapshot: classes
interned after it are not in it; build it again.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from tearline.errors import InvalidInput
from tearline.policy.classes import ClassTable, LabelClass, PersonClass

__all__ = ["ClassArrays"]

_WORD_BITS = 64
_WORD_MASK = (1 << _WORD_BITS) - 1

Verdicts = NDArray[np.bool_]
Words = NDArray[np.uint64]
Ids = NDArray[np.intp]


def _words(masks: Sequence[int], width: int) -> Words:
    """Each mask as ``width`` 64-bit words, least significant first: shape (masks, width)."""
    out = np.empty((len(masks), width), dtype=np.uint64)
    for word in range(width):
        shift = word * _WORD_BITS
        column = ((mask >> shift) & _WORD_MASK for mask in masks)
        out[:, word] = np.fromiter(column, dtype=np.uint64, count=len(masks))
    return out


def _width(masks: Sequence[int]) -> int:
    """How many 64-bit words hold the widest of ``masks`` (at least one)."""
    if any(mask < 0 for mask in masks):
        raise InvalidInput("an access mask is negative: masks are sets of token bits")
    widest = max((mask.bit_length() for mask in masks), default=0)
    return max(1, -(-widest // _WORD_BITS))


def _terms(label: LabelClass) -> tuple[int, ...]:
    """The label's access terms: one for a conjunction, none when nobody may read it."""
    return (label.required,) if label.alternatives is None else label.alternatives


def _ids(given: ArrayLike, count: int, what: str) -> Ids:
    """``given`` as positions in ``0..count-1``, or :class:`InvalidInput` (fail closed)."""
    ids = np.asarray(given)
    if ids.ndim != 1:
        raise InvalidInput(f"{what} ids must be one-dimensional, not of shape {ids.shape}")
    if ids.size == 0:
        return np.zeros(0, dtype=np.intp)
    if not np.issubdtype(ids.dtype, np.integer):
        raise InvalidInput(f"{what} ids must be integers, not {ids.dtype}")
    if ids.min() < 0 or ids.max() >= count:
        raise InvalidInput(f"{what} ids must lie in 0..{count - 1}: one is out of range")
    return ids.astype(np.intp, copy=False)


class _LabelArrays:
    """Labels by position: view, first term, further alternatives, and those nobody may read."""

    def __init__(self, labels: Sequence[LabelClass], width: int) -> None:
        terms = [_terms(label) for label in labels]
        self.view = np.fromiter((label.view for label in labels), np.int32, len(labels))
        self.never = np.fromiter((not found for found in terms), np.bool_, len(labels))
        self.first = _words([found[0] if found else 0 for found in terms], width)
        several = [found for found in terms if len(found) > 1]
        self.row = np.full(len(labels), -1, dtype=np.int32)  # row in ``rest``, or -1
        self.row[[i for i, found in enumerate(terms) if len(found) > 1]] = range(len(several))
        depth = max((len(found) - 1 for found in several), default=0)
        padded = [(*found[1:], *(found[0],) * (depth - len(found) + 1)) for found in several]
        flat = [term for found in padded for term in found]
        self.rest = _words(flat, width).reshape(len(several), depth, width)

    @property
    def nbytes(self) -> int:
        return sum(a.nbytes for a in (self.view, self.never, self.first, self.row, self.rest))

    def grant(self, held: Words, labels: Ids) -> Verdicts:
        """Whether ``held`` (per pair, or one row for all) meets each label's access."""
        need = self.first[labels]
        granted: Verdicts = ((held & need) == need).all(axis=1)
        rows = self.row[labels]
        several = np.flatnonzero(rows >= 0)
        if several.size:
            more = self.rest[rows[several]]
            theirs = held[several][:, None, :] if held.ndim == 2 else held
            granted[several] |= ((theirs & more) == more).all(axis=2).any(axis=1)
        return granted & ~self.never[labels]


class ClassArrays:
    """Persons and labels of one :class:`~tearline.policy.classes.ClassTable` as arrays.

    ``persons`` and ``labels`` are classes the table made; each is then known by its
    position in its sequence (repeats are fine). Classes from another table are refused
    (:class:`~tearline.errors.InvalidInput`): their views mean nothing here.
    """

    def __init__(
        self, table: ClassTable, persons: Sequence[PersonClass], labels: Sequence[LabelClass]
    ) -> None:
        for side in (persons, labels):
            distinct = {id(found): found for found in side}.values()
            if not all(table.holds(found) for found in distinct):
                raise InvalidInput("a class was not made by this table: intern it there first")
        sizes = table.sizes
        shape = (sizes["person views"], sizes["label views"])
        self._verdicts = np.frombuffer(table.verdict_rows(), dtype=np.uint8).reshape(shape)
        held = [person.authorizations for person in persons]
        width = _width([*held, *(t for label in labels for t in _terms(label))])
        self._person_view = np.fromiter((p.view for p in persons), np.int32, len(persons))
        self._held = _words(held, width)
        self._labels = _LabelArrays(labels, width)

    @property
    def nbytes(self) -> dict[str, int]:
        """Bytes of the arrays for each side (``label``, ``person``; verdicts: ``person``)."""
        person = self._person_view.nbytes + self._held.nbytes + self._verdicts.nbytes
        return {"label": self._labels.nbytes, "person": person}

    def decide_pairs(self, persons: ArrayLike, labels: ArrayLike) -> Verdicts:
        """Whether ``persons[i]`` may read ``labels[i]``, for every ``i`` (positions)."""
        who = _ids(persons, len(self._person_view), "person")
        what = _ids(labels, len(self._labels.view), "label")
        if who.shape != what.shape:
            raise InvalidInput(f"{who.size} person ids but {what.size} label ids: pair them")
        seen: Verdicts = self._verdicts[self._person_view[who], self._labels.view[what]] != 0
        return seen & self._labels.grant(self._held[who], what)

    def readable(self, person: int, labels: ArrayLike) -> Verdicts:
        """Whether the person at position ``person`` may read each of ``labels`` (positions).

        The node's filter: one person over many labels, their row read once.
        """
        who = int(_ids([person], len(self._person_view), "person")[0])
        what = _ids(labels, len(self._labels.view), "label")
        seen: Verdicts = self._verdicts[self._person_view[who]][self._labels.view[what]] != 0
        return seen & self._labels.grant(self._held[who], what)
