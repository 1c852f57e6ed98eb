"""The fast reader of canonical markings against the full reader (issue #7 §4).

``fast_read`` either declines (``None``) or returns exactly what the full reader returns for
the same text: the same label, field by field (``original`` and the types included), read in
the same form. A marking it accepts is canonical (writing its label back gives the text).
Whatever the text, ``parse_uncached`` — the fast path with the full reader behind it — gives
the full reader's label, or the full reader's error (class, column, message, every error).

Generated markings: canonical US banners and portions, the allies' corpus, Japanese markings
built field by field (many valid, many not), and each of those mutated — case, spaces, a
reordered REL TO, an unknown or repeated token, a lost character, a moved field, parentheses —
which must reach the full reader and be refused (or read) exactly as before.
"""

from __future__ import annotations

import dataclasses
import re
from types import MappingProxyType

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from support.strategies import ALLIED_MARKINGS, us_labels, us_markings
from tearline.errors import LabelError
from tearline.labels import value
from tearline.labels.gate import write
from tearline.labels.model import Label, _building
from tearline.labels.parse import parse_uncached, render
from tearline.labels.schemes import Scheme, default_registry
from tearline.labels.syntax.capco import build
from tearline.labels.syntax.capco import fast as fast_module
from tearline.labels.syntax.capco.fast import fast_read, forget
from tearline.labels.syntax.capco.read import read_full
from tearline.labels.syntax.capco.tables import fast_tables

REGISTRY = default_registry()
CAPCO = tuple((s, m) for s, m in ALLIED_MARKINGS if REGISTRY.scheme(s).syntax == "capco")
FORMS = (None, "banner", "portion")
DIFFERENTIAL = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

Read = tuple[Label, str]


# ------------------------------------------------------------------------------ the property


def full(text: str, scheme: Scheme, form: str | None) -> Read | LabelError:
    """The full reader's answer: the label and the form read, or the error."""
    try:
        with _building():
            label, read_form, _ = read_full(text, scheme, form, True)
    except LabelError as problem:
        return problem
    return label, read_form


def fast(text: str, scheme: Scheme, form: str | None) -> Read | None:
    with _building():
        return fast_read(text, scheme, form)


def same_label(mine: Label, theirs: Label) -> None:
    """Equal field by field, ``original`` too, with the same types."""
    for spec in dataclasses.fields(Label):
        a, b = getattr(mine, spec.name), getattr(theirs, spec.name)
        assert a == b, (spec.name, a, b)
        assert type(a) is type(b), (spec.name, type(a), type(b))


def same_error(mine: LabelError, theirs: LabelError) -> None:
    assert (mine.kind, mine.position, mine.message) == (
        theirs.kind,
        theirs.position,
        theirs.message,
    )
    assert [(e.kind, e.position, e.message) for e in mine.errors] == [
        (e.kind, e.position, e.message) for e in theirs.errors
    ]


def outcome(text: str, scheme_id: str, form: str | None) -> Label | LabelError:
    """What the public door, the fast path with the full reader behind it, gives."""
    try:
        return parse_uncached(text, scheme_id, form=form)
    except LabelError as problem:
        return problem


def check(text: str, scheme_id: str, form: str | None = None) -> Read | None:
    """The whole contract for one text; returns what the fast reader gave."""
    scheme = REGISTRY.scheme(scheme_id)
    expected = full(text, scheme, form)
    got = fast(text, scheme, form)
    if got is not None:
        assert not isinstance(expected, LabelError), (text, expected)
        same_label(got[0], expected[0])
        assert got[1] == expected[1]
        canonical = write(got[0], scheme, got[1])
        assert text in (canonical, canonical[1:-1]), (text, canonical)
    through = outcome(text, scheme_id, form)
    if isinstance(expected, LabelError):
        assert isinstance(through, LabelError), (text, through)
        same_error(through, expected)
    else:
        assert isinstance(through, Label), (text, through)
        same_label(through, expected[0])
    return got


# ------------------------------------------------------------------------------ strategies


def _portion(label: Label) -> str:
    return render(label, form="portion")


JP_LEVELS = ("秘密指定なし", "注意", "部内限り", "秘", "極秘", "機密", "HI", "GOKUHI", "特定秘密")
JP_DESIGNATIONS = ("特定秘密", "重要経済安保情報", "SDS", "TOKUTEI HIMITSU")
JP_DISSEM = ("FOUO", "ORCON", "IMCON", "JPN ONLY", "PROPIN", "RELIDO", "OC", "USA ONLY")
JP_CODES = ("JPN", "USA", "GBR", "AUS", "KOR", "FVEY", "NATO", "DEU", "XYZ", "BUR")


@st.composite
def jp_markings(draw: st.DrawFn) -> str:
    """Japanese markings built field by field: many valid, the rest break one rule or another."""
    fields = [draw(st.sampled_from(JP_LEVELS))]
    if draw(st.integers(0, 2)) == 0:
        fields.append(draw(st.sampled_from(JP_DESIGNATIONS)))
    if draw(st.integers(0, 3)) == 0:
        fields.append(" ".join(["FGI", *draw(st.lists(st.sampled_from(JP_CODES), max_size=3))]))
    dissem = draw(st.lists(st.sampled_from(JP_DISSEM), max_size=2, unique=True))
    if draw(st.booleans()):
        codes = draw(st.lists(st.sampled_from(JP_CODES), min_size=1, max_size=4, unique=True))
        if draw(st.integers(0, 3)):
            codes = ["JPN", *sorted(c for c in codes if c != "JPN")]
        dissem.append("REL TO " + ", ".join(codes))
    if draw(st.integers(0, 3)) == 0:
        dissem.append("DISPLAY ONLY " + draw(st.sampled_from(("KOR", "PHL", "USA", "NATO"))))
    if dissem:
        fields.append("/".join(dissem))
    text = "//".join(fields)
    return f"({text})" if draw(st.integers(0, 4)) == 0 else text


def _swap_in_list(text: str, draw: st.DrawFn) -> str:
    match = re.search(r"(REL TO|DISPLAY ONLY|FGI) ([^/]+)", text)
    if match is None:
        return text
    separator = " " if match.group(1) == "FGI" else ", "
    codes = match.group(2).split(separator)
    order = draw(st.permutations(codes))
    return text[: match.start(2)] + separator.join(order) + text[match.end(2) :]


def _pieces(text: str) -> list[str]:
    return [p for p in re.split(r"//|/", text) if p]


def mutate(draw: st.DrawFn, text: str) -> str:
    """One change of the kind a person typing a marking makes."""
    kind = draw(st.integers(0, 11))
    at = draw(st.integers(0, len(text)))
    pieces = _pieces(text) or [text]
    piece = draw(st.sampled_from(pieces))
    changes = {
        0: lambda: text.lower(),
        1: lambda: text[:at] + text[at:].swapcase(),
        2: lambda: text[:at] + " " + text[at:],
        3: lambda: text.replace(" ", "  ", 1),
        4: lambda: _swap_in_list(text, draw),
        5: lambda: text + draw(st.sampled_from(["/XYZZY", "//XYZZY", "/SI", "//NOFORN", "/"])),
        6: lambda: text.replace(piece, piece + "/" + piece, 1),
        7: lambda: text[:at] + text[at + 1 :],
        8: lambda: "//".join(draw(st.permutations(text.split("//")))),
        9: lambda: draw(st.sampled_from([f"({text})", f"({text}", f"{text})", text.strip("()")])),
        10: lambda: text.replace(piece, draw(st.sampled_from(["SAR-BP", "FGI", "NF", "REL TO"]))),
        11: lambda: f" {text}" if draw(st.booleans()) else f"{text} ",
    }
    return changes[kind]()


@st.composite
def mutated(draw: st.DrawFn, source: st.SearchStrategy[tuple[str, str]]) -> tuple[str, str]:
    scheme_id, text = draw(source)
    for _ in range(draw(st.integers(1, 2))):
        text = mutate(draw, text)
    return scheme_id, text


US_BANNERS = us_markings().map(lambda text: ("us", text))
US_PORTIONS = us_labels().map(lambda label: ("us", _portion(label)))
ALLIES = st.sampled_from(CAPCO)
JAPANESE = jp_markings().map(lambda text: ("jp", text))
ANY_SOURCE = st.one_of(US_BANNERS, US_PORTIONS, ALLIES, JAPANESE)


# ------------------------------------------------------------------------------ properties


@DIFFERENTIAL
@given(us_markings(), st.sampled_from((None, "banner")))
def test_canonical_us_banners_are_read_fast(text: str, form: str | None) -> None:
    assert check(text, "us", form) is not None, text


@DIFFERENTIAL
@given(us_labels(), st.sampled_from((None, "portion")))
def test_canonical_us_portions_are_read_fast(label: Label, form: str | None) -> None:
    text = _portion(label)
    assert check(text, "us", form) is not None, text
    assert check(text[1:-1], "us", "portion") is not None  # a portion mark given without ( )


@pytest.mark.parametrize(("scheme_id", "text"), CAPCO)
def test_the_allies_corpus_agrees(scheme_id: str, text: str) -> None:
    for form in FORMS:
        check(text, scheme_id, form)


@pytest.mark.parametrize(
    "text", [m for s, m in CAPCO if s == "jp" and not m.startswith("特定秘密")]
)
def test_canonical_japanese_markings_are_read_fast(text: str) -> None:
    assert check(text, "jp") is not None


@DIFFERENTIAL
@given(JAPANESE, st.sampled_from(FORMS))
def test_japanese_markings_agree(case: tuple[str, str], form: str | None) -> None:
    check(case[1], case[0], form)


@DIFFERENTIAL
@given(mutated(ANY_SOURCE), st.sampled_from(FORMS))
@example(("us", "SECRET//REL TO USA, GBR, JPN"), None)
@example(("us", "secret//REL TO USA, JPN"), None)
@example(("us", "SECRET//REL TO USA,  JPN"), None)
@example(("us", "SECRET//XYZZY"), None)
def test_mutated_markings_agree(case: tuple[str, str], form: str | None) -> None:
    check(case[1], case[0], form)


# ------------------------------------------------------------------------------ each way out

DECLINED = [
    ("us", "SECRET//REL TO JPN, USA"),  # REL TO out of order
    ("us", "SECRET//REL TO USA, GBR, FVEY"),  # GBR is inside FVEY
    ("us", "SECRET//REL TO USA"),  # one entry
    ("us", "SECRET//REL TO GBR, JPN"),  # no USA at the head
    ("us", "SECRET//REL TO USA, XYZ"),  # unknown code
    ("us", "SECRET//REL TO USA, BUR"),  # withdrawn code
    ("us", "SECRET//REL TO"),  # no list
    ("us", "SECRET//REL TO  USA, JPN"),  # two spaces after REL TO
    ("us", "SECRET//DISPLAY ONLY"),  # no list
    ("us", "SECRET//AUTHORIZED FOR RELEASE TO USA, JPN"),  # the long form
    ("us", "SECRET//REL TO USA, JPN/DISPLAY ONLY JPN"),  # JPN may already receive it
    ("us", "SECRET//NOFORN/RELIDO"),  # a conflict
    ("us", "TOP SECRET//HCS"),  # HCS requires NOFORN
    ("us", "UNCLASSIFIED//SI"),  # SCI needs a classified marking
    ("us", "TOP SECRET//SI//TK"),  # one category in two fields
    ("us", "SECRET//SI/NOFORN"),  # two categories in one field
    ("us", "TOP SECRET//TK/SI"),  # out of order
    ("us", "SECRET//NOFORN/NOFORN"),  # said twice
    ("us", "SECRET//RS"),  # a portion word in a banner
    ("us", "SECRET//FGIX"),  # starts like a list, is none
    ("us", "SECRET//SPECIAL ACCESS REQUIRED-BP"),  # a family's long form
    ("us", "SECRET//ORIGINATOR CONTROLLED"),  # a title
    ("us", "SECRET//orcon"),  # case
    ("us", "SECRET//ORCON "),  # a space
    ("us", "SECRET//"),  # an empty field
    ("us", "SECRET//ÖRCON"),  # not ASCII
    ("us", "CONTROLLED"),  # an alias of CUI
    ("us", "RESTRICTED"),  # not a US classification
    ("us", "//GBR SECRET//REL TO USA, GBR"),  # a foreign owner
    ("us", "//GBR SECRETS"),  # a foreign owner, an unknown level
    ("us", "NATO SECRET"),  # NATO's, without the leading //
    ("us", "SECRET//NOFORN\u200b"),  # not printable
    ("us", "(SECRET//NOFORN"),  # unbalanced
    ("us", "SECRET//NOFORN)"),  # unbalanced
    ("us", "S" * 5000),  # too long
    ("jp", "極秘//TOKUTEI HIMITSU"),  # an alias of 特定秘密
    ("jp", "極秘//USA ONLY"),  # another owner's ONLY
    ("jp", "特定秘密//REL TO JPN, USA"),  # a designation alone (the level is inferred)
    ("nato", "NATO SECRET//RELEASABLE TO JPN, GBR"),  # out of order, no head
]


@pytest.mark.parametrize(("scheme_id", "text"), DECLINED)
def test_unusual_markings_go_to_the_full_reader(scheme_id: str, text: str) -> None:
    assert check(text, scheme_id) is None


ACCEPTED = [
    ("us", "SECRET//FGI"),  # concealed foreign sources
    ("us", "SECRET//FGI DEU GBR"),
    ("us", "TOP SECRET//SI/TK//SAR-BP//NOFORN"),
    ("us", "SECRET//NOFORN//LIMDIS"),  # LIMDIS does not raise a SECRET tier
    ("us", "UNCLASSIFIED//FOUO"),  # FOUO raises UNCLASSIFIED to CONTROLLED
    ("us", "(S//REL TO USA, JPN)"),
    ("nato", "NATO SECRET//RELEASABLE TO JPN"),  # no head in NATO's list
]


@pytest.mark.parametrize(("scheme_id", "text"), ACCEPTED)
def test_canonical_markings_are_read_fast(scheme_id: str, text: str) -> None:
    assert check(text, scheme_id) is not None


def test_a_parenthesised_banner_is_left_to_the_full_reader() -> None:
    assert check("(S//NF)", "us", "banner") is None


def test_schemes_with_other_field_separators_are_not_read_fast() -> None:
    assert fast_tables(REGISTRY.scheme("gb")) is None
    assert check("SECRET//UK EYES ONLY", "gb") is None


def test_eyes_only_caveats_are_left_to_the_full_reader() -> None:
    # The UK scheme's separators keep it off the fast path; with '//' alone its
    # UK/US EYES ONLY caveat must still go to the full reader (it reads a whole field).
    scheme = value.replace(REGISTRY.scheme("gb"), field_separators=("//",), memo={})
    text = "SECRET//UK/US EYES ONLY"
    assert fast(text, scheme, None) is None
    expected = full(text, scheme, None)
    assert not isinstance(expected, LabelError)
    assert expected[0].releasable_to == frozenset({"GBR", "USA"})


def test_a_code_both_nation_and_group_is_left_to_the_full_reader() -> None:
    us = REGISTRY.scheme("us")
    names = {**us.nations.names, "FVEY": "Five Eyes, as a nation"}
    nations = value.replace(us.nations, names=MappingProxyType(names))
    scheme = value.replace(us, nations=nations, memo={})
    tables = fast_tables(scheme)
    assert tables is not None
    assert "FVEY" not in tables.codes
    assert "JPN" in tables.codes
    assert fast("SECRET//REL TO USA, JPN, FVEY", scheme, None) is None
    assert fast("SECRET//REL TO USA, JPN", scheme, None) is not None


def test_a_control_in_conflict_with_itself_is_never_read_fast() -> None:
    us = REGISTRY.scheme("us")
    categories = tuple(
        value.replace(
            category,
            controls=tuple(
                value.replace(c, conflicts=(*c.conflicts, c.token)) if c.token == "OC" else c
                for c in category.controls
            ),
        )
        for category in us.categories
    )
    scheme = value.replace(us, categories=categories, memo={})
    tables = fast_tables(scheme)
    assert tables is not None
    assert "ORCON" not in tables.single["banner"]
    assert "NOFORN" in tables.single["banner"]
    assert fast("SECRET//ORCON", scheme, None) is None
    assert fast("SECRET//ORCON/NOFORN", scheme, None) is None
    assert fast("SECRET//NOFORN", scheme, None) is not None


def test_access_expressions_are_kept_within_a_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(build, "_ACCESS_MEMO_MAX", 1)
    monkeypatch.setitem(REGISTRY.scheme("us").memo, "capco.access", {})
    # (a marking whose access tokens are in one field takes that field's expression)
    first = check("TOP SECRET//SI//SAR-KZ//NOFORN", "us")
    second = check("TOP SECRET//TK//SAR-KZ//NOFORN", "us")
    assert first is not None
    assert second is not None
    assert first[0].access.text == "SAR-KZ&SI"
    assert second[0].access.text == "SAR-KZ&TK"
    assert list(REGISTRY.scheme("us").memo["capco.access"]) == [("SAR-KZ", "TK")]


def test_label_fields_are_in_the_order_assemble_gives_them() -> None:
    # assemble() passes every field by position (the hot path): keep them in this order.
    assert [spec.name for spec in dataclasses.fields(Label)] == [
        "scheme", "level", "tier", "owner", "releasable_to", "rel_groups", "displayable_to",
        "display_groups", "access", "controls", "fgi", "declassify_on", "compilation_reason",
        "level_inferred", "origins", "original",
    ]  # fmt: skip
    slots = Label.__slots__  # type: ignore[attr-defined]  # set by @value, unknown to mypy
    assert slots == tuple(spec.name for spec in dataclasses.fields(Label))


# ------------------------------------------------------------------ fields kept, labels built


def test_fields_are_kept_within_a_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    scheme = REGISTRY.scheme("us")
    tables = fast_tables(scheme)
    assert tables is not None
    monkeypatch.setattr(fast_module, "FIELDS_MAX", 1)
    monkeypatch.setitem(tables.fields, "banner", {})
    assert check("SECRET//NOFORN", "us") is not None
    assert list(tables.fields["banner"]) == ["NOFORN"]
    assert check("SECRET//REL TO USA, JPN", "us") is not None
    assert list(tables.fields["banner"]) == ["REL TO USA, JPN"]  # emptied, then kept


def test_long_fields_are_read_but_not_kept() -> None:
    # an attacker sending long distinct fields cannot fill the table with them
    tables = fast_tables(REGISTRY.scheme("us"))
    assert tables is not None
    codes = sorted(c for c in tables.codes if tables.codes[c].nation and c != "USA")
    long_list = "REL TO USA, " + ", ".join(codes[:70])
    assert len(long_list) > fast_module.FIELD_MAX_CHARS
    assert check(f"SECRET//{long_list}", "us") is not None
    junk = "X" * (fast_module.FIELD_MAX_CHARS + 1)
    assert check(f"SECRET//{junk}", "us") is None
    assert long_list not in tables.fields["banner"]
    assert junk not in tables.fields["banner"]


def test_a_field_refused_once_is_refused_again_from_the_table() -> None:
    tables = fast_tables(REGISTRY.scheme("us"))
    assert tables is not None
    for _ in range(2):
        assert check("SECRET//REL TO JPN, USA", "us") is None  # the head out of its place
        assert check("SECRET//NOFORN/ORCON", "us") is None  # out of register order
    assert tables.fields["banner"]["REL TO JPN, USA"] is False
    assert tables.fields["banner"]["NOFORN/ORCON"] is False


def test_the_same_field_after_another_category_is_refused() -> None:
    # each field is read alone; the order between fields is checked per marking
    assert check("TOP SECRET//SI//NOFORN", "us") is not None
    assert check("TOP SECRET//NOFORN//SI", "us") is None
    assert check("TOP SECRET//NOFORN//NOFORN", "us") is None
    assert check("(TS//NF//SI)", "us") is None


def test_forget_empties_what_is_kept() -> None:
    scheme = REGISTRY.scheme("us")
    tables = fast_tables(scheme)
    assert tables is not None
    assert check("TOP SECRET//SI//NOFORN", "us") is not None
    assert tables.fields["banner"]
    assert "capco.access" in scheme.memo
    forget(scheme)
    assert not any(tables.fields.values())
    assert "capco.access" not in scheme.memo
    forget(REGISTRY.scheme("gb"))  # a scheme not read fast: nothing to empty
    assert check("TOP SECRET//SI//NOFORN", "us") is not None


def test_a_label_read_fast_is_an_ordinary_label() -> None:
    label = parse_uncached("SECRET//REL TO USA, JPN", "us")
    with _building():
        built = Label(
            **{spec.name: getattr(label, spec.name) for spec in dataclasses.fields(Label)}
        )
    assert type(label) is Label
    assert label == built
    assert hash(label) == hash(built)
    assert repr(label) == repr(built)
    with pytest.raises(dataclasses.FrozenInstanceError):
        label.level = "TS"  # type: ignore[misc]
    with _building():
        assert dataclasses.replace(label, original="") == label  # original is not compared
