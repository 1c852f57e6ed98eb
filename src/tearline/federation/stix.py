"""Tearline items and labels as STIX 2.1 objects, and back (pure: no I/O).

The mapping (docs/federation.md):

- an item is a STIX ``report`` (STIX 2.1 §4.14; reports and documents) or ``note`` (§4.11;
  observations, until #11's observation mapping), created by the node's ``identity`` (§4.8);
  the Tearline fields (item id, kind, version, originator, a document's portions) travel in a
  property extension (§7.3, ``extension-definition`` :data:`EXTENSION_ID`);
- every Tearline label is a ``marking-definition`` (§7.2.1) carrying the same extension:
  the label's codec form (``tearline.labels.codec``), its canonical marking, the marking as
  originally written, and its scheme. An object refers to its label's marking in
  ``object_marking_refs`` (§7.2.2); a document's portions are marked one by one with
  ``granular_markings`` (§7.2.3) whose selector names the portion in the extension;
- a TLP label also refers to the standard TLP 2.0 marking-definition of its level (the OASIS
  TLP 2.0 extension, ``extension-definition--60a3c5c5-…``), so tools that know only TLP read
  it;
- ids are deterministic (UUIDv5, §2.9): one id per item of a node, the same for all its
  versions, with ``modified`` the time of the version (§3.6 versioning); one id per label
  of a node. Exporting the same version twice gives the same object, byte for byte.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from tearline.errors import InvalidInput, LabelError
from tearline.labels.codec import from_dict, intern_key, to_dict
from tearline.labels.model import Label
from tearline.labels.schemes import Registry
from tearline.service.context import NodeInfo
from tearline.service.records import ItemKind, ItemRecord, Portion
from tearline.service.views import marking

__all__ = [
    "EXTENSION_ID",
    "TLP_MARKINGS",
    "Imported",
    "Memo",
    "bundle",
    "extension_definition",
    "identity",
    "imported",
    "item_object",
    "label_marking",
    "labels_of",
    "marking_refs",
    "stix_time",
]

#: The namespace of every id Tearline derives (UUIDv5).
NAMESPACE: Final = uuid.UUID("6f1c3d0e-8a53-5d0c-9a57-7e2a1f1f4b11")
#: The Tearline extension (STIX 2.1 §7.3): one id for every Tearline node.
EXTENSION_ID: Final = "extension-definition--" + str(uuid.uuid5(NAMESPACE, "tearline/stix/1"))
#: The project's identity, creator of the extension definition.
PROJECT_IDENTITY: Final = "identity--" + str(uuid.uuid5(NAMESPACE, "tearline"))
#: When the extension, the identities and the label markings were defined: a fixed time, so
#: that they are the same objects every time they are exported.
EPOCH: Final = "2026-01-01T00:00:00.000Z"
#: The OASIS TLP 2.0 extension definition and the standard marking-definition of each level.
TLP_EXTENSION: Final = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
TLP_MARKINGS: Final = {
    "CLEAR": "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    "GREEN": "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    "AMBER": "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    "AMBER+STRICT": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    "RED": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}
_TLP_CREATED: Final = "2022-10-01T00:00:00.000Z"
_TYPES: Final = {ItemKind.REPORT: "report", ItemKind.DOCUMENT: "report",
                 ItemKind.OBSERVATION: "note"}  # fmt: skip


def stix_time(at: datetime) -> str:
    """A STIX timestamp (§3.2): UTC, ``Z``, microseconds kept (a version's time exactly)."""
    return at.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def parse_time(text: object, where: str) -> datetime:
    """The time of a STIX timestamp.

    Raises:
        InvalidInput: not a timestamp in UTC (``Z``).
    """
    if not isinstance(text, str) or not text.endswith("Z"):
        raise InvalidInput(f"{where}: give a STIX timestamp such as 2026-01-01T00:00:00.000Z")
    try:
        return datetime.fromisoformat(text[:-1]).replace(tzinfo=UTC)
    except ValueError:
        raise InvalidInput(f"{where}: {text[:40]!r} is not a STIX timestamp") from None


def _uuid(*parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, "\x00".join(parts)))


def identity(node: NodeInfo) -> dict[str, Any]:
    """The node as a STIX ``identity`` (§4.8): the creator of everything it exports."""
    return {
        "type": "identity", "spec_version": "2.1", "id": "identity--" + _uuid("node", node.id),
        "created": EPOCH, "modified": EPOCH, "name": f"Tearline node {node.id}",
        "identity_class": "system", "sectors": ["government-national"],
        "description": f"A Tearline node of {node.nation}, marking in the {node.scheme} scheme",
    }  # fmt: skip


def extension_definition() -> dict[str, Any]:
    """The Tearline extension (§7.3): a property extension on marking-definitions (the
    label) and on reports and notes (the item's own fields)."""
    return {
        "type": "extension-definition", "spec_version": "2.1", "id": EXTENSION_ID,
        "created": EPOCH, "modified": EPOCH, "created_by_ref": PROJECT_IDENTITY,
        "name": "Tearline label and item",
        "description": "A Tearline classification label (codec form, canonical and original "
        "marking, scheme) on a marking-definition; a Tearline item's id, kind, version, "
        "originator, portions and signature on a report or note.",
        "schema": "https://github.com/tearline/tearline/blob/main/docs/federation.md",
        "version": "1.0.0", "extension_types": ["property-extension"],
    }  # fmt: skip


def _project_identity() -> dict[str, Any]:
    return {"type": "identity", "spec_version": "2.1", "id": PROJECT_IDENTITY,
            "created": EPOCH, "modified": EPOCH, "name": "Tearline",
            "identity_class": "organization"}  # fmt: skip


def tlp_marking(level: str) -> dict[str, Any]:
    """The standard TLP 2.0 marking-definition of ``level`` (``GREEN``)."""
    return {
        "type": "marking-definition", "spec_version": "2.1", "id": TLP_MARKINGS[level],
        "created": _TLP_CREATED, "name": f"TLP:{level}",
        "extensions": {TLP_EXTENSION: {"extension_type": "property-extension",
                                       "tlp_2_0": level.lower()}},
    }  # fmt: skip


def label_marking(label: Label, node: NodeInfo, registry: Registry) -> dict[str, Any]:
    """``label`` as a ``marking-definition`` (§7.2.1) with the Tearline extension."""
    shown = marking(label, registry)
    return {
        "type": "marking-definition", "spec_version": "2.1",
        "id": "marking-definition--" + _uuid("label", node.id, intern_key(label)),
        "created": EPOCH, "created_by_ref": identity(node)["id"], "name": shown,
        "extensions": {EXTENSION_ID: {
            "extension_type": "property-extension", "label": to_dict(label), "marking": shown,
            "original": label.original.strip() or shown, "scheme": label.scheme,
        }},
    }  # fmt: skip


#: The marking-definitions of labels already mapped, by label and original marking (which
#: the definition carries and equality leaves out): one page's, shared by its objects.
Memo = dict[tuple[Label, str], list[dict[str, Any]]]


def _label_refs(
    label: Label, node: NodeInfo, registry: Registry, memo: Memo | None = None
) -> list[dict[str, Any]]:
    found = None if memo is None else memo.get((label, label.original))
    if found is None:
        found = [label_marking(label, node, registry)]
        if label.scheme == "tlp" and label.level in TLP_MARKINGS:
            found.append(tlp_marking(label.level))
        if memo is not None:
            memo[label, label.original] = found
    return found


def item_object(
    item: ItemRecord, node: NodeInfo, registry: Registry, *,
    label: Label | None = None, portions: Sequence[Portion] | None = None,
    memo: Memo | None = None, onward: Sequence[str] = (),
) -> tuple[dict[str, Any], list[dict[str, Any]]]:  # fmt: skip
    """``item`` as a STIX object, and the marking-definitions it refers to.

    ``label`` and ``portions`` are what goes (a document cut down to the portions the peer
    may be given, with its banner rolled up from them); by default, the whole item.
    ``memo``: definitions made for earlier objects (of a page), reused and added to.
    ``onward``: the nations its originator consents it may go on to (the extension's
    ``onward``, signed with the object)."""
    label = item.label if label is None else label
    portions = item.portions if portions is None else portions
    markings = {m["id"]: m for m in _label_refs(label, node, registry, memo)}
    creator = identity(node)["id"]
    extension: dict[str, Any] = {
        "extension_type": "property-extension", "item": item.id, "kind": str(item.kind),
        "version": item.version, "node": node.id,
        "originator": {"nation": item.originator_nation, "organisation": item.originator_org},
    }  # fmt: skip
    stix_type = _TYPES[item.kind]
    body: dict[str, Any] = {
        "type": stix_type, "spec_version": "2.1",
        "id": f"{stix_type}--" + _uuid("item", node.id, item.id),
        "created": stix_time(item.created), "modified": stix_time(item.modified),
        "created_by_ref": creator,
        "object_marking_refs": sorted(m["id"] for m in markings.values()),
    }  # fmt: skip
    if stix_type == "report":
        body |= {"name": item.title, "published": stix_time(item.at), "object_refs": [creator]}
    else:
        body |= {"abstract": item.title, "object_refs": [creator]}
    if item.kind is ItemKind.DOCUMENT:
        extension["portions"] = [p.text for p in portions]
        granular = []
        for position, portion in enumerate(portions):
            for found in _label_refs(portion.label, node, registry, memo):
                markings.setdefault(found["id"], found)
                selector = f"extensions.{EXTENSION_ID}.portions.[{position}]"
                granular.append({"marking_ref": found["id"], "selectors": [selector]})
        body["granular_markings"] = granular
        text = "\n\n".join(p.text for p in portions)
    else:
        text = item.content
    body["description" if stix_type == "report" else "content"] = text
    if item.lat is not None and item.lon is not None:
        extension["position"] = {"lat": item.lat, "lon": item.lon}
    if onward:
        extension["onward"] = sorted(onward)
    body["extensions"] = {EXTENSION_ID: extension}
    return body, sorted(markings.values(), key=lambda m: str(m["id"]))


def marking_refs(obj: Mapping[str, Any]) -> list[str]:
    """Every marking-definition ``obj`` refers to (object and granular), sorted, once each."""
    refs = set(obj.get("object_marking_refs") or ())
    for granular in obj.get("granular_markings") or ():
        if isinstance(granular, Mapping) and isinstance(granular.get("marking_ref"), str):
            refs.add(granular["marking_ref"])
    return sorted(str(ref) for ref in refs)


def bundle(objects: Iterable[Mapping[str, Any]], node: NodeInfo) -> dict[str, Any]:
    """A STIX bundle (§8) of ``objects`` with the node's identity, the project's, and the
    extension definition they use (each once)."""
    seen: dict[str, Mapping[str, Any]] = {}
    for obj in [_project_identity(), identity(node), extension_definition(), *objects]:
        seen.setdefault(str(obj["id"]), obj)
    return {"type": "bundle", "id": "bundle--" + str(uuid.uuid4()), "objects": list(seen.values())}


@dataclass(frozen=True, slots=True)
class Imported:
    """A Tearline item read back from its STIX object: its label and portions, where from."""

    stix_id: str
    modified: datetime
    item_id: str
    kind: ItemKind
    version: int
    title: str
    content: str
    label: Label
    portions: tuple[Portion, ...]
    originator_nation: str
    originator_org: str
    node: str
    at: datetime


def labels_of(markings: Iterable[Mapping[str, Any]], registry: Registry) -> dict[str, Label]:
    """The Tearline label of each marking-definition that carries one, by id (the standard
    TLP ones carry none and are left out).

    Raises:
        InvalidInput: a Tearline marking-definition whose label is malformed.
    """
    found: dict[str, Label] = {}
    for definition in markings:
        extension = (definition.get("extensions") or {}).get(EXTENSION_ID)
        if extension is None:
            continue
        try:
            found[str(definition["id"])] = from_dict(extension.get("label"), registry=registry)
        except (LabelError, AttributeError) as problem:
            where = str(definition.get("id"))[:80]
            raise InvalidInput(f"{where}: its Tearline label is malformed: {problem}") from None
    return found


def _own_label(refs: Sequence[object], labels: Mapping[str, Label], where: str) -> Label:
    own = [labels[ref] for ref in refs if isinstance(ref, str) and ref in labels]
    if len(own) != 1:
        raise InvalidInput(f"{where}: object_marking_refs must name exactly one Tearline label")
    return own[0]


def imported(obj: Mapping[str, Any], labels: Mapping[str, Label]) -> Imported:
    """The Tearline item of a report or note this mapping wrote (``labels`` from
    :func:`labels_of` over the bundle's marking-definitions).

    Raises:
        InvalidInput: not a Tearline object, or its markings do not resolve to labels.
    """
    where = str(obj.get("id"))[:80]
    extension = (obj.get("extensions") or {}).get(EXTENSION_ID)
    if obj.get("type") not in ("report", "note") or not isinstance(extension, Mapping):
        raise InvalidInput(f"{where}: not a Tearline report or note (no Tearline extension)")
    try:
        kind = ItemKind(extension["kind"])
        label = _own_label(obj.get("object_marking_refs") or (), labels, where)
        texts = list(extension.get("portions") or ())
        by_position: dict[int, Label] = {}
        for granular in obj.get("granular_markings") or ():
            ref = granular["marking_ref"]
            if ref not in labels:
                continue
            for selector in granular["selectors"]:
                position = int(str(selector).rsplit(".[", 1)[1].rstrip("]"))
                if position in by_position or not 0 <= position < len(texts):
                    raise InvalidInput(f"{where}: portion {position} is marked twice or absent")
                by_position[position] = labels[ref]
        if sorted(by_position) != list(range(len(texts))):
            raise InvalidInput(f"{where}: every portion needs its own Tearline label")
        portions = tuple(Portion(by_position[n], str(t)) for n, t in enumerate(texts))
        title = obj["name"] if obj["type"] == "report" else obj["abstract"]
        content = obj["description"] if obj["type"] == "report" else obj["content"]
        originator = extension["originator"]
        return Imported(
            str(obj["id"]), parse_time(obj.get("modified"), where + " modified"),
            str(extension["item"]), kind, int(extension["version"]), str(title), str(content),
            label, portions, str(originator["nation"]), str(originator["organisation"]),
            str(extension["node"]),
            parse_time(obj.get("published" if obj["type"] == "report" else "created"),
                       where + " time"),
        )  # fmt: skip
    except (KeyError, TypeError, ValueError, IndexError) as problem:
        raise InvalidInput(f"{where}: malformed Tearline object ({problem})") from None
