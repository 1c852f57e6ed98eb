"""Edge cases of the label core that the main suites leave out: limits of the access-expression
logic, lenient repairs, refusals of malformed 4774 XML and TLP audiences, and the fallbacks of
the lattice, roll-up and translation."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from tearline.errors import AccessExpressionError, LabelError
from tearline.labels.access import AccessExpression
from tearline.labels.formats.stanag4774 import NAMESPACE, from_xml, to_xml
from tearline.labels.gate import admit
from tearline.labels.lattice import dominates, join
from tearline.labels.model import Label, Tier, _building
from tearline.labels.parse import normalize, parse, render
from tearline.labels.rollup import rollup
from tearline.labels.schemes import default_registry
from tearline.labels.translate import translate

P = AccessExpression.parse
CREATED = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)
FVEY = frozenset({"AUS", "CAN", "GBR", "NZL", "USA"})
_NATO = '<PolicyIdentifier URI="urn:oid:1.3.26.1.3.1">NATO</PolicyIdentifier>'
_US = '<PolicyIdentifier URI="urn:tearline:scheme:us">US</PolicyIdentifier>'


def _category(tag: str, kind: str, *values: str) -> str:
    body = "".join(f"<GenericValue>{value}</GenericValue>" for value in values)
    return f'<Category TagName="{tag}" Type="{kind}">{body}</Category>'


def _xml(
    categories: str = "",
    classification: str = "NATO SECRET",
    policy: str = _NATO,
    created: str = "2026-11-29T09:00:00Z",
) -> str:
    return (
        f'<originatorConfidentialityLabel xmlns="{NAMESPACE}"><ConfidentialityInformation>'
        f"{policy}<Classification>{classification}</Classification>{categories}"
        f"</ConfidentialityInformation><CreationDateTime>{created}</CreationDateTime>"
        "</originatorConfidentialityLabel>"
    )


# ------------------------------------------------------------------ access expressions: limits


def test_dnf_refuses_a_product_with_too_many_raw_terms() -> None:
    # 129 × 129 = 16 641 products before absorption: over the 16 384 a product may have.
    xs = "|".join(f"x{index}" for index in range(129))
    ys = "|".join(f"y{index}" for index in range(129))
    expression = P(f"({xs})&({ys})")
    with pytest.raises(AccessExpressionError, match="too complex") as caught:
        expression.dnf()
    assert caught.value.position == 1
    # evaluation does not need the normal form, so the expression stays usable
    assert expression.evaluate({"x128", "y0"})
    assert not expression.evaluate({"x0", "x1"})


def test_dnf_refuses_when_absorbing_terms_would_take_too_long() -> None:
    # Equivalent to x0|…|x119, but each conjunct multiplies 120 × 121 terms that must be
    # absorbed again: the work budget runs out before the (small) answer is reached.
    xs = "|".join(f"x{index}" for index in range(120))
    expression = P("&".join(f"({xs}|z{k})" for k in range(4)) + f"&({xs})")
    with pytest.raises(AccessExpressionError, match="too complex"):
        expression.dnf()
    # implication is still decided exactly, through the conclusion's CNF
    assert expression.implies(P(xs))
    assert not expression.implies(P("z0"))


def _pairs_product(tokens: list[str], pairing: list[tuple[int, int]]) -> str:
    return "(" + "&".join(f"({tokens[a]}|{tokens[b]})" for a, b in pairing) + ")"


# Twelve tokens; each product has 64 terms, each disjunction of three of them ~190, and the
# conjunction of two disjunctions ~36 000 products: the premise's DNF is refused.
_T = [f"t{index:02d}" for index in range(12)]
_PAIRINGS = [
    [(0, 1), (2, 3), (4, 5), (6, 7), (8, 9), (10, 11)],
    [(0, 2), (1, 3), (4, 6), (5, 7), (8, 10), (9, 11)],
    [(0, 3), (1, 2), (4, 7), (5, 6), (8, 11), (9, 10)],
    [(0, 4), (1, 5), (2, 6), (3, 7), (8, 0), (9, 1)],
    [(0, 6), (1, 7), (2, 8), (3, 9), (4, 10), (5, 11)],
    [(0, 11), (1, 10), (2, 9), (3, 8), (4, 7), (5, 6)],
]
_LEFT = "|".join(_pairs_product(_T, p) for p in _PAIRINGS[:3])
_RIGHT = "|".join(_pairs_product(_T, p) for p in _PAIRINGS[3:])
# 13 alternatives of two tokens: a CNF of 8192 clauses, too big as well.
_WIDE = "|".join(f"(c{index}&d{index})" for index in range(13))


def test_implies_is_exact_by_truth_table_when_both_normal_forms_are_too_big() -> None:
    premise = P(f"({_LEFT})&({_RIGHT})")
    assert len(premise.tokens()) == 12
    with pytest.raises(AccessExpressionError, match="too complex"):
        premise.dnf()
    # True, and not provable from conjuncts alone (the conclusion is not one of the premise's)
    assert premise.implies(P(f"{_LEFT}|{_WIDE}"))
    # False: no set of the premise's tokens holds any of the conclusion's c/d alternatives
    assert not premise.implies(P(_WIDE))


# ------------------------------------------------------------------ lenient reading


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


# ------------------------------------------------------------------ rendering


def test_alternatives_a_capco_marking_cannot_express_are_refused_at_the_gate() -> None:
    xml = _xml(
        _category("Any Of", "PERMISSIVE", "SI", "TK"),
        classification="TOP SECRET",
        policy=_US,
    )
    with pytest.raises(LabelError, match="SI\\|TK cannot be written as United States") as caught:
        from_xml(xml)
    assert caught.value.kind == "conflict"
    with _building():
        draft = replace(parse("TOP SECRET", "us"), access=AccessExpression.parse("SI|TK"))
    with pytest.raises(LabelError, match="SI\\|TK cannot be written as United States"):
        render(draft)


# ------------------------------------------------------------------ model


def test_a_label_is_not_built_field_by_field_outside_the_core() -> None:
    with pytest.raises(TypeError, match="not built field by field"):
        Label("us", "S", Tier.SECRET, ("USA",), frozenset({"USA"}))
    with pytest.raises(TypeError, match="not built field by field"):
        replace(
            parse("SECRET//REL TO USA, JPN", "us"), releasable_to=frozenset({"USA", "JPN", "RUS"})
        )


def test_a_label_needs_an_owner() -> None:
    with pytest.raises(LabelError, match="needs an owner"):
        admit(scheme="us", level="S", tier=Tier.SECRET, owner=(), releasable_to=frozenset({"USA"}))


def test_a_classified_label_cannot_be_unrestricted() -> None:
    with pytest.raises(LabelError, match="SECRET label cannot be unrestricted"):
        admit(scheme="us", level="S", tier=Tier.SECRET, owner=("USA",), releasable_to=None)
    # up to CONTROLLED an unrestricted label is fine
    fouo = admit(
        scheme="us", level="U", tier=Tier.CONTROLLED, owner=("USA",), releasable_to=None,
        controls=("FOUO",),
    )  # fmt: skip
    assert fouo.readers is None
    assert fouo == parse("UNCLASSIFIED//FOUO", "us")
    assert str(fouo) == "UNCLASSIFIED//FOUO"


def test_has_control() -> None:
    label = parse("SECRET//ORCON/NOFORN", "us")
    assert label.has_control("OC")
    assert label.has_control("NF")
    assert not label.has_control("REL")


# ------------------------------------------------------------------ lattice and roll-up


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


# ------------------------------------------------------------------ schemes and translation


def test_scheme_category_lookup() -> None:
    us = default_registry().scheme("us")
    assert us.category("sci").title == "SCI controls"
    with pytest.raises(KeyError):
        us.category("no-such-category")


def test_translating_into_the_labels_own_scheme_changes_nothing() -> None:
    label = parse("SECRET//REL TO USA, JPN", "us")
    same = translate(label, "us")
    assert same.label == label
    assert (same.inferred, same.mapped_up, same.basis, same.agreement) == (
        False,
        False,
        "same scheme",
        None,
    )
    # an inferred level stays flagged as inferred
    designated = translate(parse("特定秘密", "jp"), "jp")
    assert designated.inferred
    assert designated.label.level_inferred


# ------------------------------------------------------------------ TLP


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


# ------------------------------------------------------------------ STANAG 4774


@pytest.mark.parametrize(
    ("xml", "message"),
    [
        (_xml(policy=""), "ConfidentialityInformation/PolicyIdentifier is required"),
        (
            _xml().replace("<Classification>NATO SECRET</Classification>", ""),
            "ConfidentialityInformation/Classification is required",
        ),
        (_xml(created="yesterday"), "CreationDateTime: 'yesterday' is not an ISO date-time"),
        (_xml(_category("Context", "PERMISSIVE")), "Category\\[1\\]/GenericValue is required"),
        (_xml(_category("Context", "PERMISSIVE", " ")), "GenericValue\\[1\\] is empty"),
    ],
)
def test_malformed_4774_labels_are_refused(xml: str, message: str) -> None:
    with pytest.raises(LabelError, match=message) as caught:
        from_xml(xml)
    assert caught.value.kind == "syntax"


def test_4774_unknown_country_codes_are_refused() -> None:
    with pytest.raises(LabelError, match="unknown country code 'QQQ'") as caught:
        from_xml(_xml(_category("Releasable To", "PERMISSIVE", "JPN", "QQQ")))
    assert caught.value.kind == "unknown-token"


def test_4774_unknown_control_is_refused_after_a_known_disclosure_control() -> None:
    xml = _xml(_category("Administrative", "INFORMATIVE", "NF", "BOGUS"), "SECRET", _US)
    with pytest.raises(LabelError, match="us has no control 'BOGUS'") as caught:
        from_xml(xml)
    assert caught.value.kind == "unknown-token"


def test_4774_label_with_restrictive_and_permissive_categories_round_trips() -> None:
    xml = _xml(
        _category("Additional Sensitivity", "RESTRICTIVE", "ATOMAL")
        + _category("Context", "PERMISSIVE", "NATO", "EAPC")
    )
    label = from_xml(xml)
    assert label.access.text == "ATOMAL&(context:EAPC|context:NATO)"
    assert from_xml(to_xml(label, CREATED)) == label
