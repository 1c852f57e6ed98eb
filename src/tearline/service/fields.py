"""Checks of free-text and position fields that people write: a title, a name, a reason.

Each refuses with an :class:`InvalidInput` that names the field, the rule and how to fix it,
so a use case checks what it is given before anything is written.
"""

from __future__ import annotations

import unicodedata

from tearline.errors import InvalidInput

__all__ = ["check_fields", "printable_text"]


def printable_text(value: str, what: str, limit: int) -> None:
    """Refuse text that could spoof a terminal or a log: control and format characters (an
    escape sequence, a bidirectional override), or more than ``limit`` characters."""
    if len(value) > limit:
        raise InvalidInput(f"{what} is {len(value)} characters long; at most {limit}")
    if value.isprintable():  # the common case, in C: no character of any category below
        return
    for column, char in enumerate(value, 1):
        if unicodedata.category(char) in {"Cc", "Cf", "Cs", "Co", "Cn"}:
            raise InvalidInput(
                f"{what} holds the control character U+{ord(char):04X} at column {column}; "
                "remove it"
            )


def check_fields(title: str, lat: float | None, lon: float | None) -> None:
    """Refuse a draft's title (empty, too long, control characters) or position (one
    coordinate without the other, or off the globe).

    Raises:
        InvalidInput: which field is wrong and how to fix it.
    """
    if not title.strip():
        raise InvalidInput("an item needs a title: --title TEXT")
    printable_text(title, "the title", 300)
    if (lat is None) != (lon is None):
        raise InvalidInput("give both --lat and --lon, or neither")
    if lat is not None and not -90 <= lat <= 90:
        raise InvalidInput(f"latitude {lat} is off the globe: use -90 to 90")
    if lon is not None and not -180 <= lon <= 180:
        raise InvalidInput(f"longitude {lon} is off the globe: use -180 to 180")
