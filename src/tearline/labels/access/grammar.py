"""The parser: strict Accumulo grammar, one pass, linear time, no recursion."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Final

from tearline.errors import AccessExpressionError
from tearline.labels.access.limits import MAX_DEPTH
from tearline.labels.access.nodes import And, Node, Or, Token, _bad_char_message, _describe

#: A token written bare (the characters of ``nodes._BARE``).
_BARE: Final = re.compile(r"[A-Za-z0-9_.:/-]+")

_PLAIN: Final = r"[^\"\\\x00-\x1f\x7f-\x9f\ud800-\udfff]"
_QUOTED_BODY: Final = re.compile(rf'{_PLAIN}*(?:\\["\\]{_PLAIN}*)*')
_UNESCAPE: Final = re.compile(r'\\(["\\])')


@dataclass(slots=True)
class _Group:
    """One nesting level being parsed: the top level, or the inside of one '('."""

    opened_at: int  # 1-based column of its '(', 0 for the top level
    operands: list[Node] = field(default_factory=list)
    operator: str = ""
    operator_at: int = 0  # column of the latest operator

    def close(self) -> Node:
        if len(self.operands) == 1:
            return self.operands[0]
        children = tuple(self.operands)
        return And(children) if self.operator == "&" else Or(children)


class _Parser:
    """An iterative, single-pass parser: linear time, bounded nesting, no recursion."""

    __slots__ = ("groups", "pos", "text", "want_operand")

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.groups = [_Group(0)]
        self.want_operand = True

    def parse(self) -> Node | None:
        end = len(self.text)
        while self.pos < end:
            if self.want_operand:
                self._operand()
            else:
                self._operator()
        return self._finish()

    def _operand(self) -> None:
        text, pos = self.text, self.pos
        char = text[pos]
        if char == "(":
            if len(self.groups) > MAX_DEPTH:
                raise AccessExpressionError(
                    f"parentheses are nested more than {MAX_DEPTH} deep at column {pos + 1}; "
                    "simplify the expression",
                    pos + 1,
                )
            self.groups.append(_Group(pos + 1))
            self.pos = pos + 1
            return
        if char == '"':
            token = self._quoted()
        else:
            match = _BARE.match(text, pos)
            if match is None:
                raise self._no_operand(char)
            token = Token(match.group())
            self.pos = match.end()
        self.groups[-1].operands.append(token)
        self.want_operand = False

    def _no_operand(self, char: str) -> AccessExpressionError:
        """The error for ``char`` standing where an access token or '(' must be."""
        column = self.pos + 1
        group = self.groups[-1]
        if char in "&|)" and group.operands:
            return AccessExpressionError(
                f"'{group.operator}' at column {group.operator_at} must be followed by an "
                f"access token or '(', not {_describe(char)} at column {column}",
                column,
            )
        if char == ")" and group.opened_at:
            return AccessExpressionError(
                f"empty parentheses '()' at column {group.opened_at}; put an access token "
                "or expression between them, or remove them",
                column,
            )
        if char == ")":
            return _unexpected_close(column)
        if char in "&|":
            return AccessExpressionError(
                f"'{char}' at column {column} has no access token or '(' before it; "
                f"an operator joins two operands, e.g. A{char}B",
                column,
            )
        return AccessExpressionError(_bad_char_message(char, column), column)

    def _quoted(self) -> Token:
        text, start = self.text, self.pos
        match = _QUOTED_BODY.match(text, start + 1)
        end = match.end() if match else start + 1
        if end < len(text) and text[end] == '"':
            if end == start + 1:
                raise AccessExpressionError(
                    f"empty quoted token '\"\"' at column {start + 1}; "
                    "a token needs at least one character",
                    start + 1,
                )
            self.pos = end + 1
            return Token(_UNESCAPE.sub(r"\1", text[start + 1 : end]))
        raise self._bad_quote(start, end)

    def _bad_quote(self, start: int, end: int) -> AccessExpressionError:
        """The error for a quoted token opened at ``start`` whose body stops at ``end``."""
        text = self.text
        if end >= len(text) or (text[end] == "\\" and end + 1 >= len(text)):
            return AccessExpressionError(
                f"the quoted token opened at column {start + 1} is never closed; "
                "add a '\"' at its end",
                start + 1,
            )
        if text[end] == "\\":
            return AccessExpressionError(
                f"invalid escape at column {end + 1}: a backslash followed by "
                f'{_describe(text[end + 1])}; inside quotes only \\" and \\\\ are allowed '
                "(write \\\\ for a backslash)",
                end + 1,
            )
        return AccessExpressionError(_bad_char_message(text[end], end + 1), end + 1)

    def _operator(self) -> None:
        char = self.text[self.pos]
        column = self.pos + 1
        if char in "&|":
            group = self.groups[-1]
            if group.operator and group.operator != char:
                raise AccessExpressionError(
                    f"'&' and '|' are mixed at one level at column {column}; "
                    "add parentheses, e.g. (A&B)|C",
                    column,
                )
            group.operator, group.operator_at = char, column
            self.want_operand = True
        elif char == ")":
            if len(self.groups) == 1:
                raise _unexpected_close(column)
            node = self.groups.pop().close()
            self.groups[-1].operands.append(node)
        elif char in '("' or _BARE.match(char):
            raise AccessExpressionError(
                f"missing '&' or '|' before {_describe(char)} at column {column}; "
                "join the parts with an operator",
                column,
            )
        else:
            raise AccessExpressionError(_bad_char_message(char, column), column)
        self.pos = column

    def _finish(self) -> Node | None:
        group = self.groups[-1]
        if self.want_operand and group.operands:
            raise AccessExpressionError(
                f"the expression ends after '{group.operator}' at column {group.operator_at}; "
                "add an access token or '(' after it",
                group.operator_at,
            )
        if len(self.groups) > 1:
            raise AccessExpressionError(
                f"'(' at column {group.opened_at} is never closed; add a ')'", group.opened_at
            )
        return group.close() if group.operands else None


def _unexpected_close(column: int) -> AccessExpressionError:
    return AccessExpressionError(
        f"unexpected ')' at column {column}; remove it or add a matching '(' before it", column
    )
