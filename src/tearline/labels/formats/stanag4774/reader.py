"""Read STANAG 4774 XML strictly: only the elements and attributes Tearline reads, each in its
place and number, in the 4774 namespace; anything else is refused with its path."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime

from tearline.labels.formats.stanag4774.model import (
    ADMIN,
    ANY_OF,
    COMPILATION,
    DISPLAY,
    LEVEL,
    MAX_BYTES,
    NAMESPACE,
    ONLY,
    OWNER,
    RELEASABLE,
    ROOTS,
    SENSITIVITY,
    TYPES,
    Category,
    ConfidentialityLabel,
    refused,
)  # fmt: skip

__all__ = ["read_xml"]

#: What each element may hold, in order: (child, fewest, most). Nothing else is read.
_ROOT_CHILDREN = (("ConfidentialityInformation", 1, 1), ("CreationDateTime", 1, 1),
                  ("ReviewDateTime", 0, 1))  # fmt: skip
_INFO_CHILDREN = (("PolicyIdentifier", 1, 1), ("Classification", 1, 1), ("Category", 0, 64))
_CATEGORY_CHILDREN = (("GenericValue", 1, 1024),)
_ATTRIBUTES = {"PolicyIdentifier": ("URI",), "Category": ("TagName", "Type", "URI")}
#: The type each of Tearline's own category tags must have.
TAG_TYPES = {
    RELEASABLE: "PERMISSIVE", ONLY: "PERMISSIVE", DISPLAY: "PERMISSIVE", ANY_OF: "PERMISSIVE",
    SENSITIVITY: "RESTRICTIVE", OWNER: "INFORMATIVE", ADMIN: "INFORMATIVE", LEVEL: "INFORMATIVE",
    COMPILATION: "INFORMATIVE",
}  # fmt: skip


def _parse_document(text: str) -> ET.Element:
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise refused(f"a 4774 label is at most {MAX_BYTES} bytes")
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        raise refused("a 4774 label has no DOCTYPE or entity declarations; remove them")
    try:
        return ET.fromstring(text)
    except ET.ParseError as problem:
        raise refused(f"not well-formed XML ({problem.msg})") from None


def _name(node: ET.Element, path: str) -> str:
    """The element's local name; refuses any namespace but 4774's."""
    local = node.tag.removeprefix(f"{{{NAMESPACE}}}")
    if local == node.tag or "}" in local:
        raise refused(f"{path}: element {node.tag!r} is not in the 4774 namespace {NAMESPACE}")
    return local


def _check_node(node: ET.Element, path: str, leaf: bool) -> None:
    """No unknown attribute; text only in a leaf; nothing but space between elements."""
    allowed = _ATTRIBUTES.get(_name(node, path), ())
    for attribute in node.attrib:
        if attribute not in allowed:
            where = f"{path}/@{attribute}"
            raise refused(
                f"{where}: unknown attribute; {path} takes {', '.join(allowed) or 'none'}"
            )
    if leaf and len(node):
        raise refused(f"{path}: holds elements; it holds text only")
    if not leaf and (node.text or "").strip():
        raise refused(f"{path}: holds text outside its elements; remove it")
    for child in node:
        if (child.tail or "").strip():
            raise refused(f"{path}: holds text after {_name(child, path)}; remove it")


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
            raise refused(f"{path}/{name}: not read by Tearline{hint}; {path} holds "
                        f"{', '.join(order)}")  # fmt: skip
        if order.index(name) < last:
            raise refused(f"{path}/{name}: out of order; write {', '.join(order)} in that order")
        last = order.index(name)
        found[name].append(child)
    for name, fewest, most in spec:
        count = len(found[name])
        if count < fewest:
            raise refused(f"{path}/{name} is required")
        if count > most:
            raise refused(f"{path}/{name} appears {count} times; at most {most} allowed")
    return found


def _text(node: ET.Element, path: str) -> str:
    _check_node(node, path, leaf=True)
    text = (node.text or "").strip()
    if not text:
        raise refused(f"{path} is empty")
    return text


def _when(node: ET.Element, path: str) -> datetime:
    text = _text(node, path)
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise refused(f"{path}: {text[:40]!r} is not an ISO date-time") from None
    if when.tzinfo is None:
        raise refused(f"{path}: give the time zone, e.g. {text[:19]}Z")
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
    if root == top.tag or root not in ROOTS:
        raise refused(f"the root must be one of {', '.join(ROOTS)} in namespace {NAMESPACE}")
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
        raise refused(f"{info_path}: category {repeated[0]!r} appears more than once; "
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
    if not tag or kind not in TYPES:
        raise refused(f"{path}: each Category needs a TagName and a Type of PERMISSIVE, "
                    "RESTRICTIVE or INFORMATIVE (upper case)")  # fmt: skip
    expected = TAG_TYPES.get(tag)
    if expected is not None and kind != expected:
        raise refused(f"{path}: category {tag!r} is {expected}, not {kind}")
    if expected is None and kind == "INFORMATIVE":
        raise refused(f"{path}: Tearline does not know the informative category {tag!r}; "
                    "remove it rather than have it ignored")  # fmt: skip
    nodes = _children(node, path, _CATEGORY_CHILDREN)["GenericValue"]
    values = tuple(_text(v, f"{path}/GenericValue[{i}]") for i, v in enumerate(nodes, start=1))
    if len(set(values)) != len(values):
        raise refused(f"{path}: category {tag!r} repeats a value; give each value once")
    return Category(tag, kind, values)
