"""Observations of the common operational picture as STIX 2.1 ``observed-data`` (pure).

An observation is an ``observed-data`` SDO (STIX 2.1 §4.12): ``first_observed`` and
``last_observed`` its time, ``number_observed`` 1, created by the node's ``identity``,
marked like every Tearline object (``object_marking_refs`` to its label's
marking-definition, §7.2.2) and signed in the Tearline property extension (§7.3), which
also carries the report itself — position, kind, sensor, source nation, course, speed,
identity, accuracy — because no standard Cyber-observable Object describes a contact at a
position.

§4.12 requires ``object_refs`` (``objects`` is deprecated) to name at least one SCO or SRO;
``stix2-validator`` refuses an SDO there (an ``identity``, a ``location``) and accepts a
custom SCO id, so ``object_refs`` names the contact as an ``x-tearline-observation``
(UUIDv5 of the node and observation: the same for every version). That SCO is not sent:
the extension holds what it would, and a reference to an object not in the bundle is
allowed (§3.1). A ``sighting`` (§5.2) was not chosen: its ``sighting_of_ref`` must name an
SDO (the thing sighted), which a contact of unknown identity has not.

Versions (§3.6): one id per observation of a node; a relabel is a new ``modified`` with the
new markings; a retraction, or a relabel that makes it no longer releasable to a peer that
held it, is the version with ``revoked: true`` (carrying the label that peer was given).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from tearline.errors import InvalidInput
from tearline.federation.stix import (
    EXTENSION_ID,
    Memo,
    _label_refs,
    _own_label,
    _uuid,
    identity,
    parse_time,
    stix_time,
)
from tearline.labels.model import Label
from tearline.labels.schemes import Registry
from tearline.picture.observation import Observation
from tearline.service.context import NodeInfo

__all__ = ["OBSERVED", "Received", "observation_object", "received", "stix_id_of"]

#: The STIX type observations travel as.
OBSERVED: Final = "observed-data"
_FIELDS: Final = ("alt", "course", "speed", "identity", "accuracy")


def stix_id_of(node: NodeInfo, observation_id: str) -> str:
    """The STIX id of a node's observation (the same for all its versions)."""
    return f"{OBSERVED}--" + _uuid("observation", node.id, observation_id)


def observation_object(
    obs: Observation, node: NodeInfo, registry: Registry, *, created: datetime,
    modified: datetime, version: int, label: Label | None = None, revoked: bool = False,
    memo: Memo | None = None,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:  # fmt: skip
    """``obs`` as ``observed-data``, and the marking-definitions it refers to. ``label``
    (default: the observation's) is the one that goes — a revocation carries the label the
    peer was given. ``memo``: the marking-definitions of a page's labels, made once."""
    label = obs.label if label is None else label
    markings = {m["id"]: m for m in _label_refs(label, node, registry, memo)}
    report: dict[str, Any] = {
        "id": obs.id, "lat": obs.lat, "lon": obs.lon, "kind": str(obs.kind),
        "source_nation": obs.source_nation, "sensor": obs.sensor,
    }  # fmt: skip
    report |= {name: getattr(obs, name) for name in _FIELDS if getattr(obs, name) is not None}
    extension = {
        "extension_type": "property-extension", "kind": "observation", "version": version,
        "node": node.id, "originator": {"nation": node.nation}, "observation": report,
    }  # fmt: skip
    body: dict[str, Any] = {
        "type": OBSERVED, "spec_version": "2.1", "id": stix_id_of(node, obs.id),
        "created": stix_time(created), "modified": stix_time(modified),
        "created_by_ref": identity(node)["id"],
        "first_observed": stix_time(obs.time), "last_observed": stix_time(obs.time),
        "number_observed": 1,
        "object_refs": ["x-tearline-observation--" + _uuid("contact", node.id, obs.id)],
        "object_marking_refs": sorted(markings),
        "extensions": {EXTENSION_ID: extension},
    }  # fmt: skip
    if revoked:
        body["revoked"] = True
    return body, sorted(markings.values(), key=lambda m: str(m["id"]))


@dataclass(frozen=True, slots=True)
class Received:
    """An observation read back from its ``observed-data``: its fields (to be checked by
    :func:`tearline.picture.observation`), label, version and where it came from."""

    stix_id: str
    modified: datetime
    revoked: bool
    time: datetime
    fields: dict[str, Any]
    label: Label
    originator_nation: str
    node: str


def received(obj: Mapping[str, Any], labels: Mapping[str, Label]) -> Received:
    """The observation of an ``observed-data`` this mapping wrote.

    Raises:
        InvalidInput: not a Tearline observation, or its markings do not resolve.
    """
    where = str(obj.get("id"))[:80]
    extension = (obj.get("extensions") or {}).get(EXTENSION_ID)
    if obj.get("type") != OBSERVED or not isinstance(extension, Mapping):
        raise InvalidInput(f"{where}: not a Tearline observation (no Tearline extension)")
    try:
        report = extension["observation"]
        fields = {
            "lat": float(report["lat"]), "lon": float(report["lon"]), "kind": str(report["kind"]),
            "source_nation": str(report["source_nation"]), "sensor": str(report["sensor"]),
        }  # fmt: skip
        for name in _FIELDS:
            if report.get(name) is not None:
                value = report[name]
                fields[name] = str(value) if name == "identity" else float(value)
        revoked = obj.get("revoked", False)
        if not isinstance(revoked, bool):
            raise InvalidInput(f"{where}: revoked must be true or false")
        return Received(
            str(obj["id"]), parse_time(obj.get("modified"), where + " modified"), revoked,
            parse_time(obj.get("first_observed"), where + " first_observed"), fields,
            _own_label(obj.get("object_marking_refs") or (), labels, where),
            str(extension["originator"]["nation"]), str(extension["node"]),
        )  # fmt: skip
    except (KeyError, TypeError, ValueError) as problem:
        raise InvalidInput(f"{where}: malformed Tearline observation ({problem})") from None
