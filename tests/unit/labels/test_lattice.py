"""The label lattice: dominance, join laws, and roll-up by the ISM rules."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import reduce

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from support.strategies import us_labels
from tearline.errors import InvalidInput
from tearline.labels.codec import from_dict, to_dict
from tearline.labels.formats.stanag4774 import from_xml, to_xml
from tearline.labels.lattice import dominates, join
from tearline.labels.model import Label, _building
from tearline.labels.parse import parse, render
from tearline.labels.rollup import rollup

LAWS = settings(max_examples=200, deadline=None)


@LAWS
@given(us_labels(), us_labels())
def test_join_is_commutative(a: Label, b: Label) -> None:
    assert join(a, b) == join(b, a)


@LAWS
@given(us_labels(), us_labels(), us_labels())
def test_join_is_associative(a: Label, b: Label, c: Label) -> None:
    assert join(join(a, b), c) == join(a, join(b, c))


@LAWS
@given(us_labels())
def test_join_is_idempotent(a: Label) -> None:
    assert join(a, a) == a


@LAWS
@given(us_labels(), us_labels())
def test_join_is_an_upper_bound_that_renders(a: Label, b: Label) -> None:
    upper = join(a, b)
    assert dominates(upper, a)
    assert dominates(upper, b)
    assert parse(render(upper), upper.scheme) == upper


@LAWS
@given(us_labels(), us_labels())
def test_dominance_is_the_order_of_the_join(a: Label, b: Label) -> None:
    if join(a, b) == a:
        assert dominates(a, b)


@LAWS
@given(us_labels())
def test_dominance_is_reflexive(a: Label) -> None:
    assert dominates(a, a)


@LAWS
@given(st.lists(us_labels(), min_size=1, max_size=6))
def test_rollup_agrees_with_the_join_for_one_owner(portions: list[Label]) -> None:
    assert rollup(portions) == reduce(join, portions)


DOMINANCE = [
    ("SECRET//NOFORN", "SECRET//REL TO USA, JPN", True),
    ("SECRET//REL TO USA, JPN", "SECRET//NOFORN", False),
    ("TOP SECRET//REL TO USA, GBR", "SECRET//REL TO USA, FVEY", True),
    ("SECRET//REL TO USA, FVEY", "SECRET//REL TO USA, GBR", False),
    ("SECRET//SI/TK//NOFORN", "SECRET//SI//NOFORN", True),
    ("SECRET//SI//NOFORN", "SECRET//SI/TK//NOFORN", False),
    ("SECRET//NOFORN", "UNCLASSIFIED//FOUO", True),
    ("UNCLASSIFIED", "UNCLASSIFIED//FOUO", False),
    ("SECRET//ORCON/NOFORN", "SECRET//NOFORN", True),
    ("SECRET//NOFORN", "SECRET//ORCON/NOFORN", False),
    ("SECRET//REL TO USA, GBR", "SECRET//REL TO USA, GBR/DISPLAY ONLY JPN", True),
    ("SECRET//REL TO USA, GBR/DISPLAY ONLY JPN", "SECRET//REL TO USA, GBR", False),
]


@pytest.mark.parametrize(("a", "b", "expected"), DOMINANCE)
def test_dominance_examples(a: str, b: str, expected: bool) -> None:
    assert dominates(parse(a, "us"), parse(b, "us")) is expected


# portions -> banner, by the ISM roll-up rules (markings.md §1.6)
ROLLUPS = [
    (["(U)", "(S//REL TO USA, JPN)"], "SECRET//REL TO USA, JPN"),
    (["(U//NF)", "(S//REL TO USA, JPN)"], "SECRET//NOFORN"),
    (["(S)", "(S//REL TO USA, JPN)"], "SECRET//NOFORN"),
    (["(S)", "(C)"], "SECRET"),
    (["(S//REL TO USA, FVEY)", "(S//REL TO USA, GBR, JPN)"], "SECRET//REL TO USA, GBR"),
    (["(S//REL TO USA, FVEY)", "(C//REL TO USA, FVEY)"], "SECRET//REL TO USA, FVEY"),
    (["(S//REL TO USA, GBR)", "(S//REL TO USA, JPN)"], "SECRET//NOFORN"),
    (["(U//FOUO)", "(S//NF)"], "SECRET//NOFORN"),
    (["(U//FOUO)", "(U)"], "UNCLASSIFIED//FOUO"),
    (["(S//REL TO USA, JPN/RELIDO)", "(S//REL TO USA, JPN)"], "SECRET//REL TO USA, JPN"),
    (["(S//RELIDO)", "(C//RELIDO)", "(U)"], "SECRET//RELIDO"),
    (["(TS//SI//NF)", "(S//TK//REL TO USA, GBR)"], "TOP SECRET//SI/TK//NOFORN"),
    (
        ["(S//OC/REL TO USA, JPN)", "(C//PR/REL TO USA, JPN)"],
        "SECRET//ORCON/PROPIN/REL TO USA, JPN",
    ),
    (
        ["(S//REL TO USA, GBR/DISPLAY ONLY JPN)", "(S//REL TO USA, GBR, JPN)"],
        "SECRET//REL TO USA, GBR/DISPLAY ONLY JPN",
    ),
    (["(//GBR S//REL TO USA, GBR)", "(S//REL TO USA, GBR)"], "SECRET//FGI GBR//REL TO USA, GBR"),
    (["(//GBR S)", "(S//REL TO USA, GBR)"], "SECRET//FGI GBR//NOFORN"),
    (["(//GBR S)", "(//GBR C)"], "//GBR SECRET"),
    (["(//NS)", "(//NC)"], "//NATO SECRET"),
    (["(S//SAR-BP//NF)", "(S//SI//NF)"], "SECRET//SI//SAR-BP//NOFORN"),
]


@pytest.mark.parametrize(("portions", "banner"), ROLLUPS)
def test_rollup_follows_the_ism_rules(portions: list[str], banner: str) -> None:
    assert render(rollup([parse(p, "us") for p in portions])) == banner


def test_rollup_needs_portions_of_one_scheme() -> None:
    with pytest.raises(InvalidInput, match="at least one"):
        rollup([])
    with _building():
        other = Label("xx", "S", parse("SECRET", "us").tier, ("USA",), frozenset({"USA"}))
    with pytest.raises(InvalidInput, match="translate them"):
        rollup([parse("SECRET", "us"), other])


# ---------------------------------------------------------- lattice and roll-up: edge cases
FVEY = frozenset({"AUS", "CAN", "GBR", "NZL", "USA"})


def test_join_keeps_a_group_as_display_only_when_only_one_side_releases_to_it() -> None:
    released = parse("SECRET//REL TO USA, FVEY", "us")
    shown = parse("SECRET//REL TO USA, JPN/DISPLAY ONLY FVEY", "us")
    joined = join(released, shown)
    assert joined == join(shown, released)
    assert joined.releasable_to == frozenset({"USA"})
    assert joined.displayable_to == FVEY - {"USA"}
    assert joined.display_groups == {"FVEY"}
    assert joined.rel_groups == frozenset()
    assert render(joined) == "SECRET//DISPLAY ONLY FVEY"
    assert dominates(joined, released)
    assert dominates(joined, shown)


def test_join_keeps_concealed_foreign_sources_concealed() -> None:
    joined = join(parse("SECRET//FGI//NOFORN", "us"), parse("SECRET//FGI GBR//NOFORN", "us"))
    assert joined.fgi == ()
    assert render(joined) == "SECRET//FGI//NOFORN"


def test_rollup_of_mixed_owners_leaves_release_alone_for_an_unmarked_unclassified_portion() -> None:
    banner = rollup([parse("(U)", "us"), parse("(//GBR S//REL TO USA, GBR)", "us")])
    assert banner.owner == ("USA",)
    assert banner.fgi == ("GBR",)
    assert banner.releasable_to == frozenset({"GBR", "USA"})
    assert render(banner) == "SECRET//FGI GBR//REL TO USA, GBR"


# ---------------------------------------------- compilation: a banner above its portions


def test_a_compilation_records_its_reason() -> None:
    portions = [parse("(U)", "us"), parse("(U)", "us")]
    stated = parse("SECRET//NOFORN", "us")
    banner = rollup(portions, banner=stated, compilation_reason="together they reveal the plan")
    assert (str(banner), banner.releasable_to, banner.tier) == (
        str(stated),
        stated.releasable_to,
        stated.tier,
    )
    assert banner.compilation_reason == "together they reveal the plan"
    assert from_xml(to_xml(banner, datetime(2026, 11, 30, tzinfo=UTC))) == banner
    assert from_dict(to_dict(banner)).compilation_reason == "together they reveal the plan"


def test_a_compilation_needs_a_reason_and_a_banner_at_least_its_portions() -> None:
    portions = [parse("(U)", "us"), parse("(S//NF)", "us")]
    with pytest.raises(InvalidInput, match="a compilation; give its reason"):
        rollup(portions, banner=parse("TOP SECRET//NOFORN", "us"))
    with pytest.raises(InvalidInput, match="protects less than its portions need"):
        rollup(portions, banner=parse("CONFIDENTIAL//NOFORN", "us"))
    with pytest.raises(InvalidInput, match="protects less"):
        rollup(portions, banner=parse("SECRET//REL TO USA, JPN", "us"), compilation_reason="x")
    with pytest.raises(InvalidInput, match="goes with a stated banner"):
        rollup(portions, compilation_reason="x")
    same = rollup(portions, banner=parse("SECRET//NOFORN", "us"))
    assert same.compilation_reason is None


def test_a_compilation_may_narrow_the_release_list() -> None:
    """ISM-ID-00318: with a compilation reason the banner's REL TO may be a subset."""
    portions = [parse("(S//REL TO USA, GBR, JPN)", "us"), parse("(U)", "us")]
    narrower = parse("SECRET//REL TO USA, JPN", "us")
    assert rollup(portions, banner=narrower, compilation_reason="aggregation").releasable_to == (
        frozenset({"USA", "JPN"})
    )
