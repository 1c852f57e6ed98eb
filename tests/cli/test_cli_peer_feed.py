"""``tearline peer add NAME --feed``: an unsigned TAXII feed is registered explicitly, with no
public key, agreement or Bearer token, and a valid default marking if any; a Tearline peer
still needs its key and agreement; the kind of a name does not change."""

from __future__ import annotations

import base64
import os
from pathlib import Path
from typing import Any

import pytest

from cli.test_cli_node import Shell
from tearline.bootstrap import open_node
from tearline.config import Settings
from tearline.errors import InvalidInput, Unauthenticated
from tearline.federation.outbox import Filters
from tearline.service.peers import PeerSpec

KEY = base64.b64encode(os.urandom(32)).decode()
URL = "http://127.0.0.1:5999"


@pytest.fixture
def sh(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Shell:
    return Shell(tmp_path / "node", capsys)


@pytest.fixture
def officer(sh: Shell) -> str:
    code, made = sh.run("init", "--nation", "USA", "--officer", "Ann Officer",
                        "--officer-clearance", "TS")  # fmt: skip
    assert code == 0
    return str(made["officer"]["id"])


def feed_add(sh: Shell, officer: str, *extra: str, url: str = URL) -> tuple[int, Any]:
    return sh.run("peer", "add", "feed", "--feed", "--url", url, "--nation", "USA",
                  "--as", officer, *extra)  # fmt: skip


def _message(answer: Any) -> str:
    return str(answer["error"]["message"])


def test_a_feed_is_added_updated_and_listed(sh: Shell, officer: str) -> None:
    code, added = feed_add(sh, officer, "--basic-auth", "user:secret-password",
                           "--default-marking", "UNCLASSIFIED")  # fmt: skip
    assert code == 0, added
    assert (added["token"], added["kind"], added["default_marking"]) == (
        None,
        "feed",
        "UNCLASSIFIED",
    )
    assert (added["public_key"], added["agreement"], added["token_set"]) == ("", "", True)
    code, again = feed_add(sh, officer, url="http://127.0.0.1:6000")  # keeps the credential
    assert code == 0, again
    assert (again["updated"], again["version"], again["token_set"]) == (True, 2, True)
    assert again["default_marking"] is None
    code, listed = sh.run("peer", "list")
    assert [(p["name"], p["kind"]) for p in listed["peers"]] == [("feed", "feed")]
    code, out, _ = sh.text("peer", "add", "feed", "--feed", "--url", URL, "--nation", "USA",
                           "--as", officer)  # fmt: skip
    assert code == 0
    assert out.strip() == f"updated feed feed: {URL} (unsigned, read only)"
    code, audit = sh.run("audit", "search", "--as", officer, "--action", "peer.update")
    assert audit["entries"][0]["detail"]["kind"] == "feed"
    assert "user:secret-password" not in str(audit)


def test_a_feed_never_reads_this_node(sh: Shell, officer: str) -> None:
    code, added = feed_add(sh, officer)
    assert code == 0, added
    with open_node(Settings.load(sh.home)) as node:
        with pytest.raises(Unauthenticated):
            node.outbox.objects("peer:feed", Filters())
        with pytest.raises(InvalidInput, match="registered as a feed, not a node"):
            node.peers.add(officer, "feed", PeerSpec(URL, "JPN", "us-jp", KEY))


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        (["--public-key", KEY], "give it no --agreement, --public-key or --token"),
        (["--agreement", "us-jp"], "give it no --agreement, --public-key or --token"),
        (["--token", "tlp_abcdefgh"], "--basic-auth is its account"),
        (["--basic-auth", "no-colon"], "--basic-auth: give USER:PASSWORD"),
        (["--basic-auth", "user:"], "--basic-auth: give USER:PASSWORD"),
        (["--default-marking", "TLP:GREN"], "TLP"),
    ],
)
def test_a_feed_is_refused_what_is_not_its_own(
    sh: Shell, officer: str, extra: list[str], says: str
) -> None:
    code, answer = feed_add(sh, officer, *extra)
    assert code == 2, answer
    assert says in _message(answer)


def test_a_feed_needs_a_nation_and_a_node_needs_its_key(sh: Shell, officer: str) -> None:
    code, answer = sh.run("peer", "add", "feed", "--feed", "--url", URL, "--nation", "QQQ",
                          "--as", officer)  # fmt: skip
    assert code == 2
    assert "GENC trigraph" in _message(answer)
    for missing in (["--agreement", "us-jp"], ["--public-key", KEY]):
        code, answer = sh.run("peer", "add", "jp-node", "--url", URL, "--nation", "JPN",
                              *missing, "--as", officer)  # fmt: skip
        assert code == 2
        assert "needs --agreement and --public-key" in _message(answer)
    code, answer = sh.run("peer", "add", "jp-node", "--url", URL, "--nation", "JPN",
                          "--agreement", "us-jp", "--public-key", KEY,
                          "--basic-auth", "user:password", "--as", officer)  # fmt: skip
    assert code == 2
    assert "for an unsigned --feed" in _message(answer)


def test_a_name_keeps_its_kind(sh: Shell, officer: str) -> None:
    code, added = sh.run("peer", "add", "jp-node", "--url", URL, "--nation", "JPN",
                         "--agreement", "us-jp", "--public-key", KEY, "--as", officer)  # fmt: skip
    assert code == 0, added
    code, answer = sh.run("peer", "add", "jp-node", "--feed", "--url", URL, "--nation", "JPN",
                          "--as", officer)  # fmt: skip
    assert code == 2
    assert "registered as a node, not a feed" in _message(answer)
