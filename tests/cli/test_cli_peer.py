"""``tearline peer add|list|remove``: node administrators only, the credential shown to them
(the same one for an update), exit codes and the one error shape."""

from __future__ import annotations

import base64
import os
from pathlib import Path

import pytest

from cli.test_cli_node import Shell

KEY = base64.b64encode(os.urandom(32)).decode()


@pytest.fixture
def sh(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Shell:
    return Shell(tmp_path / "node", capsys)


@pytest.fixture
def people(sh: Shell) -> dict[str, str]:
    """The node's first officer (a node administrator too) and a US analyst."""
    code, made = sh.run("init", "--nation", "USA", "--officer", "Ann Officer",
                        "--officer-clearance", "TS")  # fmt: skip
    assert code == 0
    officer = made["officer"]["id"]
    code, added = sh.run("person", "add", "--as", officer, "--name", "Bob",
                         "--nationality", "USA", "--clearance", "S")  # fmt: skip
    assert code == 0
    return {"officer": officer, "us": added["id"]}


def peer_add(sh: Shell, who: str, *extra: str) -> tuple[int, object]:
    return sh.run("peer", "add", "jp-node", "--url", "http://127.0.0.1:8401", "--nation", "JPN",
                  "--agreement", "us-jp", "--public-key", KEY, "--as", who, *extra)  # fmt: skip


def test_add_list_update_and_remove(sh: Shell, people: dict[str, str], tmp_path: Path) -> None:
    code, added = peer_add(sh, people["officer"])
    assert code == 0
    assert isinstance(added, dict)
    assert added["name"] == "jp-node"
    assert added["token"].startswith("tlp_")
    assert added["ceiling"] == {"level": "KIMITSU", "scheme": "jp"}
    assert not added["updated"]
    key_file = tmp_path / "jp.pub"
    key_file.write_text(KEY + "\n")
    code, again = sh.run("peer", "add", "jp-node", "--url", "http://10.1.1.1:8400",
                         "--nation", "JPN", "--agreement", "us-jp",
                         "--public-key", str(key_file), "--as", people["officer"])  # fmt: skip
    assert code == 0
    assert isinstance(again, dict)
    assert again["token"] == added["token"]
    assert again["updated"]
    assert again["version"] == 2
    code, listed = sh.run("peer", "list")
    assert code == 0
    assert isinstance(listed, dict)
    assert [(p["name"], p["url"]) for p in listed["peers"]] == [("jp-node", "http://10.1.1.1:8400")]
    assert added["token"] not in str(listed)
    code, text, _ = sh.text("peer", "list")
    assert code == 0
    assert "jp-node  JPN  us-jp  jp KIMITSU" in text
    assert sh.run("peer", "remove", "jp-node", "--as", people["officer"]) == (
        0, {"removed": "jp-node"}
    )  # fmt: skip
    assert sh.run("peer", "remove", "jp-node", "--as", people["officer"])[0] == 3
    assert sh.run("peer", "list") == (0, {"peers": []})


def test_the_contract_form_needs_no_person_the_operator_acts_and_is_audited(
    sh: Shell, people: dict[str, str]
) -> None:
    """``peer add NAME --url … --nation JPN --public-key KEY --agreement … --json`` exactly as
    the contract writes it: the node's operator (who opens its home) acts, audited as
    ``operator:NODE_ID``; again it updates and prints the same token; a person named with
    --as is still decided (not a node administrator: refused, exit 5)."""
    contract = ("peer", "add", "jp-node", "--url", "http://127.0.0.1:8401", "--nation", "JPN",
                "--public-key", KEY, "--agreement", "us-jp")  # fmt: skip
    code, added = sh.run(*contract)
    assert code == 0, added
    assert isinstance(added, dict)
    assert added["token"].startswith("tlp_")
    code, again = sh.run(*contract, "--token", "tlp_" + "A" * 43)
    assert code == 0, again
    assert isinstance(again, dict)
    assert (again["name"], again["token"], again["updated"]) == ("jp-node", added["token"], True)
    assert sh.run(*contract, "--as", people["us"])[0] == 5
    node = sh.run("node", "show")[1]
    assert isinstance(node, dict)
    code, audit = sh.run("audit", "search", "--as", people["officer"], "--subject",
                         "peer:jp-node")  # fmt: skip
    assert code == 0
    assert isinstance(audit, dict)
    actors = [(e["action"], e["actor"]) for e in reversed(audit["entries"])]
    operator = f"operator:{node['id']}"
    assert actors == [("peer.add", operator), ("peer.update", operator),
                      ("peer.add", people["us"])]  # fmt: skip
    assert sh.run("peer", "remove", "jp-node") == (0, {"removed": "jp-node"})


def test_plain_output_prints_the_credential_alone_on_stdout(
    sh: Shell, people: dict[str, str]
) -> None:
    code, out, err = sh.text("peer", "add", "jp-node", "--url", "http://127.0.0.1:8401",
                             "--nation", "JPN", "--agreement", "us-jp", "--public-key", KEY,
                             "--as", people["officer"])  # fmt: skip
    assert code == 0
    assert out.strip().startswith("tlp_")
    assert len(out.split()) == 1
    assert "added peer:jp-node" in err
    code, out, _ = sh.text("peer", "remove", "jp-node", "--as", people["officer"])
    assert code == 0
    assert out.strip() == "removed jp-node"


def test_only_node_administrators_and_bad_input_exit_2(sh: Shell, people: dict[str, str]) -> None:
    code, out = peer_add(sh, people["us"])
    assert code == 5
    assert isinstance(out, dict)
    assert out["error"]["code"] == "denied"
    code, out = sh.run("peer", "add", "JP NODE", "--url", "http://x", "--nation", "JPN",
                       "--agreement", "us-jp", "--public-key", KEY,
                       "--as", people["officer"])  # fmt: skip
    assert code == 2
    assert isinstance(out, dict)
    assert "peer name" in out["error"]["message"]
    assert sh.run("peer", "remove", "jp-node", "--as", people["us"])[0] == 5


@pytest.mark.parametrize("bad", ["", "dGVzdA=="])
def test_a_bad_public_key_exits_2(sh: Shell, people: dict[str, str], bad: str) -> None:
    code, out = sh.run("peer", "add", "jp-node", "--url", "http://x", "--nation", "JPN",
                       "--agreement", "us-jp", "--public-key", bad,
                       "--as", people["officer"])  # fmt: skip
    assert code == 2
    assert isinstance(out, dict)
    assert "--public-key" in out["error"]["message"]


def test_an_unreadable_key_file_exits_2(sh: Shell, people: dict[str, str], tmp_path: Path) -> None:
    binary = tmp_path / "key.bin"
    binary.write_bytes(b"\xff\xfe\x00")
    code, out = sh.run("peer", "add", "jp-node", "--url", "http://x", "--nation", "JPN",
                       "--agreement", "us-jp", "--public-key", str(binary),
                       "--as", people["officer"])  # fmt: skip
    assert code == 2
    assert isinstance(out, dict)
    assert "cannot read" in out["error"]["message"]


def test_node_show_prints_the_contract(sh: Shell, people: dict[str, str]) -> None:
    code, shown = sh.run("node", "show")
    assert code == 0
    assert isinstance(shown, dict)
    assert set(shown) == {"id", "nation", "scheme", "public_key"}
    assert (shown["nation"], shown["scheme"]) == ("USA", "us")
    assert len(base64.b64decode(shown["public_key"], validate=True)) == 32
    code, text, _ = sh.text("node", "show")
    assert code == 0
    assert f"public_key: {shown['public_key']}" in text


def test_the_outgoing_token_is_kept_sealed_and_never_shown(
    sh: Shell, people: dict[str, str], tmp_path: Path
) -> None:
    secret = "tlp_" + "S" * 43
    code, added = peer_add(sh, people["officer"], "--token", secret)
    assert code == 0
    assert isinstance(added, dict)
    assert added["token"] != secret
    assert secret not in str(added)
    assert added["token_set"]
    code, listed = sh.run("peer", "list")
    assert code == 0
    assert isinstance(listed, dict)
    assert listed["peers"][0]["token_set"] is True
    assert secret not in str(listed)
    code, text, _ = sh.text("peer", "list")
    assert "token set" in text
    assert secret not in text
    for kept in (tmp_path / "node").iterdir():  # sealed at rest: the database, its WAL
        assert secret.encode() not in kept.read_bytes()
    code, again = peer_add(sh, people["officer"])  # an update without --token keeps it
    assert code == 0
    assert isinstance(again, dict)
    assert again["token_set"]
    code, bad = peer_add(sh, people["officer"], "--token", "with space")
    assert code == 2
    assert isinstance(bad, dict)
    assert bad["error"]["code"] == "invalid-input"
    assert "--token" in bad["error"]["message"]
