"""The expression tree (:class:`Token`, :class:`And`, :class:`Or`), token names and quoting.

Also the messages for characters that may not stand where they are, shared with the parser.
"""

from __future__ import annotations

from _collections_abc import Iterable  # collections.abc's own (it imports collections)

from tearline.errors import AccessExpressionError
from tearline.labels.value import value

TYPE_CHECKING = False  # typing is not imported at run time (the command line starts faster)
if TYPE_CHECKING:
    from typing import Final, TypeAlias, final
else:

    def final(cls):  # typing.final marks a class for type checkers only
        return cls


#: The characters of a token written bare (unquoted); any other needs quotes.
_BARE: Final = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.:/-"


# ---------------------------------------------------------------------------------- messages


def _describe(char: str) -> str:
    """One character as a message can show it: quoted when visible, else as ``U+XXXX``."""
    if char.isprintable() and not char.isspace():
        return f"'{char}'"
    return f"U+{ord(char):04X}"


def _bad_char_message(char: str, column: int) -> str:
    """What is wrong with a character that may not stand where it is, and how to fix it."""
    code = ord(char)
    shown = _describe(char)
    if 0xD800 <= code <= 0xDFFF:
        return (
            f"{shown} at column {column} is a lone surrogate, not a Unicode character "
            "(usually an undecodable input byte); fix the text's encoding"
        )
    if code < 0x20 or 0x7F <= code <= 0x9F:
        return (
            f"control character {shown} at column {column} is not allowed, "
            "even inside quotes; remove it"
        )
    if char.isspace():
        return (
            f"whitespace {shown} at column {column} is not allowed in an access expression; "
            'remove it, or quote a token that contains it, e.g. "A B"'
        )
    example = quote_token(f"A{char}B") if char.isprintable() else '"..."'
    return (
        f"character {shown} at column {column} is not allowed in an unquoted access token; "
        f"quote the token, e.g. {example}"
    )


# ---------------------------------------------------------------------------------- tokens


def _check_name(name: object) -> None:
    """Raise unless ``name`` can be an access token (a non-empty str of allowed characters)."""
    if not isinstance(name, str):
        raise AccessExpressionError(
            f"an access token must be a str, not {type(name).__name__}; pass its text", 1
        )
    if not name:
        raise AccessExpressionError(
            "an access token cannot be empty; give it at least one character", 1
        )
    if name.isascii() and name.isprintable():
        return  # nothing forbidden: no control character, no surrogate
    for column, char in enumerate(name, 1):
        if _forbidden(char):
            raise AccessExpressionError(_bad_char_message(char, column), column)


def _forbidden(char: str) -> bool:
    """A C0 or C1 control character, DEL or a lone surrogate: never part of a token."""
    code = ord(char)
    return code < 0x20 or 0x7F <= code <= 0x9F or 0xD800 <= code <= 0xDFFF


def quote_token(name: str) -> str:
    """``name`` as it is written in an expression: bare when it can be, else quoted and escaped.

    ``quote_token("SECRET") == "SECRET"``; ``quote_token('A "B"') == '"A \\\\"B\\\\""'``.
    Raises :class:`AccessExpressionError` for the empty name and for control characters or
    lone surrogates (the error's position is the column within ``name``).
    """
    _check_name(name)
    return _render(name)


def _render(name: str) -> str:
    """``quote_token`` for a name already checked."""
    if name and not name.strip(_BARE):
        return name
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


# ---------------------------------------------------------------------------------- nodes


def _check_children(children: object, kind: str) -> tuple[Node, ...]:
    """The children as a tuple, after checking that there is at least one and all are nodes."""
    if isinstance(children, str) or not isinstance(children, Iterable):
        raise AccessExpressionError(
            f"{kind} needs a tuple of nodes, not {type(children).__name__}", 1
        )
    checked: list[Node] = []
    for child in children:
        if not isinstance(child, Token | And | Or):
            raise AccessExpressionError(
                f"{kind} children must be Token, And or Or, not {type(child).__name__}", 1
            )
        checked.append(child)
    if not checked:
        raise AccessExpressionError(f"{kind} needs at least one child node", 1)
    return tuple(checked)


_set = object.__setattr__


@final
@value
class Token:
    """One access token; ``name`` is the authorization it requires, unquoted and unescaped."""

    name: str

    def __init__(self, name: str) -> None:  # its own: built for every token a new field names
        _check_name(name)
        _set(self, "name", name)


@final
@value
class And:
    """Holds when every child holds."""

    children: tuple[Node, ...]

    def __init__(self, children: tuple[Node, ...]) -> None:
        _set(self, "children", _check_children(children, "And"))


@final
@value
class Or:
    """Holds when at least one child holds."""

    children: tuple[Node, ...]

    def __init__(self, children: tuple[Node, ...]) -> None:
        _set(self, "children", _check_children(children, "Or"))


Node: TypeAlias = Token | And | Or
