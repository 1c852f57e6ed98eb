"""Normalisation: the normal form of a tree and its canonical text."""

from __future__ import annotations

from tearline.errors import AccessExpressionError
from tearline.labels.access.limits import MAX_DEPTH
from tearline.labels.access.nodes import And, Node, Or, Token, _render


def normalise(root: object) -> tuple[Node | None, str]:
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
    if depth > MAX_DEPTH + 1:
        raise AccessExpressionError(
            f"the expression nests '&' and '|' more than {MAX_DEPTH} levels deep; simplify it", 1
        )
    operator = "&" if kind is And else "|"
    text = operator.join(
        key if isinstance(child, Token) else f"({key})"
        for key, child in zip(keys, children, strict=True)
    )
    result = kind(children)
    info[id(result)] = (text, depth)
    return result
