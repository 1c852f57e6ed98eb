"""The allies' schemes: UK, Australia, Canada, New Zealand, NATO, Korea and TLP 2.0."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tearline.errors import LabelError
from tearline.labels.access import AccessExpression
from tearline.labels.lattice import dominates, join
from tearline.labels.model import Tier, _building
from tearline.labels.parse import normalize, parse, render
from tearline.labels.schemes import default_registry
from tearline.policy.decide import decide
from tearline.policy.model import Action, Authorization, Clearance, Person

NATO = sorted(default_registry().nations.members("NATO"))

# (scheme, marking) -> (canonical, tier, releasable_to, controls, access)
VALID = {
    ("gb", "SECRET – UK EYES ONLY"): ("SECRET//UK EYES ONLY", Tier.SECRET, ["GBR"], ("UKEO",), ""),
    ("gb", "SECRET//UK EYES ONLY"): ("SECRET//UK EYES ONLY", Tier.SECRET, ["GBR"], ("UKEO",), ""),
    ("gb", "OFFICIAL"): ("OFFICIAL", Tier.CONTROLLED, None, (), ""),
    ("gb", "OFFICIAL-SENSITIVE"): ("OFFICIAL-SENSITIVE", Tier.CONTROLLED, None, ("SENSITIVE",), ""),
    ("gb", "OFFICIAL SENSITIVE"): ("OFFICIAL-SENSITIVE", Tier.CONTROLLED, None, ("SENSITIVE",), ""),
    ("gb", "TOP SECRET//REL TO GBR, USA"): (
        "TOP SECRET//REL TO GBR, USA", Tier.TOP_SECRET, ["GBR", "USA"], ("REL",), "",
    ),
    ("au", "OFFICIAL: Sensitive"): (
        "OFFICIAL: Sensitive", Tier.CONTROLLED, None, ("SENSITIVE",), "",
    ),
    ("au", "PROTECTED//AUSTEO"): ("PROTECTED//AUSTEO", Tier.CONFIDENTIAL, ["AUS"], ("AUSTEO",), ""),
    ("au", "SECRET//AGAO"): ("SECRET//AGAO", Tier.SECRET, ["AUS"], ("AGAO",), ""),
    ("au", "SECRET//REL TO AUS, JPN, USA"): (
        "SECRET//REL TO AUS, JPN, USA", Tier.SECRET, ["AUS", "JPN", "USA"], ("REL",), "",
    ),
    ("ca", "PROTECTED B"): ("PROTECTED B", Tier.CONTROLLED, None, (), ""),
    ("ca", "SECRET//CEO"): ("SECRET//CEO", Tier.SECRET, ["CAN"], ("CEO",), ""),
    ("nz", "RESTRICTED"): ("RESTRICTED", Tier.RESTRICTED, ["NZL"], (), ""),
    ("nz", "IN-CONFIDENCE"): ("IN-CONFIDENCE", Tier.CONTROLLED, None, (), ""),
    ("nz", "SECRET//NZEO"): ("SECRET//NZEO", Tier.SECRET, ["NZL"], ("NZEO",), ""),
    ("nato", "NATO SECRET"): ("NATO SECRET", Tier.SECRET, NATO, (), ""),
    ("nato", "(NS)"): ("NATO SECRET", Tier.SECRET, NATO, (), ""),
    ("nato", "COSMIC TOP SECRET//ATOMAL"): (
        "COSMIC TOP SECRET//ATOMAL", Tier.TOP_SECRET, NATO, (), "ATOMAL",
    ),
    ("nato", "NATO UNCLASSIFIED"): ("NATO UNCLASSIFIED", Tier.CONTROLLED, None, (), ""),
    ("nato", "NATO SECRET//RELEASABLE TO JPN"): (
        "NATO SECRET//RELEASABLE TO JPN", Tier.SECRET, sorted([*NATO, "JPN"]), ("REL",), "",
    ),
    ("kr", "군사II급비밀//REL TO KOR, JPN"): (
        "군사II급비밀//REL TO KOR, JPN", Tier.SECRET, ["JPN", "KOR"], ("REL",), "",
    ),
    ("tlp", "TLP:CLEAR"): ("TLP:CLEAR", Tier.UNCLASSIFIED, None, (), ""),
    ("tlp", "TLP:WHITE"): ("TLP:CLEAR", Tier.UNCLASSIFIED, None, (), ""),
    ("tlp", "TLP:GREEN"): ("TLP:GREEN", Tier.CONTROLLED, None, (), "community:cyber-defence"),
    ("tlp", "TLP:GREEN//COMMUNITY:FIRST"): (
        "TLP:GREEN//COMMUNITY:FIRST", Tier.CONTROLLED, None, (), "community:FIRST",
    ),
    ("tlp", "TLP:AMBER"): ("TLP:AMBER", Tier.CONTROLLED, None, (), "tlp:amber"),
    ("tlp", "TLP:AMBER//ORG:JMOD"): (
        "TLP:AMBER//ORG:JMOD", Tier.CONTROLLED, None, (), "client:JMOD|org:JMOD",
    ),
    ("tlp", "TLP:AMBER+STRICT//ORG:JMOD"): (
        "TLP:AMBER+STRICT//ORG:JMOD", Tier.CONTROLLED, None, (), "org:JMOD",
    ),
    ("tlp", "TLP:RED//TO:alice, bob"): (
        "TLP:RED//TO:alice, bob", Tier.CONTROLLED, None, (), "person:alice|person:bob",
    ),
}  # fmt: skip


@pytest.mark.parametrize(("scheme", "marking"), sorted(VALID))
def test_allied_markings(scheme: str, marking: str) -> None:
    canonical, tier, releasable, controls, access = VALID[(scheme, marking)]
    label = parse(marking, scheme)
    assert render(label) == canonical
    assert label.tier is tier
    assert (sorted(label.releasable_to) if label.releasable_to is not None else None) == releasable
    assert label.controls == controls
    assert label.access.text == access
    assert parse(canonical, scheme) == label


INVALID = {
    ("gb", "CONFIDENTIAL"): "unknown-token",  # no UK CONFIDENTIAL since 2014
    ("gb", "SECRET//UK EYES ONLY/REL TO GBR, USA"): "conflict",
    ("gb", "OFFICIAL//SENSITIVE"): "unknown-token",  # written OFFICIAL-SENSITIVE
    ("au", "SECRET//AUSTEO/REL TO AUS, USA"): "conflict",
    ("ca", "PROTECTED D"): "unknown-token",
    ("nz", "SECRET//REL TO USA, NZL"): "order",
    ("nato", "NATO RESTRICTED//ATOMAL"): "level",
    ("tlp", "TLP:PINK"): "unknown-token",
    ("tlp", "TLP:CLEAR//ORG:JMOD"): "conflict",
    ("tlp", "TLP:AMBER//TO:alice"): "conflict",
    ("tlp", "tlp:amber"): "syntax",
}


@pytest.mark.parametrize(("scheme", "marking"), sorted(INVALID))
def test_invalid_allied_markings(scheme: str, marking: str) -> None:
    with pytest.raises(LabelError) as caught:
        parse(marking, scheme)
    assert caught.value.kind == INVALID[(scheme, marking)], caught.value.message


def test_normalize_in_allied_schemes() -> None:
    assert normalize("secret – uk eyes only", "gb").marking == "SECRET//UK EYES ONLY"
    assert normalize("tlp:amber+strict//org:JMOD", "tlp").marking == "TLP:AMBER+STRICT//ORG:JMOD"
    assert normalize("official: sensitive", "au").marking == "OFFICIAL: Sensitive"


def test_tlp_audiences_decide_who_reads() -> None:
    at = datetime(2026, 11, 29, tzinfo=UTC)
    member = Person(frozenset({"JPN"}), Clearance("GOKUHI", "jp"), (Authorization("org:JMOD"),))
    other = Person(frozenset({"USA"}), Clearance("S", "us"), (Authorization("org:USCC"),))
    amber = parse("TLP:AMBER+STRICT//ORG:JMOD", "tlp")
    assert decide(member, amber, Action.READ, at).permitted
    refused = decide(other, amber, Action.READ, at)
    assert refused.reasons_in("en") == ("access requires org:JMOD; missing org:JMOD",)
    assert decide(other, parse("TLP:CLEAR", "tlp"), Action.READ, at).permitted


def test_every_scheme_has_a_table_row_for_each_level() -> None:
    for scheme in default_registry().schemes.values():
        assert scheme.levels, scheme.id
        assert all(level.source for level in scheme.levels), scheme.id


@pytest.mark.parametrize(
    ("marking", "kind"),
    [
        ("TLP:AMBER//ORG:a, b", "syntax"),
        ("TLP:AMBER//FOO", "syntax"),
        ("TLP:AMBER//ORG:", "syntax"),
        ("TLP:RED//TO:alice//x", "syntax"),
        ("TLP:GREEN//ORG:JMOD", "conflict"),
    ],
)
def test_malformed_tlp_audiences(marking: str, kind: str) -> None:
    with pytest.raises(LabelError) as caught:
        parse(marking, "tlp")
    assert caught.value.kind == kind


def test_tlp_refuses_to_write_what_is_not_an_audience() -> None:

    with _building():
        label = replace(parse("TLP:AMBER", "tlp"), access=AccessExpression.parse("SI&TK"))
    with pytest.raises(LabelError, match="not a TLP audience"):
        render(label)


EYES = {
    "TOP SECRET – UK/US EYES ONLY": ("TOP SECRET//UK/US EYES ONLY", ["GBR", "USA"]),
    "SECRET//UK/AUS/US EYES ONLY": ("SECRET//UK/AUS/US EYES ONLY", ["AUS", "GBR", "USA"]),
    "SECRET//ORCON//UK/CAN/NZ EYES ONLY": (
        "SECRET//ORCON//UK/CAN/NZ EYES ONLY", ["CAN", "GBR", "NZL"],
    ),
}  # fmt: skip


@pytest.mark.parametrize("marking", sorted(EYES))
def test_uk_caveats_naming_several_nations(marking: str) -> None:
    canonical, releasable = EYES[marking]
    label = parse(marking, "gb")
    assert render(label) == canonical
    assert sorted(label.releasable_to or ()) == releasable
    assert parse(canonical, "gb") == label


@pytest.mark.parametrize(
    ("marking", "kind"),
    [
        ("SECRET//US/UK EYES ONLY", "order"),
        ("SECRET//UK/XX EYES ONLY", "unknown-token"),
        ("SECRET//REL TO GBR, USA//UK/US EYES ONLY", "conflict"),
    ],
)
def test_invalid_uk_caveats(marking: str, kind: str) -> None:
    with pytest.raises(LabelError) as caught:
        parse(marking, "gb")
    assert caught.value.kind == kind


GB_MARKINGS = [
    "OFFICIAL", "OFFICIAL-SENSITIVE", "SECRET", "SECRET//UK EYES ONLY",
    "SECRET//UK/US EYES ONLY", "SECRET//UK/AUS/US EYES ONLY", "TOP SECRET//REL TO GBR, USA",
    "SECRET//ORCON//UK/US EYES ONLY", "OFFICIAL-SENSITIVE//UK EYES ONLY",
]  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(GB_MARKINGS), st.sampled_from(GB_MARKINGS), st.sampled_from(GB_MARKINGS))
def test_join_laws_hold_in_the_uk_scheme(a: str, b: str, c: str) -> None:
    x, y, z = (parse(m, "gb") for m in (a, b, c))
    assert join(x, y) == join(y, x)
    assert join(join(x, y), z) == join(x, join(y, z))
    assert join(x, x) == x
    assert dominates(join(x, y), x)
    assert parse(render(join(x, y)), "gb") == join(x, y)


# ---------------------------------------------------------- TLP: edge cases


def test_normalize_rewrites_the_tlp_1_name_and_says_so() -> None:
    fixed = normalize("tlp:white", "tlp")
    assert fixed.marking == "TLP:CLEAR"
    assert fixed.label.level == "CLEAR"
    assert fixed.changes == ("wrote 'tlp:white' as TLP:CLEAR",)


@pytest.mark.parametrize(
    ("marking", "name"),
    [("TLP:AMBER//ORG:JM$D", "'JM$D'"), ("TLP:RED//TO:alice, b!b", "'b!b'")],
)
def test_tlp_audience_names_are_restricted(marking: str, name: str) -> None:
    with pytest.raises(LabelError) as caught:
        parse(marking, "tlp")
    assert caught.value.kind == "syntax"
    assert f"audience name {name}" in caught.value.message
    assert "letters, digits and _ . @ - only" in caught.value.message


def test_tlp_refuses_control_characters() -> None:
    with pytest.raises(LabelError) as caught:
        parse("TLP:RED\x00", "tlp")
    assert caught.value.kind == "syntax"
    assert caught.value.position == 8
    assert "U+0000" in caught.value.message
