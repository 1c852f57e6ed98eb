"""The HTTP API's contract: authentication, the one error shape, what each caller sees."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from api.conftest import Api
from support.node import Cast

SHARED = {"marking": "SECRET//REL TO USA, JPN", "title": "shared", "content": "c1"}
US_ONLY = {"marking": "SECRET//NOFORN", "title": "us only", "content": "c2"}
NOT_FOUND = b'{"error": {"code": "not-found", "category": "not-found", "message": "not found"}}'


def post(api: Api, who: str, body: Mapping[str, object], path: str = "/api/v1/items") -> str:
    response = api.client.post(path, json=body, headers=api.as_(who))
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def test_health_and_the_schema_need_no_token(api: Api) -> None:
    assert api.client.get("/healthz").json() == {"status": "ok"}
    paths = api.client.get("/openapi.json").json()["paths"]
    assert {"/api/v1/items", "/api/v1/items/{item_id}", "/api/v1/documents",
            "/api/v1/documents/{item_id}"} <= set(paths)  # fmt: skip


@pytest.mark.parametrize(
    "header",
    [None, "Bearer", "Bearer nonsense", "Basic dXNlcjpwYXNz", "Bearer tl_" + "A" * 43,
     "Bearer tl_" + "A" * 5000],
)  # fmt: skip
def test_no_valid_token_is_401_in_the_one_shape(api: Api, header: str | None) -> None:
    headers = {} if header is None else {"Authorization": header}
    response = api.client.get("/api/v1/items", headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["error"]["code"] == "unauthenticated"


def test_an_expired_or_revoked_token_is_401_on_the_next_request(api: Api) -> None:
    world = api.world
    token_id, token = world.node.tokens.create(world.officer.id, world.us_analyst.id)
    headers = {"Authorization": f"Bearer {token}"}
    assert api.client.get("/api/v1/items", headers=headers).status_code == 200
    world.node.tokens.revoke(world.officer.id, token_id)
    assert api.client.get("/api/v1/items", headers=headers).status_code == 401
    world.clock.advance(days=91)  # the fixture's tokens lived 90 days
    assert api.client.get("/api/v1/items", headers=api.as_("us")).status_code == 401


def test_each_caller_lists_what_they_may_read_in_their_own_scheme(api: Api) -> None:
    shared = post(api, "us", SHARED)
    post(api, "us", US_ONLY)
    us = api.client.get("/api/v1/items", headers=api.as_("us")).json()
    assert [i["title"] for i in us["items"]] == ["us only", "shared"]
    jp = api.client.get("/api/v1/items", headers=api.as_("jp")).json()
    assert [i["id"] for i in jp["items"]] == [shared]
    assert jp["items"][0]["scheme"] == "jp"
    assert "極秘" in jp["items"][0]["marking"]
    assert jp["items"][0]["label"]["releasable_to"] == ["JPN", "USA"]
    assert jp["next"] is None


def test_a_404_is_the_same_bytes_whatever_was_asked(api: Api) -> None:
    us_only = post(api, "us", US_ONLY)
    asked = [us_only, "i-" + "0" * 20, "%2e%2e%2fetc", "x" * 3000, "i-<script>"]
    bodies = {api.client.get(f"/api/v1/items/{i}", headers=api.as_("jp")).content for i in asked}
    bodies.add(api.client.get("/api/v1/nowhere", headers=api.as_("jp")).content)
    bodies.add(api.client.delete(f"/api/v1/items/{us_only}", headers=api.as_("us")).content)
    assert bodies == {NOT_FOUND}
    assert api.client.get(f"/api/v1/items/{us_only}", headers=api.as_("us")).status_code == 200


def test_bad_input_is_422_naming_the_problem(api: Api) -> None:
    cases = [
        ({**SHARED, "marking": "SECRET//REL TO JPN, USA"}, "invalid-marking"),
        ({**SHARED, "scheme": "zz"}, "unknown-scheme"),
        ({**SHARED, "extra": 1}, "invalid-input"),
        ({"marking": "SECRET"}, "invalid-input"),
        ({**SHARED, "lat": 91, "lon": 0}, "invalid-input"),
    ]
    for body, code in cases:
        response = api.client.post("/api/v1/items", json=body, headers=api.as_("us"))
        assert response.status_code == 422, body
        assert response.json()["error"]["code"] == code
    missing = api.client.post("/api/v1/items", json={"marking": "SECRET"}, headers=api.as_("us"))
    assert "title" in missing.json()["error"]["message"]


def test_writing_above_ones_clearance_is_403(api: Api) -> None:
    body = {**SHARED, "marking": "TOP SECRET//NOFORN"}
    response = api.client.post("/api/v1/items", json=body, headers=api.as_("us"))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "denied"


def test_a_document_shows_each_reader_exactly_their_portions(api: Api) -> None:
    body = {"title": "assessment", "portions": [
        {"marking": "(U)", "text": "open"},
        {"marking": "(S//REL TO USA, JPN)", "text": "shared"},
        {"marking": "(S//NF)", "text": "us only"},
    ]}  # fmt: skip
    made = api.client.post("/api/v1/documents", json=body, headers=api.as_("us")).json()
    assert made["banner"] == "SECRET//NOFORN"
    us = api.client.get(f"/api/v1/documents/{made['id']}", headers=api.as_("us")).json()
    assert [p["text"] for p in us["portions"]] == ["open", "shared", "us only"]
    assert us["banner"] == "SECRET//NOFORN"
    jp = api.client.get(f"/api/v1/documents/{made['id']}", headers=api.as_("jp")).json()
    assert [p["text"] for p in jp["portions"]] == ["open", "shared"]
    assert "極秘" in jp["banner"]
    assert "us only" not in str(jp)
    assert "NF" not in str(jp["label"])


def test_a_document_with_nothing_readable_is_the_same_404(api: Api) -> None:
    body = {"title": "t", "portions": [{"marking": "(S//NF)", "text": "x"}]}
    made = api.client.post("/api/v1/documents", json=body, headers=api.as_("us")).json()
    response = api.client.get(f"/api/v1/documents/{made['id']}", headers=api.as_("jp"))
    assert (response.status_code, response.content) == (404, NOT_FOUND)
    report = post(api, "us", SHARED)
    not_a_document = api.client.get(f"/api/v1/documents/{report}", headers=api.as_("us"))
    assert (not_a_document.status_code, not_a_document.content) == (404, NOT_FOUND)


def test_a_suspension_takes_effect_on_the_next_request(api: Api) -> None:
    post(api, "us", SHARED)
    world: Cast = api.world
    assert len(api.client.get("/api/v1/items", headers=api.as_("jp")).json()["items"]) == 1
    world.node.people.set_status(world.officer.id, world.jp_analyst.id, "suspended", reason="x")
    assert api.client.get("/api/v1/items", headers=api.as_("jp")).json()["items"] == []


def test_a_fault_is_a_500_without_a_word_of_it(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    from tearline.service.items import Items

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("password=hunter2 at /secret/path")

    monkeypatch.setattr(Items, "page", broken)
    response = api.client.get("/api/v1/items", headers=api.as_("us"))
    assert response.status_code == 500
    internal = {"code": "internal", "category": "internal",
                "message": "internal error; nothing was changed"}  # fmt: skip
    assert response.json() == {"error": internal}
    assert b"hunter2" not in response.content


def test_failed_authentications_are_rate_limited_per_client(api: Api) -> None:
    from fastapi.testclient import TestClient

    from tearline.api import create_app
    from tearline.api.auth import FailureLimiter

    now = [0.0]
    limiter = FailureLimiter(limit=3, window=60.0, clock=lambda: now[0])
    client = TestClient(create_app(api.world.node, limiter=limiter))
    bad = {"Authorization": "Bearer tl_" + "B" * 43}
    assert [client.get("/api/v1/items", headers=bad).status_code for _ in range(3)] == [401] * 3
    refused = client.get("/api/v1/items", headers=api.as_("us"))  # even a good token, now
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "60"
    assert refused.json()["error"]["code"] == "rate-limited"
    now[0] = 61.0
    assert client.get("/api/v1/items", headers=api.as_("us")).status_code == 200
