"""Fuzzing ``parse``, ``parse_uncached`` and ``normalize`` with Hypothesis.

Whatever the text — any Unicode including lone surrogates, marking fragments glued together, or
grammar-built markings with random case and spacing — each function either returns a label or
raises :class:`~tearline.errors.LabelError` with a known ``kind``, a 1-based ``position`` inside
the text (or just past its end), and a non-empty message that encodes as UTF-8. Valid labels
survive a round trip through ``render`` in both forms, and ``normalize`` of a valid marking gives
the same label; the marking ``normalize`` writes is canonical (strict ``parse`` accepts it).

The regression tests at the end pin four bugs this fuzzing found (all fixed in src since):
DISPLAY ONLY lists covered by the release list, FGI lists mixing nations and groups, and two
``normalize`` results that strict ``parse`` refused.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tearline.errors import ERROR_KINDS, LabelError
from tearline.labels.model import Label
from tearline.labels.parse import normalize, parse, parse_uncached, render
from tearline.labels.schemes import default_registry

T = TypeVar("T")

US = default_registry().scheme("us")
NATIONS = US.nations

FUZZ = settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

# ---------------------------------------------------------------------------- strategies

#: Any Unicode text, lone surrogates (undecodable shell bytes) and control characters included.
any_text = st.text(alphabet=st.characters(exclude_categories=()), max_size=80)

FRAGMENTS = [
    "SECRET", "TOP SECRET", "CONFIDENTIAL", "UNCLASSIFIED", "RESTRICTED", "S", "TS", "C", "U",
    "//", "/", "REL TO", "REL TO ", "USA", "JPN", "GBR", "FVEY", "NATO", ", ", ",", "(", ")",
    "NOFORN", "NF", "ORCON", "OC", "RELIDO", "DISPLAY ONLY ", "FGI ", "SI", "TK", "HCS",
    "SAR-BP", "FOUO", "JOINT ", "CAN", "NATO SECRET", "NS", " ", "  ", "secret", "rel to",
    "noforn", "usa", "jpn", "s", "nf", "orcon", "-", "\t", "\u202e", "日本", "😀", "\udcff",
]  # fmt: skip

#: Text glued from marking fragments: mostly near-misses of real markings.
fragment_text = st.lists(st.sampled_from(FRAGMENTS), max_size=14).map("".join)

_BANNER = {"U": "UNCLASSIFIED", "R": "RESTRICTED", "C": "CONFIDENTIAL", "S": "SECRET",
           "TS": "TOP SECRET"}  # fmt: skip
_NATO_BANNER = {"U": "NATO UNCLASSIFIED", "R": "NATO RESTRICTED", "C": "NATO CONFIDENTIAL",
                "S": "NATO SECRET", "TS": "COSMIC TOP SECRET"}  # fmt: skip
_NATO_PORTION = {"U": "NU", "R": "NR", "C": "NC", "S": "NS", "TS": "CTS"}
_CODES = ["USA", "JPN", "GBR", "CAN", "AUS", "NZL", "KOR", "DEU", "FVEY", "NATO", "TEYE", "ACGU"]
_DISSEM = [("RSEN", "RS"), ("FOUO", "FOUO"), ("ORCON", "OC"), ("IMCON", "IMC"),
           ("NOFORN", "NF"), ("PROPIN", "PR")]  # fmt: skip


def US_PARSE(text: str) -> Label:  # noqa: N802 (a constant-like helper)
    return parse(text, "us")


def _classification(draw: st.DrawFn, level: str, portion: bool) -> str:
    word = level if portion else _BANNER[level]
    owner = draw(st.sampled_from(["", "", "GBR", "NATO", "JOINT"]))
    if owner == "NATO":
        return "//" + (_NATO_PORTION if portion else _NATO_BANNER)[level]
    if owner == "JOINT":
        owners = draw(st.lists(st.sampled_from(["CAN", "GBR", "USA", "AUS"]), min_size=2,
                               max_size=3, unique=True))  # fmt: skip
        return f"//JOINT {word} {' '.join(sorted(owners))}"
    return f"//{owner} {word}" if owner else word


def _codes(draw: st.DrawFn, min_size: int) -> list[str]:
    return draw(st.lists(st.sampled_from(_CODES), min_size=min_size, max_size=4, unique=True))


@st.composite
def grammar_markings(draw: st.DrawFn) -> str:
    """Markings built field by field; many are valid, the rest break one rule or another."""
    portion = draw(st.booleans())
    level = draw(st.sampled_from(list(_BANNER)))
    fields = [_classification(draw, level, portion)]
    sci = draw(st.lists(st.sampled_from(["HCS", "SI", "SI-G", "TK", "KDK", "RSV-ABC"]),
                        max_size=3, unique=True))  # fmt: skip
    if sci:
        fields.append("/".join(sorted(sci)))
    if draw(st.integers(0, 2)) == 0:
        fields.append(draw(st.sampled_from(["ATOMAL", "SAR-BP", "RD", "FRD", "UCNI", "DCNI"])))
    if draw(st.integers(0, 2)) == 0:
        fields.append(" ".join(["FGI", *_codes(draw, 0)]))
    dissem = [p if portion else b for b, p in _DISSEM if draw(st.integers(0, 4)) == 0]
    if draw(st.booleans()):
        codes = _codes(draw, 1)
        if draw(st.integers(0, 3)):
            codes = ["USA", *(c for c in sorted(codes) if c != "USA")]
        dissem.append("REL TO " + ", ".join(codes))
    if draw(st.integers(0, 4)) == 0:
        dissem.append("RELIDO")
    if draw(st.integers(0, 3)) == 0:
        dissem.append("DISPLAY ONLY " + ", ".join(_codes(draw, 1)))
    if dissem:
        fields.append("/".join(dissem))
    text = "//".join(fields)
    if portion:
        text = f"({text})"
    if draw(st.integers(0, 3)) == 0:
        text = text.lower()
    if draw(st.integers(0, 5)) == 0:
        text = text.replace("//", draw(st.sampled_from([" // ", "// ", "/ /"])), 1)
    return text


# ------------------------------------------------------------------------------ helpers


def check_error(problem: LabelError, text: str) -> None:
    """The invariants of every marking error, and of each error it carries."""
    assert problem.errors, "a LabelError carries at least itself"
    assert problem.errors[0].position == problem.position
    positions = [e.position for e in problem.errors]
    assert positions == sorted(positions), "errors are reported leftmost first"
    for error in (problem, *problem.errors):
        assert error.kind in ERROR_KINDS
        assert isinstance(error.message, str)
        assert error.message.strip()
        error.message.encode("utf-8")
        str(error).encode("utf-8")
        assert error.as_dict()["class"] == error.kind
        assert 1 <= error.position <= len(text) + 1, (text, error.position, error.message)


def check_round_trip(label: Label) -> None:
    """A valid label renders to markings that parse back to it, and normalize agrees."""
    banner = render(label)
    portion = render(label, form="portion")
    assert parse(banner, "us") == label, banner
    assert parse(portion, "us") == label, portion
    assert parse(banner, "us", form="banner") == label
    assert parse(portion, "us", form="portion") == label
    assert normalize(banner, "us").label == label
    assert normalize(banner, "us").changes == ()
    assert normalize(portion, "us").label == label
    assert render(parse(banner, "us")) == banner, "render is a fixed point"


def outcome(read: Callable[[str], T], text: str) -> T | LabelError:
    """What ``read(text)`` gives: its value, or the LabelError it raised (any other escapes)."""
    try:
        return read(text)
    except LabelError as problem:
        return problem


def check_text(text: str) -> None:
    """The whole contract for one input text."""
    strict = outcome(US_PARSE, text)
    uncached = outcome(lambda t: parse_uncached(t, "us"), text)
    if isinstance(strict, LabelError):
        check_error(strict, text)
        assert isinstance(uncached, LabelError)
        assert (uncached.kind, uncached.position) == (strict.kind, strict.position)
        label = None
    else:
        assert isinstance(strict, Label)
        assert uncached == strict
        check_round_trip(strict)
        label = strict
    normalized = outcome(lambda t: normalize(t, "us"), text)
    if isinstance(normalized, LabelError):
        check_error(normalized, text)
        assert label is None, "normalize accepts every marking strict parse accepts"
        return
    assert parse_uncached(text, "us", strict=False) == normalized.label
    if label is not None:
        assert normalized.label == label, "normalize of a valid marking gives the same label"
    assert normalized.form in ("banner", "portion")
    for change in normalized.changes:
        assert change.strip()
        change.encode("utf-8")
    assert parse(normalized.marking, "us") == normalized.label, normalized
    assert parse(normalized.portion, "us") == normalized.label, normalized
    if normalized.label != label:
        assert normalized.changes or text.strip() in (normalized.marking, normalized.portion)


# ---------------------------------------------------------------------------- properties


@FUZZ
@given(any_text)
@example("")
@example("SECRET\udcff//NOFORN")
@example("\u202eNROFON//TERCES")
@example("A" * 5000)
@example(" " * 10)
def test_any_text(text: str) -> None:
    check_text(text)


@FUZZ
@given(fragment_text)
@example("s//rel to jpn, usa")
@example("secret // nf/oc")
@example("SECRET//REL TO USA, JPN")
@example("(S//NF)")
def test_marking_fragments(text: str) -> None:
    check_text(text)


@settings(FUZZ, max_examples=1000)
@given(grammar_markings())
@example("//JOINT SECRET CAN GBR USA//REL TO USA, CAN, GBR, JPN")
@example("(TS//SI/TK//OC/NF)")
@example("//NATO SECRET//ATOMAL")
def test_grammar_markings(text: str) -> None:
    check_text(text)


@FUZZ
@given(grammar_markings(), st.data())
def test_errors_point_into_the_text(text: str, data: st.DataObject) -> None:
    """Damage a marking at one spot: the leftmost error is still inside the text."""
    index = data.draw(st.integers(0, len(text)))
    junk = data.draw(st.sampled_from(["\x01", "\udcff", "/", "//", ")", "(", "XX", " ", ","]))
    damaged = text[:index] + junk + text[index:]
    result = outcome(US_PARSE, damaged)
    if junk in ("\x01", "\udcff"):
        assert isinstance(result, LabelError)
    if isinstance(result, LabelError):
        check_error(result, damaged)
        if junk in ("\x01", "\udcff"):
            assert (result.kind, result.position) == ("syntax", index + 1)


@FUZZ
@given(st.sampled_from(sorted(NATIONS.names)), st.sampled_from(sorted(NATIONS.names)))
def test_rel_to_any_two_nations(first: str, second: str) -> None:
    codes = sorted({first, second} - {"USA"})
    text = "SECRET//REL TO " + ", ".join(["USA", *codes])
    label = outcome(US_PARSE, text)
    if isinstance(label, LabelError):
        check_error(label, text)
        assert not codes or any(c in NATIONS.deprecated for c in codes)
        return
    assert label.releasable_to == frozenset({"USA", *codes})
    check_round_trip(label)


# ------------------------------------------------------------- regressions found by fuzzing


@pytest.mark.parametrize(
    ("marking", "position"),
    [
        ("SECRET//DISPLAY ONLY USA", 9),
        ("SECRET//REL TO USA, JPN/DISPLAY ONLY JPN", 25),
        ("SECRET//REL TO USA, FVEY/DISPLAY ONLY GBR", 26),
    ],
)
def test_display_only_of_a_releasable_nation_is_a_conflict(marking: str, position: int) -> None:
    """Once rendered as ``DISPLAY ONLY `` with an empty list, which did not parse back."""
    with pytest.raises(LabelError) as caught:
        parse(marking, "us")
    assert (caught.value.kind, caught.value.position) == ("conflict", position)


def test_fgi_with_group_renders_nations_first() -> None:
    """Once rendered A–Z (``FGI FVEY JPN``), which the reader refuses (order)."""
    label = parse("SECRET//FGI JPN FVEY//NOFORN", "us")
    assert render(label) == "SECRET//FGI JPN FVEY//NOFORN"
    assert render(label, form="portion") == "(S//FGI JPN FVEY//NF)"
    assert parse(render(label), "us") == label


def test_normalize_adds_usa_to_a_foreign_rel_to() -> None:
    """Once said 'added USA at the head of REL TO' but wrote ``REL TO GBR, JPN``."""
    result = normalize("//GBR SECRET//REL TO JPN", "us")
    assert result.marking == "//GBR SECRET//REL TO USA, GBR, JPN"
    assert "added USA at the head of REL TO" in result.changes
    assert parse(result.marking, "us") == result.label


def test_normalize_drops_fgi_nation_covered_by_group() -> None:
    """Once said 'removed GBR from FGI' but left ``FGI GBR TEYE``, which parse refuses."""
    result = normalize("SECRET//FGI GBR TEYE//NOFORN", "us")
    assert result.marking == "SECRET//FGI TEYE//NOFORN"
    assert parse(result.marking, "us") == result.label
