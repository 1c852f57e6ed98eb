"""How the fast path holds up as labels and persons grow: a table over sizes.

Run ``.venv/bin/python bench/scale.py`` (the full grid, 2k–200k labels × 10k–1M persons, takes
tens of minutes, most of it generating the markings, and a few GB of memory), ``--quick`` for
one small cell, or ``--labels 2000,20000 --persons 10000`` for a part of it. The mix is
``decisions.py``'s (same generators, same seed; the labels of one size are generated once for
every person count). For each size it prints one row of a Markdown table:

- the cost of compiling labels and persons, and of interning the compiled values into a
  :class:`~tearline.policy.classes.ClassTable` (per second);
- the memory each compiled label and person takes (bytes, counting every object it holds,
  integers shared by the interpreter excluded), and with classes everything the table holds
  for that side divided by the labels (persons), plus the 8-byte reference each one keeps;
- how many classes and views the table holds;
- the same with the classes laid out as arrays (:class:`~tearline.policy.batch.ClassArrays`:
  its build time, and its bytes per label and per person, the verdict matrix counted on the
  persons' side);
- decisions per second over the same random pairs, in the order they come
  (``can_read_pairs``, ``can_read_class_pairs``, ``ClassArrays.decide_pairs`` over two
  integer arrays) and grouped by person (``can_read_labels``, ``can_read_class_labels`` and
  ``ClassArrays.readable`` once per person).

Every decision rate is the median of ``--rounds`` rounds in which the six ways take turns
(garbage collector off), so a burst from another tenant of a shared machine falls on one turn,
printed with the slowest and fastest round. All six are cross-checked to give the same answers.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Any, NamedTuple, TypeVar

import numpy as np

from decisions import AT, SEED, best_of, build_markings, disjunction_labels, random_person
from tearline.labels.model import Label
from tearline.policy.batch import ClassArrays
from tearline.policy.classes import (
    ClassTable,
    LabelClass,
    PersonClass,
    can_read_class_labels,
    can_read_class_pairs,
)
from tearline.policy.compiled import (
    CompiledLabel,
    CompiledPerson,
    Compiler,
    can_read_labels,
    can_read_pairs,
)

T = TypeVar("T")
P = TypeVar("P")
L = TypeVar("L")
LABELS = (2_000, 20_000, 200_000)
PERSONS = (10_000, 100_000, 1_000_000)
PAIRS = 1_000_000
ROUNDS = 5


def deep_size(value: object, seen: set[int] | None = None) -> int:
    """Bytes held by ``value`` and everything it refers to (small shared ints left out)."""
    seen = set() if seen is None else seen
    if id(value) in seen or (isinstance(value, int) and -5 <= value <= 256) or value is None:
        return 0
    seen.add(id(value))
    size = sys.getsizeof(value)
    if isinstance(value, tuple | list | frozenset | set):
        size += sum(deep_size(item, seen) for item in value)
    elif isinstance(value, dict):
        size += sum(deep_size(k, seen) + deep_size(v, seen) for k, v in value.items())
    return size


def _mean_size(items: Sequence[object], sample: int = 2_000) -> float:
    chosen = items[:: max(1, len(items) // sample)]
    return sum(deep_size(item) for item in chosen) / len(chosen)


def _grouped(
    persons: Sequence[P], labels: Sequence[L], pairs: Iterable[tuple[int, int]]
) -> tuple[list[tuple[P, list[L]]], list[int]]:
    """The pairs grouped by person, and for each grouped answer the index of its pair."""
    by_person: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for index, (p, q) in enumerate(pairs):
        by_person[p].append((index, q))
    grouped = [(persons[p], [labels[q] for _, q in wanted]) for p, wanted in by_person.items()]
    order = [index for wanted in by_person.values() for index, _ in wanted]
    return grouped, order


def _labels(label_count: int) -> tuple[list[Label], tuple[Any, ...]]:
    """The mix's labels for ``label_count`` and the generator's state after them."""
    rng = random.Random(SEED)
    _, labels, _ = build_markings(rng, label_count)
    labels += disjunction_labels(rng, labels, round(label_count * 5 / 95))
    return labels, rng.getstate()


def _table_bytes(table: ClassTable, side: str) -> int:
    """Bytes of everything the table holds for one side (``label`` or ``person``)."""
    parts = {
        "label": ("_views", "_view_index", "_labels"),
        "person": ("_readers", "_rows", "_reader_index", "_persons"),
    }[side]
    seen: set[int] = set()
    return sum(deep_size(getattr(table, name), seen) for name in parts)


def _alternating(sides: dict[str, Callable[[], object]], rounds: int) -> dict[str, list[float]]:
    """Seconds of each side in each of ``rounds`` rounds, the sides taking turns.

    Taking turns spreads the other tenants of a shared machine over every side alike.
    """
    times: dict[str, list[float]] = {name: [] for name in sides}
    for _ in range(rounds):
        for name, side in sides.items():
            times[name].append(best_of(side, 1)[0])
    return times


def _check(answers: Sequence[bool], order: Sequence[int], grouped: Iterable[list[bool]]) -> None:
    flat = [answer for part in grouped for answer in part]
    if any(answers[index] != answer for index, answer in zip(order, flat, strict=True)):
        raise SystemExit("grouped and random orders disagree")


class Cell(NamedTuple):
    """One size of the grid, compiled both ways, with the pairs to decide (indexes)."""

    compiled_labels: list[CompiledLabel]
    compiled_persons: list[CompiledPerson]
    label_classes: list[LabelClass]
    person_classes: list[PersonClass]
    table: ClassTable
    arrays: ClassArrays
    pairs: list[tuple[int, int]]


def build(
    labels: list[Label], state: tuple[Any, ...], person_count: int, pair_count: int
) -> tuple[Cell, dict[str, float]]:
    """Generate the persons and pairs after ``labels``, compile and intern (timed) both."""
    rng = random.Random()
    rng.setstate(state)
    people = [random_person(rng, i) for i in range(person_count)]
    compiler, table = Compiler(), ClassTable()
    label_seconds, compiled_labels = best_of(lambda: [compiler.label(x) for x in labels], 1)
    person_seconds, compiled_persons = best_of(lambda: [compiler.person(x, AT) for x in people], 1)
    label_intern, label_classes = best_of(lambda: [table.label(x) for x in compiled_labels], 1)
    person_intern, person_classes = best_of(lambda: [table.person(x) for x in compiled_persons], 1)
    array_seconds, arrays = best_of(lambda: ClassArrays(table, person_classes, label_classes), 1)
    pairs = list(
        zip(
            rng.choices(range(person_count), k=pair_count),
            rng.choices(range(len(labels)), k=pair_count),
            strict=True,
        )
    )
    cell = Cell(
        compiled_labels, compiled_persons, label_classes, person_classes, table, arrays, pairs
    )
    costs = {
        "label compile/s": len(labels) / label_seconds,
        "person compile/s": person_count / person_seconds,
        "label intern/s": len(labels) / label_intern,
        "person intern/s": person_count / person_intern,
        "arrays build s": array_seconds,
    }
    return cell, costs


def decide_all(cell: Cell, rounds: int) -> dict[str, list[float]]:
    """Seconds of each way to decide the cell's pairs, per round (cross-checked first)."""
    pairs = [(cell.compiled_persons[p], cell.compiled_labels[q]) for p, q in cell.pairs]
    class_pairs = [(cell.person_classes[p], cell.label_classes[q]) for p, q in cell.pairs]
    grouped, order = _grouped(cell.compiled_persons, cell.compiled_labels, cell.pairs)
    class_grouped, _ = _grouped(cell.person_classes, cell.label_classes, cell.pairs)
    person_ids = np.fromiter((p for p, _ in cell.pairs), np.intp, len(cell.pairs))
    label_ids = np.fromiter((q for _, q in cell.pairs), np.intp, len(cell.pairs))
    id_grouped, _ = _grouped(
        range(len(cell.person_classes)), range(len(cell.label_classes)), cell.pairs
    )
    who_grouped = np.fromiter(
        (p for p, wanted in id_grouped for _ in wanted), np.intp, len(person_ids)
    )
    what_grouped = np.fromiter(
        (q for _, wanted in id_grouped for q in wanted), np.intp, len(person_ids)
    )
    sides: dict[str, Callable[[], object]] = {
        "random order/s": lambda: can_read_pairs(pairs),
        "random, classes/s": lambda: can_read_class_pairs(class_pairs),
        "by person/s": lambda: [can_read_labels(who, wanted) for who, wanted in grouped],
        "by person, classes/s": lambda: [
            can_read_class_labels(who, wanted) for who, wanted in class_grouped
        ],
        "random, arrays/s": lambda: cell.arrays.decide_pairs(person_ids, label_ids),
        "by person, arrays/s": lambda: cell.arrays.decide_pairs(who_grouped, what_grouped),
    }
    answers = can_read_pairs(pairs)
    if can_read_class_pairs(class_pairs) != answers:
        raise SystemExit("classes and compiled values disagree")
    _check(answers, order, [can_read_labels(who, wanted) for who, wanted in grouped])
    _check(answers, order, [can_read_class_labels(who, wanted) for who, wanted in class_grouped])
    if cell.arrays.decide_pairs(person_ids, label_ids).tolist() != answers:
        raise SystemExit("arrays and compiled values disagree")
    _check(answers, order, [cell.arrays.decide_pairs(who_grouped, what_grouped).tolist()])
    return _alternating(sides, rounds)


def measure(
    labels: list[Label], state: tuple[Any, ...], person_count: int, pair_count: int, rounds: int
) -> dict[str, float | str]:
    """Every column of the table for one size."""
    cell, costs = build(labels, state, person_count, pair_count)
    seconds = decide_all(cell, rounds)
    array_bytes = cell.arrays.nbytes
    return {
        "labels": len(labels),
        "persons": person_count,
        **costs,
        "bytes/label": _mean_size(cell.compiled_labels),
        "bytes/person": _mean_size(cell.compiled_persons),
        "class bytes/label": 8 + _table_bytes(cell.table, "label") / len(labels),
        "class bytes/person": 8 + _table_bytes(cell.table, "person") / person_count,
        "array bytes/label": array_bytes["label"] / len(labels),
        "array bytes/person": array_bytes["person"] / person_count,
        **cell.table.sizes,
        **{name: _rates(len(cell.pairs), times) for name, times in seconds.items()},
    }


def _rates(pair_count: int, seconds: list[float]) -> str:
    """Decisions per second: the median round, and the slowest and fastest."""
    median, slowest, fastest = (
        pair_count / statistics.median(seconds),
        pair_count / max(seconds),
        pair_count / min(seconds),
    )
    return f"{median:,.0f} ({slowest:,.0f}–{fastest:,.0f})"


COLUMNS = {  # key -> header in the printed (Markdown) table
    "labels": "labels",
    "persons": "persons",
    "label compile/s": "label compile/s",
    "person compile/s": "person compile/s",
    "label intern/s": "label intern/s",
    "person intern/s": "person intern/s",
    "bytes/label": "bytes/label",
    "bytes/person": "bytes/person",
    "class bytes/label": "bytes/label, classes",
    "class bytes/person": "bytes/person, classes",
    "arrays build s": "arrays build, s",
    "array bytes/label": "bytes/label, arrays",
    "array bytes/person": "bytes/person, arrays",
    "label classes": "label classes",
    "label views": "label views",
    "person classes": "person classes",
    "person views": "person views",
    "random order/s": "random order/s",
    "random, classes/s": "random, classes/s",
    "by person/s": "by person/s",
    "by person, classes/s": "by person, classes/s",
    "random, arrays/s": "random, arrays/s",
    "by person, arrays/s": "by person, arrays/s",
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--labels", help="comma-separated (default 2000,20000,200000)")
    parser.add_argument("--persons", help="comma-separated (default 10000,100000,1000000)")
    parser.add_argument("--pairs", type=int, help=f"pairs per cell (default {PAIRS:,})")
    parser.add_argument("--rounds", type=int, help=f"timed rounds per cell (default {ROUNDS})")
    parser.add_argument("--quick", action="store_true", help="one small cell, a few rounds")
    args = parser.parse_args(argv)
    quick = args.quick
    label_sizes = _sizes(args.labels, (2_000,) if quick else LABELS)
    person_sizes = _sizes(args.persons, (10_000,) if quick else PERSONS)
    pair_count = args.pairs or (100_000 if quick else PAIRS)
    rounds = args.rounds or (3 if quick else ROUNDS)
    print("| " + " | ".join(COLUMNS.values()) + " |")
    print("|" + "---:|" * len(COLUMNS))
    for label_count in label_sizes:
        labels, state = _labels(label_count)
        for person_count in person_sizes:
            row = measure(labels, state, person_count, pair_count, rounds)
            print("| " + " | ".join(_cell(row[key]) for key in COLUMNS) + " |", flush=True)
    return 0


def _cell(value: float | str) -> str:
    if isinstance(value, str):
        return value
    return f"{value:.3g}" if isinstance(value, float) and value < 100 else f"{value:,.0f}"


def _sizes(given: str | None, default: tuple[int, ...]) -> list[int]:
    return [int(x) for x in given.split(",")] if given else list(default)


if __name__ == "__main__":
    sys.exit(main())
