"""NATO STANAG 4774 confidentiality labels (ADatP-4774) to and from the canonical label.

A 4774 label is XML in the namespace ``urn:nato:stanag:4774:confidentialitymetadatalabel:1:0``:
``ConfidentialityInformation`` (``PolicyIdentifier``, ``Classification``, ``Category`` with
``TagName``/``Type`` and ``GenericValue`` children) and a required ``CreationDateTime``
(markings.md §4.1). Categories map onto the canonical label:

- PERMISSIVE ``Releasable To``: the release list; PERMISSIVE ``Only``: owner only;
- RESTRICTIVE values: required tokens, joined with ``&`` (``ATOMAL``, or ``tag:value``);
- any other PERMISSIVE tag: one of its values is required (``tag:a|tag:b``);
- INFORMATIVE ``Administrative``: the scheme's handling controls (no effect on access);
- Tearline's own tags: PERMISSIVE ``Display Only To`` (nations that may see but not receive
  it), PERMISSIVE ``Any Of`` (access tokens of which one is needed), INFORMATIVE ``Owner``
  (who owns an item whose owner is not the policy's), INFORMATIVE ``Level`` = ``inferred``
  (the marking gave no level: 特定秘密 alone) and INFORMATIVE ``Compilation Reason`` (why a
  banner is higher than its portions);
- ``ReviewDateTime``: the label's declassification or review date.

Reading is strict and ends in the label core's one gate (:mod:`tearline.labels.gate`): only
the elements, attributes and categories above are read, each once and in its place, and the
label they describe must be exactly what its scheme's marking would say.

:func:`permits` is the 4774 decision itself (policy, classification, restrictive ⊆ held,
permissive ∩ held per tag, informative ignored), for checking a label against a clearance
expressed in 4774 terms.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from tearline.errors import AccessExpressionError, LabelError
from tearline.labels.access import EMPTY, AccessExpression, And, Node, Or, Token
from tearline.labels.gate import admitted
from tearline.labels.model import Label, _building
from tearline.labels.schemes import Level, Registry, Scheme, resolve
from tearline.labels.syntax.capco import display_list, release_list

__all__ = [
    "NAMESPACE",
    "Category",
    "ConfidentialityLabel",
    "StanagClearance",
    "from_xml",
    "permits",
    "read_xml",
    "to_xml",
]

NAMESPACE = "urn:nato:stanag:4774:confidentialitymetadatalabel:1:0"
_ROOTS = (
    "originatorConfidentialityLabel",
    "alternativeConfidentialityLabel",
    "metadataConfidentialityLabel",
)
_TYPES = ("PERMISSIVE", "RESTRICTIVE", "INFORMATIVE")
_NATO_OID = "urn:oid:1.3.26.1.3.1"
_MAX_BYTES = 65536
RELEASABLE, ONLY, DISPLAY, ADMIN, SENSITIVITY, OWNER, ANY_OF, LEVEL, COMPILATION = (
    "Releasable To", "Only", "Display Only To", "Administrative", "Additional Sensitivity",
    "Owner", "Any Of", "Level", "Compilation Reason",
)  # fmt: skip
_INFERRED = "inferred"


@dataclass(frozen=True, slots=True)
class Category:
    """A 4774 category: a tag, its type and its values."""

    tag: str
    type: str
    values: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ConfidentialityLabel:
    """A STANAG 4774 confidentiality label as data."""

    policy: str
    classification: str
    categories: tuple[Category, ...]
    created: datetime
    policy_uri: str | None = None
    root: str = "originatorConfidentialityLabel"
    review: datetime | None = None


@dataclass(frozen=True, slots=True)
class StanagClearance:
    """A clearance in 4774 terms: policy, highest classification, values held per tag."""

    policy: str
    classification: str
    held: Mapping[str, frozenset[str]]


def _policy(scheme: Scheme) -> tuple[str, str]:
    if scheme.id == "nato":
        return "NATO", _NATO_OID
    return scheme.id.upper(), f"urn:tearline:scheme:{scheme.id}"


def _scheme_for(policy: str, uri: str | None, registry: Registry) -> Scheme:
    """The scheme of a 4774 policy; its name and URI (when given) must both be that scheme's."""
    for scheme in registry.schemes.values():
        name, known_uri = _policy(scheme)
        if policy == name and uri in (None, known_uri):
            return scheme
        if policy == name or uri == known_uri:
            raise LabelError(
                "conflict",
                f"PolicyIdentifier {policy!r} and its URI {uri!r} name different policies; "
                f"{scheme.id} is {name!r} with URI {known_uri!r}",
                0,
            )
    raise LabelError("unknown-token", f"no Tearline scheme has the 4774 policy {policy!r}", 0)


# ---------------------------------------------------------------------------- writing
def _tag_and_value(token: str) -> tuple[str, str]:
    """``context:NATO`` → (``Context``, ``NATO``); a bare token is an additional sensitivity."""
    prefix, colon, value = token.partition(":")
    if not colon:
        return SENSITIVITY, token
    return prefix.replace("-", " ").title(), value


def _access_categories(label: Label) -> list[Category]:
    """The access expression as categories: required tokens, and groups needing one of theirs.

    Only a conjunction of tokens and of disjunctions of tokens has a category form.
    """
    root = label.access.root
    parts = () if root is None else root.children if isinstance(root, And) else (root,)
    required: dict[str, list[str]] = {}
    groups: list[Category] = []
    for part in parts:
        if isinstance(part, Token):
            tag, value = _tag_and_value(part.name)
            required.setdefault(tag, []).append(value)
        elif isinstance(part, Or) and all(isinstance(c, Token) for c in part.children):
            groups.append(_permissive(part))
        else:
            raise LabelError(
                "conflict",
                f"the access expression {label.access.text} has no 4774 category form",
                0,
            )
    tags = [c.tag for c in groups]
    if len(set(tags)) != len(tags) or set(tags) & set(required):
        raise LabelError(
            "conflict", f"the access expression {label.access.text} repeats a 4774 tag", 0
        )
    restrictive = [Category(t, "RESTRICTIVE", tuple(v)) for t, v in sorted(required.items())]
    return restrictive + groups


def _permissive(group: Or) -> Category:
    names = [c.name for c in group.children if isinstance(c, Token)]
    split = [_tag_and_value(name) for name in names]
    tags = {tag for tag, _ in split}
    if len(tags) == 1 and SENSITIVITY not in tags:
        return Category(tags.pop(), "PERMISSIVE", tuple(value for _, value in split))
    return Category(ANY_OF, "PERMISSIVE", tuple(names))


def _categories(label: Label, scheme: Scheme) -> list[Category]:
    out: list[Category] = []
    if label.owner != (scheme.owner,):
        out.append(Category(OWNER, "INFORMATIVE", label.owner))
    if scheme.role_in(label.controls, "release") is not None:
        out.append(Category(RELEASABLE, "PERMISSIVE", tuple(release_list(label, scheme))))
    elif scheme.owner_only_control in label.controls:
        out.append(Category(ONLY, "PERMISSIVE", label.owner))
    if label.displayable_to:
        out.append(Category(DISPLAY, "PERMISSIVE", tuple(display_list(label, scheme))))
    out += _access_categories(label)
    handling = [t for t in label.controls if scheme.control(t).list_kind is None]
    if handling:
        out.append(Category(ADMIN, "INFORMATIVE", tuple(handling)))
    if label.level_inferred:
        out.append(Category(LEVEL, "INFORMATIVE", (_INFERRED,)))
    if label.compilation_reason is not None:
        out.append(Category(COMPILATION, "INFORMATIVE", (label.compilation_reason,)))
    return out


def to_xml(
    label: Label,
    created: datetime,
    root: str = _ROOTS[0],
    *,
    registry: Registry | None = None,
) -> str:
    """The 4774 XML of ``label``, created at ``created`` (a required element of the label).

    Raises:
        LabelError: the label holds something 4774 categories cannot carry (the markings a
            translated label was carried from, foreign-government sources).
    """
    if label.origins:
        raise LabelError(
            "conflict",
            "a translated label is also held to the markings it was translated from, which a "
            "4774 label cannot carry; write the original label instead",
            0,
        )
    if label.fgi is not None:
        raise LabelError(
            "conflict", "4774 categories cannot carry foreign-government sources (FGI)", 0
        )
    scheme = resolve(registry).scheme(label.scheme)
    policy, uri = _policy(scheme)
    ET.register_namespace("", NAMESPACE)
    top = ET.Element(f"{{{NAMESPACE}}}{root}")
    info = ET.SubElement(top, f"{{{NAMESPACE}}}ConfidentialityInformation")
    ET.SubElement(info, f"{{{NAMESPACE}}}PolicyIdentifier", URI=uri).text = policy
    level = scheme.level(label.level)
    ET.SubElement(info, f"{{{NAMESPACE}}}Classification").text = level.banner
    for category in _categories(label, scheme):
        node = ET.SubElement(
            info, f"{{{NAMESPACE}}}Category", TagName=category.tag, Type=category.type
        )
        for value in category.values:
            ET.SubElement(node, f"{{{NAMESPACE}}}GenericValue").text = value
    ET.SubElement(top, f"{{{NAMESPACE}}}CreationDateTime").text = created.isoformat()
    if label.declassify_on is not None:
        review = label.declassify_on.isoformat() + "T00:00:00+00:00"
        ET.SubElement(top, f"{{{NAMESPACE}}}ReviewDateTime").text = review
    return ET.tostring(top, encoding="unicode")


# ---------------------------------------------------------------------------- reading
#: What each element may hold, in order: (child, fewest, most). Nothing else is read.
_ROOT_CHILDREN = (("ConfidentialityInformation", 1, 1), ("CreationDateTime", 1, 1),
                  ("ReviewDateTime", 0, 1))  # fmt: skip
_INFO_CHILDREN = (("PolicyIdentifier", 1, 1), ("Classification", 1, 1), ("Category", 0, 64))
_CATEGORY_CHILDREN = (("GenericValue", 1, 1024),)
_ATTRIBUTES = {"PolicyIdentifier": ("URI",), "Category": ("TagName", "Type", "URI")}
#: The type each of Tearline's own category tags must have.
_TAG_TYPES = {
    RELEASABLE: "PERMISSIVE", ONLY: "PERMISSIVE", DISPLAY: "PERMISSIVE", ANY_OF: "PERMISSIVE",
    SENSITIVITY: "RESTRICTIVE", OWNER: "INFORMATIVE", ADMIN: "INFORMATIVE", LEVEL: "INFORMATIVE",
    COMPILATION: "INFORMATIVE",
}  # fmt: skip


def _fail(message: str) -> LabelError:
    return LabelError("syntax", message, 0)


def _parse_document(text: str) -> ET.Element:
    if len(text.encode("utf-8", "surrogatepass")) > _MAX_BYTES:
        raise _fail(f"a 4774 label is at most {_MAX_BYTES} bytes")
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        raise _fail("a 4774 label has no DOCTYPE or entity declarations; remove them")
    try:
        return ET.fromstring(text)
    except ET.ParseError as problem:
        raise _fail(f"not well-formed XML ({problem.msg})") from None


def _name(node: ET.Element, path: str) -> str:
    """The element's local name; refuses any namespace but 4774's."""
    local = node.tag.removeprefix(f"{{{NAMESPACE}}}")
    if local == node.tag or "}" in local:
        raise _fail(f"{path}: element {node.tag!r} is not in the 4774 namespace {NAMESPACE}")
    return local


def _check_node(node: ET.Element, path: str, leaf: bool) -> None:
    """No unknown attribute; text only in a leaf; nothing but space between elements."""
    allowed = _ATTRIBUTES.get(_name(node, path), ())
    for attribute in node.attrib:
        if attribute not in allowed:
            where = f"{path}/@{attribute}"
            raise _fail(f"{where}: unknown attribute; {path} takes {', '.join(allowed) or 'none'}")
    if leaf and len(node):
        raise _fail(f"{path}: holds elements; it holds text only")
    if not leaf and (node.text or "").strip():
        raise _fail(f"{path}: holds text outside its elements; remove it")
    for child in node:
        if (child.tail or "").strip():
            raise _fail(f"{path}: holds text after {_name(child, path)}; remove it")


def _children(
    node: ET.Element, path: str, spec: tuple[tuple[str, int, int], ...]
) -> dict[str, list[ET.Element]]:
    """The children of ``node`` by name, checked against ``spec`` (names, order, counts)."""
    _check_node(node, path, leaf=False)
    order = [name for name, _, _ in spec]
    found: dict[str, list[ET.Element]] = {name: [] for name in order}
    last = -1
    for child in node:
        name = _name(child, path)
        if name not in found:
            close = [n for n in order if n.lower() == name.lower()]
            hint = f" (element names are case-sensitive: {close[0]})" if close else ""
            raise _fail(f"{path}/{name}: not read by Tearline{hint}; {path} holds "
                        f"{', '.join(order)}")  # fmt: skip
        if order.index(name) < last:
            raise _fail(f"{path}/{name}: out of order; write {', '.join(order)} in that order")
        last = order.index(name)
        found[name].append(child)
    for name, fewest, most in spec:
        count = len(found[name])
        if count < fewest:
            raise _fail(f"{path}/{name} is required")
        if count > most:
            raise _fail(f"{path}/{name} appears {count} times; at most {most} allowed")
    return found


def _text(node: ET.Element, path: str) -> str:
    _check_node(node, path, leaf=True)
    text = (node.text or "").strip()
    if not text:
        raise _fail(f"{path} is empty")
    return text


def _when(node: ET.Element, path: str) -> datetime:
    text = _text(node, path)
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise _fail(f"{path}: {text[:40]!r} is not an ISO date-time") from None
    if when.tzinfo is None:
        raise _fail(f"{path}: give the time zone, e.g. {text[:19]}Z")
    return when


def read_xml(text: str) -> ConfidentialityLabel:
    """Parse 4774 XML into :class:`ConfidentialityLabel`, strictly.

    Only the elements and attributes Tearline reads are accepted, each where the standard puts
    it and as often as it may appear; anything unknown, repeated, misplaced, wrongly cased or
    in another namespace is refused with its path. DTDs and entities are refused.

    Raises:
        LabelError: not a well-formed 4774 label (the path of the problem is named).
    """
    top = _parse_document(text)
    root = top.tag.removeprefix(f"{{{NAMESPACE}}}")
    if root == top.tag or root not in _ROOTS:
        raise _fail(f"the root must be one of {', '.join(_ROOTS)} in namespace {NAMESPACE}")
    path = f"/{root}"
    parts = _children(top, path, _ROOT_CHILDREN)
    info_path = f"{path}/ConfidentialityInformation"
    info = _children(parts["ConfidentialityInformation"][0], info_path, _INFO_CHILDREN)
    policy = info["PolicyIdentifier"][0]
    categories = tuple(
        _read_category(node, f"{info_path}/Category[{index}]")
        for index, node in enumerate(info["Category"], start=1)
    )
    tags = [c.tag for c in categories]
    repeated = sorted({t for t in tags if tags.count(t) > 1})
    if repeated:
        raise _fail(f"{info_path}: category {repeated[0]!r} appears more than once; "
                    "give each tag once with all its values")  # fmt: skip
    review = parts["ReviewDateTime"]
    return ConfidentialityLabel(
        policy=_text(policy, f"{info_path}/PolicyIdentifier"),
        policy_uri=policy.get("URI"),
        classification=_text(info["Classification"][0], f"{info_path}/Classification"),
        categories=categories,
        created=_when(parts["CreationDateTime"][0], f"{path}/CreationDateTime"),
        root=root,
        review=_when(review[0], f"{path}/ReviewDateTime") if review else None,
    )


def _read_category(node: ET.Element, path: str) -> Category:
    tag, kind = node.get("TagName"), node.get("Type")
    if not tag or kind not in _TYPES:
        raise _fail(f"{path}: each Category needs a TagName and a Type of PERMISSIVE, "
                    "RESTRICTIVE or INFORMATIVE (upper case)")  # fmt: skip
    expected = _TAG_TYPES.get(tag)
    if expected is not None and kind != expected:
        raise _fail(f"{path}: category {tag!r} is {expected}, not {kind}")
    if expected is None and kind == "INFORMATIVE":
        raise _fail(f"{path}: Tearline does not know the informative category {tag!r}; "
                    "remove it rather than have it ignored")  # fmt: skip
    nodes = _children(node, path, _CATEGORY_CHILDREN)["GenericValue"]
    values = tuple(_text(v, f"{path}/GenericValue[{i}]") for i, v in enumerate(nodes, start=1))
    if len(set(values)) != len(values):
        raise _fail(f"{path}: category {tag!r} repeats a value; give each value once")
    return Category(tag, kind, values)


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
            raise _fail(f"category {category.tag!r}: {problem.message}") from None
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
    scheme = _scheme_for(data.policy, data.policy_uri, chosen)
    level = _level(scheme, data.classification)
    by_tag = {c.tag: c for c in data.categories}
    _codes(by_tag, scheme)
    owner = by_tag[OWNER].values if OWNER in by_tag else (scheme.owner,)
    controls = _controls(scheme, by_tag, owner)
    if LEVEL in by_tag and by_tag[LEVEL].values != (_INFERRED,):
        raise _fail(f"category {LEVEL!r} takes the one value {_INFERRED!r}")
    if COMPILATION in by_tag and len(by_tag[COMPILATION].values) != 1:
        raise _fail(f"category {COMPILATION!r} takes one value, the reason")
    rel = by_tag[RELEASABLE].values if RELEASABLE in by_tag else None
    display = by_tag[DISPLAY].values if DISPLAY in by_tag else ()
    disclosure = any(scheme.control(c).disclosure for c in controls)
    tier = scheme.tier_of(owner, level)
    tier = max([tier, *(t for t in (scheme.control(c).tier for c in controls) if t)])
    releasable, groups = scheme.releasability(owner, tier, rel, disclosure)
    nations = scheme.nations
    try:
        with _building():
            draft = Label(
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
        return admitted(draft, registry=chosen)
    except (LabelError, ValueError) as problem:
        message = problem.message if isinstance(problem, LabelError) else str(problem)
        kind = problem.kind if isinstance(problem, LabelError) else "conflict"
        raise LabelError(
            kind, f"the 4774 label is not a valid {scheme.id} label: {message}", 0
        ) from None


# ---------------------------------------------------------------------------- deciding
def permits(
    label: ConfidentialityLabel, clearance: StanagClearance, *, registry: Registry | None = None
) -> tuple[bool, list[str]]:
    """The 4774 access decision (markings.md §4.3), with the reasons it fails.

    Policies must match; the clearance's classification must reach the label's; every
    RESTRICTIVE value must be held; for each PERMISSIVE tag at least one value must be held;
    INFORMATIVE categories and categories absent from the label impose nothing.
    """
    reasons: list[str] = []
    chosen = resolve(registry)
    scheme = _scheme_for(label.policy, label.policy_uri, chosen)
    if _scheme_for(clearance.policy, None, chosen).id != scheme.id:
        return False, [f"policy {clearance.policy} does not match {label.policy}"]
    rank = {lv.banner.upper(): lv.rank for lv in scheme.levels}
    held_rank = rank.get(clearance.classification.upper(), -1)
    if held_rank < rank.get(label.classification.upper(), len(rank)):
        reasons.append(f"clearance {clearance.classification} is below {label.classification}")
    for category in label.categories:
        held = {v.upper() for v in clearance.held.get(category.tag, frozenset())}
        values = {v.upper() for v in category.values}
        if category.type == "RESTRICTIVE" and not values <= held:
            reasons.append(f"{category.tag} requires all of {', '.join(sorted(values))}")
        elif category.type == "PERMISSIVE" and not values & held:
            reasons.append(f"{category.tag} requires one of {', '.join(sorted(values))}")
    return not reasons, reasons
