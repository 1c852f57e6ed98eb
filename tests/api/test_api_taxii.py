"""The TAXII 2.1 door, seen by a peer and by an attacker: a peer is given exactly what a
person of its nation at its agreement's ceiling may read *and* what may leave (releasable to
its nation; never ORCON, RELIDO, NOFORN or DISPLAY ONLY), each object signed with the node
key and each release audited; paging, filters, manifest and versions follow TAXII 2.1; what
may not be given is the same bytes as what does not exist."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from api.conftest import Api
from api.test_api_peers import add_peer, bearer
from tearline.api.taxii import MEDIA_TYPE, NOT_FOUND
from tearline.federation.signing import verify
from tearline.federation.stix import EXTENSION_ID, imported, labels_of

ACCEPT = {"Accept": MEDIA_TYPE}
MARKINGS = [
    "TOP SECRET//REL TO USA, JPN",
    "SECRET//REL TO USA, JPN",
    "SECRET//NOFORN",
    "SECRET//REL TO USA, GBR",
    "TOP SECRET//SI//REL TO USA, JPN",
    "SECRET//ORCON/REL TO USA, JPN",
    "SECRET//REL TO USA, JPN/RELIDO",
    "SECRET//REL TO USA, GBR/DISPLAY ONLY JPN",
    "UNCLASSIFIED",
]
GIVEN = {"TOP SECRET//REL TO USA, JPN", "SECRET//REL TO USA, JPN", "UNCLASSIFIED"}


def peer_headers(api: Api) -> dict[str, str]:
    return {**bearer(add_peer(api)), **ACCEPT}


def store(api: Api, markings: list[str]) -> dict[str, str]:
    ids = {}
    for marking in markings:
        body = {"marking": marking, "title": marking, "content": "text of " + marking}
        response = api.client.post("/api/v1/items", json=body, headers=api.as_("releaser"))
        assert response.status_code == 201, response.text
        ids[marking] = response.json()["id"]
    return ids


def collection_url(api: Api, headers: dict[str, str]) -> str:
    found = api.client.get("/taxii2/api/collections/", headers=headers).json()
    (only,) = found["collections"]
    return f"/taxii2/api/collections/{only['id']}/"


def public_key(api: Api) -> str:
    return base64.b64encode(bytes.fromhex(api.world.node.key.public_hex)).decode()


def items_of(envelope: dict[str, Any]) -> list[dict[str, Any]]:
    return [o for o in envelope["objects"] if o["type"] in ("report", "note")]


def test_discovery_api_root_and_collections_answer_in_the_taxii_media_type(api: Api) -> None:
    headers = peer_headers(api)
    found = api.client.get("/taxii2/", headers=headers)
    assert found.status_code == 200
    assert found.headers["content-type"] == MEDIA_TYPE
    assert found.json()["api_roots"] == ["http://testserver/taxii2/api/"]
    root = api.client.get("/taxii2/api/", headers=headers).json()
    assert root["versions"] == [MEDIA_TYPE]
    url = collection_url(api, headers)
    one = api.client.get(url, headers=headers).json()
    assert (one["can_read"], one["can_write"]) == (True, True)  # a peer adds its own
    person = {**api.as_("us"), **ACCEPT}
    assert api.client.get("/taxii2/", headers=person).status_code == 200


def test_a_peer_is_given_exactly_the_releasable_items_each_signed(api: Api) -> None:
    ids = store(api, MARKINGS)
    headers = peer_headers(api)
    envelope = api.client.get(collection_url(api, headers) + "objects/", headers=headers).json()
    assert envelope["more"] is False
    markings = [o for o in envelope["objects"] if o["type"] == "marking-definition"]
    labels = labels_of(markings, api.world.node.registry)
    given = {imported(o, labels).title for o in items_of(envelope)}
    assert given == GIVEN
    for obj in items_of(envelope):
        verify(obj, markings, public_key(api))
        assert imported(obj, labels).item_id == ids[obj["name"]]
    released = [e for e in api.world.node.store.audit_entries() if e.action == "stix.release"]
    assert {e.subject for e in released} == {ids[m] for m in GIVEN}
    assert {e.actor for e in released} == {"peer:jp-node"}
    kept = api.world.node.outbox.released("peer:jp-node")
    assert len(kept) == len(GIVEN)


def test_a_signature_is_kept_from_the_first_release(api: Api) -> None:
    store(api, ["SECRET//REL TO USA, JPN"])
    headers = peer_headers(api)
    url = collection_url(api, headers) + "objects/"
    first = items_of(api.client.get(url, headers=headers).json())
    again = items_of(api.client.get(url, headers=headers).json())
    assert first == again
    assert len(api.world.node.outbox.released("peer:jp-node")) == 1


def test_a_document_goes_with_its_releasable_portions_only(api: Api) -> None:
    body = {"title": "mixed", "portions": [
        {"marking": "(TS//REL TO USA, JPN)", "text": "for allies"},
        {"marking": "(S//NF)", "text": "ours alone"},
        {"marking": "(S//OC/REL TO USA, JPN)", "text": "originator's"},
    ]}  # fmt: skip
    made = api.client.post("/api/v1/documents", json=body, headers=api.as_("releaser"))
    assert made.status_code == 201
    headers = peer_headers(api)
    envelope = api.client.get(collection_url(api, headers) + "objects/", headers=headers).json()
    (obj,) = items_of(envelope)
    assert obj["extensions"][EXTENSION_ID]["portions"] == ["for allies"]
    assert "ours alone" not in str(envelope)
    assert "originator's" not in str(envelope)
    markings = [o for o in envelope["objects"] if o["type"] == "marking-definition"]
    verify(obj, markings, public_key(api))


def test_paging_with_limit_and_next_gives_every_object_once(api: Api) -> None:
    store(api, ["SECRET//REL TO USA, JPN" for _ in range(5)])
    headers = peer_headers(api)
    url = collection_url(api, headers) + "objects/"
    seen: list[str] = []
    response = api.client.get(url, params={"limit": 2}, headers=headers)
    while True:
        page = response.json()
        seen += [o["id"] for o in items_of(page)]
        assert response.headers["X-TAXII-Date-Added-First"] <= \
            response.headers["X-TAXII-Date-Added-Last"]  # fmt: skip
        if not page["more"]:
            break
        response = api.client.get(url, params={"limit": 2, "next": page["next"]},
                                  headers=headers)  # fmt: skip
    assert len(seen) == 5 == len(set(seen))
    manifest_url = collection_url(api, headers) + "manifest/"
    first = api.client.get(manifest_url, params={"limit": 3}, headers=headers).json()
    rest = api.client.get(manifest_url, params={"limit": 3, "next": first["next"]},
                          headers=headers).json()  # fmt: skip
    assert [r["id"] for r in first["objects"] + rest["objects"]] == seen
    assert rest["more"] is False
    bad = api.client.get(url, params={"next": "%%%"}, headers=headers)
    assert bad.status_code == 400
    assert "next" in bad.json()["description"]


def test_added_after_and_match_filter_the_objects(api: Api) -> None:
    store(api, ["SECRET//REL TO USA, JPN"])
    api.world.clock.advance(seconds=1)
    store(api, ["UNCLASSIFIED"])
    headers = peer_headers(api)
    url = collection_url(api, headers)
    manifest = api.client.get(url + "manifest/", headers=headers).json()["objects"]
    assert len(manifest) == 2
    first, last = sorted(manifest, key=lambda r: r["date_added"])
    later = api.client.get(url + "objects/", params={"added_after": first["date_added"]},
                           headers=headers).json()  # fmt: skip
    assert [o["id"] for o in items_of(later)] == [last["id"]]
    by_id = api.client.get(url + "objects/", params={"match[id]": first["id"]},
                           headers=headers).json()  # fmt: skip
    assert [o["id"] for o in items_of(by_id)] == [first["id"]]
    none = api.client.get(url + "objects/", params={"match[type]": "indicator"},
                          headers=headers).json()  # fmt: skip
    assert none == {"more": False, "objects": []}
    reports = api.client.get(url + "objects/", params={"match[type]": "report,note"},
                             headers=headers).json()  # fmt: skip
    assert len(items_of(reports)) == 2
    bad = api.client.get(url + "objects/", params={"added_after": "yesterday"}, headers=headers)
    assert bad.status_code == 400
    assert bad.json()["http_status"] == "400"


def test_an_object_and_its_versions_by_id(api: Api) -> None:
    store(api, ["SECRET//REL TO USA, JPN"])
    headers = peer_headers(api)
    url = collection_url(api, headers)
    (row,) = api.client.get(url + "manifest/", headers=headers).json()["objects"]
    one = api.client.get(url + f"objects/{row['id']}/", headers=headers).json()
    assert [o["id"] for o in items_of(one)] == [row["id"]]
    versions = api.client.get(url + f"objects/{row['id']}/versions/", headers=headers).json()
    assert versions == {"more": False, "versions": [row["version"]]}


def test_what_may_not_be_given_is_the_same_bytes_as_what_does_not_exist(api: Api) -> None:
    ids = store(api, MARKINGS)
    headers = peer_headers(api)
    url = collection_url(api, headers)
    person = {**api.as_("releaser"), **ACCEPT}
    rows = api.client.get(url + "manifest/", headers=person).json()["objects"]
    withheld = {r["id"] for r in rows} - {
        r["id"] for r in api.client.get(url + "manifest/", headers=headers).json()["objects"]
    }
    # the releaser reads all but NOFORN, ORCON and RELIDO over TAXII: they never come out
    assert len(withheld) == 3
    assert ids
    for stix_id in [*withheld, "report--00000000-0000-4000-8000-000000000000", "x"]:
        for tail in ("", "versions/"):
            answer = api.client.get(url + f"objects/{stix_id}/{tail}", headers=headers)
            assert (answer.status_code, answer.content) == (404, NOT_FOUND)
    for path in ("/taxii2/api/collections/nope/", "/taxii2/api/collections/nope/objects/",
                 "/taxii2/api/status/anything/", "/taxii2/nowhere"):  # fmt: skip
        answer = api.client.get(path, headers=headers)
        assert (answer.status_code, answer.content) == (404, NOT_FOUND)


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 401),
        ({"Authorization": "Bearer tlp_" + "A" * 43}, 401),
        ({"Authorization": "Basic YWRtaW46UGFzc3dvcmQw"}, 401),
    ],
)
def test_no_valid_credential_no_answer(api: Api, headers: dict[str, str], status: int) -> None:
    store(api, ["UNCLASSIFIED"])
    answer = api.client.get("/taxii2/", headers={**headers, **ACCEPT})
    assert answer.status_code == status
    assert answer.json()["http_status"] == str(status)
    assert answer.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize(
    "accept", [None, "application/json", "application/taxii+json;version=2.0", "*/*"]
)
def test_another_media_type_is_not_acceptable(api: Api, accept: str | None) -> None:
    headers = bearer(add_peer(api))
    if accept is not None:
        headers["Accept"] = accept
    answer = api.client.get("/taxii2/", headers=headers)
    assert answer.status_code == 406
    assert MEDIA_TYPE in answer.json()["description"]


def test_bad_parameters_are_named(api: Api) -> None:
    headers = peer_headers(api)
    url = collection_url(api, headers)
    for params, named in (({"limit": 0}, "limit"), ({"match[type]": ","}, "match")):
        answer = api.client.get(url + "objects/", params=params, headers=headers)
        assert answer.status_code == 400, answer.text
        assert named in answer.json()["description"]


def test_a_removed_peer_is_refused_at_once(api: Api) -> None:
    headers = peer_headers(api)
    assert api.client.get("/taxii2/api/collections/", headers=headers).status_code == 200
    api.world.node.peers.remove(api.world.officer.id, "jp-node")
    assert api.client.get("/taxii2/api/collections/", headers=headers).status_code == 401
