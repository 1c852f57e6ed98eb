"""Apache Accumulo access expressions: parse, normalise, evaluate and reason about them.

An access expression says which authorizations a reader must hold, in the grammar of the Apache
accumulo-access ``SPECIFICATION.md``::

    access-expression = [expression]        ; the empty string is valid, always accessible
    expression        = (access-token / paren-expression) [and-expression / or-expression]
    paren-expression  = "(" expression ")"
    and-expression    = "&" (access-token / paren-expression) [and-expression]
    or-expression     = "|" (access-token / paren-expression) [or-expression]
    access-token      = 1*( ALPHA / DIGIT / "_" / "-" / "." / ":" / "/" )
    access-token      =/ DQUOTE 1*(unicode-subset / "\\" DQUOTE / "\\\\") DQUOTE

``&`` and ``|`` may not be mixed at one nesting level without parentheses, there is no
whitespace, and tokens compare after unquoting and unescaping.

Deliberate limits, all reported as :class:`~tearline.errors.AccessExpressionError`:

* Control characters (U+0000-U+001F, U+007F-U+009F) and lone surrogates are refused even inside
  quotes. The specification admits controls in quoted tokens but asks implementations to offer a
  way to limit authorizations to readable characters; invisible characters have no place in a
  security marking, and a lone surrogate (an undecodable byte) is not Unicode at all.
* Parentheses nest at most 100 deep, so no operation can exhaust the interpreter's stack.
* Normal forms (:meth:`AccessExpression.dnf`) are refused beyond 4096 terms, or when computing
  them would take unreasonable work.

Parsing is linear in the length of the text; results for texts up to 1024 characters are cached.

The module is pure: standard library only, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator
from collections.abc import Set as AbstractSet
from contextlib import suppress
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import combinations
from typing import Final, TypeAlias, final

from tearline.errors import AccessExpressionError

__all__ = [
    "EMPTY",
    "AccessExpression",
    "AccessExpressionError",
    "And",
    "Node",
    "Or",
    "Token",
    "quote_token",
]

#: Deepest parenthesis nesting :meth:`AccessExpression.parse` accepts.
_MAX_DEPTH: Final = 100
#: Most terms a normal form may have.
_MAX_TERMS: Final = 4096
#: Most terms a product or union may have before absorption shrinks it.
_MAX_RAW_TERMS: Final = 4 * _MAX_TERMS
#: Work units (set unions and subset tests) one normal-form computation may spend.
_WORK_BUDGET: Final = 2_000_000
#: Most token sets :meth:`AccessExpression.implies` enumerates exhaustively (2**16 sets).
_MAX_TRUTH_TABLE_TOKENS: Final = 16
#: Longest text whose parse result is kept in the cache.
_CACHE_MAX_CHARS: Final = 1024

_BARE: Final = re.compile(r"[A-Za-z0-9_.:/-]+")
_FORBIDDEN: Final = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_PLAIN: Final = r"[^\"\\\x00-\x1f\x7f-\x9f\ud800-\udfff]"
_QUOTED_BODY: Final = re.compile(rf'{_PLAIN}*(?:\\["\\]{_PLAIN}*)*')
_UNESCAPE: Final = re.compile(r'\\(["\\])')


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


def _too_complex() -> AccessExpressionError:
    return AccessExpressionError(
        f"expression too complex: its normal form would exceed {_MAX_TERMS} terms "
        "or take too long to compute; simplify it or split it into smaller expressions",
        1,
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
    bad = _FORBIDDEN.search(name)
    if bad is not None:
        column = bad.start() + 1
        raise AccessExpressionError(_bad_char_message(bad.group(), column), column)


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
    if _BARE.fullmatch(name):
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


@final
@dataclass(frozen=True, slots=True)
class Token:
    """One access token; ``name`` is the authorization it requires, unquoted and unescaped."""

    name: str

    def __post_init__(self) -> None:
        _check_name(self.name)


@final
@dataclass(frozen=True, slots=True)
class And:
    """Holds when every child holds."""

    children: tuple[Node, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "children", _check_children(self.children, "And"))


@final
@dataclass(frozen=True, slots=True)
class Or:
    """Holds when at least one child holds."""

    children: tuple[Node, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "children", _check_children(self.children, "Or"))


Node: TypeAlias = Token | And | Or


# ---------------------------------------------------------------------------------- parsing


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
            if len(self.groups) > _MAX_DEPTH:
                raise AccessExpressionError(
                    f"parentheses are nested more than {_MAX_DEPTH} deep at column {pos + 1}; "
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


# ---------------------------------------------------------------------------------- normalising


def _normalise(root: object) -> tuple[Node | None, str]:
    """The normal form of ``root`` and its canonical text, computed without recursion.

    Nested same-operator nodes are flattened, duplicate children dropped, children sorted by
    their canonical text and single-child nodes replaced by the child.
    """
    if root is None:
        return None, ""
    if not isinstance(root, Token | And | Or):
        raise AccessExpressionError(f"not an access expression node: {type(root).__name__}", 1)
    done: dict[int, Node] = {}  # id of an input node -> its normal form
    info: dict[int, tuple[str, int]] = {}  # id of a normal node -> (canonical text, depth)
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, ready = stack.pop()
        if id(node) in done:
            continue
        if isinstance(node, Token):
            done[id(node)] = node
            info[id(node)] = (_render(node.name), 0)
        elif ready:
            done[id(node)] = _combine(node, done, info)
        else:
            stack.append((node, True))
            stack.extend((child, False) for child in node.children)
    result = done[id(root)]
    return result, info[id(result)][0]


def _combine(node: And | Or, done: dict[int, Node], info: dict[int, tuple[str, int]]) -> Node:
    """The normal form of ``node``, whose children are already normalised in ``done``."""
    kind = type(node)
    parts: dict[str, Node] = {}
    for child in node.children:
        normal = done[id(child)]
        for part in normal.children if isinstance(normal, kind) else (normal,):
            parts.setdefault(info[id(part)][0], part)
    if len(parts) == 1:
        return next(iter(parts.values()))
    keys = sorted(parts)
    children = tuple(parts[key] for key in keys)
    depth = 1 + max(info[id(child)][1] for child in children)
    if depth > _MAX_DEPTH + 1:
        raise AccessExpressionError(
            f"the expression nests '&' and '|' more than {_MAX_DEPTH} levels deep; simplify it", 1
        )
    operator = "&" if kind is And else "|"
    text = operator.join(
        key if isinstance(child, Token) else f"({key})"
        for key, child in zip(keys, children, strict=True)
    )
    result = kind(children)
    info[id(result)] = (text, depth)
    return result


# ---------------------------------------------------------------------------------- evaluation


def _holds(node: Node, authorizations: AbstractSet[str]) -> bool:
    if isinstance(node, Token):
        return node.name in authorizations
    if isinstance(node, And):
        return all(_holds(child, authorizations) for child in node.children)
    return any(_holds(child, authorizations) for child in node.children)


def _as_set(authorizations: Collection[str]) -> AbstractSet[str]:
    value: object = authorizations
    if isinstance(value, str):
        raise AccessExpressionError(
            "authorizations must be a collection of token names, not a single str; "
            "wrap it, e.g. {'SECRET'}",
            1,
        )
    if isinstance(authorizations, set | frozenset):
        return authorizations
    return frozenset(authorizations)


def _iter_tokens(root: Node | None) -> Iterator[Token]:
    stack: list[Node] = [] if root is None else [root]
    while stack:
        node = stack.pop()
        if isinstance(node, Token):
            yield node
        else:
            stack.extend(node.children)


# ---------------------------------------------------------------------------------- normal forms


class _Expander:
    """Expands a tree into minimal token sets, within a work budget.

    With ``product=And`` the result is the disjunctive normal form (the expression holds iff one
    set is held entirely); with ``product=Or`` it is the conjunctive normal form (the expression
    holds iff every set has at least one token held).
    """

    __slots__ = ("budget", "product")

    def __init__(self, product: type[And] | type[Or]) -> None:
        self.product = product
        self.budget = _WORK_BUDGET

    def expand(self, node: Node) -> list[frozenset[str]]:
        if isinstance(node, Token):
            return [frozenset((node.name,))]
        if isinstance(node, self.product):
            return self._multiply(node.children)
        return self._unite(node.children)

    def _spend(self, work: int) -> None:
        self.budget -= work
        if self.budget < 0:
            raise _too_complex()

    def _unite(self, children: tuple[Node, ...]) -> list[frozenset[str]]:
        terms: set[frozenset[str]] = set()
        for child in children:
            terms.update(self.expand(child))
            if len(terms) > _MAX_RAW_TERMS:
                raise _too_complex()
        return self._minimise(terms)

    def _multiply(self, children: tuple[Node, ...]) -> list[frozenset[str]]:
        parts = [self.expand(child) for child in children]
        single = frozenset[str]().union(*(part[0] for part in parts if len(part) == 1))
        terms = [single]
        for part in sorted((part for part in parts if len(part) > 1), key=len):
            size = len(terms) * len(part)
            if size > _MAX_RAW_TERMS:
                raise _too_complex()
            self._spend(size)
            terms = self._minimise({term | other for term in terms for other in part})
        return terms

    def _minimise(self, terms: set[frozenset[str]]) -> list[frozenset[str]]:
        """``terms`` without those that contain another term (they add nothing)."""
        kept: list[frozenset[str]] = []
        smaller = 0  # kept[:smaller] are strictly smaller than the current term
        for term in sorted(terms, key=len):
            while smaller < len(kept) and len(kept[smaller]) < len(term):
                smaller += 1
            self._spend(smaller)
            if not any(kept[index] <= term for index in range(smaller)):
                kept.append(term)
                if len(kept) > _MAX_TERMS:
                    raise _too_complex()
        return kept


def _sort_terms(terms: Iterable[frozenset[str]]) -> tuple[frozenset[str], ...]:
    return tuple(sorted(terms, key=lambda term: sorted(term)))


@lru_cache(maxsize=1024)
def _dnf(expression: AccessExpression) -> tuple[frozenset[str], ...]:
    if expression.root is None:
        return (frozenset(),)
    return _sort_terms(_Expander(And).expand(expression.root))


def _implies_exact(premise: AccessExpression, conclusion: Node) -> bool | None:
    """Whether ``premise`` implies ``conclusion``, or None when both normal forms are too big.

    Expressions are monotone, so it is enough to test ``conclusion`` on each term of the
    premise's DNF, or the premise without each clause of the conclusion's CNF.
    """
    with suppress(AccessExpressionError):
        return all(_holds(conclusion, term) for term in premise.dnf())
    try:
        clauses = _Expander(Or).expand(conclusion)
    except AccessExpressionError:
        return None
    held = premise.tokens()
    return not any(premise.evaluate(held - clause) for clause in clauses)


def _implies_fallback(premise: Node, conclusion: Node, names: Iterable[str]) -> bool:
    """Exact by truth table over few ``names`` (the premise's tokens); otherwise true only when
    each conjunct of the conclusion is a conjunct of the premise (sound, may miss some)."""
    ordered = sorted(names)
    if len(ordered) <= _MAX_TRUTH_TABLE_TOKENS:
        for size in range(len(ordered) + 1):
            for chosen in combinations(ordered, size):
                held = frozenset(chosen)
                if _holds(premise, held) and not _holds(conclusion, held):
                    return False
        return True
    return _conjuncts(conclusion) <= _conjuncts(premise)


def _conjuncts(node: Node) -> frozenset[Node]:
    return frozenset(node.children) if isinstance(node, And) else frozenset((node,))


# ---------------------------------------------------------------------------------- the value


@lru_cache(maxsize=4096)
def _parse_cached(text: str) -> AccessExpression:
    return AccessExpression(_Parser(text).parse())


@final
@dataclass(frozen=True, slots=True, eq=False, repr=False)
class AccessExpression:
    """An immutable, normalised access expression; ``root`` is ``None`` for the empty one.

    Constructing one (directly or with :meth:`of`) normalises ``root``; two expressions are
    equal, and hash alike, exactly when their canonical :attr:`text` is the same.
    """

    root: Node | None = None
    _text: str = field(default="", init=False)

    def __post_init__(self) -> None:
        root, text = _normalise(self.root)
        object.__setattr__(self, "root", root)
        object.__setattr__(self, "_text", text)

    @classmethod
    def parse(cls, text: str) -> AccessExpression:
        """Parse ``text`` in the strict Accumulo grammar; ``""`` is the empty expression.

        Raises :class:`AccessExpressionError` (with the 1-based column of the problem) for
        anything else that is not a valid expression.
        """
        value: object = text
        if not isinstance(value, str):
            raise AccessExpressionError(
                f"an access expression must be a str, not {type(value).__name__}", 1
            )
        if len(value) <= _CACHE_MAX_CHARS:
            return _parse_cached(value)
        return cls(_Parser(value).parse())

    @classmethod
    def of(cls, root: Node | None) -> AccessExpression:
        """The expression whose tree is ``root`` (``None`` for the empty one), normalised."""
        return cls(root)

    @property
    def text(self) -> str:
        """The canonical text; ``AccessExpression.parse(e.text) == e`` for every ``e``."""
        return self._text

    @property
    def is_empty(self) -> bool:
        """True for the empty expression, which every reader satisfies."""
        return self.root is None

    def __str__(self) -> str:
        return self._text

    def __repr__(self) -> str:
        return f"AccessExpression.parse({self._text!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, AccessExpression):
            return NotImplemented
        return self._text == other._text

    def __hash__(self) -> int:
        return hash(self._text)

    def evaluate(self, authorizations: Collection[str]) -> bool:
        """True when a reader holding ``authorizations`` may access; always true when empty."""
        held = _as_set(authorizations)
        return self.root is None or _holds(self.root, held)

    def evaluate_all(self, authorization_sets: Iterable[Collection[str]]) -> bool:
        """True when every one of ``authorization_sets`` satisfies the expression.

        This is Accumulo's rule for several sets (e.g. a user's and a server's). With no sets at
        all the answer is that for one empty set: true only for the empty expression.
        """
        sets = list(authorization_sets)
        if not sets:
            return self.evaluate(frozenset())
        return all(self.evaluate(authorizations) for authorizations in sets)

    def tokens(self) -> frozenset[str]:
        """Every token name the expression mentions, unquoted."""
        return frozenset(token.name for token in _iter_tokens(self.root))

    def conjoin(self, other: AccessExpression) -> AccessExpression:
        """``self AND other``, normalised; the empty expression is the identity."""
        if other.root is None:
            return self
        if self.root is None:
            return other
        return AccessExpression(And((self.root, other.root)))

    def dnf(self) -> tuple[frozenset[str], ...]:
        """The disjunctive normal form: the expression holds iff some set is held entirely.

        Terms that repeat or contain another term are dropped; terms are ordered by their
        sorted names. The empty expression gives ``(frozenset(),)``. Raises
        :class:`AccessExpressionError` when the form would exceed 4096 terms.
        """
        return _dnf(self)

    def implies(self, other: AccessExpression) -> bool:
        """True when every authorization set that satisfies ``self`` also satisfies ``other``.

        Exact whenever the normal form of ``self`` or of ``other`` is within limits (expressions
        are monotone, so it is enough to test ``other`` on each term of ``self``'s DNF, or
        ``self`` against each clause of ``other``'s CNF), and otherwise by truth table when
        ``self`` has at most 16 tokens. Beyond that the answer is conservative: true only when
        each conjunct of ``other`` is a conjunct of ``self``. The empty ``other`` is always
        implied.
        """
        if other.root is None:
            return True
        if self.root is None:
            return False  # a non-empty expression always needs at least one token
        verdict = _implies_exact(self, other.root)
        if verdict is None:
            return _implies_fallback(self.root, other.root, self.tokens())
        return verdict

    def missing(self, authorizations: Collection[str]) -> frozenset[str]:
        """The fewest tokens that, added to ``authorizations``, would satisfy the expression.

        Empty when already satisfied. Among equally small answers the first in sorted order
        wins. Raises :class:`AccessExpressionError` when :meth:`dnf` would.
        """
        held = _as_set(authorizations)
        if self.root is None or _holds(self.root, held):
            return frozenset()
        needs = (term.difference(held) for term in self.dnf())
        return min(needs, key=lambda need: (len(need), sorted(need)))


#: The empty expression: no requirement, every reader may access.
EMPTY: Final = AccessExpression()
