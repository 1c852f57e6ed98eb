"""Spills over HTTP, from an attacker's side too: a spilled item is gone at once from every
read, listing, version and release; its readers are listed; only security officers act."""

from __future__ import annotations

from typing import Any

from api.conftest import Api
from tearline.api.errors import NOT_FOUND

SECRET_TEXT = "the spilled words 7f3a"
DOCUMENT = {"title": "spilled title 9c1b", "portions": [
    {"marking": "(U)", "text": "open part"},
    {"marking": "(S//REL TO USA, JPN)", "text": SECRET_TEXT},
]}  # fmt: skip


def _post(api: Api, path: str, body: dict[str, Any], who: str) -> Any:
    return api.client.post(path, json=body, headers=api.as_(who))


def _get(api: Api, path: str, who: str) -> Any:
    return api.client.get(path, headers=api.as_(who))


def _spread(api: Api) -> tuple[str, str]:
    """A document read by the US analyst, listed for the Japanese analyst, released to JPN
    and read there: its id and the release's."""
    doc = _post(api, "/api/v1/documents", DOCUMENT, "releaser").json()["id"]
    assert _get(api, f"/api/v1/documents/{doc}", "us").status_code == 200
    assert doc in {i["id"] for i in _get(api, "/api/v1/items", "jp").json()["items"]}
    made = _post(api, f"/api/v1/documents/{doc}/releases", {"audience": "JPN"}, "releaser")
    release = made.json()["id"]
    assert _get(api, f"/api/v1/documents/{release}", "jp").status_code == 200
    return doc, release


def _tables_hold(api: Api, text: str) -> list[str]:
    db = api.world.node.store.db
    found = []
    for table, columns in (("items", "title, content"), ("item_versions", "title, content"),
                           ("portions", "text, text"), ("audit", "detail, subject"),
                           ("incidents", "reason, readers")):  # fmt: skip
        first, second = columns.split(", ")
        rows = db.all(f"SELECT COUNT(*) FROM {table} WHERE {first} LIKE ? OR {second} LIKE ?",
                      (f"%{text}%", f"%{text}%"))  # fmt: skip
        if rows[0][0]:
            found.append(table)
    return found


def test_a_spill_purges_the_item_and_its_releases_and_lists_who_read_them(api: Api) -> None:
    doc, release = _spread(api)
    spilled = _post(api, f"/api/v1/items/{doc}/spill", {"reason": "written too low"}, "officer")
    assert spilled.status_code == 201, spilled.text
    incident = spilled.json()
    assert incident["item"] == doc
    assert incident["purged"] == [doc, release]
    assert incident["declared_by"] == api.world.officer.id
    seen = {(r["person"], r["action"], r["item"]) for r in incident["readers"]}
    world = api.world
    assert (world.us_analyst.id, "document.read", doc) in seen
    assert (world.jp_analyst.id, "item.list", doc) in seen
    assert (world.jp_analyst.id, "document.read", release) in seen
    assert (world.releaser.id, "item.create", doc) in seen
    assert (world.releaser.id, "document.release", doc) in seen
    reads = [r for r in incident["readers"] if r["action"] == "document.read"]
    assert all(r["version"] == 1 for r in reads)
    for who in ("officer", "us", "jp", "releaser"):
        for path in (f"/api/v1/documents/{doc}", f"/api/v1/items/{doc}",
                     f"/api/v1/items/{doc}/versions", f"/api/v1/documents/{release}"):  # fmt: skip
            answer = _get(api, path, who)
            assert (answer.status_code, answer.content) == (404, NOT_FOUND)
        listed = {i["id"] for i in _get(api, "/api/v1/items", who).json()["items"]}
        assert not listed & {doc, release}
    assert _tables_hold(api, SECRET_TEXT) == []
    assert _tables_hold(api, "spilled title 9c1b") == []
    assert _get(api, "/api/v1/audit/verify", "officer").json()["valid"] is True


def test_every_version_goes_and_the_planner_counts_follow(api: Api) -> None:
    item = {"marking": "SECRET//REL TO USA, JPN", "title": "t", "content": "first words 51"}
    made = _post(api, "/api/v1/items", item, "us").json()["id"]
    edit = {**item, "content": "second words 52", "reason": "more"}
    assert api.client.put(f"/api/v1/items/{made}", json=edit,
                          headers=api.as_("us")).status_code == 200  # fmt: skip
    assert _get(api, "/api/v1/items", "jp").json()["items"]  # the planner's cache is warm
    before = sum(api.world.node.store.label_counts(None).values())
    assert _post(api, f"/api/v1/items/{made}/spill", {"reason": "x"}, "officer").status_code == 201
    assert sum(api.world.node.store.label_counts(None).values()) == before - 1
    assert _tables_hold(api, "first words 51") == [] == _tables_hold(api, "second words 52")
    assert _get(api, "/api/v1/items", "jp").json()["items"] == []


def test_a_second_spill_names_the_incident_and_changes_nothing(api: Api) -> None:
    doc, _ = _spread(api)
    first = _post(api, f"/api/v1/items/{doc}/spill", {"reason": "low"}, "officer").json()
    again = _post(api, f"/api/v1/items/{doc}/spill", {"reason": "low"}, "officer")
    assert again.status_code == 409
    assert first["id"] in again.json()["error"]["message"]
    listed = _get(api, "/api/v1/incidents", "officer").json()["incidents"]
    assert [i["id"] for i in listed] == [first["id"]]
    assert _get(api, f"/api/v1/incidents/{first['id']}", "officer").json() == first


def test_only_security_officers_spill_or_read_incidents(api: Api) -> None:
    doc, _ = _spread(api)
    for who in ("us", "jp", "releaser"):
        answer = _post(api, f"/api/v1/items/{doc}/spill", {"reason": "mine"}, who)
        assert answer.status_code == 403, who
        assert _get(api, "/api/v1/incidents", who).status_code == 403
        assert _get(api, f"/api/v1/incidents/n-{'0' * 20}", who).status_code == 403
    assert _get(api, f"/api/v1/documents/{doc}", "us").status_code == 200  # nothing purged
    for missing in ("i-" + "0" * 20, "nonsense", "i-" + "0" * 19 + "'"):
        answer = _post(api, f"/api/v1/items/{missing}/spill", {"reason": "r"}, "officer")
        assert (answer.status_code, answer.content) == (404, NOT_FOUND)
    for missing in (f"n-{'0' * 20}", "n-1; DROP TABLE incidents"):
        answer = _get(api, f"/api/v1/incidents/{missing}", "officer")
        assert (answer.status_code, answer.content) == (404, NOT_FOUND)


def test_a_spill_above_the_officer_is_the_one_not_found_and_bad_reasons_are_named(
    api: Api,
) -> None:
    above = {"marking": "TOP SECRET//SI//NOFORN", "title": "t", "content": "c"}
    made = _post(api, "/api/v1/items", above, "releaser").json()["id"]
    answer = _post(api, f"/api/v1/items/{made}/spill", {"reason": "r"}, "officer")
    assert (answer.status_code, answer.content) == (404, NOT_FOUND)
    assert _get(api, f"/api/v1/items/{made}", "releaser").status_code == 200
    for body in ({"reason": ""}, {"reason": " \t"}, {"reason": "bell\a"}, {},
                 {"reason": "r", "extra": 1}):  # fmt: skip
        bad = _post(api, f"/api/v1/items/{made}/spill", body, "officer")
        assert bad.status_code == 422, body
        assert bad.json()["error"]["code"] == "invalid-input"
