"""Edge cases of the policy core: clearances that name no known level, people without a
nationality, and reasons in each language."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tearline.errors import NotFound
from tearline.labels.model import Tier
from tearline.labels.parse import parse
from tearline.labels.schemes import default_registry
from tearline.policy.compiled import Compiler, can_read
from tearline.policy.decide import clearance_tier, decide
from tearline.policy.model import Action, Clearance, Outcome, Person
from tearline.policy.reasons import Reason

AT = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)


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


def test_a_person_needs_a_nationality() -> None:
    with pytest.raises(ValueError, match="at least one nationality"):
        Person(frozenset(), Clearance("S", "us"))


def test_reason_text_by_language() -> None:
    reason = Reason.level("CONFIDENTIAL", Tier.SECRET, covers=False)
    assert reason.text("en") == "clearance CONFIDENTIAL is below SECRET"
    assert reason.text("ja") == "クリアランス CONFIDENTIAL はSECRET（極秘相当）に達していません"
    assert str(reason) == reason.text("en")
    with pytest.raises(NotFound, match="known languages: en, ja"):
        reason.text("fr")
