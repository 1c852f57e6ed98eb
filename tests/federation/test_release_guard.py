"""The release guard between two real nodes: an object whose content holds a word that must
never leave, or nearly repeats a report the peer may not read, is held for a releasing
officer instead of sent; approved, it goes with the next sync; denied, it stays home. Each
hold and decision is audited."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from cli.test_cli_node import Shell
from federation.test_ledger_anchors import _side
from federation.test_sync import SHARED, Side, _peer
from support.node import BACKENDS, database_url
from tearline.config import Settings
from tearline.errors import DataFault
from tearline.service.guard import _Index, jaccard, shingles

GUARD = '\n[release_guard]\nwords = ["Operation Neptune", "BLUEFIN"]\nsimilarity = 0.5\n'
SECRET_TEXT = (
    "The submarine left Yokosuka at dawn heading north with two escorts and will reach the "
    "strait on Thursday under radio silence"
)


@pytest.fixture(params=BACKENDS)
def pair(
    request: pytest.FixtureRequest, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> Iterator[tuple[Side, Side]]:
    postgres = request.param == "postgres"
    with database_url(request.param, tmp_path / "us") as us_url, \
            database_url(request.param, tmp_path / "jp") as jp_url:  # fmt: skip
        us = _side(Shell(tmp_path / "us", capsys), us_url if postgres else None, "USA", "TS",
                   GUARD)  # fmt: skip
        jp = _side(Shell(tmp_path / "jp", capsys), jp_url if postgres else None, "JPN", "極秘")
        try:
            us.served.start()
            jp.served.start()
            for_jp = _peer(us, "jp-node", jp)
            for_us = _peer(jp, "us-node", us, "--token", for_jp)
            assert _peer(us, "jp-node", jp, "--token", for_us) == for_jp
            yield us, jp
        finally:
            for side in (us, jp):
                side.served.stop()
                side.node.close()


def _add(side: Side, title: str, marking: str, text: str) -> None:
    code, made = side.sh.run("item", "add", "--as", side.author, "--title", title,
                             "--marking", marking, stdin=text)  # fmt: skip
    assert code == 0, made


def _pushed(side: Side) -> int:
    code, result = side.sync()
    assert code == 0, result
    return int(result["peers"][0]["pushed"])


def _held(side: Side, *extra: str) -> list[dict[str, Any]]:
    code, shown = side.sh.run("release", "held", "--as", side.author, *extra)
    assert code == 0, shown
    return list(shown["held"])


def test_a_forbidden_word_holds_the_object_until_approved(pair: tuple[Side, Side]) -> None:
    us, jp = pair
    _add(us, "Plain", SHARED, "nothing special")
    _add(us, "Mentions it", SHARED, "as planned under operation NEPTUNE, the ships sail")
    _add(us, "Neptunes", SHARED, "Neptunes and bluefins are not the words")  # not whole words
    assert _pushed(us) == 2
    assert "Mentions it" not in jp.titles()
    (held,) = _held(us)
    assert (held["to"], held["reason"], held["detail"]) == (
        "peer:jp-node", "word", {"word": "operation NEPTUNE"},
    )  # fmt: skip
    assert _pushed(us) == 0  # still held: not sent, not held twice
    assert len(_held(us)) == 1
    ctx, at = us.node.guard.ctx, us.node.clock()
    with ctx.store.transaction(write=False):  # asked of one item alone, it reads its hold too
        reader = ctx.reader("peer:jp-node")
        check = us.node.guard.check(reader, ctx.readable.for_person(reader, at))
        item = ctx.store.item(held["item"])
        assert item is not None
        assert check.holds(item, item.portions, at)
    code, refused = us.sh.run("release", "approve", held["id"], "--as", us.analyst,
                              "--reason", "fine")  # fmt: skip
    assert code == 5, refused
    code, approved = us.sh.run("release", "approve", held["id"], "--as", us.author,
                               "--reason", "the operation is public now")  # fmt: skip
    assert code == 0, approved
    assert (approved["decision"], approved["decided_by"]) == ("approved", us.author)
    assert _pushed(us) == 1
    assert "Mentions it" in jp.titles()
    assert _held(us) == []
    assert [h["decision"] for h in _held(us, "--all")] == ["approved"]
    code, again = us.sh.run("release", "deny", held["id"], "--as", us.author, "--reason", "x")
    assert code == 2  # decided already
    assert again["error"]["code"] == "conflict"
    code, audit = us.sh.run("audit", "search", "--as", us.officer, "--subject",
                            held["item"])  # fmt: skip
    actions = [(e["action"], e["outcome"]) for e in audit["entries"]]
    assert ("release.hold", "deny") in actions
    assert ("release.approve", "done") in actions


def test_a_near_duplicate_of_what_the_peer_may_not_read_is_held(
    pair: tuple[Side, Side],
) -> None:
    us, jp = pair
    _add(us, "The original", "SECRET//NOFORN", SECRET_TEXT)
    _add(us, "Written down", SHARED, "Heard: " + SECRET_TEXT.replace("Thursday", "Friday"))
    _add(us, "Unrelated", SHARED, "Fishing boats returned to port after the storm passed")
    assert _pushed(us) == 1
    at_jp = jp.titles()
    assert "Unrelated" in at_jp
    assert "Written down" not in at_jp
    (held,) = _held(us)
    assert held["reason"] == "near-duplicate"
    assert held["detail"]["similarity"] >= 0.5
    token = us.node.tokens.create(us.officer, us.author)[1]
    auth = {"Authorization": f"Bearer {token}"}
    listed = httpx.get(f"{us.served.base}/api/v1/releases/held", headers=auth)
    assert listed.status_code == 200, listed.text
    assert [h["id"] for h in listed.json()["held"]] == [held["id"]]
    denied = httpx.post(f"{us.served.base}/api/v1/releases/held/{held['id']}/deny",
                        json={"reason": "copied from a NOFORN report"}, headers=auth)  # fmt: skip
    assert denied.status_code == 200, denied.text
    assert (denied.json()["decision"], denied.json()["decided_by"]) == ("denied", us.author)
    again = httpx.post(f"{us.served.base}/api/v1/releases/held/{held['id']}/approve",
                       json={"reason": "no"}, headers=auth)  # fmt: skip
    assert again.status_code == 409
    assert _pushed(us) == 0
    assert "Written down" not in jp.titles()
    code, missing = us.sh.run("release", "approve", "h-nothing", "--as", us.author,
                              "--reason", "x")  # fmt: skip
    assert code == 3, missing


def test_shingles_and_similarity() -> None:
    assert shingles("One two three four") == {"one two three", "two three four"}
    assert shingles("Two words") == {"two words"}
    assert shingles("") == frozenset()
    a, b = shingles("a b c d e"), shingles("a b c d f")
    assert jaccard(a, b) == pytest.approx(2 / 4)
    assert jaccard(frozenset(), frozenset()) == 0.0
    texts = [("i-1", "a b c d e"), ("i-2", "x y z"), ("i-3", ""), ("i-4", "a b c d e f g")]
    index = _Index(texts)
    mine = shingles("a b c d f")
    best = max((jaccard(mine, shingles(t)), i) for i, t in texts)
    like, score = index.closest(mine)
    assert like == best[1]
    assert score == pytest.approx(best[0])
    assert index.closest(shingles("nothing alike here")) == ("", 0.0)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[release_guard]\nwords = "x"\n', "list of text"),
        ("[release_guard]\nsimilarity = 2\n", "0.1 to 1.0"),
        ("[release_guard]\nfuzzy = true\n", "no setting 'fuzzy'"),
    ],
)
def test_the_guard_settings_are_checked(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "node.toml").write_text("checkpoint_every = 1000\n" + text, "utf-8")
    with pytest.raises(DataFault, match=message):
        Settings.load(tmp_path)


def test_the_guard_settings_round_trip(tmp_path: Path) -> None:
    settings = Settings(tmp_path, "sqlite:///x.db", guard_words=("NEPTUNE", 'say "hi"'),
                        guard_similarity=0.7)  # fmt: skip
    settings.save(remember_database=False)
    loaded = Settings.load(tmp_path)
    assert (loaded.guard_words, loaded.guard_similarity) == (("NEPTUNE", 'say "hi"'), 0.7)
