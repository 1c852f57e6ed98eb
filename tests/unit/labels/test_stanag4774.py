"""STANAG 4774 confidentiality labels: round trips, evaluation rules, refusal of bad XML."""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings

from support.strategies import us_labels
from tearline.errors import LabelError
from tearline.labels.access import AccessExpression
from tearline.labels.gate import admit
from tearline.labels.model import Label
from tearline.labels.parse import parse, render
from tearline.labels.stanag4774 import (
    NAMESPACE,
    StanagClearance,
    from_xml,
    permits,
    read_xml,
    to_xml,
)
from tearline.policy.decide import decide
from tearline.policy.model import Action, Authorization, Clearance, Person

CREATED = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)


@settings(max_examples=200, deadline=None)
@given(us_labels())
def test_us_labels_round_trip_through_4774(label: Label) -> None:
    assert from_xml(to_xml(label, CREATED)) == label


@pytest.mark.parametrize(
    ("scheme", "marking"),
    [
        ("nato", "NATO SECRET//RELEASABLE TO JPN"),
        ("nato", "COSMIC TOP SECRET//ATOMAL"),
        ("nato", "NATO UNCLASSIFIED"),
        ("jp", "極秘//特定秘密//JPN ONLY"),
        ("gb", "OFFICIAL-SENSITIVE"),
        ("us", "//GBR SECRET"),
        ("us", "SECRET//REL TO USA, GBR/DISPLAY ONLY JPN"),
        ("tlp", "TLP:AMBER//ORG:JMOD"),
    ],
)
def test_allied_labels_round_trip_through_4774(scheme: str, marking: str) -> None:
    label = parse(marking, scheme)
    assert from_xml(to_xml(label, CREATED)) == label


def test_nato_label_is_written_in_the_4774_shape() -> None:
    xml = to_xml(parse("NATO SECRET//ATOMAL//RELEASABLE TO JPN", "nato"), CREATED)
    data = read_xml(xml)
    assert (data.policy, data.policy_uri) == ("NATO", "urn:oid:1.3.26.1.3.1")
    assert data.classification == "NATO SECRET"
    assert [(c.tag, c.type, c.values) for c in data.categories] == [
        ("Releasable To", "PERMISSIVE", ("JPN",)),
        ("Additional Sensitivity", "RESTRICTIVE", ("ATOMAL",)),
    ]
    assert data.created == CREATED


def _nato_xml(categories: str, classification: str = "NATO SECRET") -> str:
    return (
        f'<originatorConfidentialityLabel xmlns="{NAMESPACE}"><ConfidentialityInformation>'
        '<PolicyIdentifier URI="urn:oid:1.3.26.1.3.1">NATO</PolicyIdentifier>'
        f"<Classification>{classification}</Classification>{categories}"
        "</ConfidentialityInformation>"
        "<CreationDateTime>2026-11-29T09:00:00Z</CreationDateTime>"
        "</originatorConfidentialityLabel>"
    )


RESTRICTIVE = (
    '<Category TagName="Additional Sensitivity" Type="RESTRICTIVE">'
    "<GenericValue>ATOMAL</GenericValue><GenericValue>BOHEMIA</GenericValue></Category>"
)
PERMISSIVE = (
    '<Category TagName="Context" Type="PERMISSIVE">'
    "<GenericValue>NATO</GenericValue><GenericValue>EAPC</GenericValue></Category>"
)
INFORMATIVE = (
    '<Category TagName="Administrative" Type="INFORMATIVE"><GenericValue>PR</GenericValue>'
    "</Category>"
)


@pytest.mark.parametrize(
    ("held", "expected"),
    [
        ({"Additional Sensitivity": {"ATOMAL", "BOHEMIA"}, "Context": {"NATO"}}, True),
        ({"Additional Sensitivity": {"ATOMAL", "BOHEMIA"}, "Context": {"EAPC"}}, True),
        ({"Additional Sensitivity": {"ATOMAL"}, "Context": {"NATO"}}, False),
        ({"Additional Sensitivity": {"ATOMAL", "BOHEMIA"}}, False),
        ({"Context": {"NATO"}}, False),
    ],
)
def test_permissive_and_restrictive_rules(held: dict[str, set[str]], expected: bool) -> None:
    xml = _nato_xml(RESTRICTIVE + PERMISSIVE)
    clearance = StanagClearance(
        "NATO", "NATO SECRET", {tag: frozenset(values) for tag, values in held.items()}
    )
    assert permits(read_xml(xml), clearance)[0] is expected
    # the canonical label's access expression applies the same rules in decide()
    label = from_xml(xml)
    tokens = [
        value if tag == "Additional Sensitivity" else f"{tag.lower()}:{value}"
        for tag, values in held.items()
        for value in values
    ]
    person = Person(frozenset({"DEU"}), Clearance("S"), tuple(Authorization(t) for t in tokens))
    translated_ok = decide(person, label, Action.READ, CREATED).permitted
    assert translated_ok is expected


def test_classification_and_policy_rules() -> None:
    data = read_xml(_nato_xml(INFORMATIVE))
    assert permits(data, StanagClearance("NATO", "COSMIC TOP SECRET", {}))[0]
    denied, reasons = permits(data, StanagClearance("NATO", "NATO CONFIDENTIAL", {}))
    assert not denied
    assert reasons == ["clearance NATO CONFIDENTIAL is below NATO SECRET"]
    assert not permits(data, StanagClearance("US", "TOP SECRET", {}))[0]


@pytest.mark.parametrize(
    ("xml", "message"),
    [
        ("<x/>", "root must be"),
        ("not xml", "not well-formed"),
        ('<!DOCTYPE x [<!ENTITY a "b">]><x/>', "DOCTYPE"),
        (_nato_xml("").replace("<CreationDateTime>2026-11-29T09:00:00Z</CreationDateTime>", ""),
         "CreationDateTime"),
        (_nato_xml('<Category TagName="Context" Type="permissive"><GenericValue>NATO'
                   "</GenericValue></Category>"), "upper case"),
        (_nato_xml("", "NATO PRIVATE"), "not a classification"),
        (_nato_xml("").replace(">NATO</PolicyIdentifier>", ">XYZ</PolicyIdentifier>").replace(
            "urn:oid:1.3.26.1.3.1", "urn:x"), "policy"),
        ("<a>" * 70000, "at most"),
    ],
)  # fmt: skip
def test_malformed_4774_is_refused(xml: str, message: str) -> None:
    with pytest.raises(LabelError, match=message):
        from_xml(xml)


def test_unknown_controls_are_refused_not_dropped() -> None:
    with pytest.raises(LabelError, match="no control 'BOGUS'"):
        from_xml(_nato_xml(INFORMATIVE.replace("PR", "BOGUS")))
    label = from_xml(_nato_xml(RESTRICTIVE))
    assert label.access.text == "ATOMAL&BOHEMIA"
    assert render(parse("NATO SECRET", "nato")) == "NATO SECRET"


def test_access_with_no_category_form_is_refused() -> None:
    label = parse("NATO SECRET", "nato")
    values = {f.name: getattr(label, f.name) for f in fields(label)}
    nested = admit(**{**values, "access": AccessExpression.parse("(ctx:A&ctx:B)|ctx:C")})
    with pytest.raises(LabelError, match="no 4774 category form"):
        to_xml(nested, CREATED)
    repeated = admit(**{**values, "access": AccessExpression.parse("(org:A|org:B)&org:C")})
    with pytest.raises(LabelError, match="repeats a 4774 tag"):
        to_xml(repeated, CREATED)
    both = admit(
        **{**values, "access": AccessExpression.parse("ATOMAL&(context:EAPC|context:NATO)")}
    )
    assert from_xml(to_xml(both, CREATED)) == both
