"""Signed labels, seen by an attacker in the middle: an object whose content, label (object or
portion marking, or the marking-definition itself) or signature was changed, or that was
stripped of its signature, or replayed, is rejected and the reason named."""

from __future__ import annotations

import base64
import copy
from datetime import timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from federation.items import NODE, REGISTRY, document, report
from tearline.errors import InvalidInput
from tearline.federation.signing import Rejected, Verdict, sign, signature_of, verify
from tearline.federation.stix import EXTENSION_ID, item_object, label_marking, parse_time
from tearline.keys import NodeKey
from tearline.labels.parse import parse


def node_key() -> tuple[NodeKey, str]:
    key = NodeKey(Ed25519PrivateKey.generate())
    raw = bytes.fromhex(key.public_hex)
    return key, base64.b64encode(raw).decode()


KEY, PUBLIC = node_key()


def signed_document() -> tuple[dict[str, Any], list[dict[str, Any]]]:
    item = document(["S//REL TO USA, JPN", "U"], "SECRET//REL TO USA, JPN")
    obj, markings = item_object(item, NODE, REGISTRY)
    return sign(obj, markings, KEY), markings


def test_a_signed_object_verifies_and_carries_its_signature() -> None:
    obj, markings = signed_document()
    assert verify(obj, markings, PUBLIC) is Verdict.NEW
    block = obj["extensions"][EXTENSION_ID]["signature"]
    assert block["alg"] == "Ed25519"
    assert block["canonicalization"] == "RFC8785"
    assert block["key_id"] == KEY.key_id
    assert signature_of(obj) == block["value"]


def test_signing_is_deterministic_and_does_not_change_the_object() -> None:
    obj, markings = item_object(report("SECRET//REL TO USA, JPN"), NODE, REGISTRY)
    before = copy.deepcopy(obj)
    assert sign(obj, markings, KEY) == sign(obj, markings, KEY)
    assert obj == before


def test_an_unsigned_object_is_rejected() -> None:
    obj, markings = item_object(report("SECRET//REL TO USA, JPN"), NODE, REGISTRY)
    with pytest.raises(Rejected, match="unsigned") as caught:
        verify(obj, markings, PUBLIC)
    assert caught.value.reason == "unsigned"
    assert isinstance(caught.value, InvalidInput)


@pytest.mark.parametrize("where", ["description", "name", "created_by_ref", "modified"])
def test_altered_content_is_rejected(where: str) -> None:
    obj, markings = signed_document()
    obj[where] = obj[where][:-2] + ("0Z" if where == "modified" else "xx")
    with pytest.raises(Rejected) as caught:
        verify(obj, markings, PUBLIC)
    assert caught.value.reason == "altered"


def test_an_altered_portion_text_is_rejected() -> None:
    obj, markings = signed_document()
    obj["extensions"][EXTENSION_ID]["portions"][1] = "something else"
    with pytest.raises(Rejected, match="altered"):
        verify(obj, markings, PUBLIC)


def test_a_swapped_object_label_is_rejected_as_relabelled() -> None:
    obj, markings = signed_document()
    lower = label_marking(parse("UNCLASSIFIED", "us", registry=REGISTRY), NODE, REGISTRY)
    obj["object_marking_refs"] = [lower["id"]]
    with pytest.raises(Rejected) as caught:
        verify(obj, [*markings, lower], PUBLIC)
    assert caught.value.reason == "relabelled"


def test_a_changed_marking_definition_is_rejected_as_relabelled() -> None:
    obj, markings = signed_document()
    changed = copy.deepcopy(markings)
    for definition in changed:
        extension = definition["extensions"][EXTENSION_ID]
        extension["label"]["releasable_to"] = ["AUS", "CAN", "GBR", "JPN", "NZL", "USA"]
    with pytest.raises(Rejected, match="relabelled"):
        verify(obj, changed, PUBLIC)


def test_a_stripped_portion_marking_is_rejected() -> None:
    obj, markings = signed_document()
    obj["granular_markings"] = obj["granular_markings"][:1]
    with pytest.raises(Rejected, match="relabelled"):
        verify(obj, markings, PUBLIC)


def test_a_marking_left_out_of_the_bundle_is_rejected() -> None:
    obj, markings = signed_document()
    with pytest.raises(Rejected, match="not among the marking-definitions"):
        verify(obj, markings[1:], PUBLIC)


def test_another_nodes_key_or_a_forged_signature_is_rejected() -> None:
    obj, markings = signed_document()
    other, other_public = node_key()
    with pytest.raises(Rejected, match="altered"):
        verify(obj, markings, other_public)
    forged = sign(obj, markings, other)
    with pytest.raises(Rejected, match="altered"):
        verify(forged, markings, PUBLIC)
    forged["extensions"][EXTENSION_ID]["signature"]["value"] = "not base64!"
    with pytest.raises(Rejected, match="altered"):
        verify(forged, markings, PUBLIC)


def test_a_bad_public_key_is_refused() -> None:
    obj, markings = signed_document()
    with pytest.raises(InvalidInput, match="public key"):
        verify(obj, markings, "AAAA")


def test_replays_are_rejected_and_a_held_copy_is_recognised() -> None:
    obj, markings = signed_document()
    modified = parse_time(obj["modified"], "m")
    value = signature_of(obj)
    assert value is not None
    assert verify(obj, markings, PUBLIC, [(modified, value)]) is Verdict.HELD
    with pytest.raises(Rejected, match=r"replayed: .*newer"):
        verify(obj, markings, PUBLIC, [(modified + timedelta(seconds=1), "x")])
    with pytest.raises(Rejected, match=r"replayed: .*another signature"):
        verify(obj, markings, PUBLIC, [(modified, "another")])
    assert verify(obj, markings, PUBLIC, [(modified - timedelta(seconds=1), "x")]) is Verdict.NEW
    both = [(modified, value), (modified + timedelta(seconds=1), "y")]  # held, and a newer one
    with pytest.raises(Rejected, match="newer"):
        verify(obj, markings, PUBLIC, both)


def test_a_signed_object_with_a_malformed_time_is_rejected() -> None:
    obj, markings = item_object(report("SECRET//REL TO USA, JPN"), NODE, REGISTRY)
    obj["modified"] = "not a time"
    signed = sign(obj, markings, KEY)
    with pytest.raises(Rejected, match="malformed"):
        verify(signed, markings, PUBLIC)
