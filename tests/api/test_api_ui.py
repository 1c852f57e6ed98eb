"""The picture in a browser: the page and its files are served with a strict policy and hold
no data; the banner roll-up is the node's own, for signed-in people only."""

from __future__ import annotations

from api.conftest import Api
from tearline.api.errors import NOT_FOUND


def test_the_page_and_its_files_are_served_under_a_strict_policy(api: Api) -> None:
    page = api.client.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    policy = page.headers["content-security-policy"]
    assert "default-src 'none'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert page.headers["x-content-type-options"] == "nosniff"
    assert '<script src="/ui/picture.js"' in page.text
    assert "<script>" not in page.text  # nothing inline: the policy forbids it
    script = api.client.get("/ui/picture.js")
    assert script.status_code == 200
    assert script.headers["content-type"].startswith("text/javascript")
    assert "/api/v1/cop/stream" in script.text
    assert "innerHTML" not in script.text  # markings and ids are set as text, never HTML
    assert api.client.get("/ui/picture.css").headers["content-type"].startswith("text/css")
    for name in ("../app.py", "index.html", "picture.py", "%2e%2e%2fapp.py"):
        missing = api.client.get(f"/ui/{name}")
        assert missing.status_code == 404
        assert missing.content == NOT_FOUND


def test_the_banner_rolls_up_the_marks_shown_in_the_callers_scheme(api: Api) -> None:
    rollup = api.client.post
    us = rollup(
        "/api/v1/labels/rollup",
        headers=api.as_("us"),
        json={"markings": ["SECRET//REL TO USA, JPN", "CONFIDENTIAL//NOFORN"]},
    )
    assert us.status_code == 200, us.text
    assert us.json() == {"banner": "SECRET//NOFORN", "tier": "secret"}
    jp = rollup(
        "/api/v1/labels/rollup",
        headers=api.as_("jp"),
        json={
            "markings": [
                "//USA 極秘//REL TO JPN, USA",
                "秘//REL TO JPN, USA + TLP:GREEN//COMMUNITY:maritime",
            ]
        },
    )
    assert jp.status_code == 200, jp.text
    assert jp.json()["banner"].startswith("//JOINT 極秘 JPN USA")  # a US and a Japanese label
    assert jp.json()["banner"].endswith("TLP:GREEN//COMMUNITY:maritime")


def test_the_banner_refuses_what_it_cannot_read_and_strangers(api: Api) -> None:
    rollup = api.client.post
    bad = rollup(
        "/api/v1/labels/rollup",
        headers=api.as_("us"),
        json={"markings": ["SECRET//REL TO USA, JPN", "SECRET//BOGUS"]},
    )
    assert bad.status_code == 422
    assert "markings[1]" in bad.json()["error"]["message"]
    bodies: list[dict[str, object]] = [
        {"markings": []},
        {"markings": ["x" * 501]},
        {"markings": "SECRET"},
    ]
    for body in bodies:
        assert rollup("/api/v1/labels/rollup", headers=api.as_("us"), json=body).status_code == 422
    assert rollup("/api/v1/labels/rollup", json={"markings": ["SECRET"]}).status_code == 401
