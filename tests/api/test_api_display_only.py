"""DISPLAY ONLY over HTTP: a viewer who may only be shown an item sees it, marked
``display_only``; it never leaves in a release, an edit, a consent or a version list."""

from __future__ import annotations

from typing import Any

from api.conftest import Api
from tearline.api.errors import NOT_FOUND

SHOWN = "SECRET//REL TO USA, GBR/DISPLAY ONLY JPN"
DOCUMENT = {"title": "brief", "portions": [
    {"marking": "(S//REL TO USA, JPN)", "text": "shared"},
    {"marking": "(S//DISPLAY ONLY JPN)", "text": "for viewing"},
]}  # fmt: skip


def _get(api: Api, path: str, who: str) -> Any:
    return api.client.get(path, headers=api.as_(who))


def _item(api: Api) -> str:
    body = {"marking": SHOWN, "title": "shown", "content": "view me"}
    made = api.client.post("/api/v1/items", json=body, headers=api.as_("releaser"))
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


def test_a_display_only_viewer_sees_the_item_marked(api: Api) -> None:
    item = _item(api)
    listed = {i["id"]: i for i in _get(api, "/api/v1/items", "jp").json()["items"]}
    assert listed[item]["display_only"] is True
    shown = _get(api, f"/api/v1/items/{item}", "jp").json()
    assert shown["display_only"] is True
    assert shown["content"] == "view me"
    assert _get(api, f"/api/v1/items/{item}", "us").json()["display_only"] is False
    assert _get(api, "/api/v1/items", "us").json()["items"][0]["display_only"] is False
    found = _get(api, f"/api/v1/audit?subject={item}&action=item.read", "officer").json()
    assert found["entries"][-1]["outcome"] == "display-only"


def test_a_document_shows_its_display_only_portions_marked(api: Api) -> None:
    doc = api.client.post("/api/v1/documents", json=DOCUMENT,
                          headers=api.as_("releaser")).json()["id"]  # fmt: skip
    seen = _get(api, f"/api/v1/documents/{doc}", "jp").json()
    assert [p["text"] for p in seen["portions"]] == ["shared", "for viewing"]
    assert seen["display_only"] is True
    assert _get(api, f"/api/v1/documents/{doc}", "us").json()["display_only"] is False


def test_display_only_material_never_leaves_in_a_release(api: Api) -> None:
    doc = api.client.post("/api/v1/documents", json=DOCUMENT,
                          headers=api.as_("releaser")).json()["id"]  # fmt: skip
    made = api.client.post(f"/api/v1/documents/{doc}/releases", json={"audience": "JPN"},
                           headers=api.as_("releaser")).json()  # fmt: skip
    assert [p["text"] for p in made["portions"]] == ["shared"]
    assert made["withheld"][0]["reason"].startswith("DISPLAY ONLY: JPN")
    released = _get(api, f"/api/v1/documents/{made['id']}", "jp").json()
    assert released["display_only"] is False
    assert b"for viewing" not in _get(api, f"/api/v1/documents/{made['id']}", "jp").content


def test_a_display_only_viewer_may_not_take_or_change_it(api: Api) -> None:
    item = _item(api)
    for path in (f"/api/v1/items/{item}/versions", f"/api/v1/documents/{item}/consents"):
        answer = _get(api, path, "jp")
        assert (answer.status_code, answer.content) == (404, NOT_FOUND)
    edit = {"marking": SHOWN, "title": "mine", "content": "x", "reason": "r"}
    answer = api.client.put(f"/api/v1/items/{item}", json=edit, headers=api.as_("jp"))
    assert (answer.status_code, answer.content) == (404, NOT_FOUND)
