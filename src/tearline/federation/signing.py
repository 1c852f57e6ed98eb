"""Signed labels: every STIX object a node shares is signed with the node's Ed25519 key over
a canonical form of the object *with its markings*, so a label cannot be stripped, swapped or
altered in transit without the signature failing.

What is signed: the bytes ``tearline-stix-signature-v1`` and a newline, followed by the
RFC 8785 JSON Canonicalization Scheme (JCS) form of ``{"object": OBJECT, "markings": [...]}``
where OBJECT is the STIX object without its signature and the markings are the full
marking-definition objects (STIX 2.1 §7.2.1) of every marking it refers to — object and
granular (§7.2.2, §7.2.3) — sorted by id. The signature travels in the object, in the
Tearline property extension (STIX 2.1 §7.3) under ``signature``::

    {"alg": "Ed25519", "canonicalization": "RFC8785", "key_id": "…16 hex…",
     "markings": "<sha256 hex of the JCS form of the markings>", "value": "<base64>"}

``markings`` (the digest of the markings signed) lets a receiver say *relabelled* rather than
only *altered* when a label was changed; it is advisory — the signature decides.

A receiver verifies against the key it holds for the peer (never a key the object names) and
rejects what is unsigned, altered, relabelled or replayed (an object older than one already
held under the same id, or the same id and ``modified`` with another signature).
"""

from __future__ import annotations

import base64
import binascii
import copy
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from enum import StrEnum
from typing import Any, Final

import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from tearline.errors import InvalidInput
from tearline.federation.stix import EXTENSION_ID, marking_refs, parse_time
from tearline.service.ports import Signer

__all__ = [
    "Rejected", "Verdict", "markings_digest", "sign", "signature_of", "signed_bytes", "verify",
    "with_signature",
]  # fmt: skip

_PREFIX: Final = b"tearline-stix-signature-v1\n"


class Rejected(InvalidInput):
    """A shared object that fails verification; ``reason`` is ``unsigned``, ``altered``,
    ``relabelled``, ``replayed`` or ``malformed``."""

    code = "rejected"

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(f"{reason}: {message}")
        self.reason = reason


class Verdict(StrEnum):
    """What a verified object is to its receiver."""

    NEW = "new"  # not held yet (or a newer version of one held)
    HELD = "held"  # this very version, with this very signature, is held already


def _unsigned(obj: Mapping[str, Any]) -> dict[str, Any]:
    body = copy.deepcopy(dict(obj))
    extension = (body.get("extensions") or {}).get(EXTENSION_ID)
    if isinstance(extension, dict):
        extension.pop("signature", None)
    return body


def _markings(obj: Mapping[str, Any], markings: Iterable[Mapping[str, Any]]) -> list[Any]:
    by_id = {str(m.get("id")): m for m in markings}
    missing = [ref for ref in marking_refs(obj) if ref not in by_id]
    if missing:
        raise Rejected("relabelled", f"{str(obj.get('id'))[:80]}: marking {missing[0][:80]} "
                       "is not among the marking-definitions sent with it")  # fmt: skip
    return [by_id[ref] for ref in marking_refs(obj)]


def _digest(markings: Sequence[Any]) -> str:
    return hashlib.sha256(rfc8785.dumps(markings)).hexdigest()


def signed_bytes(obj: Mapping[str, Any], markings: Iterable[Mapping[str, Any]]) -> bytes:
    """The bytes the signature of ``obj`` is over (see the module's docstring).

    Raises:
        Rejected: a marking ``obj`` refers to is not in ``markings`` (``relabelled``).
    """
    chosen = _markings(obj, markings)
    return _PREFIX + rfc8785.dumps({"object": _unsigned(obj), "markings": chosen})


def sign(
    obj: Mapping[str, Any], markings: Iterable[Mapping[str, Any]], signer: Signer
) -> dict[str, Any]:
    """A copy of ``obj`` carrying the node's signature over it and its markings."""
    value = bytes.fromhex(signer.sign(signed_bytes(obj, markings)))
    return with_signature(obj, markings, base64.b64encode(value).decode(), signer.key_id)


def markings_digest(obj: Mapping[str, Any], markings: Iterable[Mapping[str, Any]]) -> str:
    """The digest of the markings ``obj`` refers to, as its signature names it."""
    return _digest(_markings(obj, markings))


def with_signature(
    obj: Mapping[str, Any], markings: Iterable[Mapping[str, Any]], value: str, key_id: str,
    *, digest: str | None = None,
) -> dict[str, Any]:  # fmt: skip
    """A copy of ``obj`` carrying ``value`` (base64), a signature made earlier (and kept);
    ``digest``: :func:`markings_digest` of the same, if already known."""
    chosen = _markings(obj, markings)
    signed = _unsigned(obj)
    signed["extensions"][EXTENSION_ID]["signature"] = {
        "alg": "Ed25519", "canonicalization": "RFC8785", "key_id": key_id,
        "markings": digest or _digest(chosen), "value": value,
    }  # fmt: skip
    return signed


def signature_of(obj: Mapping[str, Any]) -> str | None:
    """The signature ``obj`` carries (base64), if any."""
    extension = (obj.get("extensions") or {}).get(EXTENSION_ID)
    block = extension.get("signature") if isinstance(extension, Mapping) else None
    value = block.get("value") if isinstance(block, Mapping) else None
    return value if isinstance(value, str) else None


def _public(key: str) -> Ed25519PublicKey:
    try:
        raw = base64.b64decode(key, validate=True)
        return Ed25519PublicKey.from_public_bytes(raw)
    except (binascii.Error, ValueError):
        raise InvalidInput("the peer's public key is not base64 of 32 bytes") from None


def verify(
    obj: Mapping[str, Any],
    markings: Iterable[Mapping[str, Any]],
    public_key: str,
    held: Sequence[tuple[datetime, str]] = (),
) -> Verdict:
    """Check ``obj`` (sent with ``markings``) against the sender's ``public_key`` (base64)
    and the versions of the same id already ``held`` (``(modified, signature)`` each).

    Raises:
        Rejected: unsigned, altered, relabelled, replayed or malformed.
    """
    where = str(obj.get("id"))[:80]
    value = signature_of(obj)
    if value is None:
        raise Rejected("unsigned", f"{where} carries no Tearline signature")
    chosen = _markings(obj, markings)
    key = _public(public_key)
    try:
        raw = base64.b64decode(value, validate=True)
        key.verify(raw, signed_bytes(obj, chosen))
    except (binascii.Error, ValueError, InvalidSignature):
        block = obj["extensions"][EXTENSION_ID]["signature"]
        if block.get("markings") != _digest(chosen):
            raise Rejected("relabelled", f"{where}: its markings are not those signed") from None
        raise Rejected("altered", f"{where}: the signature does not match its content") from None
    try:
        modified = parse_time(obj.get("modified"), where + " modified")
    except InvalidInput as problem:
        raise Rejected("malformed", str(problem)) from None
    if any(when > modified for when, _ in held):
        raise Rejected("replayed", f"{where}: a newer version is held already")
    for when, signature in held:
        if when == modified:
            if signature == value:
                return Verdict.HELD
            raise Rejected("replayed", f"{where}: this version is held with another signature")
    return Verdict.NEW
