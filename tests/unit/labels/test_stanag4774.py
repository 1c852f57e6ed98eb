"""STANAG 4774 confidentiality labels: round trips, evaluation rules, refusal of bad XML."""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings

from support.strategies import us_labels
from tearline.errors import LabelError
from tearline.labels.access import AccessExpression
from tearline.labels.formats.stanag4774 import (
    NAMESPACE,
    StanagClearance,
    from_xml,
    permits,
    read_xml,
    to_xml,
)
from tearline.labels.gate import admit
from tearline.labels.model import Label
from tearline.labels.parse import parse, render
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
    person = Person(
        frozenset({"DEU"}), Clearance("S", "us"), tuple(Authorization(t) for t in tokens)
    )
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


# ------------------------------------------------------------- the one gate: the scheme's rules

_US = '<PolicyIdentifier URI="urn:tearline:scheme:us">US</PolicyIdentifier>'


def _label(policy: str, classification: str, *categories: tuple[str, str, tuple[str, ...]]) -> str:
    body = "".join(
        f'<Category TagName="{tag}" Type="{kind}">'
        + "".join(f"<GenericValue>{v}</GenericValue>" for v in values)
        + "</Category>"
        for tag, kind, values in categories
    )
    return (
        f'<originatorConfidentialityLabel xmlns="{NAMESPACE}"><ConfidentialityInformation>'
        f"{policy}<Classification>{classification}</Classification>{body}"
        "</ConfidentialityInformation><CreationDateTime>2026-11-29T09:00:00Z</CreationDateTime>"
        "</originatorConfidentialityLabel>"
    )


REL_JPN = ("Releasable To", "PERMISSIVE", ("USA", "JPN"))
_TLP = '<PolicyIdentifier URI="urn:tearline:scheme:tlp">TLP</PolicyIdentifier>'
_JP = '<PolicyIdentifier URI="urn:tearline:scheme:jp">JP</PolicyIdentifier>'

#: Labels whose marking the parser would refuse: every one is refused from 4774 as well.
AGAINST_THE_RULES = {
    "release list beside no-foreign": _label(
        _US, "SECRET", REL_JPN, ("Administrative", "INFORMATIVE", ("NF",))
    ),
    "release list beside owner-only": _label(
        _US, "SECRET", REL_JPN, ("Only", "PERMISSIVE", ("USA",))
    ),
    "control needing NOFORN beside a release list": _label(
        _US, "TOP SECRET", REL_JPN, ("Additional Sensitivity", "RESTRICTIVE", ("HCS",))
    ),
    "SCI control outside the access expression": _label(
        _US, "TOP SECRET", ("Administrative", "INFORMATIVE", ("SI", "NF"))
    ),
    "TLP policy with no categories and no audience": _label(_TLP, "TLP:AMBER"),
    "caveat legal only on other levels": _label(
        '<PolicyIdentifier URI="urn:oid:1.3.26.1.3.1">NATO</PolicyIdentifier>',
        "NATO RESTRICTED",
        ("Additional Sensitivity", "RESTRICTIVE", ("ATOMAL",)),
    ),
    "FOUO on a classified level": _label(
        _US, "SECRET", ("Administrative", "INFORMATIVE", ("FOUO", "NF"))
    ),
    "Only naming someone else": _label(_US, "SECRET", ("Only", "PERMISSIVE", ("JPN",))),
    "display-only list with no release list on a classified level": _label(
        _JP, "極秘", ("Display Only To", "PERMISSIVE", ("USA",)), ("Only", "PERMISSIVE", ("JPN",))
    ),
    "unknown informative category (would be ignored)": _label(
        _US, "SECRET", ("Handling", "INFORMATIVE", ("NF",))
    ),
    "release category written as restrictive": _label(
        _US, "SECRET", ("Releasable To", "RESTRICTIVE", ("USA", "JPN"))
    ),
    "a value given twice": _label(_US, "SECRET", ("Releasable To", "PERMISSIVE", ("USA", "USA"))),
    "policy name disagrees with its URI": _label(
        '<PolicyIdentifier URI="urn:oid:1.3.26.1.3.1">US</PolicyIdentifier>', "SECRET"
    ),
    "classification in another case": _label(_US, "Secret", REL_JPN),
}


@pytest.mark.parametrize("xml", AGAINST_THE_RULES.values(), ids=list(AGAINST_THE_RULES))
def test_4774_cannot_say_what_the_marking_rules_forbid(xml: str) -> None:
    with pytest.raises(LabelError) as caught:
        from_xml(xml)
    assert caught.value.message


_GOOD = _label(_US, "SECRET", REL_JPN)


def _swap(old: str, new: str) -> str:
    assert old in _GOOD
    return _GOOD.replace(old, new, 1)


#: Structure the reader does not know: refused with the path of the problem, never dropped.
UNREAD_STRUCTURE = {
    "second label block": (
        _swap("</ConfidentialityInformation>",
              "</ConfidentialityInformation><ConfidentialityInformation/>"),
        "ConfidentialityInformation appears 2 times",
    ),
    "repeated classification": (
        _swap("</Classification>", "</Classification><Classification>TOP SECRET</Classification>"),
        "Classification appears 2 times",
    ),
    "repeated creation time": (
        _swap("</CreationDateTime>",
              "</CreationDateTime><CreationDateTime>2026-11-29T09:00:00Z</CreationDateTime>"),
        "CreationDateTime appears 2 times",
    ),
    "unknown element": (
        _swap("</ConfidentialityInformation>", "<Caveat>NF</Caveat></ConfidentialityInformation>"),
        "Caveat: not read by Tearline",
    ),
    "wrongly cased element": (
        _swap("<Classification>SECRET</Classification>", "<classification>SECRET</classification>"),
        "case-sensitive: Classification",
    ),
    "foreign namespace": (
        _swap("</ConfidentialityInformation>",
              '<x:Category xmlns:x="urn:x" TagName="Only" Type="PERMISSIVE"/>'
              "</ConfidentialityInformation>"),
        "not in the 4774 namespace",
    ),
    "unknown attribute": (_swap('Type="PERMISSIVE"', 'Type="PERMISSIVE" Scope="all"'),
                          "Scope: unknown attribute"),
    "text between elements": (_swap("<Classification>", "NOFORN<Classification>"),
                              "holds text"),
    "elements out of order": (
        _swap(f"{_US}<Classification>SECRET</Classification>",
              f"<Classification>SECRET</Classification>{_US}"),
        "out of order",
    ),
    "a time with no zone": (_swap("2026-11-29T09:00:00Z", "2026-11-29T09:00:00"), "time zone"),
}  # fmt: skip


@pytest.mark.parametrize(("xml", "message"), UNREAD_STRUCTURE.values(), ids=list(UNREAD_STRUCTURE))
def test_4774_structure_it_does_not_read_is_refused_by_path(xml: str, message: str) -> None:
    with pytest.raises(LabelError, match=message):
        from_xml(xml)


@pytest.mark.parametrize(
    ("scheme", "marking"),
    [
        ("us", "UNCLASSIFIED//REL TO USA, JPN"),
        ("us", "UNCLASSIFIED//FOUO/DISPLAY ONLY JPN"),
        ("us", "UNCLASSIFIED//DISPLAY ONLY JPN"),
        ("us", "//GBR SECRET//REL TO USA, GBR"),
        ("us", "//JOINT SECRET CAN GBR USA"),
        ("jp", "特定秘密//REL TO JPN, USA"),
    ],
)
def test_4774_round_trip_keeps_disclosure_and_owner(scheme: str, marking: str) -> None:
    label = parse(marking, scheme)
    again = from_xml(to_xml(label, CREATED))
    assert again == label
    assert again.releasable_to == label.releasable_to


def test_a_review_date_travels_as_review_date_time() -> None:
    xml = _GOOD.replace(
        "</CreationDateTime>",
        "</CreationDateTime><ReviewDateTime>2051-01-01T00:00:00Z</ReviewDateTime>",
    )
    label = from_xml(xml)
    assert str(label.declassify_on) == "2051-01-01"
    assert from_xml(to_xml(label, CREATED)) == label


# ---------------------------------------------------------- STANAG 4774: edge cases
_CNATO = '<PolicyIdentifier URI="urn:oid:1.3.26.1.3.1">NATO</PolicyIdentifier>'
_CUS = '<PolicyIdentifier URI="urn:tearline:scheme:us">US</PolicyIdentifier>'


def _ccategory(tag: str, kind: str, *values: str) -> str:
    body = "".join(f"<GenericValue>{value}</GenericValue>" for value in values)
    return f'<Category TagName="{tag}" Type="{kind}">{body}</Category>'


def _cxml(
    categories: str = "",
    classification: str = "NATO SECRET",
    policy: str = _CNATO,
    created: str = "2026-11-29T09:00:00Z",
) -> str:
    return (
        f'<originatorConfidentialityLabel xmlns="{NAMESPACE}"><ConfidentialityInformation>'
        f"{policy}<Classification>{classification}</Classification>{categories}"
        f"</ConfidentialityInformation><CreationDateTime>{created}</CreationDateTime>"
        "</originatorConfidentialityLabel>"
    )


@pytest.mark.parametrize(
    ("xml", "message"),
    [
        (_cxml(policy=""), "ConfidentialityInformation/PolicyIdentifier is required"),
        (
            _cxml().replace("<Classification>NATO SECRET</Classification>", ""),
            "ConfidentialityInformation/Classification is required",
        ),
        (_cxml(created="yesterday"), "CreationDateTime: 'yesterday' is not an ISO date-time"),
        (_cxml(_ccategory("Context", "PERMISSIVE")), "Category\\[1\\]/GenericValue is required"),
        (_cxml(_ccategory("Context", "PERMISSIVE", " ")), "GenericValue\\[1\\] is empty"),
    ],
)
def test_malformed_4774_labels_are_refused(xml: str, message: str) -> None:
    with pytest.raises(LabelError, match=message) as caught:
        from_xml(xml)
    assert caught.value.kind == "syntax"


def test_4774_unknown_country_codes_are_refused() -> None:
    with pytest.raises(LabelError, match="unknown country code 'QQQ'") as caught:
        from_xml(_cxml(_ccategory("Releasable To", "PERMISSIVE", "JPN", "QQQ")))
    assert caught.value.kind == "unknown-token"


def test_4774_unknown_control_is_refused_after_a_known_disclosure_control() -> None:
    xml = _cxml(_ccategory("Administrative", "INFORMATIVE", "NF", "BOGUS"), "SECRET", _CUS)
    with pytest.raises(LabelError, match="us has no control 'BOGUS'") as caught:
        from_xml(xml)
    assert caught.value.kind == "unknown-token"


def test_4774_label_with_restrictive_and_permissive_categories_round_trips() -> None:
    xml = _cxml(
        _ccategory("Additional Sensitivity", "RESTRICTIVE", "ATOMAL")
        + _ccategory("Context", "PERMISSIVE", "NATO", "EAPC")
    )
    label = from_xml(xml)
    assert label.access.text == "ATOMAL&(context:EAPC|context:NATO)"
    assert from_xml(to_xml(label, CREATED)) == label
