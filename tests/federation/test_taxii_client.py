"""A real TAXII 2.1 client (taxii2-client) against a live node: it discovers the server,
lists the collection, pages through the objects — reports and the live picture's
observations — and reads the manifest, an object and its versions, with a peer's credential;
every object it gets verifies against the node's key."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from taxii2client.v21 import Server, as_pages

from support.live import served_app
from support.node import cast, database_url
from tearline.api import create_app
from tearline.federation.signing import sign, verify
from tearline.federation.stix import EXTENSION_ID, item_object, labels_of
from tearline.keys import NodeKey
from tearline.labels.parse import parse
from tearline.labels.schemes import default_registry
from tearline.service import Draft, ItemKind
from tearline.service.context import NodeInfo
from tearline.service.observations import Report
from tearline.service.peers import PeerSpec
from tearline.service.records import ItemRecord

GIVEN = ["SECRET//REL TO USA, JPN", "TOP SECRET//REL TO USA, JPN", "UNCLASSIFIED"]
KEPT = ["SECRET//NOFORN", "SECRET//ORCON/REL TO USA, JPN", "SECRET//REL TO USA, GBR"]


class Bearer(requests.auth.AuthBase):
    """``Authorization: Bearer TOKEN`` on every request the client makes."""

    def __init__(self, token: str) -> None:
        self.token = token

    def __call__(self, request: Any) -> Any:
        request.headers["Authorization"] = f"Bearer {self.token}"
        return request


JP = NodeInfo("n-jp-client", "JPN", "jp")
JP_KEY = NodeKey(Ed25519PrivateKey.generate())


@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[str, str, str]]:
    with database_url("sqlite", tmp_path) as url:
        world = cast(tmp_path / "home", url)
        try:
            for n, marking in enumerate(GIVEN * 4 + KEPT):
                draft = Draft(ItemKind.REPORT, f"{n} {marking}", "text", marking=marking)
                world.node.items.add(world.releaser.id, draft)
                if n % 3 == 0:  # the live picture's observations, between the reports
                    report = Report(world.clock() - timedelta(minutes=1), 30.0 + n, 135.0,
                                    "vessel", "USA", "radar", marking)  # fmt: skip
                    world.node.observations.add(world.releaser.id, report)
                world.clock.advance(seconds=1)
            jp_public = base64.b64encode(bytes.fromhex(JP_KEY.public_hex)).decode()
            spec = PeerSpec("http://127.0.0.1:8401", "JPN", "us-jp", jp_public)
            token = world.node.peers.add(world.officer.id, "jp-node", spec)[1]
            key = base64.b64encode(bytes.fromhex(world.node.key.public_hex)).decode()
            with served_app(create_app(world.node)) as base:
                yield base, token, key
        finally:
            world.node.close()


def test_taxii2_client_discovers_pages_and_verifies_everything_it_gets(
    live: tuple[str, str, str],
) -> None:
    base, token, key = live
    server = Server(base + "/taxii2/", auth=Bearer(token))
    (root,) = server.api_roots
    assert server.default.url == root.url
    (collection,) = root.collections
    assert collection.can_read
    assert collection.can_write  # a peer may add its own objects
    objects: list[dict[str, Any]] = []
    for page in as_pages(collection.get_objects, per_request=5):
        objects += page.get("objects", [])
    items = [o for o in objects if o["type"] == "report"]
    assert len(items) == len(GIVEN) * 4 == len({o["id"] for o in items})
    seen = [o for o in objects if o["type"] == "observed-data"]
    # one observation every third report (n = 0, 3, 6, 9: GIVEN's first; 12: a KEPT one)
    assert [o["extensions"][EXTENSION_ID]["observation"]["lat"] for o in seen] == [
        30.0, 33.0, 36.0, 39.0]  # fmt: skip
    markings = [o for o in objects if o["type"] == "marking-definition"]
    for obj in items + seen:
        verify(obj, markings, key)
    labels = labels_of(markings, default_registry())
    assert {str(label) for label in labels.values()} >= set(GIVEN)
    assert not any(kept in o["name"] for o in items for kept in KEPT)
    manifest = collection.get_manifest()
    assert [r["id"] for r in manifest["objects"]] == [
        o["id"] for o in objects if o["type"] != "marking-definition"]  # fmt: skip
    only = collection.get_objects(type="observed-data")
    assert [o["id"] for o in only["objects"] if o["type"] == "observed-data"] == [
        o["id"] for o in seen]  # fmt: skip
    picked = collection.get_object(seen[1]["id"])
    assert [o for o in picked["objects"] if o["type"] == "observed-data"] == [seen[1]]
    assert collection.object_versions(seen[1]["id"])["versions"] == [seen[1]["modified"]]
    one = collection.get_object(items[0]["id"])
    assert [o["id"] for o in one["objects"] if o["type"] == "report"] == [items[0]["id"]]
    versions = collection.object_versions(items[0]["id"])
    assert versions["versions"] == [items[0]["modified"]]


def test_taxii2_client_adds_signed_objects_and_reads_their_status(
    live: tuple[str, str, str],
) -> None:
    base, token, _ = live
    registry = default_registry()
    label = parse("秘//REL TO JPN, USA", "jp", registry=registry)
    at = datetime(2026, 11, 1, tzinfo=UTC)
    item = ItemRecord("i-00000000000000000042", ItemKind.REPORT, label, "報告", "本文", at, at,
                      at, "p-jp", "JPN", "MOD")  # fmt: skip
    obj, markings = item_object(item, JP, registry)
    envelope = {"objects": [*markings, sign(obj, markings, JP_KEY)]}
    (collection,) = Server(base + "/taxii2/", auth=Bearer(token)).api_roots[0].collections
    assert collection.can_write
    status = collection.add_objects(json.dumps(envelope), wait_for_completion=False)
    assert (status.status, status.success_count, status.failure_count) == ("complete", 1, 0)
    status.refresh()
    assert status.successes[0]["id"] == obj["id"]
    again = collection.add_objects(json.dumps(envelope), wait_for_completion=False)
    assert again.success_count == 1  # held already: skipped, not stored twice
