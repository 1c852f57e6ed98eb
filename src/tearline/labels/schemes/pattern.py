"""A family of control tokens' regular expression (``SI-G-[A-Z]{4}``), compiled on first use.

Reading a marking whose every token is spelled out (``SECRET//NOFORN``) matches no family, so
neither :mod:`re` (with ``enum``, ``functools`` and ``collections`` behind it) is imported nor
is any expression compiled. It answers what the compiled :class:`re.Pattern` answers, and is
equal to another for the same expression text, as compiled patterns are.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing is not imported at run time (the command line starts faster)
if TYPE_CHECKING:
    import re

__all__ = ["TokenPattern"]


class TokenPattern:
    """The regular expression ``pattern``, compiled the first time it is used.

    After the first match, :meth:`fullmatch` is the compiled expression's own (kept on the
    instance), so a reader trying every family pays no extra call.
    """

    __slots__ = ("__dict__", "_compiled", "_pattern")

    def __init__(self, pattern: str) -> None:
        if not isinstance(pattern, str):
            raise TypeError(f"a token pattern is a str, not {type(pattern).__name__}")
        self._pattern = pattern
        self._compiled: re.Pattern[str] | None = None

    @property
    def pattern(self) -> str:
        """The expression's text, as :attr:`re.Pattern.pattern`."""
        return self._pattern

    def compiled(self) -> re.Pattern[str]:
        """The compiled expression (compiled now if it was not yet).

        Raises:
            re.error: the text is not a regular expression.
        """
        found = self._compiled
        if found is None:
            import re

            found = self._compiled = re.compile(self._pattern)
            self.__dict__["fullmatch"] = found.fullmatch
        return found

    def fullmatch(self, text: str) -> re.Match[str] | None:
        """:meth:`re.Pattern.fullmatch`: the match of all of ``text``, or ``None``."""
        return self.compiled().fullmatch(text)

    def __getstate__(self) -> str:
        return self._pattern

    def __setstate__(self, state: str) -> None:
        self._pattern = state
        self._compiled = None

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, TokenPattern):
            return NotImplemented
        return self._pattern == other._pattern

    def __hash__(self) -> int:
        return hash((TokenPattern, self._pattern))

    def __repr__(self) -> str:
        return f"TokenPattern({self._pattern!r})"
