"""The value: :class:`AccessExpression`, immutable and normalised, and :data:`EMPTY`."""

from __future__ import annotations

from itertools import pairwise

from tearline.errors import AccessExpressionError
from tearline.labels.access.limits import CACHE_MAX_CHARS
from tearline.labels.access.logic import (
    as_set,
    dnf,
    holds,
    implies_exact,
    implies_fallback,
    iter_tokens,
)
from tearline.labels.access.nodes import And, Node, Token
from tearline.labels.access.normal import normalise
from tearline.labels.lru import lru_cache
from tearline.labels.value import field, value

TYPE_CHECKING = False  # typing is not imported at run time (the command line starts faster)
if TYPE_CHECKING:
    from collections.abc import Collection, Iterable
    from typing import Final, final
else:

    def final(cls):  # typing.final marks a class for type checkers only
        return cls


#: Plain tokens (written without quotes) joined by ``&``: a conjunction's canonical text.
_PLAIN_NAME: Final = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.:/-"
_new = object.__new__
_set = object.__setattr__


def _ascending(names: tuple[str, ...]) -> bool:
    return all(a < b for a, b in pairwise(names))


def _token(name: str) -> Token:
    """A token node for a plain name (only ``_PLAIN_NAME`` characters: nothing left to check)."""
    node = _new(Token)
    _set(node, "name", name)
    return node


def _and(children: tuple[Token, ...]) -> And:
    """The conjunction node of token nodes already sorted by name and distinct."""
    node = _new(And)
    _set(node, "children", children)
    return node


@lru_cache(maxsize=4096)
def _parse_cached(text: str) -> AccessExpression:
    return AccessExpression(_parsed(text))


def _parsed(text: str) -> Node | None:
    """The tree of ``text`` (the parser is imported on first use: labels read from markings
    build their expressions from tokens and never need it)."""
    from tearline.labels.access.grammar import _Parser

    return _Parser(text).parse()


@final
@value(eq=False, repr=False)
class AccessExpression:
    """An immutable, normalised access expression; ``root`` is ``None`` for the empty one.

    Constructing one (directly or with :meth:`of`) normalises ``root``; two expressions are
    equal, and hash alike, exactly when their canonical :attr:`text` is the same.
    """

    root: Node | None = None
    _text: str = field(default="", init=False)

    def __post_init__(self) -> None:
        root, text = normalise(self.root)
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
        if len(value) <= CACHE_MAX_CHARS:
            return _parse_cached(value)
        return cls(_parsed(value))

    @classmethod
    def of(cls, root: Node | None) -> AccessExpression:
        """The expression whose tree is ``root`` (``None`` for the empty one), normalised."""
        return cls(root)

    @classmethod
    def all_of(cls, names: tuple[str, ...]) -> AccessExpression:
        """The conjunction of the tokens ``names`` (the empty expression for none), normalised.

        Equal to ``of(And(tuple(Token(n) for n in names)))``, and built without the general
        normaliser when the names are plain (unquoted) and already sorted and distinct, as a
        marking reader gives them. Raises :class:`AccessExpressionError` for a bad name.
        """
        if not names:
            return EMPTY
        text = "&".join(names)
        plain = all(name and not name.strip(_PLAIN_NAME) for name in names)
        if not plain or not _ascending(names):
            return cls(And(tuple(map(Token, names))))
        nodes = tuple(map(_token, names))
        made = _new(cls)
        _set(made, "root", nodes[0] if len(nodes) == 1 else _and(nodes))
        _set(made, "_text", text)
        return made

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
        held = as_set(authorizations)
        return self.root is None or holds(self.root, held)

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
        return frozenset(token.name for token in iter_tokens(self.root))

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
        return dnf(self.root)

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
        verdict = implies_exact(self.root, other.root)
        if verdict is None:
            return implies_fallback(self.root, other.root, self.tokens())
        return verdict

    def missing(self, authorizations: Collection[str]) -> frozenset[str]:
        """The fewest tokens that, added to ``authorizations``, would satisfy the expression.

        Empty when already satisfied. Among equally small answers the first in sorted order
        wins. Raises :class:`AccessExpressionError` when :meth:`dnf` would.
        """
        held = as_set(authorizations)
        if self.root is None or holds(self.root, held):
            return frozenset()
        needs = (term.difference(held) for term in self.dnf())
        return min(needs, key=lambda need: (len(need), sorted(need)))


#: The empty expression: no requirement, every reader may access.
EMPTY: Final = AccessExpression()
