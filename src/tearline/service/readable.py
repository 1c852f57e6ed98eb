"""Which labels a person may read: each label decided once, the answer cached with its basis.

A cached answer is kept only while everything it rests on holds: the same version of the
person's record (any vetting change raises it), no label added since (new labels are
decided as they arrive), and the clock before the earliest expiry it relied on (a clearance
or authorization that lapses by the clock alone changes the next answer; no job has to run).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from tearline.labels.model import Label
from tearline.labels.schemes import Registry
from tearline.policy.compiled import CompiledLabel, CompiledPerson, Compiler, can_read_labels
from tearline.policy.decide import decide
from tearline.policy.model import Action, Outcome
from tearline.service.ports import Store
from tearline.service.records import PersonRecord

__all__ = ["ReadableLabels"]


@dataclass(slots=True)
class _Answer:
    version: int
    compiled: CompiledPerson
    labels_seen: int
    readable: list[int]
    shown_seen: int = 0
    display: dict[int, Label] | None = None


class ReadableLabels:
    """The readable label ids of each person, over the labels of one store."""

    def __init__(self, store: Store, registry: Registry) -> None:
        self._store = store
        self._registry = registry
        self._compiler = Compiler(registry)
        self._ids: list[int] = []
        self._compiled: list[CompiledLabel] = []
        self._shown: list[tuple[int, Label]] = []  # labels with a DISPLAY ONLY list
        self._answers: dict[str, _Answer] = {}

    def _refresh_labels(self) -> None:
        after = self._ids[-1] if self._ids else 0
        for label_id, label in self._store.labels_after(after):
            self._ids.append(label_id)
            self._compiled.append(self._compiler.label(label))
            if label.displayable_to:
                self._shown.append((label_id, label))

    def knows(self, label_ids: Sequence[int]) -> bool:
        """Whether every one of ``label_ids`` is among the labels already read (then asking
        with ``refresh=False`` needs no query)."""
        newest = self._ids[-1] if self._ids else 0
        return all(label_id <= newest for label_id in label_ids)

    def _answer(self, person: PersonRecord, at: datetime, *, refresh: bool = True) -> _Answer:
        if refresh:
            self._refresh_labels()
        answer = self._answers.get(person.id)
        if answer is None or answer.version != person.version or _lapsed(answer, at):
            compiled = self._compiler.person(person.as_person(), at)
            answer = _Answer(person.version, compiled, 0, [])
            self._answers[person.id] = answer
        return answer

    def display_only(
        self, person: PersonRecord, at: datetime, *, refresh: bool = True
    ) -> dict[int, Label]:
        """The stored labels ``person`` may be shown but not given (DISPLAY ONLY), by id
        (call inside a transaction). Decided by :func:`decide`, only for labels that carry
        a display list at all. Without ``refresh``, among the labels already read only."""
        answer = self._answer(person, at, refresh=refresh)
        if answer.display is None:
            answer.display, answer.shown_seen = {}, 0
        if answer.shown_seen < len(self._shown):
            who = person.as_person()
            for label_id, label in self._shown[answer.shown_seen :]:
                verdict = decide(who, label, Action.READ, at, registry=self._registry)
                if verdict.outcome is Outcome.DISPLAY_ONLY:
                    answer.display[label_id] = label
            answer.shown_seen = len(self._shown)
        return answer.display

    def for_people(self, people: Sequence[PersonRecord], at: datetime) -> list[list[int]]:
        """:meth:`for_person` for each of ``people``, the stored labels read once."""
        self._refresh_labels()
        return [self.for_person(p, at, refresh=False) for p in people]

    def for_person(self, person: PersonRecord, at: datetime, *, refresh: bool = True
                   ) -> list[int]:  # fmt: skip
        """The ids of every stored label ``person`` may read at ``at`` (call inside a
        transaction, so labels and person are read from one state). Without ``refresh``,
        among the labels already read only (no query)."""
        answer = self._answer(person, at, refresh=refresh)
        if answer.labels_seen < len(self._ids):
            start = answer.labels_seen
            verdicts = can_read_labels(answer.compiled, self._compiled[start:])
            answer.readable += [i for i, ok in zip(self._ids[start:], verdicts, strict=True) if ok]
            answer.labels_seen = len(self._ids)
        return answer.readable


def _lapsed(answer: _Answer, at: datetime) -> bool:
    until = answer.compiled.valid_until
    return until is not None and at >= until
