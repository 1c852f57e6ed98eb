"""The compiled fast path answers exactly as decide() does."""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import UTC, date, datetime
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from support.strategies import people, us_labels
from tearline.labels.access import AccessExpression
from tearline.labels.gate import admit
from tearline.labels.model import Label
from tearline.labels.parse import parse
from tearline.policy.compiled import Compiler, can_read, can_read_labels, can_read_pairs
from tearline.policy.decide import decide
from tearline.policy.model import Action, Authorization, Clearance, Person

moments = st.datetimes(datetime(2025, 6, 1), datetime(2027, 6, 1), timezones=st.just(UTC))
# Category conditions (as a 4774 label's PERMISSIVE categories give) are the one way a US
# label carries alternatives; persons hold such tokens as authorizations.
expressions = st.sampled_from(
    ["ctx:A|ctx:B", "(ctx:A&ctx:B)|grp:X", "grp:X|(ctx:A&grp:Y)", "ctx:A&(grp:X|grp:Y)"]
)
CONDITION_TOKENS = ("ctx:A", "ctx:B", "grp:X", "grp:Y")


@settings(max_examples=500, deadline=None)
@given(people(), us_labels(), moments)
def test_fast_path_agrees_with_decide(person: Person, label: Label, at: datetime) -> None:
    compiler = Compiler()
    expected = decide(person, label, Action.READ, at).permitted
    assert can_read(compiler.person(person, at), compiler.label(label)) is expected


@settings(max_examples=300, deadline=None)
@given(
    people(),
    us_labels(classified=True),
    expressions,
    moments,
    st.lists(st.sampled_from(CONDITION_TOKENS), unique=True),
)
def test_fast_path_agrees_on_disjunctive_access(
    person: Person, label: Label, expression: str, at: datetime, held: list[str]
) -> None:
    label = admit(**_fields(label, access=label.access.conjoin(AccessExpression.parse(expression))))
    person = replace(
        person, authorizations=person.authorizations + tuple(Authorization(t) for t in held)
    )
    compiler = Compiler()
    expected = decide(person, label, Action.READ, at).permitted
    compiled = compiler.label(label)
    assert compiled.alternatives is not None
    assert can_read(compiler.person(person, at), compiled) is expected


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(people(), us_labels()), max_size=20), moments)
def test_batch_equals_one_by_one(pairs: list[tuple[Person, Label]], at: datetime) -> None:
    compiler = Compiler()
    compiled = [(compiler.person(p, at), compiler.label(lb)) for p, lb in pairs]
    assert can_read_pairs(compiled) == [can_read(p, lb) for p, lb in compiled]


def test_compiled_person_knows_when_to_be_recompiled() -> None:
    person = Person(
        frozenset({"USA"}),
        Clearance("S", "us", expires=date(2027, 1, 1)),
        (Authorization("SI", date(2026, 12, 15)), Authorization("TK", date(2026, 1, 1))),
    )
    compiled = Compiler().person(person, datetime(2026, 11, 29, tzinfo=UTC))
    assert compiled.valid_until == datetime(2026, 12, 15, tzinfo=UTC)


def test_display_only_is_not_a_read_in_the_fast_path() -> None:
    compiler = Compiler()
    person = Person(frozenset({"JPN"}), Clearance("S", "us"))
    label = parse("SECRET//REL TO USA, GBR/DISPLAY ONLY JPN", "us")
    at = datetime(2026, 11, 29, tzinfo=UTC)
    assert not can_read(compiler.person(person, at), compiler.label(label))


def _fields(label: Label, **changes: object) -> dict[str, Any]:
    values = {f.name: getattr(label, f.name) for f in fields(label)}
    return {**values, **changes}


@settings(max_examples=100, deadline=None)
@given(people(), st.lists(us_labels(), max_size=20), moments)
def test_one_person_over_many_labels_equals_one_by_one(
    person: Person, labels: list[Label], at: datetime
) -> None:
    compiler = Compiler()
    compiled = [compiler.label(label) for label in labels]
    who = compiler.person(person, at)
    assert can_read_labels(who, compiled) == [can_read(who, label) for label in compiled]
