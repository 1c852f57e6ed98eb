"""The canonical label of a STANAG 4774 label, through the label core's one gate."""

from __future__ import annotations

from collections.abc import Mapping

from tearline.errors import AccessExpressionError, LabelError
from tearline.labels.access import EMPTY, AccessExpression, And, Node, Or, Token
from tearline.labels.formats.stanag4774.model import (
    ADMIN,
    ANY_OF,
    COMPILATION,
    DISPLAY,
    INFERRED,
    LEVEL,
    ONLY,
    OWNER,
    RELEASABLE,
    SENSITIVITY,
    Category,
    ConfidentialityLabel,
    refused,
    scheme_for,
)  # fmt: skip
from tearline.labels.formats.stanag4774.reader import read_xml
from tearline.labels.gate import admitted
from tearline.labels.model import Label, _building
from tearline.labels.schemes import Level, Registry, Scheme, resolve

__all__ = ["access_of", "from_xml"]


def _token(tag: str, value: str) -> str:
    if tag in (SENSITIVITY, ANY_OF):
        return value
    return f"{tag.lower().replace(' ', '-')}:{value}"


def access_of(categories: tuple[Category, ...]) -> AccessExpression:
    """The 4774 access rules as an expression: restrictive values all, permissive one per tag."""
    parts: list[Node] = []
    for category in categories:
        if category.tag in (RELEASABLE, ONLY, DISPLAY, OWNER) or category.type == "INFORMATIVE":
            continue
        try:
            tokens = [Token(_token(category.tag, v)) for v in category.values]
        except AccessExpressionError as problem:
            raise refused(f"category {category.tag!r}: {problem.message}") from None
        if category.type == "RESTRICTIVE":
            parts += tokens
        else:
            parts.append(Or(tuple(tokens)) if len(tokens) > 1 else tokens[0])
    if not parts:
        return EMPTY
    return AccessExpression.of(And(tuple(parts)) if len(parts) > 1 else parts[0])


def _level(scheme: Scheme, classification: str) -> Level:
    for level in scheme.levels:
        if level.banner == classification:
            return level
    known = ", ".join(level.banner for level in scheme.levels)
    raise LabelError(
        "unknown-token",
        f"Classification {classification!r} is not a classification of {scheme.id}; "
        f"use one of {known} (as written)",
        0,
    )


def _codes(by_tag: Mapping[str, Category], scheme: Scheme) -> None:
    for tag in (RELEASABLE, ONLY, DISPLAY, OWNER):
        for code in by_tag[tag].values if tag in by_tag else ():
            if not (scheme.nations.is_nation(code) or scheme.nations.is_group(code)):
                raise LabelError(
                    "unknown-token",
                    f"category {tag!r}: unknown country code {code!r}; use GENC trigraphs "
                    "or group codes such as FVEY",
                    0,
                )


def _controls(scheme: Scheme, by_tag: Mapping[str, Category], owner: tuple[str, ...]) -> list[str]:
    """The label's control tokens: the Administrative ones and the disclosure categories'."""
    controls = list(by_tag[ADMIN].values) if ADMIN in by_tag else []
    for token in controls:
        try:
            scheme.control(token)
        except KeyError:
            raise LabelError(
                "unknown-token", f"category {ADMIN!r}: {scheme.id} has no control {token!r}", 0
            ) from None
    for tag, kind in ((RELEASABLE, "release"), (DISPLAY, "display")):
        disclosure = scheme.disclosure_control(kind)
        if tag in by_tag and disclosure is None:
            raise LabelError("conflict", f"{scheme.id} has no marking for {tag!r}", 0)
        if tag in by_tag and disclosure is not None:
            controls.append(disclosure)
    if ONLY in by_tag:
        if tuple(by_tag[ONLY].values) != owner:
            raise LabelError(
                "conflict",
                f"category {ONLY!r} names {', '.join(by_tag[ONLY].values)}, but the label's "
                f"owner is {', '.join(owner)}; 'Only' names the owner",
                0,
            )
        if scheme.owner_only_control is None:
            raise LabelError("conflict", f"{scheme.id} has no owner-only marking for 'Only'", 0)
        if RELEASABLE in by_tag:
            raise LabelError(
                "conflict",
                f"categories {ONLY!r} and {RELEASABLE!r} contradict each other: the owner only, "
                "or the owner and the nations listed; give one",
                0,
            )
        controls.append(scheme.owner_only_control)
    return controls


def from_xml(text: str, *, registry: Registry | None = None) -> Label:
    """The canonical label of a 4774 XML label, through the label core's one gate.

    The XML is read strictly (:func:`read_xml`); the label it describes must then be exactly
    what its scheme's own marking would say (:func:`~tearline.labels.gate.admitted`), so a
    4774 label can express nothing the scheme's rules forbid.

    Raises:
        LabelError: malformed XML, an unknown policy, classification or code, or a label its
            scheme's rules refuse.
    """
    data = read_xml(text)
    chosen = resolve(registry)
    scheme = scheme_for(data.policy, data.policy_uri, chosen)
    try:
        return admitted(_draft(data, scheme), registry=chosen)
    except (LabelError, ValueError) as problem:
        message = problem.message if isinstance(problem, LabelError) else str(problem)
        kind = problem.kind if isinstance(problem, LabelError) else "conflict"
        raise LabelError(
            kind, f"the 4774 label is not a valid {scheme.id} label: {message}", 0
        ) from None


def _draft(data: ConfidentialityLabel, scheme: Scheme) -> Label:
    """The label the 4774 categories describe, before the gate checks it against its marking.

    Raises:
        LabelError: a category names what the scheme does not have; ValueError: the fields
            contradict the label's own invariants.
    """
    level = _level(scheme, data.classification)
    by_tag = {c.tag: c for c in data.categories}
    _codes(by_tag, scheme)
    owner = by_tag[OWNER].values if OWNER in by_tag else (scheme.owner,)
    controls = _controls(scheme, by_tag, owner)
    if LEVEL in by_tag and by_tag[LEVEL].values != (INFERRED,):
        raise refused(f"category {LEVEL!r} takes the one value {INFERRED!r}")
    if COMPILATION in by_tag and len(by_tag[COMPILATION].values) != 1:
        raise refused(f"category {COMPILATION!r} takes one value, the reason")
    rel = by_tag[RELEASABLE].values if RELEASABLE in by_tag else None
    display = by_tag[DISPLAY].values if DISPLAY in by_tag else ()
    disclosure = any(scheme.control(c).disclosure for c in controls)
    tier = scheme.tier_of(owner, level)
    tier = max([tier, *(t for t in (scheme.control(c).tier for c in controls) if t)])
    releasable, groups = scheme.releasability(owner, tier, rel, disclosure)
    nations = scheme.nations
    with _building():
        return Label(
            scheme=scheme.id,
            level=level.token,
            tier=tier,
            owner=tuple(owner),
            releasable_to=releasable,
            rel_groups=groups,
            displayable_to=nations.expand(display) - (releasable or frozenset()),
            display_groups=frozenset(c for c in display if nations.is_group(c)),
            access=access_of(data.categories),
            controls=tuple(sorted(set(controls), key=scheme.sort_key)),
            declassify_on=data.review.date() if data.review else None,
            level_inferred=LEVEL in by_tag,
            compilation_reason=by_tag[COMPILATION].values[0] if COMPILATION in by_tag else None,
        )
