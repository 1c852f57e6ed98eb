"""Which labels a person may read: each label decided once, the answer cached with its basis.

A cached answer is kept only while everything it rests on holds: the same version of the
person's record (any vetting change raises it), no label added since (new labels are
decided as they arrive), and the clock before the earliest expiry it relied on (a clearance
or authorization that lapses by the clock alone changes the next answer; no job has to run).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tearline.labels.schemes import Registry
from tearline.policy.compiled import CompiledLabel, CompiledPerson, Compiler, can_read_labels
from tearline.service.ports import Store
from tearline.service.records import PersonRecord

__all__ = ["ReadableLabels"]


@dataclass(slots=True)
class _Answer:
    version: int
    compiled: CompiledPerson
    labels_seen: int
    readable: list[int]


class ReadableLabels:
    """The readable label ids of each person, over the labels of one store."""

    def __init__(self, store: Store, registry: Registry) -> None:
        self._store = store
        self._compiler = Compiler(registry)
        self._ids: list[int] = []
        self._compiled: list[CompiledLabel] = []
        self._answers: dict[str, _Answer] = {}

    def _refresh_labels(self) -> None:
        after = self._ids[-1] if self._ids else 0
        for label_id, label in self._store.labels_after(after):
            self._ids.append(label_id)
            self._compiled.append(self._compiler.label(label))

    def for_person(self, person: PersonRecord, at: datetime) -> list[int]:
        """The ids of every stored label ``person`` may read at ``at`` (call inside a
        transaction, so labels and person are read from one state)."""
        self._refresh_labels()
        answer = self._answers.get(person.id)
        if answer is None or answer.version != person.version or _lapsed(answer, at):
            compiled = self._compiler.person(person.as_person(), at)
            answer = _Answer(person.version, compiled, 0, [])
            self._answers[person.id] = answer
        if answer.labels_seen < len(self._ids):
            start = answer.labels_seen
            verdicts = can_read_labels(answer.compiled, self._compiled[start:])
            answer.readable += [i for i, ok in zip(self._ids[start:], verdicts, strict=True) if ok]
            answer.labels_seen = len(self._ids)
        return answer.readable


def _lapsed(answer: _Answer, at: datetime) -> bool:
    until = answer.compiled.valid_until
    return until is not None and at >= until
