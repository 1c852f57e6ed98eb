"""Reading through the API: search, totals and facets, partly readable documents in
listings, placeholders — each seen from the side of a reader trying to learn more."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from api.conftest import Api, make_api
from api.test_api import NOT_FOUND, post
from support.node import BACKENDS, cast, database_url
from tearline.cli import main
from tearline.config import Settings
from tearline.errors import DataFault

DOCUMENT = {"title": "harbour assessment", "portions": [
    {"marking": "(U)", "text": "open weather note"},
    {"marking": "(S//REL TO USA, JPN)", "text": "shared convoy sighting"},
    {"marking": "(S//NF)", "text": "secret source kestrel"},
]}  # fmt: skip


def _items(api: Api, who: str, query: str = "") -> dict[str, object]:
    response = api.client.get(f"/api/v1/items{query}", headers=api.as_(who))
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def test_a_partly_readable_document_is_listed_under_the_banner_of_its_readable_portions(
    api: Api,
) -> None:
    made = post(api, "us", DOCUMENT, "/api/v1/documents")
    jp = _items(api, "jp")
    rows = jp["items"]
    assert isinstance(rows, list)
    assert [r["id"] for r in rows] == [made]
    assert rows[0]["partial"] is True
    assert "NF" not in str(rows[0]["label"])
    assert rows[0]["label"]["tier"] in ("SECRET", 4)
    assert jp["total"] == 1
    assert jp["facets"] == {"kind": {"document": 1}, "tier": {"SECRET": 1}}
    us = _items(api, "us")["items"]
    assert isinstance(us, list)
    assert us[0]["partial"] is False
    assert us[0]["marking"] == "SECRET//NOFORN"


def test_a_document_of_which_nothing_is_readable_stays_invisible(api: Api) -> None:
    post(api, "us", {"title": "t", "portions": [{"marking": "(S//NF)", "text": "x"}]},
         "/api/v1/documents")  # fmt: skip
    assert _items(api, "jp") == {"items": [], "next": None, "total": 0,
                                 "facets": {"kind": {}, "tier": {}}}  # fmt: skip
    assert _items(api, "jp", "?q=t")["total"] == 0


def test_search_finds_only_readable_text_and_cuts_snippets_from_it(api: Api) -> None:
    made = post(api, "us", DOCUMENT, "/api/v1/documents")
    post(api, "us", {"marking": "SECRET//NOFORN", "title": "kestrel report",
                     "content": "kestrel again"})  # fmt: skip
    long = "a long line " * 20 + "CONVOY" + " tail" * 30
    shared = post(api, "us", {"marking": "SECRET//REL TO USA, JPN", "title": "log",
                              "content": long})  # fmt: skip
    found = _items(api, "jp", "?q=kestrel")
    assert found["items"] == []
    assert found["total"] == 0
    convoy = _items(api, "jp", "?q=convoy")
    rows = convoy["items"]
    assert isinstance(rows, list)
    assert [r["id"] for r in rows] == [shared, made]
    assert convoy["total"] == 2
    assert rows[1]["snippet"] == "shared convoy sighting"
    assert rows[0]["snippet"].startswith("…")
    assert "CONVOY" in rows[0]["snippet"]
    assert len(rows[0]["snippet"]) < 200
    us = _items(api, "us", "?q=KESTREL")
    assert us["total"] == 2
    assert us["facets"] == {"kind": {"document": 1, "report": 1}, "tier": {"SECRET": 2}}


@pytest.mark.parametrize("wildcard", ["%", "_", "\\", "%25"])
def test_like_wildcards_in_a_search_are_plain_characters(api: Api, wildcard: str) -> None:
    post(api, "us", {"marking": "UNCLASSIFIED", "title": "plain", "content": "nothing odd"})
    assert _items(api, "us", f"?q={wildcard}")["total"] == 0


@pytest.mark.parametrize("query", ["?q=", "?q=%1B%5B31m", "?q=" + "x" * 201])
def test_a_bad_search_is_a_422_naming_q(api: Api, query: str) -> None:
    response = api.client.get(f"/api/v1/items{query}", headers=api.as_("us"))
    assert response.status_code == 422
    assert "q" in response.json()["error"]["message"]


def test_a_search_is_audited_with_its_text(api: Api) -> None:
    _items(api, "jp", "?q=convoy")
    entry = api.world.node.store.audit_search(action="item.list", limit=1)[0]
    assert json.loads(entry.detail)["search"] == "convoy"


@pytest.fixture(params=BACKENDS)
def shown(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Api]:
    """The API of a node that shows placeholders for withheld portions."""
    with database_url(request.param, tmp_path) as url:
        world = cast(tmp_path / "home", url, placeholders=True)
        try:
            yield make_api(world)
        finally:
            world.node.close()


def test_withheld_portions_leave_no_trace_by_default(api: Api) -> None:
    made = post(api, "us", DOCUMENT, "/api/v1/documents")
    jp = api.client.get(f"/api/v1/documents/{made}", headers=api.as_("jp")).json()
    assert [sorted(p) for p in jp["portions"]] == [["marking", "text"]] * 2
    assert [p["text"] for p in jp["portions"]] == ["open weather note", "shared convoy sighting"]
    assert "position" not in str(jp)
    assert "withheld" not in str(jp)


def test_placeholders_show_the_position_of_each_withheld_portion_only(shown: Api) -> None:
    made = post(shown, "us", DOCUMENT, "/api/v1/documents")
    jp = shown.client.get(f"/api/v1/documents/{made}", headers=shown.as_("jp")).json()
    assert [(p["position"], p["withheld"]) for p in jp["portions"]] == [
        (0, False), (1, False), (2, True)
    ]  # fmt: skip
    assert jp["portions"][2] == {"position": 2, "withheld": True, "marking": None, "text": None}
    assert "kestrel" not in str(jp)
    assert "NF" not in str(jp)
    us = shown.client.get(f"/api/v1/documents/{made}", headers=shown.as_("us")).json()
    assert [p["withheld"] for p in us["portions"]] == [False, False, False]
    nothing = {"title": "t", "portions": [{"marking": "(S//NF)", "text": "x"}]}
    hidden = post(shown, "us", nothing, "/api/v1/documents")
    response = shown.client.get(f"/api/v1/documents/{hidden}", headers=shown.as_("jp"))
    assert (response.status_code, response.content) == (404, NOT_FOUND)


def test_the_cli_shows_placeholders_too(
    shown: Api, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    made = post(shown, "us", DOCUMENT, "/api/v1/documents")
    monkeypatch.setenv("TEARLINE_DATABASE", shown.world.node.settings.database)
    home = str(shown.world.node.settings.home)
    code = main(["item", "show", made, "--as", shown.world.jp_analyst.id, "--home", home])
    captured = capsys.readouterr()
    output = captured.out
    assert code == 0, captured.err
    assert "[portion 3 withheld]" in output
    assert "kestrel" not in output


@pytest.mark.parametrize(
    ("text", "problem"),
    [("documents = 1\n", "must be a table"),
     ("[documents]\nplaceholders = 'yes'\n", "is not true or false"),
     ("[documents]\nplaceholder = true\n", "no setting 'placeholder'")],
)  # fmt: skip
def test_a_bad_placeholders_setting_is_refused_with_its_fix(
    tmp_path: Path, text: str, problem: str
) -> None:
    (tmp_path / "node.toml").write_text(text)
    with pytest.raises(DataFault, match=problem):
        Settings.load(tmp_path)


def test_the_placeholders_setting_is_saved_and_read_back(tmp_path: Path) -> None:
    Settings(tmp_path, "sqlite:///x", placeholders=True).save(remember_database=False)
    assert Settings.load(tmp_path).placeholders is True
    Settings(tmp_path, "sqlite:///x").save(remember_database=False)
    assert Settings.load(tmp_path).placeholders is False
