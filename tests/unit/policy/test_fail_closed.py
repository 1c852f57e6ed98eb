"""The doors into decisions fail closed: person data is exact, any time decides, no valid
label makes decide() raise, and no translation grants what its original marking denies."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tearline.errors import InvalidInput, LabelError, TranslationError
from tearline.labels.lattice import join
from tearline.labels.model import Label
from tearline.labels.parse import parse, render
from tearline.labels.translate import translate
from tearline.policy.compiled import Compiler, can_read
from tearline.policy.decide import day_of, decide
from tearline.policy.model import Action, Authorization, Clearance, Outcome, Person

AT = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
US_TS = Person(frozenset({"USA"}), Clearance("TS", "us"))

# ------------------------------------------------------------------ person data is exact


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"nationality": "USA", "clearance": "TS", "status": "revoked", "status": "active"}',
         "'status' more than once"),
        ('{"nationality": "USA", "clearance": "TS", "authorizations": '
         '[{"token": "SI", "token": "TK"}]}', "'token' more than once"),
        ('{"nationality": "USA", "clearance": NaN}', "NaN is not a value"),
        ('{"nationality": "USA", "clearance": "TS"', "not valid JSON"),
    ],
)  # fmt: skip
def test_ambiguous_person_json_is_refused(text: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        Person.from_json(text)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"nationality": "XXQ", "clearance": "S"}, "XXQ is not a nation"),
        ({"nationality": "FVEY", "clearance": "S"}, "not a trigraph"),
        ({"nationality": ["USA", "usa"], "clearance": "S"}, "listed twice"),
        ({"nationality": "USA", "clearance": "ſECRET"}, "is not a level"),
        ({"nationality": "USA", "clearance": "CONFıDENTıAL"}, "is not a level"),
        ({"nationality": "USA", "clearance": "ＳＥＣＲＥＴ\u0307"}, "is not a level"),
        ({"nationality": "USA", "clearance": "S", "admin": True}, "unknown person field"),
        ({"nationality": "USA", "clearance": "S", "id": 7}, "'id'"),
        ({"nationality": "USA", "clearance": "S", "authorizations": [{"token": "SI", "x": 1}]},
         "unknown key"),
        ({"nationality": "USA", "clearance": "S", "authorizations": ["S\u0000I"]},
         "authorizations"),
    ],
)  # fmt: skip
def test_person_data_that_is_not_exact_is_refused(data: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        Person.from_data(data)


@pytest.mark.parametrize(
    ("scheme", "spelling", "token"),
    [
        ("us", "TS", "TS"), ("us", "top secret", "TS"), ("us", "Secret", "S"),
        ("us", "ＴＳ", "TS"),  # full-width: NFKC makes it TS
        ("jp", "極秘", "GOKUHI"), ("jp", "gokuhi", "GOKUHI"), ("jp", "CHŪI", "CHUI"),
        ("gb", "official", "OFFICIAL"),
    ],
)  # fmt: skip
def test_level_spellings_the_scheme_writes_are_read(scheme: str, spelling: str, token: str) -> None:
    person = Person.from_data(
        {"nationality": "USA", "clearance": spelling, "clearance_scheme": scheme}
    )
    assert person.clearance.level == token


# ------------------------------------------------------------------ no internal faults


@pytest.mark.parametrize(
    ("at", "day"),
    [
        (datetime(9999, 12, 31, 23, 0).astimezone(UTC).replace(tzinfo=None), date(9999, 12, 31)),
        (datetime.fromisoformat("9999-12-31T23:59:59-05:00"), date.max),
        (datetime.fromisoformat("0001-01-01T00:00:00+05:00"), date.min),
        (datetime.fromisoformat("2026-11-30T01:00:00+09:00"), date(2026, 11, 29)),
    ],
)
def test_the_day_of_any_time(at: datetime, day: date) -> None:
    assert day_of(at) == day
    assert decide(US_TS, parse("SECRET", "us"), Action.READ, at).outcome is Outcome.PERMIT


def test_decide_takes_the_action_as_its_value() -> None:
    label = parse("SECRET//ORCON/NOFORN", "us")
    assert decide(US_TS, label, "read", AT).outcome is Outcome.PERMIT
    assert decide(US_TS, label, "release", AT).outcome is Outcome.DENY
    with pytest.raises(InvalidInput, match="unknown action 'delete'"):
        decide(US_TS, label, "delete", AT)


def test_str_of_a_label_is_its_marking() -> None:
    assert str(parse("SECRET//REL TO USA, JPN", "us")) == "SECRET//REL TO USA, JPN"
    assert str(parse("(S//NF)", "us")) == "(S//NF)"
    assert str(translate(parse("極秘//REL TO JPN, USA", "jp"), "us").label) == (
        "//JPN SECRET//REL TO USA, JPN"
    )


@pytest.mark.parametrize("target", ["gb", "nato", "jp"])
def test_fgi_to_a_scheme_without_it_is_refused_typed(target: str) -> None:
    label = parse("SECRET//FGI GBR//REL TO USA, GBR", "us")
    with pytest.raises((TranslationError, LabelError)):
        render(label, target)
    with pytest.raises((TranslationError, LabelError)):
        translate(label, target)


def _too_complex() -> Label:
    """A roll-up of TLP portions for different audiences: 2**13 alternatives."""
    names = [f"p{i}" for i in range(26)]
    portions = [parse(f"TLP:RED//TO:{names[2 * i]}, {names[2 * i + 1]}", "tlp") for i in range(13)]
    banner = portions[0]
    for portion in portions[1:]:
        banner = join(banner, portion)
    return banner


def test_an_access_expression_too_complex_to_explain_is_denied_with_a_reason() -> None:
    banner = _too_complex()
    assert len(banner.access.tokens()) == 26
    person = Person(frozenset({"USA"}), Clearance("S", "us"), (Authorization("person:p0"),))
    decision = decide(person, banner, Action.READ, AT)
    assert decision.outcome is Outcome.DENY
    assert any("too many alternatives" in reason for reason in decision.reasons_in("en"))
    compiler = Compiler()
    compiled = compiler.label(banner)
    assert not can_read(compiler.person(person, AT), compiled)


# ------------------------------------------------------------------ translation never launders


def test_an_inferred_pairing_grants_nothing_through_the_translated_label() -> None:
    """Japan–UK is inferred: a British reader is refused the Japanese item, and its British
    translation, and its translation through the US (whose tables are confirmed)."""
    original = parse("極秘//REL TO JPN, GBR, USA", "jp")
    british = Person(frozenset({"GBR"}), Clearance("SECRET", "gb"))
    assert decide(british, original, Action.READ, AT).outcome is Outcome.DENY
    carried = translate(original, "gb")
    assert carried.inferred
    decision = decide(british, carried.label, Action.READ, AT)
    assert decision.outcome is Outcome.DENY
    assert any(
        r.startswith("original marking 極秘//REL TO JPN, GBR, USA")
        for r in decision.reasons_in("en")
    )
    via_us = translate(original, "us").label
    assert decide(british, via_us, Action.READ, AT).outcome is Outcome.DENY
    onward = translate(via_us, "gb").label
    assert decide(british, onward, Action.READ, AT).outcome is Outcome.DENY
    compiler = Compiler()
    for label in (carried.label, via_us, onward):
        assert not can_read(compiler.person(british, AT), compiler.label(label))


def test_a_confirmed_translation_still_reads() -> None:
    original = parse("極秘//REL TO JPN, USA", "jp")
    carried = translate(original, "us").label
    assert carried.origins == (original,)
    assert decide(US_TS, carried, Action.READ, AT).outcome is Outcome.PERMIT


def test_a_person_needs_a_nationality() -> None:
    with pytest.raises(ValueError, match="at least one nationality"):
        Person(frozenset(), Clearance("S", "us"))
