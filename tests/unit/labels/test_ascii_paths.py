"""ASCII text skips ``unicodedata`` (loaded for the first non-ASCII text) with the same result."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from tearline.labels.codec import _nfc_text
from tearline.labels.syntax.text import lenient_key


def _lenient_key_through_unicode(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.upper().split())


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_an_ascii_lenient_key_is_the_unicode_one(text: str) -> None:
    assert lenient_key(text) == _lenient_key_through_unicode(text)


@given(st.text())
def test_any_lenient_key_is_the_unicode_one(text: str) -> None:
    assert lenient_key(text) == _lenient_key_through_unicode(text)


@given(st.text())
def test_nfc_text_is_unicode_nfc(text: str) -> None:
    assert _nfc_text(text) == unicodedata.normalize("NFC", text)


def test_examples() -> None:
    assert lenient_key("  chūi  himitsu ") == "CHUI HIMITSU"
    assert lenient_key("rel  to usa") == "REL TO USA"
    assert _nfc_text("e\u0301") == "\u00e9"
