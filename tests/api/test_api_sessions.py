"""Browser sign-in, seen by an attacker: the cookie's flags, CSRF on every unsafe request
signed in by cookie, replay after sign-out, fixation, another person's CSRF token, expiry
(absolute, idle, the token's own), revocation and suspension, and the rate limit."""

from __future__ import annotations

from dataclasses import replace

import pytest
from fastapi.testclient import TestClient

from api.conftest import Api
from tearline.api import create_app
from tearline.api.auth import FailureLimiter

COOKIE = "tearline-session"
ITEM = {"marking": "SECRET//REL TO USA, JPN", "title": "by cookie", "content": "c"}


def sign_in(api: Api, who: str, client: TestClient | None = None) -> tuple[str, str]:
    """``(session id, CSRF token)`` of a fresh session of ``who``."""
    client = client or api.client
    response = client.post("/api/v1/session", json={"token": api.tokens[who]})
    assert response.status_code == 201, response.text
    session = response.cookies[COOKIE]
    client.cookies.clear()  # each request below says which cookie it carries
    return session, str(response.json()["csrf"])


def cookie(session: str, csrf: str | None = None) -> dict[str, str]:
    headers = {"Cookie": f"{COOKIE}={session}"}
    if csrf is not None:
        headers["X-CSRF-Token"] = csrf
    return headers


def test_sign_in_sets_an_httponly_strict_cookie_and_answers_a_csrf_token(api: Api) -> None:
    response = api.client.post("/api/v1/session", json={"token": api.tokens["us"]})
    assert response.status_code == 201
    assert response.headers["cache-control"] == "no-store"
    set_cookie = response.headers["set-cookie"]
    assert set_cookie.startswith(f"{COOKIE}=ts_")
    flags = {part.strip().split("=")[0].lower() for part in set_cookie.split(";")}
    assert {"httponly", "samesite", "path", "max-age"} <= flags
    assert "samesite=strict" in set_cookie.lower()
    assert "secure" not in flags  # plain http (loopback): see the https test below
    body = response.json()
    assert body["person"] == api.world.us_analyst.id
    assert len(body["csrf"]) >= 43
    assert body["csrf"] not in set_cookie
    assert body["idle_minutes"] == 30


def test_over_https_the_cookie_is_secure_and_host_prefixed(api: Api) -> None:
    client = TestClient(create_app(api.world.node), base_url="https://testserver")
    response = client.post("/api/v1/session", json={"token": api.tokens["us"]})
    set_cookie = response.headers["set-cookie"]
    assert set_cookie.startswith("__Host-tearline-session=ts_")
    assert "; secure" in set_cookie.lower()
    assert "path=/" in set_cookie.lower()
    session = response.cookies["__Host-tearline-session"]
    client.cookies.clear()
    # over https only the __Host- cookie counts: the plain name is not looked at
    plain = client.get("/api/v1/items", headers={"Cookie": f"{COOKIE}={session}"})
    assert plain.status_code == 401
    hosted = client.get("/api/v1/items", headers={"Cookie": f"__Host-tearline-session={session}"})
    assert hosted.status_code == 200


def test_cookie_secure_always_marks_the_cookie_secure_over_http(api: Api) -> None:
    node = api.world.node
    node.settings = replace(node.settings, cookie_secure="always")
    response = api.client.post("/api/v1/session", json={"token": api.tokens["us"]})
    assert response.headers["set-cookie"].startswith("__Host-tearline-session=")
    assert "; secure" in response.headers["set-cookie"].lower()


def test_reads_need_only_the_cookie_and_writes_need_its_csrf_token(api: Api) -> None:
    session, csrf = sign_in(api, "us")
    assert api.client.get("/api/v1/items", headers=cookie(session)).status_code == 200
    missing = api.client.post("/api/v1/items", json=ITEM, headers=cookie(session))
    assert missing.status_code == 403
    assert missing.json()["error"]["code"] == "csrf-token-required"
    for wrong in ("", "x", csrf[:-1], csrf + "x", csrf.upper(), session):
        refused = api.client.post("/api/v1/items", json=ITEM, headers=cookie(session, wrong))
        assert refused.status_code == 403, wrong
    made = api.client.post("/api/v1/items", json=ITEM, headers=cookie(session, csrf))
    assert made.status_code == 201
    listed = api.client.get("/api/v1/items", headers=cookie(session)).json()
    assert [i["title"] for i in listed["items"]] == ["by cookie"]


def test_a_csrf_token_of_another_session_does_not_count(api: Api) -> None:
    victim, _ = sign_in(api, "us")
    _, attackers_csrf = sign_in(api, "jp")
    refused = api.client.post("/api/v1/items", json=ITEM, headers=cookie(victim, attackers_csrf))
    assert refused.status_code == 403
    # nor does a second session of the same person lend its token to the first
    _, own_other = sign_in(api, "us")
    again = api.client.post("/api/v1/items", json=ITEM, headers=cookie(victim, own_other))
    assert again.status_code == 403


def test_sign_out_ends_the_session_and_a_replayed_cookie_is_refused(api: Api) -> None:
    session, csrf = sign_in(api, "us")
    no_csrf = api.client.delete("/api/v1/session", headers=cookie(session))
    assert no_csrf.status_code == 403  # nobody can sign a victim out from another site
    out = api.client.delete("/api/v1/session", headers=cookie(session, csrf))
    assert out.status_code == 204
    assert (
        'tearline-session=""' in out.headers["set-cookie"]
        or "max-age=0" in out.headers["set-cookie"].lower()
    )
    replay = api.client.get("/api/v1/items", headers=cookie(session))
    assert replay.status_code == 401
    assert replay.json()["error"]["code"] == "unauthenticated"
    assert api.client.delete("/api/v1/session", headers=cookie(session, csrf)).status_code == 401
    actions = [e.action for e in api.world.node.store.audit_entries()]
    assert "session.open" in actions
    assert "session.close" in actions


def test_sign_out_by_bearer_token_is_refused_as_there_is_no_session(api: Api) -> None:
    response = api.client.delete("/api/v1/session", headers=api.as_("us"))
    assert response.status_code == 422


def test_no_session_fixation_a_planted_session_is_ended_not_adopted(api: Api) -> None:
    planted, _ = sign_in(api, "jp")  # the attacker's own session, planted in the victim
    response = api.client.post(
        "/api/v1/session", json={"token": api.tokens["us"]}, headers=cookie(planted)
    )
    api.client.cookies.clear()
    fresh = response.cookies[COOKIE]
    assert fresh != planted
    assert api.client.get("/api/v1/items", headers=cookie(planted)).status_code == 401
    assert api.client.get("/api/v1/items", headers=cookie(fresh)).status_code == 200
    # a made-up id planted before sign-in is never adopted either
    made_up = "ts_" + "A" * 43
    response = api.client.post(
        "/api/v1/session", json={"token": api.tokens["us"]}, headers=cookie(made_up)
    )
    assert response.cookies[COOKIE] != made_up
    api.client.cookies.clear()
    assert api.client.get("/api/v1/items", headers=cookie(made_up)).status_code == 401


@pytest.mark.parametrize(
    "value", ["", "nonsense", "ts_" + "A" * 43, "ts_" + "A" * 5000, "tl_" + "A" * 43, "ts_é" * 9]
)
def test_a_forged_cookie_is_401(api: Api, value: str) -> None:
    header = f"{COOKIE}={value}".encode()
    response = api.client.get("/api/v1/items", headers={"Cookie": header})
    assert response.status_code == 401


def test_a_session_ends_at_its_absolute_expiry_even_when_in_use(api: Api) -> None:
    session, _ = sign_in(api, "us")
    for _ in range(16):  # used every 29 minutes: never idle, yet over after 8 hours
        api.world.clock.advance(minutes=29)
        assert api.client.get("/api/v1/items", headers=cookie(session)).status_code == 200
    api.world.clock.advance(minutes=29)
    assert api.client.get("/api/v1/items", headers=cookie(session)).status_code == 401


def test_a_session_ends_after_30_idle_minutes(api: Api) -> None:
    session, _ = sign_in(api, "us")
    api.world.clock.advance(minutes=29)
    assert api.client.get("/api/v1/items", headers=cookie(session)).status_code == 200
    api.world.clock.advance(minutes=30)
    response = api.client.get("/api/v1/items", headers=cookie(session))
    assert response.status_code == 401
    assert "idle" in response.json()["error"]["message"]


def test_a_session_never_outlives_its_token(api: Api) -> None:
    world = api.world
    _, token = world.node.tokens.create(world.officer.id, world.us_analyst.id)
    api.world.clock.advance(days=89, hours=11)  # 20:00 on the token's last day
    response = api.client.post("/api/v1/session", json={"token": token})
    assert response.status_code == 201
    api.client.cookies.clear()
    expires = response.json()["expires"]
    assert expires.startswith("2027-02-28T00:00:00")  # the token's expiry, not 8 hours on
    session = response.cookies[COOKIE]
    api.world.clock.advance(hours=4)
    assert api.client.get("/api/v1/items", headers=cookie(session)).status_code == 401


def test_revoking_the_token_ends_its_sessions_on_the_next_request(api: Api) -> None:
    world = api.world
    token_id, token = world.node.tokens.create(world.officer.id, world.us_analyst.id)
    response = api.client.post("/api/v1/session", json={"token": token})
    api.client.cookies.clear()
    session = response.cookies[COOKIE]
    assert api.client.get("/api/v1/items", headers=cookie(session)).status_code == 200
    world.node.tokens.revoke(world.officer.id, token_id)
    assert api.client.get("/api/v1/items", headers=cookie(session)).status_code == 401


@pytest.mark.parametrize("change", ["suspended", "revoked"])
def test_suspending_or_revoking_the_person_ends_the_session(api: Api, change: str) -> None:
    world = api.world
    session, _ = sign_in(api, "us")
    world.node.people.set_status(world.officer.id, world.us_analyst.id, change, reason="test")
    response = api.client.get("/api/v1/items", headers=cookie(session))
    assert response.status_code == 401
    assert change in response.json()["error"]["message"]
    # and no new session is opened for them
    again = api.client.post("/api/v1/session", json={"token": api.tokens["us"]})
    assert again.status_code == 401


@pytest.mark.parametrize(
    "body", [{"token": "tl_" + "A" * 43}, {"token": "nonsense"}, {"token": ""}]
)
def test_a_bad_sign_in_is_401_and_sets_no_cookie(api: Api, body: dict[str, str]) -> None:
    response = api.client.post("/api/v1/session", json=body)
    assert response.status_code == 401
    assert "set-cookie" not in response.headers


def test_sign_in_takes_json_only_so_a_cross_site_form_cannot_sign_anyone_in(api: Api) -> None:
    response = api.client.post(
        "/api/v1/session", content=f'{{"token": "{api.tokens["us"]}"}}',
        headers={"Content-Type": "text/plain"},
    )  # fmt: skip
    assert response.status_code == 422
    assert "set-cookie" not in response.headers
    bare = api.client.post("/api/v1/session", content=f'{{"token": "{api.tokens["us"]}"}}')
    assert bare.status_code == 422  # no Content-Type at all
    other = api.client.post(
        "/api/v1/session", content=f'{{"token": "{api.tokens["us"]}"}}',
        headers={"Content-Type": "application/merge-patch+json"},
    )  # fmt: skip
    assert other.status_code == 422
    assert "Content-Type: application/json" in other.json()["error"]["message"]
    extra = api.client.post("/api/v1/session", json={"token": api.tokens["us"], "as": "x"})
    assert extra.status_code == 422


def test_failed_sign_ins_count_in_the_rate_limit(api: Api) -> None:
    client = TestClient(create_app(api.world.node, limiter=FailureLimiter(limit=3)))
    for _ in range(3):
        assert client.post("/api/v1/session", json={"token": "tl_" + "B" * 43}).status_code == 401
    limited = client.post("/api/v1/session", json={"token": api.tokens["us"]})
    assert limited.status_code == 429
    assert "set-cookie" not in limited.headers


def test_a_bearer_token_wins_over_a_cookie_and_needs_no_csrf(api: Api) -> None:
    session, _ = sign_in(api, "jp")
    headers = {**api.as_("us"), **cookie(session)}
    made = api.client.post("/api/v1/items", json=ITEM, headers=headers)
    assert made.status_code == 201
    item = api.client.get(f"/api/v1/items/{made.json()['id']}", headers=api.as_("us")).json()
    assert item["id"] == made.json()["id"]
    entries = [e for e in api.world.node.store.audit_entries() if e.action == "item.create"]
    assert entries
    assert entries[-1].actor == api.world.us_analyst.id


def test_a_peer_credential_cannot_sign_in(api: Api) -> None:
    response = api.client.post("/api/v1/session", json={"token": "tlp_" + "A" * 43})
    assert response.status_code == 401
