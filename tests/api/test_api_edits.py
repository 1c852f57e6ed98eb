"""Editing over HTTP: a lower marking (a downgrade) takes a releasing officer and is audited
with its reason; nobody writes above what they may read; old versions keep their labels."""

from __future__ import annotations

from typing import Any

from api.conftest import Api
from tearline.api.errors import NOT_FOUND

ITEM = {"marking": "SECRET//NOFORN", "title": "report", "content": "first"}


def _put(api: Api, item: str, body: dict[str, Any], who: str) -> Any:
    return api.client.put(f"/api/v1/items/{item}", json=body, headers=api.as_(who))


def _made(api: Api, who: str = "us", **body: Any) -> str:
    made = api.client.post("/api/v1/items", json={**ITEM, **body}, headers=api.as_(who))
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


def _audit(api: Api, item: str, action: str) -> list[dict[str, Any]]:
    answer = api.client.get(f"/api/v1/audit?subject={item}&action={action}",
                            headers=api.as_("officer"))  # fmt: skip
    entries: list[dict[str, Any]] = answer.json()["entries"]
    return entries


def test_a_releasing_officer_lowers_a_label_and_it_is_audited_as_a_downgrade(api: Api) -> None:
    item = _made(api)
    lower = {**ITEM, "marking": "SECRET//REL TO USA, JPN", "reason": "cleared for JPN"}
    answer = _put(api, item, lower, "releaser")
    assert answer.status_code == 200, answer.text
    assert answer.json()["version"] == 2
    assert answer.json()["marking"] == "SECRET//REL TO USA, JPN"
    [entry] = _audit(api, item, "item.downgrade")
    assert entry["detail"]["reason"] == "cleared for JPN"
    assert entry["detail"]["from"] == "SECRET//NOFORN"
    assert entry["actor"] == api.world.releaser.id
    seen = api.client.get(f"/api/v1/items/{item}/versions", headers=api.as_("jp")).json()
    assert [v["version"] for v in seen["versions"]] == [2]  # the NOFORN version stays hidden
    assert api.client.get(f"/api/v1/items/{item}", headers=api.as_("jp")).status_code == 200


def test_nobody_else_lowers_a_label(api: Api) -> None:
    item = _made(api)
    lower = {**ITEM, "marking": "UNCLASSIFIED", "reason": "mine to lower"}
    refused = _put(api, item, lower, "us")
    assert refused.status_code == 403
    assert "releasing officer" in refused.json()["error"]["message"]
    assert _audit(api, item, "item.downgrade")[0]["outcome"] == "deny"
    stays = api.client.get(f"/api/v1/items/{item}", headers=api.as_("us")).json()
    assert (stays["version"], stays["marking"]) == (1, "SECRET//NOFORN")
    raised = _put(api, item, {**ITEM, "content": "more", "reason": "added"}, "us")
    assert raised.status_code == 200
    assert _audit(api, item, "item.edit")[0]["detail"]["reason"] == "added"


def test_an_editor_writes_nothing_above_what_they_may_read(api: Api) -> None:
    item = _made(api)
    above = {**ITEM, "marking": "TOP SECRET//NOFORN", "reason": "up"}
    assert _put(api, item, above, "us").status_code == 403
    hidden = _made(api, "releaser", marking="TOP SECRET//SI//NOFORN")
    for who in ("us", "jp"):
        answer = _put(api, hidden, {**ITEM, "reason": "down"}, who)
        assert (answer.status_code, answer.content) == (404, NOT_FOUND)
    answer = _put(api, item, {**ITEM, "reason": "x"}, "jp")
    assert (answer.status_code, answer.content) == (404, NOT_FOUND)
    for bad in ({**ITEM}, {**ITEM, "reason": ""}, {**ITEM, "marking": "SECRET//NOFORNX",
                                                     "reason": "r"}):  # fmt: skip
        assert _put(api, item, bad, "us").status_code == 422


def test_a_document_is_edited_portion_by_portion(api: Api) -> None:
    doc = {"title": "d", "portions": [{"marking": "(S//NF)", "text": "us only"}]}
    made = api.client.post("/api/v1/documents", json=doc, headers=api.as_("releaser")).json()
    lower = {"title": "d", "portions": [{"marking": "(S//REL TO USA, JPN)", "text": "shared"}],
             "reason": "sanitised"}  # fmt: skip
    answer = api.client.put(f"/api/v1/documents/{made['id']}", json=lower,
                            headers=api.as_("us"))  # fmt: skip
    assert answer.status_code == 403
    answer = api.client.put(f"/api/v1/documents/{made['id']}", json=lower,
                            headers=api.as_("releaser"))  # fmt: skip
    assert answer.status_code == 200, answer.text
    seen = api.client.get(f"/api/v1/documents/{made['id']}", headers=api.as_("jp")).json()
    assert [p["text"] for p in seen["portions"]] == ["shared"]
