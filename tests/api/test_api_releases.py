"""Tearline releases over HTTP: only what the audience may receive leaves, ORCON never,
RELIDO on the officer's explicit decision, and the decision is audited."""

from __future__ import annotations

from typing import Any

from api.conftest import Api

DOCUMENT = {"title": "assessment", "portions": [
    {"marking": "(U)", "text": "open"},
    {"marking": "(S//REL TO USA, JPN)", "text": "shared"},
    {"marking": "(S//NF)", "text": "us only"},
    {"marking": "(S//OC/REL TO USA, JPN)", "text": "originator controlled"},
    {"marking": "(S//REL TO USA, JPN/RELIDO)", "text": "release by decision"},
    {"marking": "(S//REL TO USA, FVEY)", "text": "five eyes"},
]}  # fmt: skip


def _document(api: Api) -> str:
    made = api.client.post("/api/v1/documents", json=DOCUMENT, headers=api.as_("releaser"))
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


def _release(api: Api, doc: str, body: dict[str, Any], who: str = "releaser") -> Any:
    return api.client.post(f"/api/v1/documents/{doc}/releases", json=body, headers=api.as_(who))


def test_a_release_holds_only_what_the_audience_may_receive(api: Api) -> None:
    doc = _document(api)
    answer = _release(api, doc, {"audience": "REL TO USA, JPN"})
    assert answer.status_code == 201, answer.text
    made = answer.json()
    assert [p["text"] for p in made["portions"]] == ["open", "shared"]
    assert made["banner"] == "SECRET//REL TO USA, JPN"
    assert made["source"] == doc
    reasons = {w["position"]: w["reason"] for w in made["withheld"]}
    assert set(reasons) == {2, 3, 4, 5}
    assert reasons[3].startswith("ORCON")
    assert reasons[4].startswith("RELIDO")
    seen = api.client.get(f"/api/v1/documents/{made['id']}", headers=api.as_("jp")).json()
    assert [p["text"] for p in seen["portions"]] == ["open", "shared"]
    listed = api.client.get("/api/v1/items", headers=api.as_("jp")).json()["items"]
    assert made["id"] in {i["id"] for i in listed}  # the release is readable whole by JPN
    found = api.client.get(f"/api/v1/audit?subject={doc}&action=document.release",
                           headers=api.as_("officer")).json()["entries"]  # fmt: skip
    assert found[0]["detail"]["release"] == made["id"]


def test_relido_goes_only_on_an_explicit_decision_and_orcon_never(api: Api) -> None:
    doc = _document(api)
    made = _release(api, doc, {"audience": "JPN", "relido": True}).json()
    texts = [p["text"] for p in made["portions"]]
    assert "release by decision" in texts
    assert "originator controlled" not in texts


def test_releases_are_for_releasing_officers_and_sound_audiences(api: Api) -> None:
    doc = _document(api)
    assert _release(api, doc, {"audience": "JPN"}, who="us").status_code == 403
    assert _release(api, doc, {"audience": "REL TO XXQ"}).status_code == 422
    assert _release(api, doc, {"audience": ""}).status_code == 422
    nothing = {"title": "t", "portions": [{"marking": "(S//NF)", "text": "x"}]}
    only_nf = api.client.post("/api/v1/documents", json=nothing, headers=api.as_("releaser"))
    assert _release(api, only_nf.json()["id"], {"audience": "JPN"}).status_code == 409
    assert _release(api, "i-" + "0" * 20, {"audience": "JPN"}).status_code == 404


def test_withheld_reasons_follow_accept_language(api: Api) -> None:
    doc = _document(api)
    asked = {"audience": "REL TO USA, JPN"}
    en = _release(api, doc, asked)
    ja = api.client.post(f"/api/v1/documents/{doc}/releases", json=asked,
                         headers={**api.as_("releaser"), "Accept-Language": "ja"})  # fmt: skip
    assert en.status_code == ja.status_code == 201, ja.text
    assert (en.headers["content-language"], ja.headers["content-language"]) == ("en", "ja")
    english = {w["position"]: (w["rule"], w["reason"]) for w in en.json()["withheld"]}
    japanese = {w["position"]: (w["rule"], w["reason"]) for w in ja.json()["withheld"]}
    assert english == {
        2: ("release.nationality", "not releasable to JPN"),
        3: ("release.orcon", "ORCON: the originator's consent to release is not recorded"),
        4: ("release.relido", "RELIDO: a releasing officer must decide it explicitly (relido)"),
        5: ("release.nationality", "not releasable to JPN"),
    }
    assert {p: rule for p, (rule, _) in japanese.items()} == {
        p: rule for p, (rule, _) in english.items()
    }
    assert japanese[2][1] == "JPNには提供できません"
    assert japanese[3][1].startswith("ORCON: 発信者の提供同意")
    assert all(any("\u3040" <= ch <= "\u9fff" for ch in r) for _, r in japanese.values())
    found = api.client.get(f"/api/v1/audit?subject={doc}&action=document.release",
                           headers=api.as_("officer")).json()["entries"]  # fmt: skip
    assert all(entry["detail"]["withheld"][0] == [2, "not releasable to JPN"] for entry in found)
