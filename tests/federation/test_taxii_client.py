"""A real TAXII 2.1 client (taxii2-client) against a live node: it discovers the server,
lists the collection, pages through the objects and reads the manifest, an object and its
versions, with a peer's credential; every object it gets verifies against the node's key."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from taxii2client.v21 import Server, as_pages

from api.test_api_stream import _server
from support.node import cast, database_url
from tearline.api import create_app
from tearline.federation.signing import verify
from tearline.federation.stix import labels_of
from tearline.labels.schemes import default_registry
from tearline.service import Draft, ItemKind
from tearline.service.peers import PeerSpec

GIVEN = ["SECRET//REL TO USA, JPN", "TOP SECRET//REL TO USA, JPN", "UNCLASSIFIED"]
KEPT = ["SECRET//NOFORN", "SECRET//ORCON/REL TO USA, JPN", "SECRET//REL TO USA, GBR"]


class Bearer(requests.auth.AuthBase):
    """``Authorization: Bearer TOKEN`` on every request the client makes."""

    def __init__(self, token: str) -> None:
        self.token = token

    def __call__(self, request: Any) -> Any:
        request.headers["Authorization"] = f"Bearer {self.token}"
        return request


@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[str, str, str]]:
    with database_url("sqlite", tmp_path) as url:
        world = cast(tmp_path / "home", url)
        try:
            for n, marking in enumerate(GIVEN * 4 + KEPT):
                draft = Draft(ItemKind.REPORT, f"{n} {marking}", "text", marking=marking)
                world.node.items.add(world.releaser.id, draft)
                world.clock.advance(seconds=1)
            spec = PeerSpec("http://127.0.0.1:8401", "JPN", "us-jp",
                            base64.b64encode(bytes(32)).decode())  # fmt: skip
            token = world.node.peers.add(world.officer.id, "jp-node", spec)[1]
            key = base64.b64encode(bytes.fromhex(world.node.key.public_hex)).decode()
            with _server(create_app(world.node)) as base:
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
    assert not collection.can_write
    objects: list[dict[str, Any]] = []
    for page in as_pages(collection.get_objects, per_request=5):
        objects += page.get("objects", [])
    items = [o for o in objects if o["type"] == "report"]
    assert len(items) == len(GIVEN) * 4 == len({o["id"] for o in items})
    markings = [o for o in objects if o["type"] == "marking-definition"]
    for obj in items:
        verify(obj, markings, key)
    labels = labels_of(markings, default_registry())
    assert {str(label) for label in labels.values()} >= set(GIVEN)
    assert not any(kept in o["name"] for o in items for kept in KEPT)
    manifest = collection.get_manifest()
    assert {r["id"] for r in manifest["objects"]} == {o["id"] for o in items}
    one = collection.get_object(items[0]["id"])
    assert [o["id"] for o in one["objects"] if o["type"] == "report"] == [items[0]["id"]]
    versions = collection.object_versions(items[0]["id"])
    assert versions["versions"] == [items[0]["modified"]]
