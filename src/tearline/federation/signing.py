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
import hashlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from enum import StrEnum
from typing import Any, Final

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from tearline.errors import InvalidInput
from tearline.federation.jcs import canonical
from tearline.federation.stix import EXTENSION_ID, marking_refs, parse_time
from tearline.service.ports import Signer

__all__ = [
    "Markings", "Rejected", "Verdict", "markings_digest", "sign", "signature_of",
    "signed_bytes", "verify", "with_signature",
]  # fmt: skip

_PREFIX: Final = b"tearline-stix-signature-v1\n"


def _openssl(public: bytes, signature: bytes, data: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, data)
    except InvalidSignature:
        return False
    return True


_check: Callable[[bytes, bytes, bytes], bool] = _openssl
try:
    from nacl.bindings import crypto_sign_open
    from nacl.exceptions import BadSignatureError

    def _sodium(public: bytes, signature: bytes, data: bytes) -> bool:
        try:
            crypto_sign_open(signature + data, public)
        except BadSignatureError:
            return False
        return True

    _check = _sodium
except ImportError:  # pragma: no cover - PyNaCl is a dependency; without it OpenSSL checks
    pass


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
    """``obj`` without its signature: a new dict, as are its ``extensions`` and the Tearline
    extension in them (the path to the signature); the other values are ``obj``'s own."""
    body = dict(obj)
    extensions = body.get("extensions")
    if isinstance(extensions, Mapping) and isinstance(extensions.get(EXTENSION_ID), Mapping):
        extension = dict(extensions[EXTENSION_ID])
        extension.pop("signature", None)
        body["extensions"] = {**extensions, EXTENSION_ID: extension}
    return body


class Markings:
    """The marking-definitions sent together (a page), by id — the last of an id, as
    :func:`tearline.federation.stix.labels_of` reads them — with the canonical form of each
    set of them an object refers to worked out once for the page rather than once an object.
    Iterating gives the definitions as they were given."""

    __slots__ = ("_by_id", "_definitions", "_forms")

    def __init__(self, definitions: Iterable[Mapping[str, Any]]) -> None:
        self._definitions = list(definitions)
        self._by_id = {str(m.get("id")): m for m in self._definitions}
        self._forms: dict[tuple[str, ...], tuple[list[Any], bytes]] = {}

    def __iter__(self) -> Iterator[Mapping[str, Any]]:
        return iter(self._definitions)

    def of(self, obj: Mapping[str, Any]) -> tuple[list[Any], bytes]:
        """The definitions ``obj`` refers to, sorted by id, and their canonical form.

        Raises:
            Rejected: one is missing (``relabelled``).
        """
        refs = tuple(marking_refs(obj))
        found = self._forms.get(refs)
        if found is None:
            missing = [ref for ref in refs if ref not in self._by_id]
            if missing:
                raise Rejected("relabelled", f"{str(obj.get('id'))[:80]}: marking "
                               f"{missing[0][:80]} is not among the marking-definitions sent "
                               "with it")  # fmt: skip
            chosen = [self._by_id[ref] for ref in refs]
            found = self._forms[refs] = (chosen, canonical(chosen))
        return found


def _markings(
    obj: Mapping[str, Any], markings: Iterable[Mapping[str, Any]]
) -> tuple[list[Any], bytes]:
    return (markings if isinstance(markings, Markings) else Markings(markings)).of(obj)


def _digest(canonical_markings: bytes) -> str:
    return hashlib.sha256(canonical_markings).hexdigest()


def signed_bytes(obj: Mapping[str, Any], markings: Iterable[Mapping[str, Any]]) -> bytes:
    """The bytes the signature of ``obj`` is over (see the module's docstring); give
    :class:`Markings` for a page of objects.

    Raises:
        Rejected: a marking ``obj`` refers to is not in ``markings`` (``relabelled``).
    """
    # The JCS form of {"object": O, "markings": M}: its members in key order, each in its
    # own JCS form (RFC 8785 §3.2.3), so the markings' form is worked out once a page.
    _, form = _markings(obj, markings)
    return b"".join((_PREFIX, b'{"markings":', form, b',"object":',
                     canonical(_unsigned(obj)), b"}"))  # fmt: skip


def sign(
    obj: Mapping[str, Any], markings: Iterable[Mapping[str, Any]], signer: Signer
) -> dict[str, Any]:
    """A copy of ``obj`` carrying the node's signature over it and its markings."""
    value = bytes.fromhex(signer.sign(signed_bytes(obj, markings)))
    return with_signature(obj, markings, base64.b64encode(value).decode(), signer.key_id)


def markings_digest(obj: Mapping[str, Any], markings: Iterable[Mapping[str, Any]]) -> str:
    """The digest of the markings ``obj`` refers to, as its signature names it."""
    return _digest(_markings(obj, markings)[1])


def with_signature(
    obj: Mapping[str, Any], markings: Iterable[Mapping[str, Any]], value: str, key_id: str,
    *, digest: str | None = None,
) -> dict[str, Any]:  # fmt: skip
    """A copy of ``obj`` carrying ``value`` (base64), a signature made earlier (and kept);
    ``digest``: :func:`markings_digest` of the same, if already known. The copy is new down
    to the Tearline extension; its other values are ``obj``'s own."""
    if digest is None:
        digest = _digest(_markings(obj, markings)[1])
    signed = _unsigned(obj)
    signed["extensions"][EXTENSION_ID]["signature"] = {
        "alg": "Ed25519", "canonicalization": "RFC8785", "key_id": key_id,
        "markings": digest, "value": value,
    }  # fmt: skip
    return signed


def signature_of(obj: Mapping[str, Any]) -> str | None:
    """The signature ``obj`` carries (base64), if any."""
    extension = (obj.get("extensions") or {}).get(EXTENSION_ID)
    block = extension.get("signature") if isinstance(extension, Mapping) else None
    value = block.get("value") if isinstance(block, Mapping) else None
    return value if isinstance(value, str) else None


def _public(key: str) -> bytes:
    try:
        raw = base64.b64decode(key, validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32:
        raise InvalidInput("the peer's public key is not base64 of 32 bytes")
    return raw


def _valid(public: bytes, signature: bytes, data: bytes) -> bool:
    """Whether ``signature`` is the Ed25519 signature of ``data`` by ``public`` (raw bytes).
    libsodium (PyNaCl) where it is installed — three times OpenSSL's speed here, and as
    strict or stricter (it refuses small-order keys and points as well); OpenSSL otherwise."""
    return len(signature) == 64 and _check(public, signature, data)


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
    if not isinstance(markings, Markings):
        markings = Markings(markings)
    key = _public(public_key)
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if not _valid(key, raw, signed_bytes(obj, markings)):
        block = obj["extensions"][EXTENSION_ID]["signature"]
        if block.get("markings") != _digest(markings.of(obj)[1]):
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
