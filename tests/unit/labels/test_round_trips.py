"""Round trips never loosen: a label read back from any of its forms is decided the same.

Over every scheme's labels, every person of every nation and clearance scheme, every action and
moments across expiries: ``parse(render(L))`` and ``from_xml(to_xml(L))`` give the very label,
and a translated label is never decided more permissively than the label it came from.
"""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from support.strategies import any_labels, anyone
from tearline.errors import LabelError, TearlineError
from tearline.labels.formats.stanag4774 import from_xml, to_xml
from tearline.labels.model import Label
from tearline.labels.parse import parse, render
from tearline.labels.schemes import default_registry
from tearline.labels.translate import translate
from tearline.policy.decide import decide
from tearline.policy.model import Action, Outcome, Person

CREATED = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)
moments = st.datetimes(datetime(2025, 1, 1), datetime(2028, 6, 1), timezones=st.just(UTC))
actions = st.sampled_from(list(Action))
#: Outcomes from the most to the least permissive.
RANK = {Outcome.DENY: 0, Outcome.DISPLAY_ONLY: 1, Outcome.PERMIT: 2}


def _same_decisions(a: Label, b: Label, person: Person, action: Action, at: datetime) -> None:
    assert decide(person, a, action, at).outcome is decide(person, b, action, at).outcome


@settings(max_examples=400, deadline=None)
@given(any_labels(), anyone(), actions, moments)
def test_marking_round_trip_is_exact(
    label: Label, person: Person, action: Action, at: datetime
) -> None:
    for form in ("banner", "portion"):
        again = parse(render(label, form=form), label.scheme)
        assert again == label
        _same_decisions(again, label, person, action, at)


@settings(max_examples=400, deadline=None)
@given(any_labels(), anyone(), actions, moments)
def test_4774_round_trip_never_loosens(
    label: Label, person: Person, action: Action, at: datetime
) -> None:
    try:
        xml = to_xml(label, CREATED)
    except LabelError:
        return  # a label 4774 cannot carry is refused, never written loosely
    again = from_xml(xml)
    assert again == label
    _same_decisions(again, label, person, action, at)


TARGETS = sorted(default_registry().schemes)


@settings(max_examples=600, deadline=None)
@given(any_labels(), st.sampled_from(TARGETS), anyone(), actions, moments)
def test_translation_is_never_more_permissive(
    label: Label, target: str, person: Person, action: Action, at: datetime
) -> None:
    try:
        carried = translate(label, target).label
    except TearlineError:
        return  # no agreement, or no counterpart: nothing is translated
    before = decide(person, label, action, at).outcome
    after = decide(person, carried, action, at).outcome
    assert RANK[after] <= RANK[before]
    # and translating on, even back home, never loosens it either
    for onward in TARGETS:
        try:
            again = translate(carried, onward).label
        except TearlineError:
            continue
        assert RANK[decide(person, again, action, at).outcome] <= RANK[before]
