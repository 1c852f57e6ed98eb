"""Tests for tearline.labels.access: the Accumulo conformance suite, units and properties.

The conformance data is Apache accumulo-access ``testdata.json`` (Apache-2.0; licence and notice
beside it in ``tests/fixtures``), copied unmodified from ``/work/shared/conformance``.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Collection, Iterator
from itertools import chain, combinations
from pathlib import Path
from typing import Any, cast

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tearline.errors import AccessExpressionError
from tearline.labels.access import (
    EMPTY,
    AccessExpression,
    And,
    Node,
    Or,
    Token,
    quote_token,
)

P = AccessExpression.parse

# ---------------------------------------------------------------------------------- conformance

DATA_NAME = "accumulo-access-testdata.json"
DATA_SHA256 = "d79706ca28b47dcf26a00d3417564bd21d954062ead5440d4b1257d98df897f3"
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
FIXTURE = FIXTURES / DATA_NAME


def shared_copy() -> Path | None:
    """The original in the shared conformance folder beside the checkout, when there is one."""
    parents = Path(__file__).resolve().parents
    if len(parents) <= 4:
        return None
    candidate = parents[4] / "shared" / "conformance" / DATA_NAME
    return candidate if candidate.is_file() else None


def conformance_cases() -> Iterator[Any]:
    """One pytest param per (test set, expected result, expression)."""
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    for number, test_set in enumerate(data):
        auths = [frozenset(auth) for auth in test_set["auths"]]
        for test in test_set["tests"]:
            for index, expression in enumerate(test["expressions"]):
                name = f"{number}-{test['expectedResult']}-{index}-{expression!r}"
                yield pytest.param(
                    test_set["description"], test["expectedResult"], expression, auths, id=name
                )


CONFORMANCE = list(conformance_cases())


def test_fixture_is_the_documented_upstream_file() -> None:
    assert hashlib.sha256(FIXTURE.read_bytes()).hexdigest() == DATA_SHA256
    assert (FIXTURES / "accumulo-access-LICENSE.txt").is_file()
    assert "Apache" in (FIXTURES / "accumulo-access-NOTICE.txt").read_text(encoding="utf-8")


def test_fixture_matches_the_shared_original() -> None:
    original = shared_copy()
    if original is None:
        if os.environ.get("CI"):  # CI lays shared/ beside the checkout: never skip there
            pytest.fail("the shared conformance folder is missing in CI")
        pytest.skip("the shared conformance folder is not beside this checkout")
    assert original.read_bytes() == FIXTURE.read_bytes()


def test_conformance_case_counts() -> None:
    results = [case.values[1] for case in CONFORMANCE]
    assert len(results) == 242
    assert results.count("ACCESSIBLE") == 82
    assert results.count("INACCESSIBLE") == 47
    assert results.count("ERROR") == 113


@pytest.mark.parametrize(("description", "expected", "expression", "auths"), CONFORMANCE)
def test_conformance(
    description: str, expected: str, expression: str, auths: list[frozenset[str]]
) -> None:
    if expected == "ERROR":
        with pytest.raises(AccessExpressionError) as caught:
            P(expression)
        assert 1 <= caught.value.position <= len(expression) + 1
        assert caught.value.message.isprintable()
        return
    parsed = P(expression)
    assert parsed.evaluate_all(auths) is (expected == "ACCESSIBLE"), description
    canonical = P(parsed.text)
    assert canonical == parsed
    assert canonical.text == parsed.text
    assert canonical.evaluate_all(auths) is parsed.evaluate_all(auths)


# ---------------------------------------------------------------------------------- canonical form


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("B&(A&B)", "A&B"),
        ("(one)", "one"),
        ("b|(a&c)", "(a&c)|b"),
        ("a|(b&c)", "a|(b&c)"),
        ("((a|b)|c)&(d&e)", "(a|b|c)&d&e"),
        ("(((x)))", "x"),
        ("a|a|a", "a"),
        ("(a&b)|(b&a)", "a&b"),
        ('"a_b"', "a_b"),
        ('"A#C"', '"A#C"'),
        ('"A\\"C"&"A\\\\C"', '"A\\"C"&"A\\\\C"'),
        ('"五"|"四"', '"五"|"四"'),
        ('"x y"', '"x y"'),
        ("", ""),
    ],
)
def test_canonical_text(text: str, canonical: str) -> None:
    expression = P(text)
    assert expression.text == canonical
    assert str(expression) == canonical
    assert P(canonical) == expression


def test_equality_and_hash_follow_the_canonical_form() -> None:
    assert P("A|B") == P("B|A")
    assert hash(P("A|(B&C)")) == hash(P("(C&B)|A"))
    assert len({P("A&B"), P("B&A"), P("(A)&B")}) == 1
    assert P("A&B") != P("A|B")
    assert P("A") != "A"


def test_empty_expression() -> None:
    assert P("") == EMPTY
    assert AccessExpression.of(None) == EMPTY
    assert EMPTY.is_empty
    assert not P("A").is_empty
    assert EMPTY.text == ""
    assert EMPTY.tokens() == frozenset()
    assert EMPTY.evaluate(set())
    assert repr(EMPTY) == "AccessExpression.parse('')"


def test_of_normalises_trees() -> None:
    tree = And((Token("b"), Or((Token("a"),)), And((Token("b"), Token("c")))))
    assert AccessExpression.of(tree) == P("a&b&c")
    assert AccessExpression.of(tree).root == And((Token("a"), Token("b"), Token("c")))
    assert AccessExpression(Token("x")) == P("x")
    assert AccessExpression.of(Token('q"t')).text == '"q\\"t"'


@pytest.mark.parametrize(
    "names",
    [
        ("SI",),
        ("SI", "SI-G", "TK"),
        ("A.b:c/d_e-1", "Z"),
        ("TK", "SI"),  # not sorted: the general normaliser sorts them
        ("SI", "SI"),  # repeated: dropped
        ("A B", "SI"),  # quoted in the text
        ("\u00e9", "A"),  # quoted, and sorts after the plain one
        ("A&B",),  # one name with an operator in it: quoted
        ("A", "B&C"),
    ],
)
def test_all_of_is_the_normalised_conjunction(names: tuple[str, ...]) -> None:
    made = AccessExpression.all_of(names)
    general = AccessExpression.of(And(tuple(Token(name) for name in names)))
    assert made == general
    assert made.root == general.root
    assert made.text == general.text


def test_all_of_of_nothing_is_empty_and_bad_names_are_refused() -> None:
    assert AccessExpression.all_of(()) is EMPTY
    for bad in (("",), ("A", "B\x00")):
        with pytest.raises(AccessExpressionError):
            AccessExpression.all_of(bad)


@given(st.lists(st.text(alphabet='AB_-.:/&" 9', min_size=1, max_size=3), max_size=4))
def test_all_of_matches_the_normaliser_on_any_names(names: list[str]) -> None:
    made = AccessExpression.all_of(tuple(names))
    general = AccessExpression.of(And(tuple(map(Token, names))) if names else None)
    assert (made.root, made.text) == (general.root, general.text)


def test_of_flattens_very_deep_same_operator_trees_without_recursion() -> None:
    node: Node = Token("x0")
    for index in range(100_000):
        node = And((node, Token(f"x{index % 3}")))
    assert AccessExpression.of(node).text == "x0&x1&x2"


def test_parse_results_are_cached() -> None:
    text = "cached&(result|value)"
    assert P(text) is P(text)


def test_tokens_are_unquoted() -> None:
    expression = P('("A\\"C"|B)&("A#C"|"A\\\\C")')
    assert expression.tokens() == frozenset({'A"C', "B", "A#C", "A\\C"})


@pytest.mark.parametrize(
    ("name", "quoted"),
    [
        ("SECRET", "SECRET"),
        ("a_b-c/d:e.f", "a_b-c/d:e.f"),
        ("A#C", '"A#C"'),
        ('A "B"', '"A \\"B\\""'),
        ("back\\slash", '"back\\\\slash"'),
        ("五", '"五"'),
    ],
)
def test_quote_token(name: str, quoted: str) -> None:
    assert quote_token(name) == quoted
    assert P(quoted).tokens() == {name}


@pytest.mark.parametrize("name", ["", "a\x00b", "\udcff", "tab\there"])
def test_quote_token_rejects_impossible_names(name: str) -> None:
    with pytest.raises(AccessExpressionError):
        quote_token(name)
    with pytest.raises(AccessExpressionError):
        Token(name)


def test_bad_nodes_raise_access_expression_errors() -> None:
    bogus: Any = "A"
    with pytest.raises(AccessExpressionError):
        And(())
    with pytest.raises(AccessExpressionError):
        Or((bogus,))
    with pytest.raises(AccessExpressionError):
        And(bogus)
    with pytest.raises(AccessExpressionError):
        Token(cast(Any, 3))
    with pytest.raises(AccessExpressionError):
        AccessExpression.of(bogus)
    with pytest.raises(AccessExpressionError):
        P(cast(Any, b"A"))


# ---------------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("text", "position", "fragment"),
    [
        ("A&B|C", 4, "'&' and '|' are mixed at one level at column 4; add parentheses"),
        ("A|B&C", 4, "mixed"),
        ("(A&B)|(C&D)&(E)", 12, "mixed"),
        ("()", 2, "empty parentheses"),
        ("A&", 2, "ends after '&'"),
        ("(", 1, "never closed"),
        ("((A)", 1, "'(' at column 1 is never closed"),
        (")", 1, "unexpected ')' at column 1"),
        ("A)", 2, "unexpected ')' at column 2"),
        ("(A))", 4, "unexpected ')' at column 4"),
        ("A&)", 3, "not ')' at column 3"),
        ("a&&b", 3, "must be followed by an access token"),
        ("&A", 1, "no access token or '(' before it"),
        ("(A)B", 4, "missing '&' or '|'"),
        ("one(five)", 4, "missing '&' or '|'"),
        ('"a"b', 4, "missing '&' or '|'"),
        ('"\\c"', 2, "invalid escape"),
        ('"abc', 1, "never closed"),
        ('"ab\\', 1, "never closed"),
        ('""', 1, "empty quoted token"),
        (" ", 1, "whitespace U+0020"),
        ("A B", 2, "whitespace"),
        ("A$B", 2, 'quote the token, e.g. "A$B"'),
        ("A\\B", 2, 'e.g. "A\\\\B"'),
        ("五", 1, "quote the token"),
        ('A&"x\x00"', 5, "control character U+0000"),
        ("\udcff", 1, "U+DCFF"),
    ],
)
def test_error_positions_and_messages(text: str, position: int, fragment: str) -> None:
    with pytest.raises(AccessExpressionError) as caught:
        P(text)
    error = caught.value
    assert error.position == position
    assert fragment in error.message
    assert error.message.isprintable()
    assert f"(column {position})" in str(error)


def test_deep_nesting_is_an_error_not_a_crash() -> None:
    with pytest.raises(AccessExpressionError) as caught:
        P("(" * 100_000)
    assert caught.value.position == 101
    assert "nested" in caught.value.message
    with pytest.raises(AccessExpressionError):
        P("(" * 100_000 + "A" + ")" * 100_000)
    with pytest.raises(AccessExpressionError) as closing:
        P(")" * 100_000)
    assert closing.value.position == 1


def test_nesting_up_to_the_limit_works() -> None:
    assert P("(" * 100 + "A" + ")" * 100).text == "A"
    text = "a0"
    for level in range(1, 102):  # 101 alternating levels: the outer '|', then '&', ...
        text = f"(b{level}{'|' if level % 2 else '&'}{text})"
    expression = P(text[1:-1])  # parentheses 100 deep: the limit
    assert P(expression.text) == expression
    even = {f"b{level}" for level in range(2, 101, 2)}
    assert expression.evaluate(even | {"a0"})
    assert not expression.evaluate(even)
    assert expression.missing(even) == {"a0"}
    assert expression.missing(set()) == {"b101"}
    assert len(expression.dnf()) == 52
    with pytest.raises(AccessExpressionError, match="levels deep"):
        expression.conjoin(P("c|d"))  # would need parentheses 101 deep
    with pytest.raises(AccessExpressionError, match="nested"):
        P(f"{text}&c")


def test_megabyte_inputs_are_handled() -> None:
    with pytest.raises(AccessExpressionError) as caught:
        P("A&" * 500_000)
    assert caught.value.position == 1_000_000
    assert P("A&" * 500_000 + "A").text == "A"
    long_name = "x" * 1_000_000
    assert P(f'"{long_name}"').tokens() == {long_name}
    wide = P("|".join(f"t{index}" for index in range(100_000)))
    assert wide.evaluate({"t99999"})
    with pytest.raises(AccessExpressionError, match="too complex"):
        wide.dnf()


@pytest.mark.parametrize(
    "text",
    ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\t", "\n", "\r\n", "A&\x07", '"a\x1bb"', '"\x7f"'],
)
def test_control_characters_are_refused(text: str) -> None:
    with pytest.raises(AccessExpressionError) as caught:
        P(text)
    assert "U+" in caught.value.message
    assert caught.value.message.isprintable()


@pytest.mark.parametrize("text", ["\udcff", "A&\udcff", '"a\udcffb"', "(\ud800)", "A|B\udfff"])
def test_lone_surrogates_are_refused_with_printable_messages(text: str) -> None:
    with pytest.raises(AccessExpressionError) as caught:
        P(text)
    error = caught.value
    assert "lone surrogate" in error.message
    error.message.encode("utf-8")
    str(error).encode("utf-8")
    assert error.message.isprintable()


# ---------------------------------------------------------------------------------- evaluation


def test_evaluate_and_evaluate_all() -> None:
    expression = P("(A&B)|C")
    assert expression.evaluate({"A", "B"})
    assert expression.evaluate(["C"])
    assert not expression.evaluate(("A",))
    assert expression.evaluate_all([{"A", "B"}, {"C"}])
    assert not expression.evaluate_all([{"A", "B"}, {"A"}])
    assert not expression.evaluate_all([])  # like one empty set
    assert EMPTY.evaluate_all([])
    assert EMPTY.evaluate_all([set(), {"A"}])


def test_a_single_string_is_not_taken_for_a_set_of_letters() -> None:
    with pytest.raises(AccessExpressionError):
        P("S").evaluate("SECRET")
    with pytest.raises(AccessExpressionError):
        P("S").evaluate_all(["SECRET"])


def test_conjoin() -> None:
    assert P("A|B").conjoin(P("C")).text == "(A|B)&C"
    assert P("A&B").conjoin(P("B&C")).text == "A&B&C"
    assert EMPTY.conjoin(P("A")) == P("A")
    assert P("A").conjoin(EMPTY) == P("A")
    assert EMPTY.conjoin(EMPTY) == EMPTY


def test_dnf() -> None:
    assert P("(A|B)&(C|D)").dnf() == (
        frozenset({"A", "C"}),
        frozenset({"A", "D"}),
        frozenset({"B", "C"}),
        frozenset({"B", "D"}),
    )
    assert P("A|(A&B)").dnf() == (frozenset({"A"}),)
    assert P("(A&B)|(B&A)|C").dnf() == (frozenset({"A", "B"}), frozenset({"C"}))
    assert EMPTY.dnf() == (frozenset(),)
    assert P('"x y"').dnf() == (frozenset({"x y"}),)


def test_dnf_refuses_to_blow_up() -> None:
    explosive = P("&".join(f"(a{index}|b{index})" for index in range(13)))  # 8192 terms
    with pytest.raises(AccessExpressionError, match="too complex") as caught:
        explosive.dnf()
    assert caught.value.position == 1
    assert len(P("&".join(f"(a{index}|b{index})" for index in range(12))).dnf()) == 4096


def test_missing() -> None:
    expression = P("(A&B)|(C&D&E)")
    assert expression.missing({"C"}) == {"A", "B"}  # a tie: the first in sorted order
    assert expression.missing({"C", "D"}) == {"E"}
    assert expression.missing({"A", "B"}) == frozenset()
    assert EMPTY.missing(set()) == frozenset()
    assert P("X&(Y|Z)").missing(set()) == {"X", "Y"}


def test_implies() -> None:
    assert P("A&B").implies(P("A"))
    assert not P("A").implies(P("A&B"))
    assert P("A").implies(P("A|B"))
    assert P("A&(B|C)").implies(P("(A&B)|(A&C)"))
    assert P("(A&B)|(A&C)").implies(P("A&(B|C)"))
    assert P("A").implies(EMPTY)
    assert EMPTY.implies(EMPTY)
    assert not EMPTY.implies(P("A"))


def test_implies_for_large_expressions() -> None:
    # 27 tokens and 8192 DNF terms: the premise's DNF is too big, the conclusion's CNF is not.
    big = P("&".join(f"(a{index}|b{index})" for index in range(13)) + "&x")
    assert big.implies(P("x"))
    assert big.implies(P("a0|b0"))
    assert big.implies(P("a0|b0|c"))
    assert big.implies(P("x&(a3|b3)"))
    assert not big.implies(P("a0"))
    assert not P("x").implies(big)
    assert big.implies(big)


def test_implies_is_conservative_when_nothing_can_be_expanded() -> None:
    # Both the premise's DNF and the conclusion's CNF have 8192 terms, with 52+ tokens.
    products = "&".join(f"(a{index}|b{index})" for index in range(13))
    sums = "|".join(f"(c{index}&d{index})" for index in range(13))
    assert P(f"{products}&({sums})").implies(P(sums))  # provable: a conjunct of the premise
    assert P(f"{products}&({sums})&e").implies(P(f"({sums})&e"))
    # True (x is required by the premise and enough for the conclusion), but not provable by
    # the conservative check: the answer errs on the safe side.
    assert not P(f"{products}&x").implies(P(f"{sums}|x"))


# ---------------------------------------------------------------------------------- properties

NAMES = ["a", "b", "c", "d", "A1", "x y", 'q"t', "back\\slash", "五"]
SMALL_NAMES = ["a", "b", "c", "d", "x y"]


def trees(names: list[str]) -> st.SearchStrategy[Node]:
    def extend(children: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
        groups = st.lists(children, min_size=1, max_size=4).map(tuple)
        return st.one_of(groups.map(And), groups.map(Or))

    return st.recursive(st.sampled_from(names).map(Token), extend, max_leaves=10)


def expressions(names: list[str] = NAMES) -> st.SearchStrategy[AccessExpression]:
    return st.one_of(st.just(EMPTY), trees(names).map(AccessExpression.of))


def render_raw(node: Node) -> str:
    """A tree written as it is, without normalising: every compound child in parentheses."""
    if isinstance(node, Token):
        return quote_token(node.name)
    operator = "&" if isinstance(node, And) else "|"
    return operator.join(
        render_raw(child) if isinstance(child, Token) else f"({render_raw(child)})"
        for child in node.children
    )


def holds_raw(node: Node, held: Collection[str]) -> bool:
    if isinstance(node, Token):
        return node.name in held
    results = (holds_raw(child, held) for child in node.children)
    return all(results) if isinstance(node, And) else any(results)


def subsets(names: Collection[str]) -> Iterator[frozenset[str]]:
    ordered = sorted(names)
    return (
        frozenset(chosen)
        for chosen in chain.from_iterable(
            combinations(ordered, size) for size in range(len(ordered) + 1)
        )
    )


@given(expressions(), expressions())
def test_conjoin_is_commutative(left: AccessExpression, right: AccessExpression) -> None:
    assert left.conjoin(right) == right.conjoin(left)
    assert left.conjoin(right).text == right.conjoin(left).text


@given(expressions(), expressions(), expressions())
def test_conjoin_is_associative(
    first: AccessExpression, second: AccessExpression, third: AccessExpression
) -> None:
    assert first.conjoin(second).conjoin(third) == first.conjoin(second.conjoin(third))


@given(expressions())
def test_conjoin_is_idempotent(expression: AccessExpression) -> None:
    assert expression.conjoin(expression) == expression


@given(expressions(), expressions(), st.frozensets(st.sampled_from(NAMES)))
def test_conjoin_means_and(
    left: AccessExpression, right: AccessExpression, held: frozenset[str]
) -> None:
    both = left.conjoin(right)
    assert both.evaluate(held) is (left.evaluate(held) and right.evaluate(held))


@given(expressions())
def test_canonical_text_round_trips(expression: AccessExpression) -> None:
    again = P(expression.text)
    assert again == expression
    assert again.root == expression.root
    assert again.text == expression.text


@given(trees(NAMES), st.frozensets(st.sampled_from(NAMES)))
def test_parse_of_a_raw_tree_equals_of(tree: Node, held: frozenset[str]) -> None:
    expression = AccessExpression.of(tree)
    assert P(render_raw(tree)) == expression
    assert P(f"({render_raw(tree)})") == expression
    assert expression.evaluate(held) is holds_raw(tree, held)


@settings(deadline=None)
@given(expressions(SMALL_NAMES), expressions(SMALL_NAMES))
def test_implies_agrees_with_brute_force(
    premise: AccessExpression, conclusion: AccessExpression
) -> None:
    universe = premise.tokens() | conclusion.tokens()
    expected = all(
        conclusion.evaluate(held) for held in subsets(universe) if premise.evaluate(held)
    )
    assert premise.implies(conclusion) is expected


@given(expressions(), st.frozensets(st.sampled_from(NAMES)))
def test_evaluate_agrees_with_dnf(expression: AccessExpression, held: frozenset[str]) -> None:
    terms = expression.dnf()
    assert expression.evaluate(held) is any(term <= held for term in terms)
    assert list(terms) == sorted(terms, key=sorted)
    assert not any(a < b for a in terms for b in terms)  # no absorbed terms left


@given(expressions(), st.frozensets(st.sampled_from(NAMES)))
def test_missing_is_sufficient_and_smallest(
    expression: AccessExpression, held: frozenset[str]
) -> None:
    need = expression.missing(held)
    assert expression.evaluate(held | need)
    assert not need & held
    if expression.evaluate(held):
        assert need == frozenset()
    else:
        assert len(need) == min(len(term - held) for term in expression.dnf())


ALPHABET = list('AB5_()&|"\\ \x00\x7f\udcff五.')


def parse_or_error(text: str) -> AccessExpression | AccessExpressionError:
    try:
        return P(text)
    except AccessExpressionError as error:
        return error


@given(st.text(alphabet=st.sampled_from(ALPHABET), max_size=30) | st.text(max_size=30))
def test_any_text_parses_or_raises_a_clean_error(text: str) -> None:
    result = parse_or_error(text)
    if isinstance(result, AccessExpressionError):
        assert 1 <= result.position <= len(text) + 1
        assert result.message.isprintable()
        str(result).encode("utf-8")
    else:
        assert P(result.text) == result


# ---------------------------------------------------------- access expressions: limits: edge cases


def test_dnf_refuses_a_product_with_too_many_raw_terms() -> None:
    # 129 × 129 = 16 641 products before absorption: over the 16 384 a product may have.
    xs = "|".join(f"x{index}" for index in range(129))
    ys = "|".join(f"y{index}" for index in range(129))
    expression = P(f"({xs})&({ys})")
    with pytest.raises(AccessExpressionError, match="too complex") as caught:
        expression.dnf()
    assert caught.value.position == 1
    # evaluation does not need the normal form, so the expression stays usable
    assert expression.evaluate({"x128", "y0"})
    assert not expression.evaluate({"x0", "x1"})


def test_dnf_refuses_when_absorbing_terms_would_take_too_long() -> None:
    # Equivalent to x0|…|x119, but each conjunct multiplies 120 × 121 terms that must be
    # absorbed again: the work budget runs out before the (small) answer is reached.
    xs = "|".join(f"x{index}" for index in range(120))
    expression = P("&".join(f"({xs}|z{k})" for k in range(4)) + f"&({xs})")
    with pytest.raises(AccessExpressionError, match="too complex"):
        expression.dnf()
    # implication is still decided exactly, through the conclusion's CNF
    assert expression.implies(P(xs))
    assert not expression.implies(P("z0"))


def _pairs_product(tokens: list[str], pairing: list[tuple[int, int]]) -> str:
    return "(" + "&".join(f"({tokens[a]}|{tokens[b]})" for a, b in pairing) + ")"


# Twelve tokens; each product has 64 terms, each disjunction of three of them ~190, and the
# conjunction of two disjunctions ~36 000 products: the premise's DNF is refused.
_T = [f"t{index:02d}" for index in range(12)]
_PAIRINGS = [
    [(0, 1), (2, 3), (4, 5), (6, 7), (8, 9), (10, 11)],
    [(0, 2), (1, 3), (4, 6), (5, 7), (8, 10), (9, 11)],
    [(0, 3), (1, 2), (4, 7), (5, 6), (8, 11), (9, 10)],
    [(0, 4), (1, 5), (2, 6), (3, 7), (8, 0), (9, 1)],
    [(0, 6), (1, 7), (2, 8), (3, 9), (4, 10), (5, 11)],
    [(0, 11), (1, 10), (2, 9), (3, 8), (4, 7), (5, 6)],
]
_LEFT = "|".join(_pairs_product(_T, p) for p in _PAIRINGS[:3])
_RIGHT = "|".join(_pairs_product(_T, p) for p in _PAIRINGS[3:])
# 13 alternatives of two tokens: a CNF of 8192 clauses, too big as well.
_WIDE = "|".join(f"(c{index}&d{index})" for index in range(13))


def test_implies_is_exact_by_truth_table_when_both_normal_forms_are_too_big() -> None:
    premise = P(f"({_LEFT})&({_RIGHT})")
    assert len(premise.tokens()) == 12
    with pytest.raises(AccessExpressionError, match="too complex"):
        premise.dnf()
    # True, and not provable from conjuncts alone (the conclusion is not one of the premise's)
    assert premise.implies(P(f"{_LEFT}|{_WIDE}"))
    # False: no set of the premise's tokens holds any of the conclusion's c/d alternatives
    assert not premise.implies(P(_WIDE))
