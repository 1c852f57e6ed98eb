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
  it), PERMISSIVE ``Any Of`` (access tokens of which one is needed) and INFORMATIVE ``Owner``
  (who owns an item whose owner is not the policy's).

:func:`permits` is the 4774 decision itself (policy, classification, restrictive ⊆ held,
permissive ∩ held per tag, informative ignored), for checking a label against a clearance
expressed in 4774 terms.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from tearline.errors import LabelError
from tearline.labels.access import EMPTY, AccessExpression, And, Node, Or, Token
from tearline.labels.capco import display_list, release_list
from tearline.labels.capco.build import base_tier, releasability
from tearline.labels.model import Label
from tearline.labels.scheme import Scheme, registry

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
RELEASABLE, ONLY, DISPLAY, ADMIN, SENSITIVITY, OWNER, ANY_OF = (
    "Releasable To", "Only", "Display Only To", "Administrative", "Additional Sensitivity",
    "Owner", "Any Of",
)  # fmt: skip


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


def _scheme_for(policy: str, uri: str | None) -> Scheme:
    for scheme in registry().schemes.values():
        name, known_uri = _policy(scheme)
        if uri == known_uri or policy.strip().upper() == name:
            return scheme
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
    return out


def to_xml(label: Label, created: datetime, root: str = _ROOTS[0]) -> str:
    """The 4774 XML of ``label``, created at ``created`` (a required element of the label).

    Raises:
        LabelError: the label holds something 4774 categories cannot carry.
    """
    scheme = registry().scheme(label.scheme)
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
    return ET.tostring(top, encoding="unicode")


# ---------------------------------------------------------------------------- reading
def _fail(message: str) -> LabelError:
    return LabelError("syntax", message, 0)


def _child(node: ET.Element, name: str) -> ET.Element | None:
    return node.find(f"{{{NAMESPACE}}}{name}")


def read_xml(text: str) -> ConfidentialityLabel:
    """Parse 4774 XML into :class:`ConfidentialityLabel`; refuses DTDs and entities.

    Raises:
        LabelError: not a well-formed 4774 label (what is missing is named).
    """
    if len(text.encode("utf-8", "surrogatepass")) > _MAX_BYTES:
        raise _fail(f"a 4774 label is at most {_MAX_BYTES} bytes")
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        raise _fail("a 4774 label has no DOCTYPE or entity declarations; remove them")
    try:
        top = ET.fromstring(text)
    except ET.ParseError as problem:
        raise _fail(f"not well-formed XML ({problem.msg})") from None
    root = top.tag.removeprefix(f"{{{NAMESPACE}}}")
    if root == top.tag or root not in _ROOTS:
        raise _fail(f"the root must be one of {', '.join(_ROOTS)} in namespace {NAMESPACE}")
    info = _child(top, "ConfidentialityInformation")
    created = _child(top, "CreationDateTime")
    if info is None or created is None or not (created.text or "").strip():
        raise _fail("ConfidentialityInformation and CreationDateTime are required")
    policy = _child(info, "PolicyIdentifier")
    classification = _child(info, "Classification")
    if policy is None or classification is None:
        raise _fail("PolicyIdentifier and Classification are required")
    try:
        when = datetime.fromisoformat((created.text or "").strip().replace("Z", "+00:00"))
    except ValueError:
        raise _fail("CreationDateTime is not an ISO date-time") from None
    return ConfidentialityLabel(
        policy=(policy.text or "").strip(),
        policy_uri=policy.get("URI"),
        classification=(classification.text or "").strip(),
        categories=tuple(_read_category(c) for c in info.findall(f"{{{NAMESPACE}}}Category")),
        created=when,
        root=root,
    )


def _read_category(node: ET.Element) -> Category:
    tag, kind = node.get("TagName"), node.get("Type")
    if not tag or kind not in _TYPES:
        raise _fail("each Category needs a TagName and a Type of PERMISSIVE, RESTRICTIVE or "
                    "INFORMATIVE (upper case)")  # fmt: skip
    values = tuple((v.text or "").strip() for v in node.findall(f"{{{NAMESPACE}}}GenericValue"))
    if not values or not all(values):
        raise _fail(f"category {tag!r} needs at least one non-empty GenericValue")
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
        tokens = [Token(_token(category.tag, v)) for v in category.values]
        if category.type == "RESTRICTIVE":
            parts += tokens
        else:
            parts.append(Or(tuple(tokens)) if len(tokens) > 1 else tokens[0])
    if not parts:
        return EMPTY
    return AccessExpression.of(And(tuple(parts)) if len(parts) > 1 else parts[0])


def from_xml(text: str) -> Label:
    """The canonical label of a 4774 XML label.

    Raises:
        LabelError: malformed XML, an unknown policy, classification or country code.
    """
    data = read_xml(text)
    scheme = _scheme_for(data.policy, data.policy_uri)
    level = next(
        (lv for lv in scheme.levels if lv.banner.upper() == data.classification.upper()), None
    )
    if level is None:
        raise LabelError(
            "unknown-token", f"{data.classification!r} is not a classification of {scheme.id}", 0
        )
    by_tag = {c.tag: c for c in data.categories}
    nations = scheme.nations
    codes = [
        v for tag in (RELEASABLE, ONLY, DISPLAY, OWNER) if tag in by_tag for v in by_tag[tag].values
    ]
    for code in codes:
        if not (nations.is_nation(code) or nations.is_group(code)):
            raise LabelError("unknown-token", f"unknown country code {code!r}", 0)
    owner = by_tag[OWNER].values if OWNER in by_tag else (scheme.owner,)
    controls = list(by_tag[ADMIN].values) if ADMIN in by_tag else []
    rel = by_tag[RELEASABLE].values if RELEASABLE in by_tag else None
    tier = base_tier(scheme, owner, level)
    try:
        marked = any(scheme.control(c).disclosure for c in controls)
    except KeyError as unknown:
        raise LabelError("unknown-token", f"{scheme.id} has no control {unknown}", 0) from None
    disclosure = rel is not None or ONLY in by_tag or marked
    releasable, groups = releasability(scheme, owner, tier, rel, disclosure)
    display = by_tag[DISPLAY].values if DISPLAY in by_tag else ()
    for kind, present in (("release", rel is not None), ("display", bool(display))):
        token = scheme.disclosure_control(kind)
        if present and token is not None:
            controls.append(token)
    if ONLY in by_tag and rel is None and scheme.owner_only_control:
        controls.append(scheme.owner_only_control)
    try:
        ordered = tuple(sorted(set(controls), key=scheme.sort_key))
    except KeyError as unknown:
        raise LabelError("unknown-token", f"{scheme.id} has no control {unknown}", 0) from None
    return Label(
        scheme=scheme.id,
        level=level.token,
        tier=max([tier, *(t for t in (scheme.control(c).tier for c in ordered) if t)]),
        owner=tuple(owner),
        releasable_to=releasable,
        rel_groups=groups,
        displayable_to=nations.expand(display) - (releasable or frozenset()),
        display_groups=frozenset(c for c in display if nations.is_group(c)),
        access=access_of(data.categories),
        controls=ordered,
        original=text,
    )


# ---------------------------------------------------------------------------- deciding
def permits(label: ConfidentialityLabel, clearance: StanagClearance) -> tuple[bool, list[str]]:
    """The 4774 access decision (markings.md §4.3), with the reasons it fails.

    Policies must match; the clearance's classification must reach the label's; every
    RESTRICTIVE value must be held; for each PERMISSIVE tag at least one value must be held;
    INFORMATIVE categories and categories absent from the label impose nothing.
    """
    reasons: list[str] = []
    scheme = _scheme_for(label.policy, label.policy_uri)
    if _scheme_for(clearance.policy, None).id != scheme.id:
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
