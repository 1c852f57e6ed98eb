"""Parsing, rendering and normalizing US markings (CAPCO/ISM)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings

from support.strategies import us_markings
from tearline.errors import ERROR_KINDS, InvalidInput, LabelError, NotFound
from tearline.labels.access import AccessExpression
from tearline.labels.formats.stanag4774 import NAMESPACE, from_xml
from tearline.labels.model import Tier, _building
from tearline.labels.parse import normalize, parse, parse_uncached, render

FVEY = ["AUS", "CAN", "GBR", "NZL", "USA"]

# marking -> (canonical banner, canonical portion, tier, releasable_to, controls, access)
VALID = {
    "SECRET//REL TO USA, JPN": (
        "SECRET//REL TO USA, JPN",
        "(S//REL TO USA, JPN)",
        Tier.SECRET,
        ["JPN", "USA"],
        ("REL",),
        "",
    ),
    "(S//NF)": ("SECRET//NOFORN", "(S//NF)", Tier.SECRET, ["USA"], ("NF",), ""),
    "S//NF": ("SECRET//NOFORN", "(S//NF)", Tier.SECRET, ["USA"], ("NF",), ""),
    "TOP SECRET//SI/TK//NOFORN": (
        "TOP SECRET//SI/TK//NOFORN",
        "(TS//SI/TK//NF)",
        Tier.TOP_SECRET,
        ["USA"],
        ("NF",),
        "SI&TK",
    ),
    "(TS//SI-G//OC/NF)": (
        "TOP SECRET//SI-G//ORCON/NOFORN",
        "(TS//SI-G//OC/NF)",
        Tier.TOP_SECRET,
        ["USA"],
        ("OC", "NF"),
        "SI-G",
    ),
    "(S//REL TO USA, GBR/DISPLAY ONLY AFG)": (
        "SECRET//REL TO USA, GBR/DISPLAY ONLY AFG",
        "(S//REL TO USA, GBR/DISPLAY ONLY AFG)",
        Tier.SECRET,
        ["GBR", "USA"],
        ("REL", "DISPLAYONLY"),
        "",
    ),
    "SECRET//REL TO USA, FVEY": (
        "SECRET//REL TO USA, FVEY",
        "(S//REL TO USA, FVEY)",
        Tier.SECRET,
        FVEY,
        ("REL",),
        "",
    ),
    "SECRET": ("SECRET", "(S)", Tier.SECRET, ["USA"], (), ""),
    "UNCLASSIFIED": ("UNCLASSIFIED", "(U)", Tier.UNCLASSIFIED, None, (), ""),
    "UNCLASSIFIED//FOUO": ("UNCLASSIFIED//FOUO", "(U//FOUO)", Tier.CONTROLLED, None, ("FOUO",), ""),
    "UNCLASSIFIED//NOFORN": (
        "UNCLASSIFIED//NOFORN",
        "(U//NF)",
        Tier.UNCLASSIFIED,
        ["USA"],
        ("NF",),
        "",
    ),
    "SECRET//SAR-BP//NOFORN": (
        "SECRET//SAR-BP//NOFORN",
        "(S//SAR-BP//NF)",
        Tier.SECRET,
        ["USA"],
        ("NF",),
        "SAR-BP",
    ),
    "SECRET//SPECIAL ACCESS REQUIRED-BP//NOFORN": (
        "SECRET//SAR-BP//NOFORN",
        "(S//SAR-BP//NF)",
        Tier.SECRET,
        ["USA"],
        ("NF",),
        "SAR-BP",
    ),
    "SECRET//ORIGINATOR CONTROLLED/NOFORN": (
        "SECRET//ORCON/NOFORN",
        "(S//OC/NF)",
        Tier.SECRET,
        ["USA"],
        ("OC", "NF"),
        "",
    ),
    "SECRET//RELIDO": ("SECRET//RELIDO", "(S//RELIDO)", Tier.SECRET, ["USA"], ("RELIDO",), ""),
    "CONFIDENTIAL//RSEN/IMCON/PROPIN/REL TO USA, AUS, GBR": (
        "CONFIDENTIAL//RSEN/IMCON/PROPIN/REL TO USA, AUS, GBR",
        "(C//RS/IMC/PR/REL TO USA, AUS, GBR)",
        Tier.CONFIDENTIAL,
        ["AUS", "GBR", "USA"],
        ("RS", "IMC", "PR", "REL"),
        "",
    ),
    "SECRET//FGI GBR//REL TO USA, GBR": (
        "SECRET//FGI GBR//REL TO USA, GBR",
        "(S//FGI GBR//REL TO USA, GBR)",
        Tier.SECRET,
        ["GBR", "USA"],
        ("REL",),
        "",
    ),
    "SECRET//FGI//NOFORN": (
        "SECRET//FGI//NOFORN",
        "(S//FGI//NF)",
        Tier.SECRET,
        ["USA"],
        ("NF",),
        "",
    ),
    "TOP SECRET//RD-SG-14//NOFORN": (
        "TOP SECRET//RD-SG-14//NOFORN",
        "(TS//RD-SG-14//NF)",
        Tier.TOP_SECRET,
        ["USA"],
        ("NF",),
        "RD-SG-14",
    ),
    "//GBR S": ("//GBR SECRET", "(//GBR S)", Tier.SECRET, ["GBR"], (), ""),
    "//GBR RESTRICTED//REL TO USA, GBR": (
        "//GBR RESTRICTED//REL TO USA, GBR",
        "(//GBR R//REL TO USA, GBR)",
        Tier.RESTRICTED,
        ["GBR", "USA"],
        ("REL",),
        "",
    ),
    "//JOINT SECRET CAN GBR USA": (
        "//JOINT SECRET CAN GBR USA",
        "(//JOINT S CAN GBR USA)",
        Tier.SECRET,
        ["CAN", "GBR", "USA"],
        (),
        "",
    ),
    "(//NU)": ("//NATO UNCLASSIFIED", "(//NU)", Tier.CONTROLLED, None, (), ""),
    "//COSMIC TOP SECRET//ATOMAL": (
        "//COSMIC TOP SECRET//ATOMAL",
        "(//CTS//ATOMAL)",
        Tier.TOP_SECRET,
        None,
        (),
        "ATOMAL",
    ),
}


@pytest.mark.parametrize("marking", sorted(VALID))
def test_valid_markings_parse_to_their_canonical_label(marking: str) -> None:
    banner, portion, tier, releasable, controls, access = VALID[marking]
    label = parse(marking, "us")
    assert render(label) == banner
    assert render(label, form="portion") == portion
    assert label.tier is tier
    if releasable is not None or label.owner != ("NATO",):
        assert (sorted(label.releasable_to) if label.releasable_to is not None else None) == (
            releasable
        )
    assert label.controls == controls
    assert label.access.text == access
    assert label.original == marking
    assert parse(banner, "us") == label
    assert parse(portion, "us") == label


def test_nato_owner_only_means_every_member() -> None:
    label = parse("//NATO SECRET", "us")
    assert label.owner == ("NATO",)
    assert label.releasable_to is not None
    assert {"USA", "GBR", "TUR", "SWE"} <= label.releasable_to
    assert "JPN" not in label.releasable_to


# marking -> (error class, 1-based column)
INVALID = {
    "": ("syntax", 1),
    "   ": ("syntax", 1),
    "SECRT": ("unknown-token", 1),
    "RESTRICTED": ("unknown-token", 1),
    "SECRET//": ("syntax", 7),
    "SECRET////NOFORN": ("syntax", 7),
    "(S//NF": ("syntax", 1),
    "S//NF)": ("syntax", 6),
    "SECRET//NF": ("syntax", 9),
    "(SECRET//NF)": ("syntax", 2),
    "SECRET //NOFORN": ("syntax", 1),
    "SECRET\x01//NOFORN": ("syntax", 7),
    "SECRET//BOGUS": ("unknown-token", 9),
    "SECRET//REL TO": ("missing-requirement", 9),
    "SECRET//REL TO USA": ("missing-requirement", 9),
    "SECRET//REL TO JPN, GBR": ("missing-requirement", 9),
    "SECRET//REL TO JPN, USA": ("order", 16),
    "SECRET//REL TO USA, JPN, GBR": ("order", 21),
    "SECRET//REL TO USA, FVEY, JPN": ("order", 21),
    "SECRET//REL TO USA, XYZ": ("unknown-token", 21),
    "SECRET//REL TO USA, EFOR": ("unknown-token", 21),
    "SECRET//REL TO USA,JPN": ("syntax", 16),
    "SECRET//REL TO USA,,JPN": ("syntax", 16),
    "SECRET//REL TO USA, JPN, JPN": ("syntax", 26),
    "SECRET//REL TO USA, GBR, FVEY": ("syntax", 21),
    "SECRET//NOFORN/REL TO USA, JPN": ("conflict", 16),
    "SECRET//NOFORN/RELIDO": ("conflict", 16),
    "SECRET//NOFORN/DISPLAY ONLY JPN": ("conflict", 16),
    "SECRET//NOFORN//NOFORN": ("syntax", 17),
    "SECRET//NOFORN/NOFORN": ("syntax", 16),
    "SECRET//NOFORN/ORCON": ("order", 16),
    "TOP SECRET//TK/SI//NOFORN": ("order", 16),
    "SECRET//NOFORN//SI": ("order", 17),
    "SECRET//SI/NOFORN": ("syntax", 12),
    "UNCLASSIFIED//ORCON": ("level", 15),
    "UNCLASSIFIED//SI": ("level", 15),
    "SECRET//FOUO": ("level", 9),
    "TOP SECRET//HCS//REL TO USA, GBR": ("missing-requirement", 13),
    "SECRET//DISPLAY ONLY": ("missing-requirement", 9),
    "SECRET//ATOMAL": ("conflict", 9),
    "//USA SECRET": ("syntax", 3),
    "//XYZ SECRET": ("unknown-token", 3),
    "//JOINT SECRET GBR": ("missing-requirement", 3),
    "NATO SECRET": ("syntax", 1),
}


@pytest.mark.parametrize("marking", sorted(INVALID))
def test_invalid_markings_are_refused_with_class_and_column(marking: str) -> None:
    kind, position = INVALID[marking]
    with pytest.raises(LabelError) as caught:
        parse(marking, "us")
    error = caught.value
    assert (error.kind, error.position) == (kind, position), error.message
    assert error.kind in ERROR_KINDS
    assert error.message
    assert error.errors[0] is not None
    assert all(e.position >= error.position for e in error.errors)


def test_messages_say_how_to_fix() -> None:
    with pytest.raises(LabelError, match="USA first"):
        parse("SECRET//REL TO JPN, USA", "us")
    with pytest.raises(LabelError, match="did you mean SECRET"):
        parse("SECRT", "us")
    with pytest.raises(LabelError, match="write NOFORN"):
        parse("SECRET//NF", "us")
    with pytest.raises(LabelError, match="only on UNCLASSIFIED"):
        parse("SECRET//FOUO", "us")


def test_every_problem_is_reported_leftmost_first() -> None:
    with pytest.raises(LabelError) as caught:
        parse("SECRET//FOUO/NOFORN/REL TO USA, JPN", "us")
    kinds = [e.kind for e in caught.value.errors]
    assert kinds[0] == "level"
    assert "conflict" in kinds


def test_overlong_marking_is_refused_quickly() -> None:
    with pytest.raises(LabelError, match="at most 4096"):
        parse("TOP SECRET//" + "SI/" * 5000, "us")


def test_unknown_scheme_and_form() -> None:
    with pytest.raises(NotFound, match=r"known schemes: .*us"):
        parse("SECRET", "xx")
    with pytest.raises(InvalidInput, match="banner or portion"):
        parse_uncached("SECRET", "us", form="paragraph")


def test_form_can_be_forced() -> None:
    assert render(parse("S//NF", "us", form="portion"), form="portion") == "(S//NF)"
    with pytest.raises(LabelError):
        parse("S//NF", "us", form="banner")
    with pytest.raises(LabelError):
        parse("(S//NF)", "us", form="banner")


# sloppy -> canonical
SLOPPY = {
    "s//rel to jpn, usa": "SECRET//REL TO USA, JPN",
    "secret // noforn": "SECRET//NOFORN",
    "SECRET//NF/OC": "SECRET//ORCON/NOFORN",
    "S//REL TO JPN": "SECRET//REL TO USA, JPN",
    "top secret//tk/si//nf": "TOP SECRET//SI/TK//NOFORN",
    "SECRET//REL TO USA, GBR, FVEY": "SECRET//REL TO USA, FVEY",
    "secret//rel to usa jpn gbr": "SECRET//REL TO USA, GBR, JPN",
    "SECRET//NOFORN//ORCON": "SECRET//ORCON/NOFORN",
    "SECRET//NOFORN/NOFORN": "SECRET//NOFORN",
    "secret//special access required-bp//noforn": "SECRET//SAR-BP//NOFORN",
    "nato secret": "//NATO SECRET",
    "//joint secret usa gbr": "//JOINT SECRET GBR USA",
}


@pytest.mark.parametrize("sloppy", sorted(SLOPPY))
def test_normalize_makes_unambiguous_markings_canonical(sloppy: str) -> None:
    result = normalize(sloppy, "us")
    assert result.marking == SLOPPY[sloppy]
    assert result.changes, "every rewrite is listed"
    assert parse(result.marking, "us") == result.label


def test_normalize_keeps_the_portion_form() -> None:
    result = normalize("(s//nf", "us")
    assert result.form == "portion"
    assert result.portion == "(S//NF)"
    assert "added the missing ')'" in result.changes


def test_normalize_of_a_canonical_marking_changes_nothing() -> None:
    assert normalize("SECRET//REL TO USA, JPN", "us").changes == ()


@pytest.mark.parametrize(
    "ambiguous", ["s//nf/rel to usa, jpn", "secret//bogus", "unclassified//orcon", "s//rel to usa"]
)
def test_normalize_refuses_what_it_cannot_decide(ambiguous: str) -> None:
    with pytest.raises(LabelError):
        normalize(ambiguous, "us")


@settings(max_examples=300, deadline=None)
@given(us_markings())
def test_render_then_parse_gives_the_same_label(marking: str) -> None:
    label = parse(marking, "us")
    assert render(label) == marking
    assert parse(render(label), "us") == label
    assert parse(render(label, form="portion"), "us") == label
    assert normalize(marking.lower(), "us").label == label


def test_render_in_a_scheme_with_no_agreement_is_refused() -> None:
    with pytest.raises(NotFound):
        render(parse("SECRET", "us"), "xx")


# ---------------------------------------------------------- lenient reading: edge cases


def test_a_release_list_written_twice_is_refused_even_by_normalize() -> None:
    marking = "SECRET//REL TO USA, GBR/REL TO JPN"
    for read in (parse, normalize):
        with pytest.raises(LabelError, match="REL TO appears twice") as caught:
            read(marking, "us")
        assert caught.value.kind == "syntax"
        assert "write one list" in caught.value.message


def test_normalize_reads_a_joint_level_spelt_with_expanding_characters() -> None:
    # the same level word is read alone and with a single owner
    assert normalize("UNCLAßIﬁED", "us").marking == "UNCLASSIFIED"
    assert normalize("//GBR UNCLAßIﬁED", "us").marking == "//GBR UNCLASSIFIED"
    assert normalize("//JOINT UNCLAßIﬁED GBR USA", "us").marking == "//JOINT UNCLASSIFIED GBR USA"


# ---------------------------------------------------------- rendering: edge cases


def test_alternatives_a_capco_marking_cannot_express_are_refused_at_the_gate() -> None:
    xml = (
        f'<originatorConfidentialityLabel xmlns="{NAMESPACE}"><ConfidentialityInformation>'
        '<PolicyIdentifier URI="urn:tearline:scheme:us">US</PolicyIdentifier>'
        "<Classification>TOP SECRET</Classification>"
        '<Category TagName="Any Of" Type="PERMISSIVE"><GenericValue>SI</GenericValue>'
        "<GenericValue>TK</GenericValue></Category></ConfidentialityInformation>"
        "<CreationDateTime>2026-11-29T09:00:00Z</CreationDateTime>"
        "</originatorConfidentialityLabel>"
    )
    with pytest.raises(LabelError, match="SI\\|TK cannot be written as United States") as caught:
        from_xml(xml)
    assert caught.value.kind == "conflict"
    with _building():
        draft = replace(parse("TOP SECRET", "us"), access=AccessExpression.parse("SI|TK"))
    with pytest.raises(LabelError, match="SI\\|TK cannot be written as United States"):
        render(draft)
