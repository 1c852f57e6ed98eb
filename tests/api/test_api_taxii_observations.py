"""The live picture on the TAXII 2.1 pages: this node's observations the caller may read and
be given are on the collection's ``objects/`` and ``manifest/`` pages as ``observed-data``,
in one order with the items (``date_added``: the time of the current version), paged with one
``next`` token across both; each is signed once, recorded and audited like an item; what is
NOFORN, unreadable, retracted or received from a peer never appears."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from api.conftest import Api
from api.test_api_taxii import (
    ACCEPT,
    collection_url,
    peer_headers,
    public_key,
    store,
)
from api.test_api_taxii_intake import JP, JP_KEY, peer, post
from federation.test_stix import assert_valid
from tearline.api.taxii import NOT_FOUND
from tearline.federation import outbox
from tearline.federation.changes import Changes
from tearline.federation.observed import observation_object, received, stix_id_of
from tearline.federation.signing import sign, signature_of, verify
from tearline.federation.stix import EXTENSION_ID, bundle, labels_of
from tearline.labels.parse import parse
from tearline.picture import observation

SHARED = "SECRET//REL TO USA, JPN"
#: Never on a Japanese peer's pages: NOFORN, not releasable to Japan, above what it may read.
KEPT = ["SECRET//NOFORN", "SECRET//REL TO USA, GBR", "TOP SECRET//SI//REL TO USA, JPN"]


def observe(api: Api, marking: str = SHARED, lat: float = 34.5) -> str:
    """File an observation as the US analyst; its version is made at the clock's time."""
    body = {
        "time": (api.world.clock() - timedelta(minutes=5)).isoformat(), "lat": lat,
        "lon": 129.5, "kind": "vessel", "source_nation": "USA", "sensor": "P-8A radar",
        "marking": marking,
    }  # fmt: skip
    answer = api.client.post("/api/v1/observations", json=body, headers=api.as_("releaser"))
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


def sid(api: Api, observation_id: str) -> str:
    return stix_id_of(api.world.node.info, observation_id)


def given(objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [o for o in objects if o["type"] != "marking-definition"]


def every_page(api: Api, headers: dict[str, str], page: str, **params: Any) -> list[Any]:
    """Every object (or manifest row) of the pages, following ``next``; each page is checked
    against its ``X-TAXII-Date-Added`` headers."""
    url = collection_url(api, headers) + page
    found: list[Any] = []
    token = None
    while True:
        asked = {**params, **({"next": token} if token else {})}
        response = api.client.get(url, params=asked, headers=headers)
        assert response.status_code == 200, response.text
        body = response.json()
        rows = body["objects"] if page == "manifest/" else given(body["objects"])
        if rows and page == "manifest/":
            assert response.headers["X-TAXII-Date-Added-First"] == rows[0]["date_added"]
            assert response.headers["X-TAXII-Date-Added-Last"] == rows[-1]["date_added"]
        found += rows
        if not body["more"]:
            assert "next" not in body
            return found
        token = body["next"]


def local_of(obj: dict[str, Any]) -> str:
    """The local id (item or observation) a Tearline object is the version of."""
    extension = obj["extensions"][EXTENSION_ID]
    return str(extension["observation"]["id"] if "observation" in extension else extension["item"])


def mixed(api: Api) -> list[str]:
    """Items and observations filed in turn — some at the same instant — and the local ids
    in the order of their versions (time, then id)."""
    ids: list[tuple[Any, str]] = []
    for n in range(4):
        (item,) = store(api, [SHARED]).values()
        ids.append((api.world.clock(), item))
        ids.append((api.world.clock(), observe(api, lat=30.0 + n)))
        if n % 2:
            api.world.clock.advance(seconds=1)
    return [local for _, local in sorted(ids)]


def test_observations_are_on_the_pages_in_date_added_order_with_items(api: Api) -> None:
    (first,) = store(api, [SHARED]).values()
    api.world.clock.advance(seconds=1)
    seen = observe(api, lat=35.0)
    api.world.clock.advance(seconds=1)
    (second,) = store(api, [SHARED]).values()
    api.world.clock.advance(seconds=1)
    later = observe(api, lat=36.0)
    headers = peer_headers(api)
    url = collection_url(api, headers)
    envelope = api.client.get(url + "objects/", headers=headers).json()
    objects = given(envelope["objects"])
    assert [o["type"] for o in objects] == ["report", "observed-data", "report", "observed-data"]
    assert [o["id"] for o in objects][1::2] == [sid(api, seen), sid(api, later)]
    manifest = api.client.get(url + "manifest/", headers=headers).json()["objects"]
    assert [r["id"] for r in manifest] == [o["id"] for o in objects]
    assert [r["date_added"] for r in manifest] == sorted(r["date_added"] for r in manifest)
    assert [r["version"] for r in manifest] == [o["modified"] for o in objects]
    markings = [o for o in envelope["objects"] if o["type"] == "marking-definition"]
    labels = labels_of(markings, api.world.node.registry)
    for obj in objects:
        verify(obj, markings, public_key(api))
    back = received(objects[1], labels)
    assert (back.fields["lat"], str(back.label)) == (35.0, SHARED)
    assert_valid(bundle(envelope["objects"], api.world.node.info))
    released = [e for e in api.world.node.store.audit_entries() if e.action == "stix.release"]
    assert [e.subject for e in released] == [first, seen, second, later]
    assert json.loads(released[1].detail)["stix_id"] == sid(api, seen)
    kept = {r[0] for r in api.world.node.outbox.released("peer:jp-node")}
    assert {sid(api, seen), sid(api, later)} <= kept
    listed = [e for e in api.world.node.store.audit_entries() if e.action == "stix.manifest"]
    assert json.loads(listed[-1].detail)["objects"] == [r["id"] for r in manifest]


@pytest.mark.parametrize("limit", [1, 2, 3, 5])
def test_paging_across_a_mix_gives_every_object_once_in_order(api: Api, limit: int) -> None:
    order = mixed(api)
    headers = peer_headers(api)
    whole = given(api.client.get(collection_url(api, headers) + "objects/",
                                 headers=headers).json()["objects"])  # fmt: skip
    assert len(whole) == len(order) == 8
    paged = every_page(api, headers, "objects/", limit=limit)
    assert [o["id"] for o in paged] == [o["id"] for o in whole]
    rows = every_page(api, headers, "manifest/", limit=limit)
    assert [r["id"] for r in rows] == [o["id"] for o in whole]
    assert [local_of(o) for o in whole] == order  # by version time, then local id
    by_type = every_page(api, headers, "objects/", limit=limit,
                         **{"match[type]": "observed-data"})  # fmt: skip
    assert [o["id"] for o in by_type] == [o["id"] for o in whole if o["type"] == "observed-data"]
    items = every_page(api, headers, "manifest/", limit=limit, **{"match[type]": "report"})
    assert [r["id"] for r in items] == [o["id"] for o in whole if o["type"] == "report"]


def test_filters_and_by_id_reach_observations(api: Api) -> None:
    store(api, [SHARED])
    api.world.clock.advance(seconds=1)
    early = observe(api, lat=31.0)
    api.world.clock.advance(seconds=1)
    late = observe(api, lat=32.0)
    headers = peer_headers(api)
    url = collection_url(api, headers)
    rows = api.client.get(url + "manifest/", headers=headers).json()["objects"]
    assert len(rows) == 3
    after = api.client.get(url + "objects/", headers=headers,
                           params={"added_after": rows[1]["date_added"]}).json()  # fmt: skip
    assert [o["id"] for o in given(after["objects"])] == [sid(api, late)]
    both = api.client.get(url + "objects/", headers=headers, params={
        "match[id]": f"{sid(api, early)},{rows[0]['id']}"}).json()  # fmt: skip
    assert [o["id"] for o in given(both["objects"])] == [rows[0]["id"], sid(api, early)]
    one = api.client.get(url + f"objects/{sid(api, early)}/", headers=headers).json()
    (obj,) = given(one["objects"])
    assert obj["first_observed"] < obj["modified"]
    versions = api.client.get(url + f"objects/{sid(api, early)}/versions/", headers=headers)
    assert versions.json() == {"more": False, "versions": [obj["modified"]]}
    assert versions.headers["X-TAXII-Date-Added-Last"] == obj["modified"]


def test_what_may_not_be_given_never_appears(api: Api) -> None:
    hidden = [observe(api, marking) for marking in KEPT]
    shown = observe(api)
    headers = peer_headers(api)
    url = collection_url(api, headers)
    for page in ("objects/", "manifest/"):
        rows = every_page(api, headers, page, **{"match[type]": "observed-data"})
        assert [r["id"] for r in rows] == [sid(api, shown)]
    for local in hidden:
        for tail in ("", "versions/"):
            answer = api.client.get(url + f"objects/{sid(api, local)}/{tail}", headers=headers)
            assert (answer.status_code, answer.content) == (404, NOT_FOUND)
    # a person of this node reads over TAXII what would go to their own nation: not NOFORN
    person = {**api.as_("releaser"), **ACCEPT}
    theirs = {r["id"] for r in every_page(api, person, "manifest/")}
    assert sid(api, hidden[0]) not in theirs
    assert {sid(api, hidden[1]), sid(api, shown)} <= theirs
    released = {e.subject for e in api.world.node.store.audit_entries()
                if e.action == "stix.release"}  # fmt: skip
    assert released == {shown}


def test_a_retracted_or_raised_observation_leaves_the_pages(api: Api) -> None:
    gone, raised, kept = observe(api, lat=30.0), observe(api, lat=31.0), observe(api, lat=32.0)
    headers = peer_headers(api)
    url = collection_url(api, headers)
    assert len(every_page(api, headers, "objects/")) == 3
    api.world.clock.advance(seconds=1)
    answer = api.client.post(f"/api/v1/observations/{gone}/retract", json={"reason": "dup"},
                             headers=api.as_("releaser"))  # fmt: skip
    assert answer.status_code == 200, answer.text
    answer = api.client.post(f"/api/v1/observations/{raised}/relabel", headers=api.as_("releaser"),
                             json={"marking": "SECRET//NOFORN", "reason": "ours"})  # fmt: skip
    assert answer.status_code == 200, answer.text
    for page in ("objects/", "manifest/"):
        assert [r["id"] for r in every_page(api, headers, page)] == [sid(api, kept)]
    for local in (gone, raised):
        answer = api.client.get(url + f"objects/{sid(api, local)}/", headers=headers)
        assert (answer.status_code, answer.content) == (404, NOT_FOUND)
    # the peer that held them is sent their revocations by push, as before
    pushed, _ = Changes(api.world.node.outbox).observations("peer:jp-node", (0, ""), 100)
    revoked = {s.obj["id"] for s in pushed.objects if s.obj.get("revoked")}
    assert revoked == {sid(api, gone), sid(api, raised)}


def test_a_relabelled_observation_is_listed_at_its_new_version_time(api: Api) -> None:
    moved = observe(api, lat=30.0)
    api.world.clock.advance(seconds=1)
    (item,) = store(api, [SHARED]).values()
    api.world.clock.advance(seconds=1)
    raise_to = {"marking": "TOP SECRET//REL TO USA, JPN", "reason": "up"}
    answer = api.client.post(f"/api/v1/observations/{moved}/relabel", json=raise_to,
                             headers=api.as_("releaser"))  # fmt: skip
    assert answer.status_code == 200, answer.text
    headers = peer_headers(api)
    rows = every_page(api, headers, "manifest/")
    assert [r["id"] for r in rows][-1] == sid(api, moved)  # now after the item
    (obj,) = every_page(api, headers, "objects/", **{"match[type]": "observed-data"})
    assert obj["extensions"][EXTENSION_ID]["version"] == 2
    assert [local_of(o) for o in every_page(api, headers, "objects/")] == [item, moved]


def test_an_observation_received_from_a_peer_is_not_shared_again(api: Api) -> None:
    registry = api.world.node.registry
    at = api.world.clock() - timedelta(minutes=10)
    label = parse("秘//REL TO JPN, USA", "jp", registry=registry)
    theirs = observation(id="o-00000000000000000007", time=at, lat=33.0, lon=131.0,
                         kind="vessel", source_nation="JPN", sensor="P-1 radar", label=label,
                         now=at)  # fmt: skip
    obj, markings = observation_object(theirs, JP, registry, created=at, modified=at, version=1)
    jp = peer(api)
    status = post(api, jp, {"objects": [*markings, sign(obj, markings, JP_KEY)]})
    assert (status["success_count"], status["failure_count"]) == (1, 0)
    ours = observe(api)
    tracks = api.client.get("/api/v1/cop/tracks", headers=api.as_("us")).json()["tracks"]
    assert 33.0 in {t["lat"] for t in tracks}  # held here, in the picture
    for headers in ({**jp, **ACCEPT}, {**api.as_("releaser"), **ACCEPT}):
        rows = every_page(api, headers, "manifest/")
        assert [r["id"] for r in rows] == [sid(api, ours)]


def test_a_page_and_the_push_sign_an_observation_once(api: Api) -> None:
    shared = observe(api)
    headers = peer_headers(api)
    (paged,) = every_page(api, headers, "objects/")
    again = every_page(api, headers, "objects/")
    assert again == [paged]
    pushed, _ = Changes(api.world.node.outbox).observations("peer:jp-node", (0, ""), 100)
    (sent,) = pushed.objects
    assert sent.obj == paged
    assert signature_of(sent.obj) == signature_of(paged)
    kept = [r for r in api.world.node.outbox.released("peer:jp-node")
            if r[0] == sid(api, shared)]  # fmt: skip
    assert len(kept) == 1


def test_a_page_reads_what_it_holds_from_each_source(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(outbox, "_CHUNK", 2)
    for n in range(6):
        store(api, [SHARED])
        observe(api, lat=30.0 + n)
        api.world.clock.advance(seconds=1)
    headers = peer_headers(api)
    node_store = api.world.node.store
    reads: list[tuple[str, int]] = []
    for name in ("readable_changed", "readable_observations_added"):
        read = getattr(node_store, name)

        def counted(*args: Any, _read: Any = read, _name: str = name) -> Any:
            found = _read(*args)
            reads.append((_name, len(found)))
            return found

        monkeypatch.setattr(node_store, name, counted)
    url = collection_url(api, headers) + "objects/"
    first = api.client.get(url, params={"limit": 3}, headers=headers).json()
    assert len(given(first["objects"])) == 3
    assert reads == [("readable_changed", 2), ("readable_observations_added", 2),
                     ("readable_changed", 2)]  # fmt: skip
    reads.clear()
    api.client.get(url, params={"limit": 3, "match[type]": "observed-data"}, headers=headers)
    assert [name for name, _ in reads] == ["readable_observations_added"] * 2
    assert len(every_page(api, headers, "objects/", limit=4)) == 12
