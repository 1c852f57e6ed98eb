"""STANAG 4774 labels as data: the namespace, the roots, the categories Tearline reads, and
which scheme a policy identifier names."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from tearline.errors import LabelError
from tearline.labels.schemes import Registry, Scheme

__all__ = [
    "ADMIN", "ANY_OF", "COMPILATION", "DISPLAY", "INFERRED", "LEVEL", "MAX_BYTES", "NAMESPACE",
    "NATO_OID", "ONLY", "OWNER", "RELEASABLE", "ROOTS", "SENSITIVITY", "TYPES", "Category",
    "ConfidentialityLabel", "StanagClearance", "policy_of", "refused", "scheme_for",
]  # fmt: skip

NAMESPACE = "urn:nato:stanag:4774:confidentialitymetadatalabel:1:0"
ROOTS = (
    "originatorConfidentialityLabel",
    "alternativeConfidentialityLabel",
    "metadataConfidentialityLabel",
)
TYPES = ("PERMISSIVE", "RESTRICTIVE", "INFORMATIVE")
NATO_OID = "urn:oid:1.3.26.1.3.1"
MAX_BYTES = 65536
RELEASABLE, ONLY, DISPLAY, ADMIN, SENSITIVITY, OWNER, ANY_OF, LEVEL, COMPILATION = (
    "Releasable To", "Only", "Display Only To", "Administrative", "Additional Sensitivity",
    "Owner", "Any Of", "Level", "Compilation Reason",
)  # fmt: skip
INFERRED = "inferred"


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


def policy_of(scheme: Scheme) -> tuple[str, str]:
    if scheme.id == "nato":
        return "NATO", NATO_OID
    return scheme.id.upper(), f"urn:tearline:scheme:{scheme.id}"


def scheme_for(policy: str, uri: str | None, registry: Registry) -> Scheme:
    """The scheme of a 4774 policy; its name and URI (when given) must both be that scheme's."""
    for scheme in registry.schemes.values():
        name, known_uri = policy_of(scheme)
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


def refused(message: str) -> LabelError:
    """A 4774 label refused for its form (``syntax``), with what and where in ``message``."""
    return LabelError("syntax", message, 0)
