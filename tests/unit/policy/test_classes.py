"""Visibility classes decide exactly as the compiled fast path (and so as decide()) does."""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, date, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from support.strategies import ALLIED_MARKINGS, any_labels, anyone, people, us_labels
from tearline.errors import TranslationError
from tearline.labels.access import AccessExpression
from tearline.labels.gate import admit
from tearline.labels.model import Label
from tearline.labels.parse import parse
from tearline.labels.translate import translate
from tearline.policy.classes import (
    ClassTable,
    can_read_class,
    can_read_class_labels,
    can_read_class_pairs,
)
from tearline.policy.compiled import Compiler, can_read
from tearline.policy.decide import decide
from tearline.policy.model import Action, Authorization, Clearance, Person

AT = datetime(2026, 6, 1, tzinfo=UTC)
moments = st.datetimes(datetime(2025, 6, 1), datetime(2027, 6, 1), timezones=st.just(UTC))
CONDITIONS = ("ctx:A|ctx:B", "(ctx:A&ctx:B)|grp:X", "grp:X|(ctx:A&grp:Y)", "ctx:A&(grp:X|grp:Y)")
CONDITION_TOKENS = ("ctx:A", "ctx:B", "grp:X", "grp:Y")


def _translated() -> list[Label]:
    """Every allied marking carried into every other scheme that will take it (with origins)."""
    found: list[Label] = []
    for scheme, text in ALLIED_MARKINGS:
        for target in ("us", "jp", "gb", "nato"):
            if target == scheme:
                continue
            try:
                found.append(translate(parse(text, scheme), target).label)
            except TranslationError:
                continue  # no agreement, or no counterpart: nothing to carry
    return found


TRANSLATED = _translated()


def _with_condition(label: Label, condition: str) -> Label:
    values = {f.name: getattr(label, f.name) for f in fields(label)}
    access = label.access.conjoin(AccessExpression.parse(condition))
    return admit(**{**values, "access": access})


labels = st.one_of(
    any_labels(),
    st.sampled_from(TRANSLATED),
    st.builds(_with_condition, us_labels(classified=True), st.sampled_from(CONDITIONS)),
)


@st.composite
def persons(draw: st.DrawFn) -> Person:
    """Anyone, of any scheme, sometimes also holding the condition tokens."""
    person = draw(st.one_of(anyone(), people()))
    held = draw(st.lists(st.sampled_from(CONDITION_TOKENS), unique=True))
    extra = tuple(Authorization(token) for token in held)
    return Person(person.nationalities, person.clearance, person.authorizations + extra)


def test_the_translated_corpus_carries_origins() -> None:
    assert any(label.origins for label in TRANSLATED)


@settings(max_examples=150, deadline=None)
@given(st.lists(persons(), min_size=1, max_size=6), st.lists(labels, min_size=1, max_size=12),
       st.lists(st.booleans(), max_size=18), moments)  # fmt: skip
def test_classes_decide_as_can_read(
    people_: list[Person], labels_: list[Label], order: list[bool], at: datetime
) -> None:
    """Interned in any interleaving (rows grow both ways), every pair decides as can_read."""
    compiler = Compiler()
    who = [compiler.person(person, at) for person in people_]
    what = [compiler.label(label) for label in labels_]
    table = ClassTable()
    waiting_people, waiting_labels = list(who), list(what)
    for person_next in order:  # intern some in the drawn order, then the rest
        if person_next and waiting_people:
            table.person(waiting_people.pop())
        elif waiting_labels:
            table.label(waiting_labels.pop())
    person_classes = [table.person(person) for person in who]
    label_classes = [table.label(label) for label in what]
    expected = [[can_read(p, lb) for lb in what] for p in who]
    assert [[can_read_class(p, lb) for lb in label_classes] for p in person_classes] == expected
    pairs = [(p, lb) for p in person_classes for lb in label_classes]
    assert can_read_class_pairs(pairs) == [answer for row in expected for answer in row]
    assert [can_read_class_labels(p, label_classes) for p in person_classes] == expected


@settings(max_examples=150, deadline=None)
@given(persons(), labels, moments)
def test_classes_decide_as_decide(person: Person, label: Label, at: datetime) -> None:
    compiler = Compiler()
    table = ClassTable()
    label_class = table.label(compiler.label(label))
    person_class = table.person(compiler.person(person, at))
    expected = decide(person, label, Action.READ, at).permitted
    assert can_read_class(person_class, label_class) is expected


def test_equal_compiled_values_are_one_class() -> None:
    compiler = Compiler()
    table = ClassTable()
    first = table.label(compiler.label(parse("SECRET//REL TO USA, JPN", "us")))
    again = table.label(compiler.label(parse("(S//REL TO USA, JPN)", "us")))
    fouo = table.label(compiler.label(parse("SECRET//ORCON/REL TO USA, JPN", "us")))
    assert first is again is fouo
    other = table.label(compiler.label(parse("SECRET//SI//REL TO USA, JPN", "us")))
    assert other is not first
    assert other.view == first.view  # same tier and release: one view, another access
    soon = Person(frozenset({"JPN"}), Clearance("S", "us", expires=date(2026, 7, 1)))
    later = Person(frozenset({"JPN"}), Clearance("S", "us", expires=date(2027, 7, 1)))
    assert table.person(compiler.person(soon, AT)) is table.person(compiler.person(later, AT))
    assert table.sizes == {
        "label classes": 2,
        "person classes": 1,
        "label views": 1,
        "person views": 1,
    }


def test_a_label_view_added_later_reaches_everyone_interned_before() -> None:
    compiler = Compiler()
    table = ClassTable()
    japanese = table.person(compiler.person(Person(frozenset({"JPN"}), Clearance("TS", "us")), AT))
    british = table.person(compiler.person(Person(frozenset({"GBR"}), Clearance("TS", "us")), AT))
    label = table.label(compiler.label(parse("SECRET//REL TO USA, JPN", "us")))
    assert can_read_class(japanese, label)
    assert not can_read_class(british, label)


def test_display_only_and_too_many_alternatives_are_not_reads() -> None:
    compiler = Compiler()
    table = ClassTable()
    person = table.person(compiler.person(Person(frozenset({"JPN"}), Clearance("S", "us")), AT))
    shown = table.label(compiler.label(parse("SECRET//REL TO USA, GBR/DISPLAY ONLY JPN", "us")))
    assert not can_read_class(person, shown)
    nobody = table.label(compiler.label(parse("UNCLASSIFIED", "us"))._replace(alternatives=()))
    assert not can_read_class(person, nobody)
    assert can_read_class_pairs([(person, nobody)]) == [False]
