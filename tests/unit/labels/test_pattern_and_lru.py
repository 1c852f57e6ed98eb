"""Token patterns compiled on first use; the label core's LRU caches, without re or functools."""

from __future__ import annotations

import pickle
import re
from collections.abc import Iterator

import pytest

from tearline.errors import SchemeError
from tearline.labels.access.logic import dnf
from tearline.labels.lru import lru_cache
from tearline.labels.schemes import default_registry, load
from tearline.labels.schemes.pattern import TokenPattern

TEXTS = ["SP-ABC", "SP-", "sp-abc", "SP-ABC ", "SP-A1234567890123456", "XSP-AB", ""]


@pytest.mark.parametrize("text", TEXTS)
def test_a_token_pattern_matches_as_the_compiled_expression(text: str) -> None:
    expression = "SP-[A-Z][A-Z0-9]{1,15}"
    mine, theirs = TokenPattern(expression).fullmatch(text), re.compile(expression).fullmatch(text)
    assert (mine and mine.group()) == (theirs and theirs.group())


def test_a_token_pattern_compiles_once_and_compares_by_its_text() -> None:
    first = TokenPattern("RSV-[A-Z0-9]{3}")
    assert first.pattern == "RSV-[A-Z0-9]{3}"
    assert first.compiled() is first.compiled()
    assert first.fullmatch == first.compiled().fullmatch  # the compiled one's, from now on
    assert first == TokenPattern("RSV-[A-Z0-9]{3}") != TokenPattern("RSV-[A-Z]{3}")
    assert hash(first) == hash(TokenPattern("RSV-[A-Z0-9]{3}"))
    assert first != "RSV-[A-Z0-9]{3}"
    assert repr(first) == "TokenPattern('RSV-[A-Z0-9]{3}')"
    assert pickle.loads(pickle.dumps(first)) == first


def test_a_token_pattern_is_made_of_text_only() -> None:
    with pytest.raises(TypeError, match="a token pattern is a str, not bytes"):
        TokenPattern(b"SP-.*")  # type: ignore[arg-type]


def test_the_packaged_schemes_read_their_patterned_tokens() -> None:
    us = default_registry().scheme("us")
    control = us.control("SP-ABC")
    assert isinstance(control.pattern, TokenPattern)
    assert control.pattern.fullmatch("SP-ABC") is not None


def test_loading_every_scheme_refuses_a_pattern_that_is_not_an_expression() -> None:
    from tearline.labels.value import replace

    control = default_registry().scheme("us").control("SP-ABC")
    broken = replace(control, pattern=TokenPattern("SP-[A-Z"))

    class Scheme:
        id = "xx"

        @staticmethod
        def pattern_controls() -> Iterator[object]:
            return iter([broken])

    with pytest.raises(SchemeError, match=r"xx.toml control 'SP-\*': the pattern is not a reg"):
        load._check_patterns(Scheme())  # type: ignore[arg-type]
    assert load.load_registry(schemes=["us"]).scheme("us").control("SP-AB").token == "SP-*"


def test_the_lru_cache_bounds_counts_and_clears_as_functools_does() -> None:
    calls: list[int] = []

    @lru_cache(maxsize=2)
    def square(number: int) -> int:
        """Squares."""
        calls.append(number)
        if number < 0:
            raise ValueError(number)
        return number * number

    assert [square(2), square(2), square(3), square(4), square(2)] == [4, 4, 9, 16, 4]
    assert calls == [2, 3, 4, 2]  # 2 was the least recently used when 4 came
    assert square.cache_info() == (1, 4, 2, 2)  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match="-1"):
        square(-1)
    with pytest.raises(ValueError, match="-1"):
        square(-1)  # an exception is not cached
    square.cache_clear()  # type: ignore[attr-defined]
    assert square.cache_info() == (0, 0, 2, 0)  # type: ignore[attr-defined]
    wrapped = square.__wrapped__  # type: ignore[attr-defined]
    assert (square.__name__, square.__doc__, wrapped(5)) == ("square", "Squares.", 25)


def test_the_access_caches_are_lru_caches() -> None:
    assert dnf.__wrapped__.__name__ == "dnf"  # type: ignore[attr-defined]
    assert callable(dnf.cache_clear)  # type: ignore[attr-defined]
