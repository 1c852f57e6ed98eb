"""Classes as arrays decide exactly as can_read (and so as decide()), and refuse bad input."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import ArrayLike

from support.strategies import any_labels, anyone, people
from tearline.errors import InvalidInput
from tearline.labels.model import Label
from tearline.labels.parse import parse
from tearline.policy.batch import ClassArrays
from tearline.policy.classes import ClassTable
from tearline.policy.compiled import CompiledLabel, CompiledPerson, Compiler, can_read
from tearline.policy.decide import decide
from tearline.policy.model import Action, Clearance, Person

AT = datetime(2026, 6, 1, tzinfo=UTC)
moments = st.datetimes(datetime(2025, 6, 1), datetime(2027, 6, 1), timezones=st.just(UTC))
SCHEMES = 3
# Masks up to 140 bits: one, two and three 64-bit words.
masks = st.one_of(st.integers(0, 15), st.integers(0, 2**140), st.sampled_from([1 << 64, 1 << 127]))
tiers = st.integers(-1, 5)
releases = st.one_of(st.just(-1), st.integers(0, 15))
compiled_persons = st.builds(
    CompiledPerson, st.tuples(*[tiers] * SCHEMES), st.integers(0, 15), masks, st.none()
)
compiled_labels = st.builds(
    CompiledLabel,
    tiers,
    releases,
    masks,
    st.one_of(st.none(), st.lists(masks, max_size=4).map(tuple)),
    st.integers(0, SCHEMES - 1),
    st.lists(st.tuples(st.integers(0, SCHEMES - 1), tiers, releases), max_size=2).map(tuple),
)


def _arrays(who: list[CompiledPerson], what: list[CompiledLabel]) -> tuple[ClassArrays, ClassTable]:
    table = ClassTable()
    person_classes = [table.person(person) for person in who]
    label_classes = [table.label(label) for label in what]
    return ClassArrays(table, person_classes, label_classes), table


def _every_pair(arrays: ClassArrays, people: int, count: int) -> list[list[bool]]:
    """Every pair decided in one batch, as a person × label grid."""
    who = np.repeat(np.arange(people), count)
    what = np.tile(np.arange(count), people)
    return arrays.decide_pairs(who, what).reshape(people, count).tolist()


@settings(max_examples=200, deadline=None)
@given(st.lists(compiled_persons, min_size=1, max_size=6),
       st.lists(compiled_labels, min_size=1, max_size=10))  # fmt: skip
def test_arrays_decide_as_can_read_at_any_width(
    who: list[CompiledPerson], what: list[CompiledLabel]
) -> None:
    """Masks of one to three words, alternatives of any length, origins: as can_read."""
    arrays, _ = _arrays(who, what)
    expected = [[can_read(person, label) for label in what] for person in who]
    assert _every_pair(arrays, len(who), len(what)) == expected
    everyone = np.arange(len(what))
    assert [arrays.readable(p, everyone).tolist() for p in range(len(who))] == expected


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(anyone(), people()), min_size=1, max_size=5),
       st.lists(any_labels(), min_size=1, max_size=10), moments)  # fmt: skip
def test_arrays_decide_as_decide(people_: list[Person], labels_: list[Label], at: datetime) -> None:
    """Real labels and persons, every pair twice in reverse order: as decide()."""
    compiler = Compiler()
    arrays, _ = _arrays(
        [compiler.person(person, at) for person in people_],
        [compiler.label(label) for label in labels_],
    )
    pairs = [(p, q) for p in range(len(people_)) for q in range(len(labels_))] * 2
    pairs.reverse()
    got = arrays.decide_pairs([p for p, _ in pairs], [q for _, q in pairs]).tolist()
    expected = [decide(people_[p], labels_[q], Action.READ, at).permitted for p, q in pairs]
    assert got == expected


def _small() -> tuple[ClassArrays, ClassTable]:
    compiler = Compiler()
    reader = compiler.person(Person(frozenset({"JPN"}), Clearance("S", "us")), AT)
    return _arrays(
        [reader], [compiler.label(parse(text, "us")) for text in ("SECRET//REL TO USA, JPN", "U")]
    )


def test_a_label_nobody_may_read_on_the_fast_path_is_refused() -> None:
    compiler = Compiler()
    reader = compiler.person(Person(frozenset({"USA"}), Clearance("TS", "us")), AT)
    nobody = compiler.label(parse("UNCLASSIFIED", "us"))._replace(alternatives=())
    arrays, _ = _arrays([reader], [nobody])
    assert arrays.decide_pairs([0], [0]).tolist() == [False]
    assert arrays.readable(0, [0]).tolist() == [False]


def test_no_pairs_decide_nothing() -> None:
    arrays, _ = _small()
    assert arrays.decide_pairs([], []).tolist() == []
    assert arrays.readable(0, []).tolist() == []


@pytest.mark.parametrize(
    ("persons_", "labels_", "message"),
    [
        ([0, 1], [0, 0], "person ids must lie in 0..0"),
        ([0], [-1], "label ids must lie in 0..1"),
        ([0], [2], "label ids must lie in 0..1"),
        ([True], [False], "person ids must be integers, not bool"),
        ([0.0], [0], "person ids must be integers, not float64"),
        ([[0]], [[0]], "person ids must be one-dimensional"),
        ([0, 0], [0], "2 person ids but 1 label ids"),
    ],
)
def test_bad_ids_are_refused(persons_: ArrayLike, labels_: ArrayLike, message: str) -> None:
    arrays, _ = _small()
    with pytest.raises(InvalidInput, match=re.escape(message)):
        arrays.decide_pairs(persons_, labels_)


def test_a_bad_person_position_is_refused() -> None:
    arrays, _ = _small()
    with pytest.raises(InvalidInput, match=re.escape("person ids must lie in 0..0")):
        arrays.readable(1, [0])


def test_classes_of_another_table_are_refused() -> None:
    _, table = _small()
    compiler = Compiler()
    other = ClassTable()
    person = other.person(compiler.person(Person(frozenset({"JPN"}), Clearance("S", "us")), AT))
    label = other.label(compiler.label(parse("U", "us")))
    with pytest.raises(InvalidInput, match="not made by this table"):
        ClassArrays(table, [person], [])
    with pytest.raises(InvalidInput, match="not made by this table"):
        ClassArrays(table, [], [label])


def test_a_negative_mask_is_refused() -> None:
    table = ClassTable()
    label = table.label(CompiledLabel(0, -1, -1, None, 0))
    with pytest.raises(InvalidInput, match="negative"):
        ClassArrays(table, [], [label])


def test_bytes_are_counted_per_side() -> None:
    arrays, _ = _small()
    # two labels: view (4), never (1), first term (8), row of alternatives (4) each;
    # one person: view (4), authorizations (8); verdicts: 1 person view x 2 label views
    assert arrays.nbytes == {"label": 2 * 17, "person": 12 + 2}
