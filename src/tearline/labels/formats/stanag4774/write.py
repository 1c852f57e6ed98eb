"""Write a canonical label as a STANAG 4774 confidentiality label (XML)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime

from tearline.errors import LabelError
from tearline.labels.access import And, Or, Token
from tearline.labels.formats.stanag4774.model import (
    ADMIN,
    ANY_OF,
    COMPILATION,
    DISPLAY,
    INFERRED,
    LEVEL,
    NAMESPACE,
    ONLY,
    OWNER,
    RELEASABLE,
    ROOTS,
    SENSITIVITY,
    Category,
    policy_of,
)  # fmt: skip
from tearline.labels.model import Label
from tearline.labels.schemes import Registry, Scheme, resolve
from tearline.labels.syntax.capco import display_list, release_list

__all__ = ["to_xml"]


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
        out.append(Category(LEVEL, "INFORMATIVE", (INFERRED,)))
    if label.compilation_reason is not None:
        out.append(Category(COMPILATION, "INFORMATIVE", (label.compilation_reason,)))
    return out


def to_xml(
    label: Label,
    created: datetime,
    root: str = ROOTS[0],
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
    policy, uri = policy_of(scheme)
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
