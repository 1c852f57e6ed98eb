"""Pieces of marking text with their columns, and the checks every syntax's reader makes first."""

from __future__ import annotations

from tearline.errors import LabelError
from tearline.labels.value import field, value

__all__ = ["MAX_LENGTH", "Piece", "Reading", "describe_char", "lenient_key", "shown", "split"]

#: The longest marking accepted. A banner with every nation in REL TO is about 1,500 characters.
MAX_LENGTH = 4096


@value
class Piece:
    """A slice of the marking and the 1-based column of its first character."""

    text: str
    pos: int

    def strip(self) -> Piece:
        """The piece without surrounding whitespace, its column moved accordingly."""
        lead = len(self.text) - len(self.text.lstrip())
        return Piece(self.text.strip(), self.pos + lead)


def describe_char(char: str) -> str:
    """A character named so that any terminal can print it: ``U+0001``, ``byte 0xFF``."""
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # how Python carries an undecodable byte from the shell
        return f"byte 0x{code - 0xDC00:02X} (not UTF-8)"
    import unicodedata

    name = unicodedata.name(char, "")
    return f"U+{code:04X}" + (f" {name}" if name else "")


def shown(text: str, limit: int = 40) -> str:
    """``text`` quoted for a message: unprintable characters escaped, long text shortened."""
    cut = text if len(text) <= limit else text[: limit - 1] + "…"
    safe = "".join(
        ch if ch.isprintable() and not 0xD800 <= ord(ch) <= 0xDFFF else f"\\u{ord(ch):04x}"
        for ch in cut
    )
    return f"'{safe}'"


@value(frozen=False)
class Reading:
    """What one read of a marking has found so far: errors (strict) and changes (lenient)."""

    strict: bool
    errors: list[LabelError] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)

    def error(self, kind: str, message: str, pos: int) -> None:
        """Record a problem that no reading can fix."""
        self.errors.append(LabelError(kind, message, pos))

    def fix(self, kind: str, message: str, pos: int, change: str) -> None:
        """Record a problem a lenient reader fixes: an error when strict, a change when not."""
        if self.strict:
            self.error(kind, message, pos)
        elif change not in self.changes:
            self.changes.append(change)

    def raise_errors(self) -> None:
        """Raise the leftmost error (carrying all of them), if any was found."""
        if self.errors:
            ordered = tuple(sorted(self.errors, key=lambda e: e.position))
            first = ordered[0]
            raise LabelError(first.kind, first.message, first.position, ordered)

    def check_characters(self, text: str) -> bool:
        """Refuse overlong or empty text and unprintable characters; False to stop reading."""
        if len(text) > MAX_LENGTH:
            self.error(
                "syntax",
                f"the marking is {len(text)} characters long; a marking has at most "
                f"{MAX_LENGTH}: check that the right text was passed",
                MAX_LENGTH + 1,
            )
            return False
        if not text.strip():
            self.error(
                "syntax", "the marking is empty; write a classification such as SECRET or (S)", 1
            )
            return False
        if text.isprintable():  # every character printable, and so no lone surrogate (Cs)
            return True
        index, char = next((i, c) for i, c in enumerate(text) if not c.isprintable())
        self.error(
            "syntax",
            f"{describe_char(char)} at column {index + 1} cannot be part of a marking; "
            "remove it and type the marking again",
            index + 1,
        )
        return False


def _next(text: str, start: int, separators: tuple[str, ...]) -> tuple[int, str]:
    """The first of ``separators`` at or after ``start``: (index, separator), or (-1, "")."""
    if len(separators) == 1:
        index = text.find(separators[0], start)
        return (index, separators[0]) if index >= 0 else (-1, "")
    found = [(text.find(s, start), s) for s in separators]
    hits = [(index, s) for index, s in found if index >= 0]
    return min(hits, key=lambda hit: (hit[0], -len(hit[1]))) if hits else (-1, "")


def split(
    reading: Reading, piece: Piece, separator: str | tuple[str, ...], what: str
) -> list[Piece]:
    """Split ``piece`` on ``separator`` (or any of several); refuse spaces around one."""
    separators = (separator,) if isinstance(separator, str) else separator
    parts: list[Piece] = []
    start = 0
    text = piece.text
    previous = ""  # the separator before the current part ("" for the first part)
    while True:
        index, separator = _next(text, start, separators)
        end = len(text) if index < 0 else index
        part = Piece(text[start:end], piece.pos + start)
        stripped = part.strip() if part.text.strip() != part.text else part
        if stripped is not part:
            # Name the separator the spaces touch: leading spaces follow the previous one,
            # trailing spaces precede the next one ("" at either end of the piece is none).
            leading = stripped.pos > part.pos
            around = previous if leading and previous else separator or previous
            reading.fix(
                "syntax",
                f"space around {shown(stripped.text)} at column {part.pos}; "
                f"write {what} without spaces" + (f" around '{around}'" if around else ""),
                part.pos,
                f"removed spaces around '{around}'" if around else "removed surrounding spaces",
            )
        parts.append(stripped)
        if index < 0:
            return parts
        start = index + len(separator)
        previous = separator


def lenient_key(text: str) -> str:
    """The key a lenient reader matches on: no accents or macrons, upper case, single spaces.

    ``"chūi"`` and ``"CHUI"`` meet; full-width letters become ASCII.
    """
    if text.isascii():  # NFKD leaves ASCII as it is, and none of it is combining
        return " ".join(text.upper().split())
    import unicodedata  # a C extension: loaded for the first non-ASCII text

    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.upper().split())
