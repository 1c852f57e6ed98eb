"""``Accept-Language``: messages and reasons in English or Japanese, and a 404 that stays the
same bytes for missing and forbidden within each language."""

from __future__ import annotations

import tomllib
from datetime import timedelta
from importlib import resources

import pytest

from api.conftest import Api
from api.test_api import NOT_FOUND, SHARED, US_ONLY, post
from tearline import errors as tree
from tearline.api.errors import STATUS
from tearline.api.language import catalogue, message, preferred

JA = {"Accept-Language": "ja"}


@pytest.mark.parametrize(
    ("header", "language"),
    [(None, "en"), ("", "en"), ("ja", "ja"), ("ja-JP", "ja"), ("JA", "ja"),
     ("ja;q=0.9, en;q=0.8", "ja"), ("en;q=0.8, ja;q=0.9", "ja"), ("en, ja", "en"),
     ("ja, en", "ja"), ("fr, ja;q=0.5", "ja"), ("*", "en"), ("*;q=0.5, ja;q=0.1", "en"),
     ("ja;q=0", "en"), ("ja;q=1.0", "ja"), ("ja;q=1.5", "en"), ("ja;q=abc", "en"),
     ("ja;level=1", "en"), ("garbage!!", "en"), (";;;,,,", "en"), ("ja;q=0.0001", "en"),
     ("x" * 2000 + ", ja", "en"), ("\u65e5\u672c\u8a9e", "en"), ("fr", "en")],
)  # fmt: skip
def test_quality_values_pick_the_language(header: str | None, language: str) -> None:
    assert preferred(header) == language


def test_the_japanese_catalogue_covers_every_category_and_every_code() -> None:
    table = catalogue("ja")
    assert set(STATUS) <= set(table["categories"])
    codes = {cls.code for cls in vars(tree).values()
             if isinstance(cls, type) and issubclass(cls, tree.TearlineError)}  # fmt: skip
    assert codes - {"error", "data-fault", "scheme-data"} <= set(table["codes"])
    data = tomllib.loads(
        resources.files("tearline.api.languages").joinpath("ja.toml").read_text("utf-8")
    )
    assert data["language"]["code"] == "ja"


def test_a_template_missing_its_field_falls_back_to_the_category() -> None:
    assert (
        message("ja", "invalid-marking", "invalid-input", "own", {}) == "入力が正しくありません。"
    )
    assert message("ja", "new-code", "no-such-category", "own", {}) == "own"
    assert message("en", "invalid-input", "invalid-input", "own", {}) == "own"


def test_the_404_is_one_body_per_language_for_missing_forbidden_and_malformed(api: Api) -> None:
    hidden = post(api, "us", US_ONLY)
    answers = [
        api.client.get(path, headers={**api.as_("jp"), **JA})
        for path in (f"/api/v1/items/{hidden}", "/api/v1/items/i-" + "0" * 32,
                     "/api/v1/items/../../etc", "/api/v1/nowhere")
    ]  # fmt: skip
    assert {(a.status_code, a.content) for a in answers} == {(404, answers[0].content)}
    assert answers[0].json()["error"] == {"code": "not-found", "category": "not-found",
                                          "message": "見つかりません"}  # fmt: skip
    assert all(a.headers["content-language"] == "ja" for a in answers)
    assert all(a.headers["vary"] == "Accept-Language" for a in answers)
    english = api.client.get(f"/api/v1/items/{hidden}", headers=api.as_("jp"))
    assert english.content == NOT_FOUND
    assert english.headers["content-language"] == "en"


def test_a_refusal_gives_its_reasons_in_the_callers_language(api: Api) -> None:
    body = {**SHARED, "marking": "TOP SECRET//NOFORN"}
    ja = api.client.post("/api/v1/items", json=body, headers={**api.as_("us"), **JA})
    en = api.client.post("/api/v1/items", json=body, headers=api.as_("us"))
    assert ja.status_code == en.status_code == 403
    assert ja.json()["error"]["message"] == "この操作は許可されていません。"
    assert ja.json()["error"]["detail"] == en.json()["error"]["message"]
    assert ja.json()["error"]["reasons"] != en.json()["error"]["reasons"]
    assert any("\u3040" <= ch <= "\u9fff" for ch in "".join(ja.json()["error"]["reasons"]))
    assert en.headers["content-language"] == "en"


def test_bad_input_in_japanese_still_names_the_field(api: Api) -> None:
    response = api.client.post("/api/v1/items", json={"marking": "SECRET"},
                               headers={**api.as_("us"), **JA})  # fmt: skip
    error = response.json()["error"]
    assert response.status_code == 422
    assert error["message"].startswith("body.title")
    assert "title" in error["detail"]
    marking = api.client.post("/api/v1/items", json={**SHARED, "marking": "SECRET//NOFORNX"},
                              headers={**api.as_("us"), **JA})  # fmt: skip
    assert "文字目" in marking.json()["error"]["message"]


def test_401_and_500_in_japanese(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    unauthenticated = api.client.get("/api/v1/items", headers=JA)
    assert unauthenticated.status_code == 401
    assert "APIトークン" in unauthenticated.json()["error"]["message"]
    assert unauthenticated.headers["www-authenticate"] == "Bearer"
    from tearline.service.items import Items

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("password=hunter2")

    monkeypatch.setattr(Items, "page", broken)
    fault = api.client.get("/api/v1/items", headers={**api.as_("us"), **JA})
    assert fault.status_code == 500
    assert fault.json()["error"]["message"] == "内部エラーです。何も変更されていません"
    assert b"hunter2" not in fault.content
    assert fault.headers["content-language"] == "ja"


def test_success_answers_say_their_language_too(api: Api) -> None:
    answer = api.client.get("/api/v1/items", headers={**api.as_("us"), **JA})
    assert answer.headers["content-language"] == "ja"
    assert answer.headers["vary"] == "Accept-Language"


def test_who_may_act_is_refused_in_the_callers_language(api: Api) -> None:
    doc = api.client.post(
        "/api/v1/documents",
        headers=api.as_("releaser"),
        json={"title": "t", "portions": [{"marking": "(S//REL TO USA, JPN)", "text": "x"}]},
    ).json()
    refusals = {  # a release, the audit log, a suspension, by someone without the role
        "release": ("post", f"/api/v1/documents/{doc['id']}/releases", {"audience": "JPN"}),
        "audit": ("get", "/api/v1/audit", None),
        "suspend": ("post", f"/api/v1/persons/{api.world.jp_analyst.id}/suspend",
                    {"reason": "review"}),
    }  # fmt: skip
    us = api.world.us_analyst.id
    for method, path, body in refusals.values():
        ja = api.client.request(method, path, json=body, headers={**api.as_("us"), **JA})
        en = api.client.request(method, path, json=body, headers=api.as_("us"))
        assert ja.status_code == en.status_code == 403, (path, ja.text)
        (reason_ja,), (reason_en,) = ja.json()["error"]["reasons"], en.json()["error"]["reasons"]
        assert reason_en.startswith(f"{us} is not a")
        assert reason_ja.startswith(f"{us}は")
        assert reason_ja.endswith("ではありません")
        assert ja.json()["error"]["detail"] == en.json()["error"]["message"]


def test_an_observation_s_refusals_are_in_the_callers_language(api: Api) -> None:
    at = (api.world.clock() - timedelta(minutes=5)).isoformat()
    body = {"time": at, "lat": 34.5, "lon": 129.5, "kind": "vessel", "source_nation": "USA",
            "sensor": "radar", "marking": "SECRET//NOFORN"}  # fmt: skip
    made = api.client.post("/api/v1/observations", json=body, headers=api.as_("us")).json()
    lower = {"marking": "SECRET//REL TO USA, JPN", "reason": "share it"}
    retract = {"reason": "mine now"}
    for path, sent, who in (
        (f"/api/v1/observations/{made['id']}/relabel", lower, "us"),
        (f"/api/v1/observations/{made['id']}/retract", retract, "releaser"),
    ):
        ja = api.client.post(path, json=sent, headers={**api.as_(who), **JA})
        en = api.client.post(path, json=sent, headers=api.as_(who))
        assert ja.status_code == en.status_code == 403, (path, ja.text)
        (reason_ja,), (reason_en,) = ja.json()["error"]["reasons"], en.json()["error"]["reasons"]
        assert reason_en.isascii()
        assert not reason_ja.isascii()
        assert "観測" in reason_ja
