"""The node's Ed25519 key: created once at ``init``, kept in the node's home (mode 0600).

It also seals the secrets the node keeps at rest (the credentials it presents at its peers):
AES-256-GCM under a key derived from it (HKDF-SHA256), so a copy of the database alone
reveals none of them."""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from nacl.bindings import crypto_sign, crypto_sign_seed_keypair

from tearline.errors import DataFault, InvalidInput

__all__ = ["NodeKey"]


class NodeKey:
    """Signs and verifies with the node's key (the :class:`~tearline.service.ports.Signer`)."""

    def __init__(self, private: Ed25519PrivateKey) -> None:
        self._private = private
        self._public = private.public_key()
        raw = self._public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        self.public_hex = raw.hex()
        self._key_id = hashlib.sha256(raw).hexdigest()[:16]
        seed = private.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                     serialization.NoEncryption())  # fmt: skip
        derived = HKDF(hashes.SHA256(), 32, salt=None, info=b"tearline sealing v1").derive(seed)
        self._secret = crypto_sign_seed_keypair(seed)[1]  # libsodium's form, for signing
        self._sealing = AESGCM(derived)

    @property
    def key_id(self) -> str:
        """The first 16 hex digits of the SHA-256 of the public key."""
        return self._key_id

    @classmethod
    def create(cls, path: Path) -> NodeKey:
        """A new key, written to ``path`` readable by its owner only."""
        private = Ed25519PrivateKey.generate()
        pem = private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as out:
            out.write(pem)
        return cls(private)

    @classmethod
    def load(cls, path: Path) -> NodeKey:
        """The key kept at ``path``.

        Raises:
            InvalidInput: the file is missing (the node was not initialised here).
            DataFault: the file is not an Ed25519 private key.
        """
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise InvalidInput(
                f"the node key {path} is missing; is this a node's home (tearline init)?"
            ) from None
        try:
            private = serialization.load_pem_private_key(data, password=None)
        except ValueError:
            raise DataFault(f"the node key {path} is not a private key") from None
        if not isinstance(private, Ed25519PrivateKey):
            raise DataFault(f"the node key {path} is not an Ed25519 key")
        return cls(private)

    def sign(self, message: bytes) -> str:
        """The signature of ``message`` (hex)."""
        # libsodium: a fifth faster than OpenSSL here, and Ed25519 gives both the same bytes
        return crypto_sign(message, self._secret)[:64].hex()

    def verify(self, message: bytes, signature: str) -> bool:
        """Whether ``signature`` (hex) is this key's signature of ``message``."""
        try:
            self._public.verify(bytes.fromhex(signature), message)
        except (InvalidSignature, ValueError):
            return False
        return True

    def seal(self, secret: bytes, context: bytes) -> str:
        """``secret`` encrypted (AES-256-GCM, a random nonce) and bound to ``context``."""
        nonce = os.urandom(12)
        sealed = nonce + self._sealing.encrypt(nonce, secret, context)
        return "v1:" + base64.b64encode(sealed).decode()

    def unseal(self, sealed: str, context: bytes) -> bytes:
        """The secret :meth:`seal` sealed for ``context``.

        Raises:
            DataFault: not sealed by this key for this context, or altered since.
        """
        try:
            raw = base64.b64decode(sealed.removeprefix("v1:"), validate=True)
            if not sealed.startswith("v1:") or len(raw) < 28:
                raise ValueError(sealed[:0])
            return self._sealing.decrypt(raw[:12], raw[12:], context)
        except (InvalidTag, binascii.Error, ValueError):
            raise DataFault("a sealed secret does not open with this node's key") from None
