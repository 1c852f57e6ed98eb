"""Reasoning about expressions: evaluation, normal forms (DNF/CNF) and implication."""

from __future__ import annotations

from itertools import combinations

from tearline.errors import AccessExpressionError
from tearline.labels.access.limits import (
    MAX_RAW_TERMS,
    MAX_TERMS,
    MAX_TRUTH_TABLE_TOKENS,
    WORK_BUDGET,
)
from tearline.labels.access.nodes import And, Node, Or, Token
from tearline.labels.lru import lru_cache

TYPE_CHECKING = False  # typing is not imported at run time (the command line starts faster)
if TYPE_CHECKING:
    from collections.abc import Collection, Iterable, Iterator
    from collections.abc import Set as AbstractSet


def _too_complex() -> AccessExpressionError:
    return AccessExpressionError(
        f"expression too complex: its normal form would exceed {MAX_TERMS} terms "
        "or take too long to compute; simplify it or split it into smaller expressions",
        1,
    )


# ---------------------------------------------------------------------------------- evaluation


def holds(node: Node, authorizations: AbstractSet[str]) -> bool:
    if isinstance(node, Token):
        return node.name in authorizations
    if isinstance(node, And):
        return all(holds(child, authorizations) for child in node.children)
    return any(holds(child, authorizations) for child in node.children)


def as_set(authorizations: Collection[str]) -> AbstractSet[str]:
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


def iter_tokens(root: Node | None) -> Iterator[Token]:
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
        self.budget = WORK_BUDGET

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
            if len(terms) > MAX_RAW_TERMS:
                raise _too_complex()
        return self._minimise(terms)

    def _multiply(self, children: tuple[Node, ...]) -> list[frozenset[str]]:
        parts = [self.expand(child) for child in children]
        single = frozenset[str]().union(*(part[0] for part in parts if len(part) == 1))
        terms = [single]
        for part in sorted((part for part in parts if len(part) > 1), key=len):
            size = len(terms) * len(part)
            if size > MAX_RAW_TERMS:
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
                if len(kept) > MAX_TERMS:
                    raise _too_complex()
        return kept


def _sort_terms(terms: Iterable[frozenset[str]]) -> tuple[frozenset[str], ...]:
    return tuple(sorted(terms, key=lambda term: sorted(term)))


@lru_cache(maxsize=1024)
def dnf(root: Node | None) -> tuple[frozenset[str], ...]:
    """The disjunctive normal form of the expression rooted at ``root`` (limits apply)."""
    if root is None:
        return (frozenset(),)
    return _sort_terms(_Expander(And).expand(root))


def implies_exact(premise: Node, conclusion: Node) -> bool | None:
    """Whether ``premise`` implies ``conclusion``, or None when both normal forms are too big.

    Expressions are monotone, so it is enough to test ``conclusion`` on each term of the
    premise's DNF, or the premise without each clause of the conclusion's CNF.
    """
    try:
        return all(holds(conclusion, term) for term in dnf(premise))
    except AccessExpressionError:
        pass  # too big: try the conclusion's CNF
    try:
        clauses = _Expander(Or).expand(conclusion)
    except AccessExpressionError:
        return None
    held = frozenset(token.name for token in iter_tokens(premise))
    return not any(holds(premise, held - clause) for clause in clauses)


def implies_fallback(premise: Node, conclusion: Node, names: Iterable[str]) -> bool:
    """Exact by truth table over few ``names`` (the premise's tokens); otherwise true only when
    each conjunct of the conclusion is a conjunct of the premise (sound, may miss some)."""
    ordered = sorted(names)
    if len(ordered) <= MAX_TRUTH_TABLE_TOKENS:
        for size in range(len(ordered) + 1):
            for chosen in combinations(ordered, size):
                held = frozenset(chosen)
                if holds(premise, held) and not holds(conclusion, held):
                    return False
        return True
    return _conjuncts(conclusion) <= _conjuncts(premise)


def _conjuncts(node: Node) -> frozenset[Node]:
    return frozenset(node.children) if isinstance(node, And) else frozenset((node,))
