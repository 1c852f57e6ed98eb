"""A peer node's credential on the API, seen by an attacker: it reads exactly what a person
of its nation cleared at its agreement's ceiling reads, reaches no door meant for people,
and stops working when the peer is removed."""

from __future__ import annotations

import base64
import os

import pytest

from api.conftest import Api
from tearline.service.peers import PeerSpec

NOT_FOUND = b'{"error": {"code": "not-found", "category": "not-found", "message": "not found"}}'
MARKINGS = [
    "TOP SECRET//REL TO USA, JPN",
    "TOP SECRET//SI//REL TO USA, JPN",
    "SECRET//REL TO USA, JPN",
    "CONFIDENTIAL//REL TO USA, JPN",
    "SECRET//NOFORN",
    "SECRET//REL TO USA, GBR",
    "SECRET//REL TO USA, FVEY",
    "TOP SECRET//TK//REL TO USA, JPN",
    "UNCLASSIFIED",
]


def key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


def add_peer(api: Api, name: str = "jp-node", nation: str = "JPN") -> str:
    spec = PeerSpec("http://127.0.0.1:8401", nation, "us-jp", key())
    return api.world.node.peers.add(api.world.officer.id, name, spec)[1]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def store_all(api: Api) -> dict[str, str]:
    ids = {}
    for marking in MARKINGS:
        body = {"marking": marking, "title": marking, "content": "text of " + marking}
        response = api.client.post("/api/v1/items", json=body, headers=api.as_("releaser"))
        assert response.status_code == 201, response.text
        ids[marking] = response.json()["id"]
    return ids


def twin(api: Api) -> dict[str, str]:
    """The headers of a Japanese person cleared at the us-jp ceiling (機密), no compartments."""
    world = api.world
    person = world.node.people.add(world.officer.id, name="Twin", nationalities=["JPN"],
                                   clearance="機密")  # fmt: skip
    return bearer(world.node.tokens.create(world.officer.id, person.id)[1])


def test_a_peer_lists_exactly_what_a_person_of_its_nation_at_the_ceiling_lists(api: Api) -> None:
    ids = store_all(api)
    peer = bearer(add_peer(api))
    person = twin(api)
    seen_by_peer = api.client.get("/api/v1/items?limit=500", headers=peer).json()
    seen_by_twin = api.client.get("/api/v1/items?limit=500", headers=person).json()
    assert seen_by_peer == seen_by_twin  # every byte: ids, titles, markings in the jp scheme
    titles = {i["title"] for i in seen_by_peer["items"]}
    assert titles == {"TOP SECRET//REL TO USA, JPN", "SECRET//REL TO USA, JPN",
                      "CONFIDENTIAL//REL TO USA, JPN", "UNCLASSIFIED"}  # fmt: skip
    for marking, item_id in ids.items():
        as_peer = api.client.get(f"/api/v1/items/{item_id}", headers=peer)
        as_twin = api.client.get(f"/api/v1/items/{item_id}", headers=person)
        assert as_peer.status_code == as_twin.status_code, marking
        if marking in titles:
            assert as_peer.json() == as_twin.json()
        else:  # the one not-found, whatever the reason
            assert as_peer.content == NOT_FOUND
    assert api.client.get("/api/v1/items/nonexistent", headers=peer).content == NOT_FOUND


def test_a_peer_reads_only_its_portions_of_a_document(api: Api) -> None:
    body = {"title": "mixed", "portions": [
        {"marking": "(TS//REL TO USA, JPN)", "text": "for allies"},
        {"marking": "(S//NF)", "text": "ours alone"},
    ]}  # fmt: skip
    made = api.client.post("/api/v1/documents", json=body, headers=api.as_("releaser"))
    peer = bearer(add_peer(api))
    doc = api.client.get(f"/api/v1/documents/{made.json()['id']}", headers=peer).json()
    assert [p["text"] for p in doc["portions"]] == ["for allies"]
    assert "ours alone" not in str(doc)


def test_every_read_by_a_peer_is_audited_as_the_peer(api: Api) -> None:
    peer = bearer(add_peer(api))
    api.client.get("/api/v1/items", headers=peer)
    entries = list(api.world.node.store.audit_entries())
    assert any(e.actor == "peer:jp-node" and e.action == "item.list" for e in entries)
    assert any(e.action == "peer.add" and e.subject == "peer:jp-node" for e in entries)


DOORS_FOR_PEOPLE = [
    ("GET", "/api/v1/persons", None),
    ("GET", "/api/v1/persons/p-0000000000000000", None),
    ("POST", "/api/v1/persons", {"name": "x", "nationalities": ["JPN"], "clearance": "S"}),
    ("POST", "/api/v1/persons/p-0000000000000000/suspend", {"reason": "r"}),
    ("POST", "/api/v1/persons/p-0000000000000000/grants", {"reason": "r", "clearance": "S"}),
    ("POST", "/api/v1/persons/p-0000000000000000/read-ins", {"reason": "r", "token": "SI"}),
    ("GET", "/api/v1/audit", None),
    ("GET", "/api/v1/audit/verify", None),
    ("POST", "/api/v1/items", {"marking": "UNCLASSIFIED", "title": "t", "content": "c"}),
    ("POST", "/api/v1/documents", {"title": "t", "portions": [{"marking": "(U)", "text": "x"}]}),
    ("POST", "/api/v1/documents/i-0000000000000000/releases", {"audience": "REL TO USA, JPN"}),
    ("GET", "/api/v1/items/i-0000000000000000/versions", None),
    ("DELETE", "/api/v1/session", None),
]


@pytest.mark.parametrize(("method", "path", "body"), DOORS_FOR_PEOPLE)
def test_a_peer_credential_reaches_no_door_meant_for_people(
    api: Api, method: str, path: str, body: dict[str, object] | None
) -> None:
    peer = bearer(add_peer(api))
    response = api.client.request(method, path, json=body, headers=peer)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "person-only"
    writes = [e for e in api.world.node.store.audit_entries() if e.actor == "peer:jp-node"]
    assert writes == []


def test_removing_a_peer_revokes_its_credential_and_adding_it_anew_makes_another(
    api: Api,
) -> None:
    world = api.world
    token = add_peer(api)
    again = add_peer(api)  # an update: the same credential
    assert again == token
    assert api.client.get("/api/v1/items", headers=bearer(token)).status_code == 200
    world.node.peers.remove(world.officer.id, "jp-node")
    refused = api.client.get("/api/v1/items", headers=bearer(token))
    assert refused.status_code == 401
    fresh = add_peer(api)
    assert fresh != token
    assert api.client.get("/api/v1/items", headers=bearer(token)).status_code == 401
    assert api.client.get("/api/v1/items", headers=bearer(fresh)).status_code == 200


@pytest.mark.parametrize(
    "token", ["tlp_" + "A" * 43, "tlp_", "tlp_" + "A" * 5000, "tlp_" + "é" * 43]
)
def test_a_forged_peer_credential_is_401(api: Api, token: str) -> None:
    add_peer(api)
    response = api.client.get("/api/v1/items", headers={"Authorization": f"Bearer {token}"
                                                        .encode()})  # fmt: skip
    assert response.status_code == 401
