"""What is signed is the RFC 8785 form the module's docstring names — made from its parts and
the page's canonical markings for speed, it is byte for byte the reference's — and the two
Ed25519 verifiers (libsodium, OpenSSL) give the same verdicts."""

from __future__ import annotations

import base64
import copy
from typing import Any

import pytest
import rfc8785
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from federation.items import NODE, REGISTRY, document, report
from tearline.federation import signing
from tearline.federation.signing import Markings, signed_bytes, verify
from tearline.federation.stix import EXTENSION_ID, item_object, marking_refs
from tearline.keys import NodeKey

KEY = NodeKey(Ed25519PrivateKey.generate())
PUBLIC = base64.b64encode(bytes.fromhex(KEY.public_hex)).decode()


def _reference(obj: dict[str, Any], markings: list[dict[str, Any]]) -> bytes:
    body = copy.deepcopy(obj)
    body["extensions"][EXTENSION_ID].pop("signature", None)
    by_id = {m["id"]: m for m in markings}
    chosen = [by_id[ref] for ref in sorted(marking_refs(obj))]
    return b"tearline-stix-signature-v1\n" + rfc8785.dumps({"object": body, "markings": chosen})


@pytest.mark.parametrize(
    "item",
    [report("SECRET//REL TO USA, JPN"), report("TLP:AMBER", "tlp"),
     document(["S//REL TO USA, JPN", "U"], "SECRET//REL TO USA, JPN")],
)  # fmt: skip
def test_the_signed_bytes_are_the_reference_rfc8785_form(item: Any) -> None:
    obj, markings = item_object(item, NODE, REGISTRY)
    obj["name"] = '秘 \u2028 \x00 \U0001f600 "quoted"'
    obj["extensions"][EXTENSION_ID]["position"] = {"lat": 35.6895, "lon": 1e-7}
    expected = _reference(obj, markings)
    assert signed_bytes(obj, markings) == expected
    page = Markings(markings)
    assert signed_bytes(obj, page) == expected
    assert signed_bytes(obj, page) == expected  # the page's form, reused
    signed = signing.sign(obj, markings, KEY)
    assert signed_bytes(signed, markings) == expected  # the signature is not signed


def test_the_later_definition_of_an_id_is_the_one_signed_as_labels_of_reads_it() -> None:
    obj, markings = item_object(report("SECRET//REL TO USA, JPN"), NODE, REGISTRY)
    other = copy.deepcopy(markings[0])
    other["name"] = "something else"
    assert signed_bytes(obj, Markings([markings[0], other])) == signed_bytes(obj, [other])


def test_the_node_key_signs_as_openssl_does() -> None:
    private = Ed25519PrivateKey.generate()
    key = NodeKey(private)
    for data in (b"", b"tearline-stix-signature-v1\n{}", "報告".encode() * 500):
        assert key.sign(data) == private.sign(data).hex()
        assert key.verify(data, key.sign(data))


def test_libsodium_and_openssl_agree() -> None:
    data = b"tearline-stix-signature-v1\n{}"
    good = bytes.fromhex(KEY.sign(data))
    raw = bytes.fromhex(KEY.public_hex)
    bad = bytes([good[0] ^ 1]) + good[1:]
    for check in (signing._sodium, signing._openssl):
        assert check(raw, good, data)
        assert not check(raw, bad, data)
        assert not check(raw, good, data + b" ")
        assert not check(bytes(32), good, data)
    assert not signing._valid(raw, good[:63], data)
    obj, markings = item_object(report("SECRET//REL TO USA, JPN"), NODE, REGISTRY)
    assert verify(signing.sign(obj, markings, KEY), markings, PUBLIC) is signing.Verdict.NEW
