"""TAXII add-objects, seen by a peer and by an attacker in the middle: a Japanese peer's signed
objects are verified against the key registered for it, translated into this node's scheme
and stored with their provenance; anything unsigned, altered, relabelled, replayed or not
releasable here is rejected and audited, and nothing of it is stored."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from api.conftest import Api
from tearline.api.taxii import MEDIA_TYPE
from tearline.errors import Unauthenticated
from tearline.federation.inbox import HELD
from tearline.federation.signing import sign
from tearline.federation.stix import EXTENSION_ID, bundle, item_object, label_marking, parse_time
from tearline.keys import NodeKey
from tearline.labels.parse import parse
from tearline.service.context import NodeInfo
from tearline.service.peers import PeerSpec
from tearline.service.records import ItemKind, ItemRecord, Portion

JP = NodeInfo("n-jp-test", "JPN", "jp")
JP_KEY = NodeKey(Ed25519PrivateKey.generate())
TAXII = {"Accept": MEDIA_TYPE, "Content-Type": MEDIA_TYPE}


def public(key: NodeKey) -> str:
    return base64.b64encode(bytes.fromhex(key.public_hex)).decode()


def peer(api: Api, key: NodeKey = JP_KEY) -> dict[str, str]:
    spec = PeerSpec("http://127.0.0.1:8401", "JPN", "us-jp", public(key))
    token = api.world.node.peers.add(api.world.officer.id, "jp-node", spec)[1]
    return {"Authorization": f"Bearer {token}", **TAXII}


def jp_item(api: Api, marking: str, *, item_id: str = "i-00000000000000000001",
            version: int = 1, title: str = "東京からの報告") -> ItemRecord:  # fmt: skip
    registry = api.world.node.registry
    at = api.world.clock() - timedelta(hours=1)
    return ItemRecord(item_id, ItemKind.REPORT, parse(marking, "jp", registry=registry), title,
                      "本文", at, at, at + timedelta(seconds=version), "p-jp", "JPN", "MOD",
                      version=version)  # fmt: skip


def envelope(api: Api, *items: ItemRecord, key: NodeKey = JP_KEY) -> dict[str, Any]:
    objects: list[dict[str, Any]] = []
    for item in items:
        obj, markings = item_object(item, JP, api.world.node.registry)
        objects += [*markings, sign(obj, markings, key)]
    return {"objects": bundle(objects, JP)["objects"]}


def collection(api: Api, headers: dict[str, str]) -> str:
    found = api.client.get("/taxii2/api/collections/", headers=headers).json()
    (only,) = found["collections"]
    assert only["can_write"] is True
    return f"/taxii2/api/collections/{only['id']}/objects/"


def post(api: Api, headers: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
    answer = api.client.post(collection(api, headers), content=json.dumps(body),
                             headers=headers)  # fmt: skip
    assert answer.status_code == 202, answer.text
    assert answer.headers["content-type"] == MEDIA_TYPE
    status: dict[str, Any] = answer.json()
    return status


def listed(api: Api, who: str = "us") -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = api.client.get("/api/v1/items", headers=api.as_(who)).json()[
        "items"
    ]
    return items


def test_a_peers_signed_object_is_stored_translated_with_its_provenance(api: Api) -> None:
    headers = peer(api)
    status = post(api, headers, envelope(api, jp_item(api, "秘//REL TO JPN, USA")))
    assert (status["success_count"], status["failure_count"], status["status"]) == (
        1, 0, "complete")  # fmt: skip
    (item,) = listed(api)
    assert item["title"] == "東京からの報告"
    assert item["scheme"] == "us"
    shown = api.client.get(f"/api/v1/items/{item['id']}", headers=api.as_("us")).json()
    assert shown["originator"] == {"nation": "JPN", "organisation": "MOD"}
    entries = list(api.world.node.store.audit_entries())
    received = [e for e in entries if e.action == "stix.receive"]
    assert [(e.actor, e.subject) for e in received] == [("peer:jp-node", item["id"])]
    assert json.loads(received[0].detail)["node"] == "n-jp-test"
    again = api.client.get(f"/taxii2/api/status/{status['id']}/", headers=headers).json()
    assert again == status
    person = {**api.as_("officer"), "Accept": MEDIA_TYPE}
    assert api.client.get(f"/taxii2/api/status/{status['id']}/", headers=person).status_code \
        == 404  # fmt: skip


def test_the_same_object_again_is_held_once(api: Api) -> None:
    headers = peer(api)
    body = envelope(api, jp_item(api, "秘//REL TO JPN, USA"))
    post(api, headers, body)
    status = post(api, headers, body)
    assert status["success_count"] == 1
    assert len(listed(api)) == 1


def test_a_newer_version_revises_the_item_and_an_older_one_is_a_replay(api: Api) -> None:
    headers = peer(api)
    first = envelope(api, jp_item(api, "秘//REL TO JPN, USA"))
    post(api, headers, first)
    post(api, headers, envelope(api, jp_item(api, "機密//REL TO JPN, USA", version=2,
                                             title="改訂")))  # fmt: skip
    (item,) = listed(api, "releaser")
    assert (item["title"], item["version"]) == ("改訂", 2)
    assert listed(api) == []  # the upgrade (機密: TOP SECRET) is above the US analyst
    replayed = post(api, headers, first)
    assert replayed["failure_count"] == 1
    assert "replayed" in replayed["failures"][0]["message"]


def test_versions_of_one_object_in_one_request_are_taken_in_order(api: Api) -> None:
    headers = peer(api)
    first = envelope(api, jp_item(api, "秘//REL TO JPN, USA"))["objects"]
    second = envelope(api, jp_item(api, "機密//REL TO JPN, USA", version=2,
                                   title="改訂"))["objects"]  # fmt: skip
    (v1,) = [o for o in first if o["type"] == "report"]
    (v2,) = [o for o in second if o["type"] == "report"]
    markings = [o for o in [*first, *second] if o["type"] == "marking-definition"]
    status = post(api, headers, {"objects": [*markings, v1, v1, v2, v1, v2]})
    assert [s.get("message") for s in status["successes"]] == [None, HELD, None, HELD]
    assert [f["message"].split(":")[0] for f in status["failures"]] == ["replayed"]
    (item,) = listed(api, "releaser")
    assert (item["title"], item["version"]) == ("改訂", 2)
    again = post(api, headers, {"objects": [*markings, v2, v1]})  # read back from the store
    assert [s.get("message") for s in again["successes"]] == [HELD]
    assert [f["message"].split(":")[0] for f in again["failures"]] == ["replayed"]
    with api.world.node.store.transaction(write=False):
        held = api.world.node.store.stix_received([v1["id"], "report--none"])
    assert [(m, item_id) for m, _, item_id in held[v1["id"]]] == [
        (parse_time(v1["modified"], "v1"), item["id"]),
        (parse_time(v2["modified"], "v2"), item["id"]),
    ]
    assert list(held) == [v1["id"]]


def tampered(api: Api, how: str) -> dict[str, Any]:
    body = envelope(api, jp_item(api, "秘//REL TO JPN, USA"))
    obj = next(o for o in body["objects"] if o["type"] == "report")
    if how == "altered":
        obj["name"] = "something else"
    elif how == "unsigned":
        del obj["extensions"][EXTENSION_ID]["signature"]
    elif how == "relabelled":
        lower = label_marking(parse("極秘//REL TO JPN, USA", "jp",
                                    registry=api.world.node.registry), JP,
                              api.world.node.registry)  # fmt: skip
        obj["object_marking_refs"] = [lower["id"]]
        body["objects"].append(lower)
    elif how == "stripped":
        body["objects"] = [o for o in body["objects"] if o["type"] != "marking-definition"]
    return body


@pytest.mark.parametrize("how", ["altered", "unsigned", "relabelled", "stripped"])
def test_a_tampered_object_is_rejected_audited_and_not_stored(api: Api, how: str) -> None:
    headers = peer(api)
    status = post(api, headers, tampered(api, how))
    assert (status["success_count"], status["failure_count"]) == (0, 1)
    reason = "relabelled" if how == "stripped" else how
    assert status["failures"][0]["message"].startswith(reason)
    assert listed(api, "releaser") == []
    rejected = [e for e in api.world.node.store.audit_entries() if e.action == "stix.reject"]
    assert [(e.actor, e.outcome, json.loads(e.detail)["reason"]) for e in rejected] == [
        ("peer:jp-node", "deny", reason)]  # fmt: skip


def test_an_object_signed_by_another_key_is_rejected(api: Api) -> None:
    headers = peer(api)
    other = NodeKey(Ed25519PrivateKey.generate())
    status = post(api, headers, envelope(api, jp_item(api, "秘//REL TO JPN, USA"), key=other))
    assert status["failures"][0]["message"].startswith("altered")
    assert listed(api, "releaser") == []


def test_what_is_not_releasable_here_is_rejected(api: Api) -> None:
    headers = peer(api)
    status = post(api, headers, envelope(api, jp_item(api, "秘")))
    assert status["failures"][0]["message"].startswith("unreleasable")
    assert listed(api, "releaser") == []


def test_a_document_arrives_with_each_portion_translated(api: Api) -> None:
    headers = peer(api)
    registry = api.world.node.registry
    item = jp_item(api, "秘//REL TO JPN, USA")
    portions = (Portion(parse("(秘//REL TO JPN, USA)", "jp", form="portion", registry=registry),
                        "一"),
                Portion(parse("(極秘//REL TO JPN, USA)", "jp", form="portion",
                              registry=registry), "二"))  # fmt: skip
    doc = ItemRecord(**{**{f: getattr(item, f) for f in item.__slots__},
                        "kind": ItemKind.DOCUMENT, "portions": portions})  # fmt: skip
    post(api, headers, envelope(api, doc))
    (row,) = listed(api, "releaser")
    read = api.client.get(f"/api/v1/documents/{row['id']}", headers=api.as_("releaser")).json()
    assert [p["text"] for p in read["portions"]] == ["一", "二"]
    assert all(p["marking"].startswith("//JPN") for p in read["portions"])


def test_non_tearline_objects_and_non_objects_fail_one_by_one(api: Api) -> None:
    headers = peer(api)
    body = envelope(api, jp_item(api, "秘//REL TO JPN, USA"))
    body["objects"] += [{"type": "indicator", "id": "indicator--x"}, "not an object"]
    status = post(api, headers, body)
    assert (status["success_count"], status["failure_count"]) == (1, 2)


@pytest.mark.parametrize(
    ("content", "headers", "status"),
    [
        (b"{}", {"Content-Type": "application/json"}, 415),
        (b"not json", {}, 400),
        (b'{"objects": []}', {}, 400),
        (b'{"objects": "x"}', {}, 400),
        (b"[]", {}, 400),
    ],
)
def test_a_malformed_request_is_refused_naming_why(
    api: Api, content: bytes, headers: dict[str, str], status: int
) -> None:
    sender = peer(api)
    answer = api.client.post(collection(api, sender), content=content,
                             headers={**sender, **headers})  # fmt: skip
    assert answer.status_code == status
    assert answer.json()["http_status"] == str(status)


def test_an_oversized_request_is_refused(api: Api) -> None:
    sender = peer(api)
    url = collection(api, sender)
    answer = api.client.post(url, content=b"x" * 20, headers={**sender,
                             "Content-Length": str(20 * 1024 * 1024)})  # fmt: skip
    assert answer.status_code == 413


def test_a_person_may_not_add_objects(api: Api) -> None:
    headers = {**api.as_("officer"), **TAXII}
    found = api.client.get("/taxii2/api/collections/", headers=headers).json()
    (only,) = found["collections"]
    assert only["can_write"] is False
    url = f"/taxii2/api/collections/{only['id']}/objects/"
    body = json.dumps(envelope(api, jp_item(api, "秘//REL TO JPN, USA")))
    answer = api.client.post(url, content=body, headers=headers)
    assert answer.status_code == 403
    assert listed(api, "releaser") == []
    refused = [e for e in api.world.node.store.audit_entries() if e.action == "stix.add"]
    assert [(e.actor, e.outcome) for e in refused] == [(api.world.officer.id, "deny")]


def test_a_wrong_collection_or_no_credential_gets_nothing(api: Api) -> None:
    headers = peer(api)
    body = json.dumps(envelope(api, jp_item(api, "秘//REL TO JPN, USA")))
    wrong = api.client.post("/taxii2/api/collections/nope/objects/", content=body,
                            headers=headers)  # fmt: skip
    assert wrong.status_code == 404
    anonymous = api.client.post(collection(api, headers), content=body, headers=TAXII)
    assert anonymous.status_code == 401
    assert listed(api, "releaser") == []


def test_what_came_from_a_peer_never_leaves_again(api: Api) -> None:
    headers = peer(api)
    post(api, headers, envelope(api, jp_item(api, "秘//REL TO JPN, USA")))
    assert len(listed(api, "releaser")) == 1
    url = collection(api, headers)
    assert api.client.get(url, headers=headers).json()["objects"] == []
    person = {**api.as_("releaser"), "Accept": MEDIA_TYPE}
    assert api.client.get(url, headers=person).json()["objects"] == []


def test_a_signed_but_malformed_or_untranslatable_object_is_rejected(api: Api) -> None:
    headers = peer(api)
    registry = api.world.node.registry
    item = jp_item(api, "秘//REL TO JPN, USA")
    obj, markings = item_object(item, JP, registry)
    del obj["extensions"][EXTENSION_ID]["kind"]  # signed as it is: the signature holds
    french = NodeInfo("n-fr-test", "FRA", "fr")
    label = parse("SECRET//REL TO FRA, USA", "fr", registry=registry)
    foreign = ItemRecord(**{**{f: getattr(item, f) for f in item.__slots__}, "label": label,
                            "id": "i-00000000000000000077"})  # fmt: skip
    other, other_markings = item_object(foreign, french, registry)
    body = {"objects": [*markings, sign(obj, markings, JP_KEY), *other_markings,
                        sign(other, other_markings, JP_KEY)]}  # fmt: skip
    status = post(api, headers, body)
    assert any("malformed Tearline object" in f["message"] for f in status["failures"])
    assert any(f["message"].startswith("untranslatable") for f in status["failures"])
    assert status["success_count"] == 0
    reasons = sorted(json.loads(e.detail)["reason"] for e in api.world.node.store.audit_entries()
                     if e.action == "stix.reject")  # fmt: skip
    assert reasons == ["malformed", "untranslatable"]


def test_a_new_version_may_not_change_the_kind(api: Api) -> None:
    headers = peer(api)
    post(api, headers, envelope(api, jp_item(api, "秘//REL TO JPN, USA")))
    registry = api.world.node.registry
    item = jp_item(api, "秘//REL TO JPN, USA", version=2)
    part = Portion(parse("(秘//REL TO JPN, USA)", "jp", form="portion", registry=registry), "一")
    doc = ItemRecord(**{**{f: getattr(item, f) for f in item.__slots__},
                        "kind": ItemKind.DOCUMENT, "portions": (part,)})  # fmt: skip
    status = post(api, headers, envelope(api, doc))
    assert "may not change the item's kind" in status["failures"][0]["message"]


def test_a_peer_removed_meanwhile_is_refused(api: Api) -> None:
    with pytest.raises(Unauthenticated):
        api.world.node.inbox.add("peer:ghost", [])
