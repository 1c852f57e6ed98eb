"""How the fast path holds up as labels and persons grow: a table over sizes.

Run ``.venv/bin/python bench/scale.py`` (the full grid, 2k–200k labels × 10k–1M persons, takes
several minutes and a few GB of memory) or ``--labels 2000,20000 --persons 10000`` for a part
of it. The mix is ``decisions.py``'s (same generators, same seed). For each size it prints:

- the cost of compiling labels and persons (per second) and the memory each compiled one
  takes (bytes, counting every object it holds, integers shared by the interpreter excluded);
- decisions per second over the same random pairs, in the order they come
  (``can_read_pairs``) and grouped by person (``can_read_labels`` per person), which reads
  each person's fields once and walks the labels in order.

Every timing is the best of ``--repeats`` runs with the garbage collector off. Both orders
are cross-checked to give the same answers.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import TypeVar

from decisions import AT, SEED, best_of, build_markings, disjunction_labels, random_person
from tearline.policy.compiled import (
    CompiledLabel,
    CompiledPerson,
    Compiler,
    can_read_labels,
    can_read_pairs,
)

T = TypeVar("T")
LABELS = (2_000, 20_000, 200_000)
PERSONS = (10_000, 100_000, 1_000_000)
PAIRS = 1_000_000


def deep_size(value: object, seen: set[int] | None = None) -> int:
    """Bytes held by ``value`` and everything it refers to (small shared ints left out)."""
    seen = set() if seen is None else seen
    if id(value) in seen or (isinstance(value, int) and -5 <= value <= 256) or value is None:
        return 0
    seen.add(id(value))
    size = sys.getsizeof(value)
    if isinstance(value, tuple | list | frozenset | set):
        size += sum(deep_size(item, seen) for item in value)
    return size


def _mean_size(items: Sequence[object], sample: int = 2_000) -> float:
    chosen = items[:: max(1, len(items) // sample)]
    return sum(deep_size(item) for item in chosen) / len(chosen)


def _grouped(
    persons: Sequence[CompiledPerson],
    labels: Sequence[CompiledLabel],
    pairs: Iterable[tuple[int, int]],
) -> tuple[list[tuple[CompiledPerson, list[CompiledLabel]]], list[int]]:
    """The pairs grouped by person, and for each grouped answer the index of its pair."""
    by_person: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for index, (p, q) in enumerate(pairs):
        by_person[p].append((index, q))
    grouped = [(persons[p], [labels[q] for _, q in wanted]) for p, wanted in by_person.items()]
    order = [index for wanted in by_person.values() for index, _ in wanted]
    return grouped, order


def measure(label_count: int, person_count: int, repeats: int) -> dict[str, float]:
    rng = random.Random(SEED)
    _, labels, _ = build_markings(rng, label_count)
    labels += disjunction_labels(rng, labels, round(label_count * 5 / 95))
    people = [random_person(rng, i) for i in range(person_count)]
    compiler = Compiler()
    label_seconds, compiled_labels = best_of(lambda: [compiler.label(x) for x in labels], 1)
    person_seconds, compiled_persons = best_of(lambda: [compiler.person(x, AT) for x in people], 1)
    pair_index = list(
        zip(
            rng.choices(range(person_count), k=PAIRS),
            rng.choices(range(len(labels)), k=PAIRS),
            strict=True,
        )
    )
    pairs = [(compiled_persons[p], compiled_labels[q]) for p, q in pair_index]
    grouped, order = _grouped(compiled_persons, compiled_labels, pair_index)
    random_seconds, answers = best_of(lambda: can_read_pairs(pairs), repeats)
    grouped_seconds, grouped_answers = best_of(
        lambda: [can_read_labels(who, wanted) for who, wanted in grouped], repeats
    )
    flat = [answer for part in grouped_answers for answer in part]
    if any(answers[index] != answer for index, answer in zip(order, flat, strict=True)):
        raise SystemExit("grouped and random orders disagree")
    return {
        "labels": len(labels),
        "persons": person_count,
        "label compile/s": len(labels) / label_seconds,
        "person compile/s": person_count / person_seconds,
        "bytes/label": _mean_size(compiled_labels),
        "bytes/person": _mean_size(compiled_persons),
        "random order/s": PAIRS / random_seconds,
        "by person/s": PAIRS / grouped_seconds,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--labels", default=",".join(map(str, LABELS)), help="comma-separated")
    parser.add_argument("--persons", default=",".join(map(str, PERSONS)), help="comma-separated")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    label_sizes = [int(x) for x in args.labels.split(",")]
    person_sizes = [int(x) for x in args.persons.split(",")]
    columns = ("labels", "persons", "label compile/s", "person compile/s", "bytes/label",
               "bytes/person", "random order/s", "by person/s")  # fmt: skip
    print(" | ".join(f"{c:>16}" for c in columns))
    for label_count in label_sizes:
        for person_count in person_sizes:
            row = measure(label_count, person_count, args.repeats)
            print(" | ".join(f"{row[c]:>16,.0f}" for c in columns), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
