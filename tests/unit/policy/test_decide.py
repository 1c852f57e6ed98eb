"""Decisions: grids of person × label × action, and the laws decisions must keep."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given, settings

from support.strategies import people, us_labels
from tearline.labels.lattice import dominates
from tearline.labels.model import Label
from tearline.labels.parse import parse
from tearline.labels.schemes import default_registry
from tearline.policy.compiled import Compiler, can_read
from tearline.policy.decide import clearance_tier, decide
from tearline.policy.model import (
    Action,
    Authorization,
    Clearance,
    Outcome,
    Person,
    Status,
)

AT = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)

PEOPLE = {
    "us-ts-si": Person(frozenset({"USA"}), Clearance("TS", "us"), (Authorization("SI"),)),
    "us-c": Person(frozenset({"USA"}), Clearance("C", "us")),
    "us-u": Person(frozenset({"USA"}), Clearance("U", "us")),
    "jp-s": Person(frozenset({"JPN"}), Clearance("S", "us")),
    "gb-s": Person(frozenset({"GBR"}), Clearance("S", "us")),
    "au-ts-si-tk": Person(
        frozenset({"AUS"}), Clearance("TS", "us"), (Authorization("SI"), Authorization("TK"))
    ),
    "us-jp-dual-s": Person(frozenset({"USA", "JPN"}), Clearance("S", "us")),
    "us-expired": Person(frozenset({"USA"}), Clearance("TS", "us", expires=date(2026, 3, 1))),
    "us-suspended": Person(frozenset({"USA"}), Clearance("TS", "us", status=Status.SUSPENDED)),
    "us-revoked": Person(frozenset({"USA"}), Clearance("TS", "us", status=Status.REVOKED)),
    "us-ts-si-lapsed": Person(
        frozenset({"USA"}), Clearance("TS", "us"), (Authorization("SI", date(2026, 1, 1)),)
    ),
}

P, D, X = Outcome.PERMIT, Outcome.DENY, Outcome.DISPLAY_ONLY
LABELS = [
    "UNCLASSIFIED",
    "UNCLASSIFIED//FOUO",
    "SECRET//REL TO USA, JPN",
    "SECRET//NOFORN",
    "SECRET//REL TO USA, FVEY",
    "SECRET//REL TO USA, GBR/DISPLAY ONLY JPN",
    "TOP SECRET//SI//NOFORN",
    "TOP SECRET//SI/TK//REL TO USA, AUS",
    "SECRET",
    "SECRET//RELIDO",
    "//NATO SECRET",
]
# one row per person, one column per label above (action: read)
GRID = {
    "us-ts-si": [P, P, P, P, P, P, P, D, P, P, P],
    "us-c": [P, P, D, D, D, D, D, D, D, D, D],
    "us-u": [P, P, D, D, D, D, D, D, D, D, D],
    "jp-s": [P, P, P, D, D, X, D, D, D, D, D],
    "gb-s": [P, P, D, D, P, P, D, D, D, D, P],
    "au-ts-si-tk": [P, P, D, D, P, D, D, P, D, D, D],
    "us-jp-dual-s": [P, P, P, P, P, P, D, D, P, P, P],
    "us-expired": [D] * 11,
    "us-suspended": [D] * 11,
    "us-revoked": [D] * 11,
    "us-ts-si-lapsed": [P, P, P, P, P, P, D, D, P, P, P],
}


@pytest.mark.parametrize(
    ("who", "marking", "expected"),
    [(who, LABELS[i], outcome) for who, row in GRID.items() for i, outcome in enumerate(row)],
)
def test_read_decisions_grid(who: str, marking: str, expected: Outcome) -> None:
    decision = decide(PEOPLE[who], parse(marking, "us"), Action.READ, AT)
    assert decision.outcome is expected, decision.reasons_in("en")
    assert decision.reasons_in("en"), "every decision carries its reasons"


REASONS = [
    ("us-c", "SECRET//REL TO USA, JPN", "clearance CONFIDENTIAL is below SECRET"),
    ("jp-s", "SECRET//REL TO USA, GBR", "JPN is not in REL TO USA, GBR"),
    ("us-expired", "SECRET//NOFORN", "clearance expired 2026-03-01"),
    ("us-revoked", "SECRET//NOFORN", "clearance is revoked"),
    ("us-suspended", "SECRET//NOFORN", "clearance is suspended"),
    ("jp-s", "SECRET//NOFORN", "NOFORN: USA only; JPN may not read it"),
    ("jp-s", "SECRET", "no release marking: USA only; JPN may not read it"),
    ("us-ts-si-lapsed", "TOP SECRET//SI//NOFORN", "authorization SI expired 2026-01-01"),
    ("us-ts-si", "TOP SECRET//SI/TK//NOFORN", "access requires SI&TK; missing TK"),
    ("jp-s", "SECRET//REL TO USA, GBR/DISPLAY ONLY JPN", "JPN may be shown it but not given it"),
    ("jp-s", "SECRET//REL TO USA, JPN", "JPN may read it (REL TO USA, JPN)"),
    ("gb-s", "SECRET//REL TO USA, JPN, KOR", "GBR is not in REL TO USA, JPN, KOR"),
]


@pytest.mark.parametrize(("who", "marking", "reason"), REASONS)
def test_reasons_are_plain_words(who: str, marking: str, reason: str) -> None:
    decision = decide(PEOPLE[who], parse(marking, "us"), Action.READ, AT)
    assert any(r.startswith(reason) for r in decision.reasons_in("en")), decision.reasons_in("en")


def test_dual_national_reasons_name_every_nationality() -> None:
    person = Person(frozenset({"GBR", "JPN"}), Clearance("S", "us"))
    decision = decide(person, parse("SECRET//REL TO USA, AUS", "us"), Action.READ, AT)
    assert decision.reasons_in("en") == ("none of GBR, JPN is in REL TO USA, AUS",)


ACTIONS = [
    ("jp-s", "SECRET//REL TO USA, GBR/DISPLAY ONLY JPN", Action.EXPORT, D),
    ("jp-s", "SECRET//REL TO USA, GBR/DISPLAY ONLY JPN", Action.RELEASE, D),
    ("gb-s", "SECRET//REL TO USA, GBR/DISPLAY ONLY JPN", Action.EXPORT, P),
    ("jp-s", "SECRET//ORCON/REL TO USA, JPN", Action.READ, P),
    ("jp-s", "SECRET//ORCON/REL TO USA, JPN", Action.RELEASE, D),
    ("jp-s", "SECRET//REL TO USA, JPN", Action.RELEASE, P),
    ("jp-s", "SECRET//REL TO USA, JPN/RELIDO", Action.RELEASE, P),
    ("jp-s", "SECRET//RELIDO", Action.RELEASE, D),
]


@pytest.mark.parametrize(("who", "marking", "action", "expected"), ACTIONS)
def test_controls_are_honoured_for_the_action(
    who: str, marking: str, action: Action, expected: Outcome
) -> None:
    decision = decide(PEOPLE[who], parse(marking, "us"), action, AT)
    assert decision.outcome is expected, decision.reasons_in("en")


def test_expiry_is_the_first_day_it_no_longer_counts() -> None:
    person = Person(frozenset({"USA"}), Clearance("S", "us", expires=date(2026, 12, 1)))
    label = parse("SECRET//NOFORN", "us")
    assert decide(person, label, Action.READ, datetime(2026, 11, 30, 23, 59, tzinfo=UTC)).permitted
    assert not decide(person, label, Action.READ, datetime(2026, 12, 1, tzinfo=UTC)).permitted


def test_unknown_clearance_scheme_or_level_is_denied() -> None:
    label = parse("UNCLASSIFIED", "us")
    stranger = Person(frozenset({"USA"}), Clearance("S", "xx"))
    assert decide(stranger, label, Action.READ, AT).outcome is D
    odd = Person(frozenset({"USA"}), Clearance("Q", "us"))
    assert decide(odd, label, Action.READ, AT).reasons_in("en") == (
        "clearance 'Q' is not a level of scheme 'us'",
    )


def test_decision_records_the_rules_applied() -> None:
    decision = decide(PEOPLE["us-c"], parse("SECRET//REL TO USA, JPN", "us"), Action.READ, AT)
    assert decision.rule_ids == ("clearance.level",)


@settings(max_examples=300, deadline=None)
@given(people(), us_labels(), us_labels())
def test_a_dominating_label_is_never_readable_by_more_people(
    person: Person, a: Label, b: Label
) -> None:
    if dominates(a, b) and decide(person, a, Action.READ, AT).permitted:
        assert decide(person, b, Action.READ, AT).permitted


@pytest.mark.parametrize(
    ("clearance", "reason"),
    [
        # the banner word where the level token belongs: a likely mistake
        (Clearance("SECRET", "us"), "clearance 'SECRET' is not a level of scheme 'us'"),
        (Clearance("S", scheme="xx"), "clearance 'S' is not a level of scheme 'xx'"),
    ],
)
def test_a_clearance_that_names_no_known_level_reaches_nothing(
    clearance: Clearance, reason: str
) -> None:
    person = Person(frozenset({"USA"}), clearance)
    assert clearance_tier(person, "us", default_registry()) is None
    label = parse("UNCLASSIFIED", "us")
    decision = decide(person, label, Action.READ, AT)
    assert decision.outcome is Outcome.DENY
    assert reason in decision.reasons_in("en")
    assert "clearance.level" in decision.rule_ids
    # the fast path agrees: no tier for any scheme, so nothing can be read
    compiler = Compiler()
    compiled = compiler.person(person, AT)
    assert set(compiled.tiers) == {-1}
    assert not can_read(compiled, compiler.label(label))
