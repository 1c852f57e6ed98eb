"""The fast RFC 8785 canonicaliser writes exactly what the ``rfc8785`` package writes."""

from __future__ import annotations

from typing import Any

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from tearline.federation.jcs import canonical

_LIMIT = 2**53 - 1

# Characters where JSON escaping and UTF-16 key order are decided: controls, quote and
# backslash, DEL, U+2028/2029, the private use area against characters beyond the BMP.
_TRICKY = st.sampled_from(
    ["\x00", "\x08", "\t", "\n", "\x0b", "\x0c", "\r", "\x1f", '"', "\\", "/", "\x7f", "\u2028",
     "\u2029", "\ue000", "\uffff", "\U00010000", "\U0001f600", "é", "秘", "a", "b", "\ud800",
     "\udfff"]
)  # fmt: skip
_TEXT = st.lists(st.one_of(_TRICKY, st.characters(codec="utf-8")),
                 max_size=8).map("".join)  # fmt: skip
_INTS = st.one_of(
    st.integers(-_LIMIT, _LIMIT),
    st.sampled_from([0, -1, _LIMIT, -_LIMIT, _LIMIT + 1, -_LIMIT - 1, 2**64, 10**21]),
)
_FLOATS = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0.0, -0.0, 1e21, 1e20, 1e-7, 1e-6, 5e-324, 1.7976931348623157e308,
                     0.1, -1.5, 123456789012345680.0, 1e16, 9007199254740993.0,
                     1e-4, -1e-4, 0.00009999, 0.00012345, 35.6895, 139.6917, 35.0, -180.0,
                     9999999999999998.0, 4503599627370495.5, 1e15 + 0.5]),
)  # fmt: skip
_SCALARS = st.one_of(st.none(), st.booleans(), _INTS, _FLOATS, _TEXT)
_JSON = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5),
        st.lists(inner, max_size=3).map(tuple),
        st.dictionaries(_TEXT, inner, max_size=5),
    ),
    max_leaves=30,
)


# What the reference refuses with: its own errors, and UnicodeEncodeError for a lone surrogate
# in a key (met when it sorts the keys by their UTF-16 form).
_REFUSED = (rfc8785.CanonicalizationError, UnicodeEncodeError)


def _reference(value: Any) -> bytes | type[Exception]:
    try:
        return rfc8785.dumps(value)
    except _REFUSED as problem:
        return type(problem)


def _fast(value: Any) -> bytes | type[Exception]:
    try:
        return canonical(value)
    except _REFUSED as problem:
        return type(problem)


@settings(max_examples=2000, deadline=None)
@given(_JSON)
def test_the_same_bytes_as_rfc8785(value: Any) -> None:
    assert _fast(value) == _reference(value)


@settings(max_examples=500, deadline=None)
@given(st.dictionaries(_TEXT, _SCALARS, min_size=2, max_size=8))
def test_keys_sorted_by_utf16_code_units(value: dict[str, Any]) -> None:
    assert _fast(value) == _reference(value)


@pytest.mark.parametrize(
    "value",
    [
        {"\ue000": 1, "\U0001f600": 2},  # code points and UTF-16 disagree
        {"a": 1e21, "b": 1e-7, "c": -0.0, "d": 1.0},
        [_LIMIT + 1],
        {"a": "\ud800"},  # a lone surrogate
        {1: "not a string key"},
        {"x": float("nan")},
        {"x": float("inf")},
        {"x": {1, 2}},
        "\u2028\u2029\x7f\x00\x1f",
        [True, False, None, "", [], {}],
    ],
)
def test_edge_cases(value: Any) -> None:
    assert _fast(value) == _reference(value)


def test_nesting_beyond_the_recursion_limit_fails_as_the_reference_does() -> None:
    value: Any = []
    for _ in range(100_000):
        value = [value]
    with pytest.raises(RecursionError):
        rfc8785.dumps(value)
    with pytest.raises(RecursionError):
        canonical(value)


def test_floats_are_written_the_ecmascript_way() -> None:
    assert canonical([1.0, 2.5e-7, -0.0, 1e21]) == b"[1,2.5e-7,0,1e+21]"


def test_a_position_takes_the_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """Floats with a fractional part in [1e-4, 1e16) — positions, speeds — are written by
    the standard encoder (the same bytes: the Hypothesis test above); others still go to
    the reference."""
    expected = rfc8785.dumps({"lat": 35.6895, "lon": 139.6917, "speed": 0.0125})

    def refused(value: object) -> bytes:
        raise AssertionError("went to the reference")

    monkeypatch.setattr(rfc8785, "dumps", refused)
    assert canonical({"lat": 35.6895, "lon": 139.6917, "speed": 0.0125}) == expected
    with pytest.raises(AssertionError, match="reference"):
        canonical({"lon": 135.0})  # ECMAScript writes 135
