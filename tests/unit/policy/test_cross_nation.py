"""Decisions across nations: people of each nation × labels of each nation."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tearline.labels.parse import parse
from tearline.policy.decide import decide
from tearline.policy.model import Action, Clearance, Outcome, Person

AT = datetime(2026, 11, 29, tzinfo=UTC)
P, D = Outcome.PERMIT, Outcome.DENY

PEOPLE = {
    "us": Person(frozenset({"USA"}), Clearance("S", "us")),
    "jp": Person(frozenset({"JPN"}), Clearance("GOKUHI", "jp")),
    "gb": Person(frozenset({"GBR"}), Clearance("SECRET", "gb")),
    "au": Person(frozenset({"AUS"}), Clearance("SECRET", "au")),
    "ca": Person(frozenset({"CAN"}), Clearance("SECRET", "ca")),
    "kr": Person(frozenset({"KOR"}), Clearance("II", "kr")),
}

LABELS = [
    ("us", "SECRET//REL TO USA, JPN"),
    ("us", "SECRET//NOFORN"),
    ("us", "SECRET//REL TO USA, FVEY"),
    ("jp", "極秘//REL TO JPN, USA"),
    ("jp", "極秘//JPN ONLY"),
    ("jp", "極秘//REL TO JPN, GBR, KOR"),
    ("gb", "SECRET//UK EYES ONLY"),
    ("gb", "SECRET//REL TO GBR, JPN, USA"),
    ("au", "SECRET//REL TO AUS, FVEY"),
    ("nato", "NATO SECRET"),
    ("kr", "군사II급비밀//REL TO KOR, JPN"),
]
GRID = {
    "us": [P, P, P, P, D, D, D, P, P, P, D],
    "jp": [P, D, D, P, P, P, D, D, D, D, P],
    "gb": [D, D, P, D, D, D, P, P, P, P, D],
    "au": [D, D, P, D, D, D, D, D, P, D, D],
    "ca": [D, D, P, D, D, D, D, D, P, P, D],
    "kr": [D, D, D, D, D, P, D, D, D, D, P],
}


@pytest.mark.parametrize(
    ("who", "scheme", "marking", "expected"),
    [(who, *LABELS[i], outcome) for who, row in GRID.items() for i, outcome in enumerate(row)],
)
def test_cross_nation_grid(who: str, scheme: str, marking: str, expected: Outcome) -> None:
    decision = decide(PEOPLE[who], parse(marking, scheme), Action.READ, AT)
    assert decision.outcome is expected, decision.reasons_in("en")
    assert len(decision.reasons_in("en")) == len(decision.reasons_in("ja"))


def test_japanese_analyst_reads_us_rel_to_japan_with_japanese_reasons() -> None:
    decision = decide(PEOPLE["jp"], parse("SECRET//REL TO USA, JPN", "us"), Action.READ, AT)
    assert decision.permitted
    assert decision.reasons_in("ja") == (
        "クリアランス 極秘 はSECRET（極秘相当）を満たしています",
        "JPNは閲覧できます（REL TO USA, JPN）",
    )


def test_japanese_analyst_is_refused_noforn_and_uk_eyes_only() -> None:
    noforn = decide(PEOPLE["jp"], parse("SECRET//NOFORN", "us"), Action.READ, AT)
    assert noforn.reasons_in("en") == ("NOFORN: USA only; JPN may not read it",)
    assert noforn.reasons_in("ja") == ("NOFORN: USAのみ。JPNは閲覧できません",)
    uk = decide(PEOPLE["jp"], parse("SECRET//UK EYES ONLY", "gb"), Action.READ, AT)
    assert uk.outcome is D
    assert "UK EYES ONLY: GBR only; JPN may not read it" in uk.reasons_in("en")


def test_british_analyst_without_a_confirmed_agreement_path_is_refused() -> None:
    label = parse("極秘//REL TO JPN, GBR, KOR", "jp")
    decision = decide(PEOPLE["gb"], label, Action.READ, AT)
    assert decision.outcome is D
    assert decision.rule_ids == ("clearance.agreement",)
    assert (
        "is not confirmed: gb clearances do not yet reach jp labels" in decision.reasons_in("en")[0]
    )


def test_no_agreement_at_all_is_refused_with_that_reason() -> None:
    decision = decide(PEOPLE["kr"], parse("SECRET//REL TO USA, KOR", "us"), Action.READ, AT)
    assert decision.reasons_in("en") == (
        "no agreement connects kr and us: kr clearances do not reach us labels",
    )


def test_clearances_map_down_in_decisions() -> None:
    confidential = Person(frozenset({"JPN"}), Clearance("HI", "jp"))
    decision = decide(confidential, parse("SECRET//REL TO USA, JPN", "us"), Action.READ, AT)
    assert decision.reasons_in("en") == ("clearance 秘 is below SECRET",)
