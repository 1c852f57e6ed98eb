"""ORCON consent over HTTP: the originator's recorded consent lets ORCON portions go to the
audience consented to (or part of it), for the version consented to, and nothing else."""

from __future__ import annotations

from typing import Any

import pytest

from api.conftest import Api
from tearline.api.errors import NOT_FOUND
from tearline.errors import TearlineError

DOCUMENT = {"title": "assessment", "portions": [
    {"marking": "(S//REL TO USA, GBR, JPN)", "text": "shared"},
    {"marking": "(S//OC/REL TO USA, GBR, JPN)", "text": "originator controlled one"},
    {"marking": "(S//OC/REL TO USA, GBR, JPN)", "text": "originator controlled two"},
]}  # fmt: skip


def _post(api: Api, path: str, body: dict[str, Any], who: str) -> Any:
    return api.client.post(path, json=body, headers=api.as_(who))


def _document(api: Api) -> str:
    return str(_post(api, "/api/v1/documents", DOCUMENT, "releaser").json()["id"])


def _consent(api: Api, doc: str, who: str = "releaser", **body: Any) -> Any:
    return _post(api, f"/api/v1/documents/{doc}/consents",
                 {"audience": "USA", "reference": "ORIG-MSG 42", **body}, who)  # fmt: skip


def _released(api: Api, doc: str, audience: str) -> list[str]:
    made = _post(api, f"/api/v1/documents/{doc}/releases", {"audience": audience}, "releaser")
    assert made.status_code == 201, made.text
    return [p["text"] for p in made.json()["portions"]]


def _person(api: Api, key: str, **facts: Any) -> None:
    world = api.world
    person = world.node.people.add(world.officer.id, **facts)
    api.tokens[key] = world.node.tokens.create(world.officer.id, person.id)[1]


def test_without_consent_orcon_never_goes(api: Api) -> None:
    doc = _document(api)
    assert _released(api, doc, "USA, GBR, JPN") == ["shared"]


def test_a_consent_lets_orcon_go_to_that_audience_and_the_release_names_it(api: Api) -> None:
    doc = _document(api)
    given = _consent(api, doc, audience="REL TO USA, JPN", portions=[1])
    assert given.status_code == 201, given.text
    consent = given.json()
    assert consent["audience"] == ["JPN", "USA"]
    assert consent["version"] == 1
    assert consent["portions"] == [1]
    assert _released(api, doc, "JPN") == ["shared", "originator controlled one"]
    assert _released(api, doc, "USA, JPN") == ["shared", "originator controlled one"]
    found = api.client.get(f"/api/v1/audit?subject={doc}&action=document.release",
                           headers=api.as_("officer")).json()["entries"]  # fmt: skip
    assert found[0]["detail"]["consents"] == [consent["id"]]
    listed = api.client.get(f"/api/v1/documents/{doc}/consents", headers=api.as_("us")).json()
    assert listed["consents"] == [consent]


def test_a_consent_to_usa_does_not_cover_usa_and_gbr(api: Api) -> None:
    doc = _document(api)
    assert _consent(api, doc, audience="USA").status_code == 201
    assert _released(api, doc, "USA, GBR") == ["shared"]
    assert len(_released(api, doc, "USA")) == 3


def test_a_consent_covers_its_own_document_and_version_only(api: Api) -> None:
    doc, other = _document(api), _document(api)
    assert _consent(api, doc, audience="GBR").status_code == 201
    assert _released(api, other, "GBR") == ["shared"]
    edit = {**DOCUMENT, "reason": "reworded"}
    assert api.client.put(f"/api/v1/documents/{doc}", json=edit,
                          headers=api.as_("releaser")).status_code == 200  # fmt: skip
    assert _released(api, doc, "GBR") == ["shared"]


def test_only_a_releasing_officer_of_the_originator_consents(api: Api) -> None:
    doc = _document(api)
    _person(api, "jp-ro", name="Ito Jiro", nationalities=["JPN"], clearance="極秘",
            roles=("analyst", "releasing-officer"))  # fmt: skip
    _person(api, "other-org", name="Olga Other", nationalities=["USA"], clearance="S",
            roles=("analyst", "releasing-officer"), organisation="Another Agency")  # fmt: skip
    for who in ("us", "jp-ro", "other-org", "officer"):
        answer = _consent(api, doc, who=who)
        assert answer.status_code == 403, (who, answer.text)
        assert answer.json()["error"]["code"] == "denied"
    assert _released(api, doc, "USA") == ["shared"]
    assert api.client.get(f"/api/v1/documents/{doc}/consents",
                          headers=api.as_("releaser")).json()["consents"] == []  # fmt: skip


def test_consents_name_what_is_wrong_and_hide_what_is_not_readable(api: Api) -> None:
    doc = _document(api)
    bodies: list[dict[str, Any]] = [{"portions": [0]}, {"portions": [7]}, {"portions": []},
        {"audience": "XXQ"}, {"reference": ""}, {"reference": "a\x1b[0m"}]  # fmt: skip
    for body in bodies:
        answer = _consent(api, doc, **body)
        assert answer.status_code == 422, body
    assert "ORCON portions are at 1, 2" in _consent(api, doc, portions=[0]).text
    plain = {"title": "t", "portions": [{"marking": "(S//REL TO USA, JPN)", "text": "x"}]}
    plain_id = _post(api, "/api/v1/documents", plain, "releaser").json()["id"]
    assert _consent(api, plain_id).status_code == 422
    hidden = {"title": "t", "portions": [{"marking": "(TS//SI//OC/NF)", "text": "x"}]}
    hidden_id = _post(api, "/api/v1/documents", hidden, "releaser").json()["id"]
    _person(api, "low-ro", name="Lou Low", nationalities=["USA"], clearance="S",
            roles=("analyst", "releasing-officer"))  # fmt: skip
    for target in (hidden_id, "i-" + "0" * 20, "junk"):
        answer = _consent(api, target, who="low-ro")
        assert (answer.status_code, answer.content) == (404, NOT_FOUND)
        seen = api.client.get(f"/api/v1/documents/{target}/consents", headers=api.as_("jp"))
        assert (seen.status_code, seen.content) == (404, NOT_FOUND)


def test_consents_and_releases_are_for_portion_marked_documents(api: Api) -> None:
    report = {"marking": "SECRET//ORCON/REL TO USA, JPN", "title": "r", "content": "c"}
    made = _post(api, "/api/v1/items", report, "releaser").json()["id"]
    assert _consent(api, made).status_code == 422
    answer = _post(api, f"/api/v1/documents/{made}/releases", {"audience": "JPN"}, "releaser")
    assert answer.status_code == 422
    doc = _document(api)
    assert _consent(api, doc, reference="   ").status_code == 422
    node, releaser = api.world.node, api.world.releaser.id
    with pytest.raises(TearlineError, match="name at least one position"):
        node.consents.give(releaser, doc, "USA", "ORIG 1", [])
    assert node.consents.of(releaser, doc) == []
