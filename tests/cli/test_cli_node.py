"""The node commands' contract, as scripts use it: JSON shapes, exit codes, and what each
person sees."""

from __future__ import annotations

import io
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tearline.cli import main


class Shell:
    """Runs ``tearline`` in-process against one node home."""

    def __init__(self, home: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.home = home
        self.capsys = capsys

    def run(self, *args: str, stdin: str = "") -> tuple[int, Any]:
        import sys

        saved = sys.stdin
        sys.stdin = io.StringIO(stdin)
        try:
            code = main([*args, "--home", str(self.home), "--json"])
        finally:
            sys.stdin = saved
        out, err = self.capsys.readouterr()
        assert "Traceback" not in out + err
        return code, json.loads(out) if out.strip() else None

    def text(self, *args: str) -> tuple[int, str, str]:
        code = main([*args, "--home", str(self.home)])
        out, err = self.capsys.readouterr()
        assert "Traceback" not in out + err
        return code, out, err


@pytest.fixture
def sh(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Shell:
    return Shell(tmp_path / "node", capsys)


@pytest.fixture
def people(sh: Shell) -> dict[str, str]:
    code, made = sh.run("init", "--nation", "USA", "--officer", "Ann Officer",
                        "--officer-clearance", "TS")  # fmt: skip
    assert code == 0
    officer = made["officer"]["id"]
    ids = {"officer": officer}
    for key, args in {
        "us": ["--name", "Bob", "--nationality", "USA", "--clearance", "S"],
        "jp": ["--name", "Sato", "--nationality", "JPN", "--clearance", "極秘"],
        "dual": ["--name", "Kim", "--nationality", "USA", "--nationality", "JPN",
                 "--clearance", "S", "--authorization", "SI@2030-01-01"],
    }.items():  # fmt: skip
        code, added = sh.run("person", "add", "--as", officer, *args)
        assert code == 0, added
        ids[key] = added["id"]
    return ids


def add(sh: Shell, who: str, marking: str, title: str = "report", **extra: str) -> str:
    args = ["item", "add", "--as", who, "--marking", marking, "--title", title]
    for key, value in extra.items():
        args += [f"--{key.replace('_', '-')}", value]
    code, out = sh.run(*args, stdin="content of " + title)
    assert code == 0, out
    assert set(out) == {"id", "marking"}
    return str(out["id"])


def test_init_gives_the_node_and_its_officer(sh: Shell) -> None:
    code, out = sh.run("init", "--nation", "JPN", "--officer", "Sato Officer",
                       "--officer-clearance", "極秘")  # fmt: skip
    assert code == 0
    assert set(out) == {"node", "officer"}
    assert set(out["node"]) == {"id", "nation", "scheme"}
    assert out["node"]["nation"] == "JPN"
    assert out["node"]["scheme"] == "jp"
    assert set(out["officer"]) == {"id"}
    assert (sh.home / "node.db").exists()
    assert (sh.home / "node.key").stat().st_mode & 0o077 == 0
    code, again = sh.run("init", "--nation", "JPN", "--officer", "X", "--officer-clearance", "秘")
    assert code == 2
    assert again["error"]["code"] == "conflict"


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--nation", "XYZ", "--officer", "A", "--officer-clearance", "TS"], "unknown nation"),
        (["--nation", "USA", "--officer", "A", "--officer-clearance", "TOPSECRET"], "clearance"),
        (["--nation", "USA", "--officer", "A", "--officer-clearance", "TS", "--scheme", "xx"],
         "unknown scheme"),
        (["--nation", "USA", "--officer", "A", "--officer-clearance", "TS",
          "--officer-expires", "soon"], "not a date"),
        (["--nation", "USA", "--officer", "A", "--officer-clearance", "TS",
          "--database", "mysql://x"], "postgresql"),
    ],
)  # fmt: skip
def test_init_refuses_bad_input_and_writes_nothing(
    sh: Shell, args: list[str], fragment: str
) -> None:
    code, out = sh.run("init", *args)
    assert code == 2
    assert fragment in out["error"]["message"]
    assert not (sh.home / "node.key").exists()


def test_commands_without_a_node_say_how_to_make_one(sh: Shell) -> None:
    code, out = sh.run("item", "list", "--as", "p-1")
    assert code == 2
    assert "tearline init" in out["error"]["message"]


def test_each_person_lists_what_they_may_read_in_their_own_scheme(
    sh: Shell, people: dict[str, str]
) -> None:
    shared = add(sh, people["us"], "SECRET//REL TO USA, JPN", "shared")
    add(sh, people["us"], "SECRET//NOFORN", "us only")
    code, us = sh.run("item", "list", "--as", people["us"])
    assert code == 0
    assert [i["title"] for i in us["items"]] == ["us only", "shared"]
    assert us["next"] is None
    code, jp = sh.run("item", "list", "--as", people["jp"])
    assert [i["id"] for i in jp["items"]] == [shared]
    assert jp["items"][0]["scheme"] == "jp"
    assert "極秘" in jp["items"][0]["marking"]
    assert {"id", "title", "marking"} <= set(jp["items"][0])


def test_show_and_the_three_indistinguishable_not_founds(sh: Shell, people: dict[str, str]) -> None:
    secret = add(sh, people["us"], "SECRET//NOFORN", "us only")
    code, shown = sh.run("item", "show", secret, "--as", people["us"])
    assert code == 0
    assert shown["content"] == "content of us only"
    assert shown["marking"] == "SECRET//NOFORN"
    answers = [sh.run("item", "show", item, "--as", people["jp"])
               for item in (secret, "i-" + "0" * 20, "'; DROP TABLE items; --")]  # fmt: skip
    assert {code for code, _ in answers} == {3}
    assert all(out == answers[0][1] for _, out in answers)
    assert answers[0][1]["error"]["code"] == "not-found"


def test_policy_refusals_exit_5_and_invalid_input_exit_2(sh: Shell, people: dict[str, str]) -> None:
    code, out = sh.run("person", "add", "--as", people["us"], "--name", "X",
                       "--nationality", "USA", "--clearance", "S")  # fmt: skip
    assert (code, out["error"]["code"]) == (5, "denied")
    code, out = sh.run("item", "add", "--as", people["us"], "--marking", "TOP SECRET//NOFORN",
                       "--title", "t", stdin="x")  # fmt: skip
    assert (code, out["error"]["code"]) == (5, "denied")
    code, out = sh.run("item", "add", "--as", people["us"], "--marking", "SECRET//NOFORNX",
                       "--title", "t", stdin="x")  # fmt: skip
    assert (code, out["error"]["code"]) == (2, "invalid-marking")
    code, out = sh.run("item", "add", "--as", people["us"], "--marking", "S", "--scheme", "zz",
                       "--title", "t", stdin="x")  # fmt: skip
    assert (code, out["error"]["code"]) == (2, "unknown-scheme")
    code, out = sh.run("item", "list", "--as", "p-nobody")
    assert code == 2
    assert "no person" in out["error"]["message"]
    code, out = sh.run("person", "add", "--as", people["officer"], "--name", "X",
                       "--nationality", "USA", "--clearance", "S", "--role", "king")  # fmt: skip
    assert code == 2
    code, listed = sh.run("item", "list", "--as", people["us"])
    assert listed["items"] == []


def test_a_suspended_person_lists_nothing_and_still_exits_0(
    sh: Shell, people: dict[str, str]
) -> None:
    add(sh, people["us"], "SECRET//REL TO USA, JPN", "shared")
    code, out = sh.run("person", "suspend", people["jp"], "--as", people["officer"],
                       "--reason", "investigation")  # fmt: skip
    assert code == 0
    assert out["clearance"]["status"] == "suspended"
    code, listed = sh.run("item", "list", "--as", people["jp"])
    assert (code, listed["items"], listed["next"], listed["total"]) == (0, [], None, 0)
    code, out = sh.run("person", "reinstate", people["jp"], "--as", people["officer"],
                       "--reason", "cleared")  # fmt: skip
    assert code == 0
    assert len(sh.run("item", "list", "--as", people["jp"])[1]["items"]) == 1
    code, out = sh.run("person", "revoke", people["jp"], "--as", people["officer"],
                       "--reason", "left")  # fmt: skip
    code, shown = sh.run("person", "show", people["jp"], "--as", people["officer"])
    assert [h["event"] for h in shown["history"]] == ["granted", "suspended", "reinstated",
                                                      "revoked"]  # fmt: skip


def test_vetting_commands(sh: Shell, people: dict[str, str]) -> None:
    officer, dual = people["officer"], people["dual"]
    code, out = sh.run("person", "read-in", dual, "TK@2031-01-01", "--as", officer,
                       "--reason", "program")  # fmt: skip
    assert code == 0
    assert {a["token"] for a in out["authorizations"]} == {"SI", "TK"}
    code, out = sh.run("person", "read-out", dual, "SI", "--as", officer, "--reason", "done")
    assert [a["token"] for a in out["authorizations"]] == ["TK"]
    code, out = sh.run("person", "grant", dual, "--as", officer, "--clearance", "TS",
                       "--expires", "2031-01-01", "--reason", "promotion")  # fmt: skip
    assert out["clearance"]["level"] == "TS"
    code, everyone = sh.run("person", "list", "--as", officer)
    assert len(everyone["people"]) == 4
    code, out = sh.run("person", "list", "--as", dual)
    assert code == 5


def test_documents_show_only_the_readers_portions(sh: Shell, people: dict[str, str],
                                                  tmp_path: Path) -> None:  # fmt: skip
    body = tmp_path / "doc.txt"
    body.write_text("(S//REL TO USA, JPN) shared\n\n(S//NF) us only\n\n(U) open\n", "utf-8")
    code, out = sh.run("item", "add", "--as", people["us"], "--kind", "document",
                       "--title", "Doc", "--content-file", str(body))  # fmt: skip
    assert code == 0
    assert out["marking"] == "SECRET//NOFORN"
    code, shown = sh.run("item", "show", out["id"], "--as", people["dual"])
    assert [p["text"] for p in shown["portions"]] == ["shared", "us only", "open"]
    assert shown["content"] is None


def test_edit_versions_and_downgrade(sh: Shell, people: dict[str, str]) -> None:
    item = add(sh, people["us"], "SECRET//NOFORN", "v1")
    code, out = sh.run("item", "edit", item, "--as", people["us"], "--title", "v2",
                       "--reason", "typo")  # fmt: skip
    assert (code, out["version"]) == (0, 2)
    code, out = sh.run("item", "edit", item, "--as", people["us"], "--marking",
                       "SECRET//REL TO USA, JPN", "--reason", "share")  # fmt: skip
    assert code == 5
    code, versions = sh.run("item", "versions", item, "--as", people["us"])
    assert [v["title"] for v in versions["versions"]] == ["v1", "v2"]
    assert {v["label"] for v in versions["versions"]} == {"SECRET//NOFORN"}


def test_authority_block_and_due_for_review(sh: Shell, people: dict[str, str],
                                            tmp_path: Path) -> None:  # fmt: skip
    block = tmp_path / "block.txt"
    block.write_text("Classified By: J. Smith, Analyst\nDerived From: Multiple Sources\n"
                     "Declassify On: 20261201\n", "utf-8")  # fmt: skip
    item = add(sh, people["us"], "SECRET//NOFORN", "dated", authority_file=str(block))
    code, shown = sh.run("item", "show", item, "--as", people["us"])
    assert shown["authority"]["declassify_on"] == "2026-12-01"
    code, due = sh.run("item", "due", "--as", people["us"])
    assert code == 0
    assert due["items"] == []  # not yet: today is before 2026-12-01
    code, due = sh.run("item", "due", "--as", people["jp"])
    assert due["items"] == []


def test_import_is_checked_whole_and_idempotent(sh: Shell, people: dict[str, str],
                                                tmp_path: Path) -> None:  # fmt: skip
    lines = [json.dumps({"title": f"r{n}", "marking": "SECRET//REL TO USA, JPN",
                         "content": "c"}) for n in range(30)]  # fmt: skip
    source = tmp_path / "items.jsonl"
    source.write_text("\n".join(lines) + "\n", "utf-8")
    code, out = sh.run("item", "import", str(source), "--as", people["us"], "--batch", "7")
    assert out == {"lines": 30, "added": 30, "skipped": 0}
    code, out = sh.run("item", "import", str(source), "--as", people["us"])
    assert out == {"lines": 30, "added": 0, "skipped": 30}
    bad = tmp_path / "bad.jsonl"
    bad.write_text(lines[0] + "\n" + '{"title": "x", "marking": "SECRET//BOGUS"}\n', "utf-8")
    code, out = sh.run("item", "import", str(bad), "--as", people["us"])
    assert code == 2
    assert out["error"]["message"].startswith("line 2:")
    above = tmp_path / "above.jsonl"
    above.write_text('{"title": "x", "marking": "TOP SECRET//NOFORN"}\n', "utf-8")
    assert sh.run("item", "import", str(above), "--as", people["us"])[0] == 5
    assert len(sh.run("item", "list", "--as", people["us"], "--limit", "100")[1]["items"]) == 30


def test_audit_verify_catches_a_row_edited_in_the_database(
    sh: Shell, people: dict[str, str]
) -> None:
    add(sh, people["us"], "SECRET//REL TO USA, JPN", "shared")
    code, out = sh.run("audit", "verify")
    assert code == 0
    assert out["valid"] is True
    entries = out["entries"]
    with sqlite3.connect(sh.home / "node.db") as db:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            db.execute("UPDATE audit SET actor = 'p-x' WHERE seq = 3")
        db.execute("DROP TRIGGER audit_no_update")
        db.execute("UPDATE audit SET detail = replace(detail, 'e', 'E') WHERE seq = 3")
    code, out = sh.run("audit", "verify")
    assert (code, out) == (4, {"valid": False, "first_bad": 3, "problem": "altered"})
    assert entries > 3


def test_audit_verify_names_a_removed_entry(sh: Shell, people: dict[str, str]) -> None:
    with sqlite3.connect(sh.home / "node.db") as db:
        db.execute("DROP TRIGGER audit_no_delete")
        db.execute("DELETE FROM audit WHERE seq = 2")
    code, out = sh.run("audit", "verify")
    assert code == 4
    assert (out["first_bad"], out["problem"]) == (2, "removed")


def test_audit_verify_catches_entries_cut_from_the_end_or_added_after_it(
    sh: Shell, people: dict[str, str]
) -> None:
    """Hashes alone cannot show the chain's end was cut (the record of a read deleted) or
    extended with well-formed entries by someone who can compute SHA-256: the head the node
    key signs on every write does."""
    from tearline.audit import entry_hash

    add(sh, people["us"], "SECRET//REL TO USA, JPN", "shared")
    code, out = sh.run("audit", "verify")
    assert code == 0
    last = out["entries"]
    with sqlite3.connect(sh.home / "node.db") as db:  # a well-formed entry after the end
        db.execute("DROP TRIGGER audit_no_delete")
        prev = db.execute("SELECT hash FROM audit WHERE seq = ?", (last,)).fetchone()[0]
        fields = (last + 1, 1, "p-x", "item.read", "i-x", "permit", "{}", prev)
        db.execute("INSERT INTO audit VALUES (?,?,?,?,?,?,?,?,?)",
                   (*fields, entry_hash(*fields)))  # fmt: skip
    assert sh.run("audit", "verify") == (4, {"valid": False, "first_bad": last + 1,
                                              "problem": "inserted"})  # fmt: skip
    with sqlite3.connect(sh.home / "node.db") as db:  # taken out again; the head deleted
        db.execute("DELETE FROM audit WHERE seq = ?", (last + 1,))
        head = db.execute("SELECT * FROM audit_head").fetchone()
        db.execute("DELETE FROM audit_head")
    assert sh.run("audit", "verify") == (4, {"valid": False, "first_bad": last + 1,
                                              "problem": "removed"})  # fmt: skip
    with sqlite3.connect(sh.home / "node.db") as db:  # the head put back: valid again …
        db.execute("INSERT INTO audit_head VALUES (?,?,?,?,?,?)", head)
    assert sh.run("audit", "verify")[0] == 0
    with sqlite3.connect(sh.home / "node.db") as db:  # … until the last entry is deleted
        db.execute("DELETE FROM audit WHERE seq = ?", (last,))
    assert sh.run("audit", "verify") == (4, {"valid": False, "first_bad": last,
                                              "problem": "removed"})  # fmt: skip


def test_db_upgrade_signs_the_head_of_a_log_kept_before_it_was_signed(
    sh: Shell, people: dict[str, str]
) -> None:
    with sqlite3.connect(sh.home / "node.db") as db:  # the database as 0014 left it
        db.execute("DROP TABLE audit_head")
        db.execute("DELETE FROM schema_migrations WHERE name = 'audit_head'")
    code, out = sh.run("audit", "verify")
    assert code == 2  # the node asks for its upgrade first
    assert sh.run("db", "upgrade") == (0, {"applied": [{"version": 15, "name": "audit_head"}]})
    code, out = sh.run("audit", "verify")
    assert (code, out["valid"]) == (0, True)


def test_audit_tail_and_search(sh: Shell, people: dict[str, str]) -> None:
    item = add(sh, people["us"], "SECRET//REL TO USA, JPN", "shared")
    _, out = sh.run("audit", "search", "--as", people["officer"], "--subject", item)
    assert [e["action"] for e in out["entries"]] == ["item.create"]
    _code, out = sh.run("audit", "tail", "--as", people["officer"], "-n", "2")
    assert len(out["entries"]) == 2
    assert sh.run("audit", "tail", "--as", people["us"])[0] == 5


def test_db_upgrade_is_idempotent(sh: Shell, people: dict[str, str]) -> None:
    assert sh.run("db", "upgrade") == (0, {"applied": []})


def test_people_read_tables_without_json(sh: Shell, people: dict[str, str]) -> None:
    item = add(sh, people["us"], "SECRET//REL TO USA, JPN", "shared")
    code, out, _ = sh.text("item", "list", "--as", people["jp"])
    assert code == 0
    assert "shared" in out
    code, out, _ = sh.text("item", "show", item, "--as", people["us"])
    assert out.splitlines()[0] == "SECRET//REL TO USA, JPN"
    code, out, _ = sh.text("person", "show", people["jp"], "--as", people["officer"])
    assert "Sato" in out
    code, out, _ = sh.text("person", "list", "--as", people["officer"])
    assert "Bob" in out
    code, out, _ = sh.text("audit", "verify")
    assert "verifies" in out
    code, out, _ = sh.text("audit", "tail", "--as", people["officer"])
    assert "item.create" in out
    code, _, err = sh.text("item", "show", "nope", "--as", people["us"])
    assert code == 3
    assert "not-found" in err


@pytest.mark.parametrize(
    "title",
    ["\x1b[31mred\x1b[0m", "a\u202eevil", "x" * 301, "line\nbreak", "\x00"],
)
def test_hostile_titles_and_names_are_refused(sh: Shell, people: dict[str, str],
                                              title: str) -> None:  # fmt: skip
    code, out = sh.run("item", "add", "--as", people["us"], "--marking", "SECRET//NOFORN",
                       "--title", title, stdin="x")  # fmt: skip
    assert code == 2
    assert out["error"]["code"] == "invalid-input"
    code, out = sh.run("person", "add", "--as", people["officer"], "--name", title,
                       "--nationality", "USA", "--clearance", "S")  # fmt: skip
    assert code == 2


def test_a_huge_acting_id_is_refused_without_echoing_it(sh: Shell, people: dict[str, str]) -> None:
    code, out = sh.run("item", "list", "--as", "p-" + "9" * 100_000)
    assert code == 2
    assert len(out["error"]["message"]) < 200


@pytest.mark.parametrize(
    ("line", "fragment"),
    [
        ("not json", "not JSON"),
        ("[1, 2]", "one JSON object"),
        ('{"title": "t", "marking": "S", "colour": "red"}', "unknown field 'colour'"),
        ('{"title": "t", "marking": "S", "kind": "memo"}', "kind 'memo' is not one of"),
        ('{"title": 5, "marking": "S"}', "field 'title' must be text"),
        ('{"title": "t", "marking": "S", "lat": "N", "lon": 1}', "field 'lat' must be a number"),
        ('{"title": "t", "marking": "S", "lat": true, "lon": 1}', "field 'lat' must be a number"),
        ('{"title": "t", "marking": "S", "at": "yesterday"}', "is not an ISO time"),
        ('{"title": "t", "marking": "S", "at": "2026-11-30T08:00:00"}', "needs a timezone"),
        ('{"title": "t", "marking": "S", "lat": 95, "lon": 1}', "off the globe"),
        ('{"title": "t", "marking": "S", "lat": 5}', "both --lat and --lon"),
        ('{"title": "t", "kind": "document", "content": "no marks"}', "portion mark"),
    ],
)  # fmt: skip
def test_import_names_the_bad_line(sh: Shell, people: dict[str, str], tmp_path: Path,
                                   line: str, fragment: str) -> None:  # fmt: skip
    source = tmp_path / "items.jsonl"
    good = json.dumps({"title": "ok", "marking": "UNCLASSIFIED", "at": "2026-11-30T08:00:00Z",
                       "lat": 35.0, "lon": 139.0, "kind": "observation"})  # fmt: skip
    source.write_text(f"{good}\n\n{line}\n", "utf-8")
    code, out = sh.run("item", "import", str(source), "--as", people["us"])
    assert code == 2
    assert out["error"]["message"].startswith("line 3:")
    assert fragment in out["error"]["message"]
    assert sh.run("item", "list", "--as", people["us"])[1]["items"] == []


def test_people_read_what_happened_without_json(sh: Shell, people: dict[str, str],
                                                tmp_path: Path) -> None:  # fmt: skip
    for n in range(3):
        add(sh, people["us"], "SECRET//REL TO USA, JPN", f"r{n}")
    code, out, _ = sh.text("item", "list", "--as", people["us"], "--limit", "2")
    assert "more: --cursor" in out
    cursor = out.split("--cursor ")[1].split()[0]
    code, out, _ = sh.text("item", "list", "--as", people["us"], "--cursor", cursor)
    assert "r0" in out
    source = tmp_path / "one.jsonl"
    source.write_text('{"title": "imported", "marking": "UNCLASSIFIED"}\n', "utf-8")
    code, out, _ = sh.text("item", "import", str(source), "--as", people["us"])
    assert "added 1 items" in out
    code, out, _ = sh.text("db", "upgrade")
    assert "up to date" in out
    code, out, _ = sh.text("person", "suspend", people["jp"], "--as", people["officer"],
                           "--reason", "review")  # fmt: skip
    assert "suspended" in out
    code, out, _ = sh.text("item", "due", "--as", people["us"])
    assert code == 0
    code, out, _ = sh.text("item", "versions", add(sh, people["us"], "UNCLASSIFIED", "v"),
                           "--as", people["us"])  # fmt: skip
    assert out.strip().startswith("1")


def test_init_and_tokens_without_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = str(tmp_path / "node")
    assert main(["init", "--home", home, "--nation", "USA", "--officer", "A",
                 "--officer-clearance", "TS"]) == 0  # fmt: skip
    out = capsys.readouterr().out
    officer = out.split("--as ")[1].split()[0]
    assert main(["token", "create", officer, "--as", officer, "--home", home]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("tl_")
    token_id = captured.err.split("token ")[1].split(";")[0]
    assert main(["token", "revoke", token_id, "--as", officer, "--home", home, "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"revoked": token_id}
    assert main(["token", "revoke", token_id, "--as", officer, "--home", home]) == 3
    assert main(["token", "create", officer, "--as", officer, "--home", home,
                 "--expires", "2099-01-01"]) == 2  # fmt: skip


def test_the_home_comes_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TEARLINE_HOME", str(tmp_path / "env-node"))
    assert main(["init", "--nation", "USA", "--officer", "A", "--officer-clearance", "TS",
                 "--json"]) == 0  # fmt: skip
    capsys.readouterr()
    assert (tmp_path / "env-node" / "node.toml").exists()
    monkeypatch.delenv("TEARLINE_HOME")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    from tearline.config import home_dir

    assert home_dir() == tmp_path / "xdg" / "tearline"


def test_a_broken_home_is_reported_not_crashed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "node"
    assert main(["init", "--home", str(home), "--nation", "USA", "--officer", "A",
                 "--officer-clearance", "TS", "--json"]) == 0  # fmt: skip
    capsys.readouterr()
    (home / "node.toml").write_text("checkpoint_every = [", "utf-8")
    assert main(["audit", "verify", "--home", str(home), "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["error"]["category"] == "internal"
    (home / "node.toml").write_text("checkpoint_every = 0\n", "utf-8")
    assert main(["audit", "verify", "--home", str(home), "--json"]) == 1
    capsys.readouterr()
    (home / "node.toml").write_text("checkpoint_every = 10\n", "utf-8")
    (home / "node.key").write_text("not a key", "utf-8")
    assert main(["audit", "verify", "--home", str(home), "--json"]) == 1
    capsys.readouterr()
    (home / "node.key").unlink()
    assert main(["audit", "verify", "--home", str(home), "--json"]) == 2
    assert "node key" in json.loads(capsys.readouterr().out)["error"]["message"]


def test_a_release_from_the_command_line(sh: Shell, people: dict[str, str],
                                         tmp_path: Path) -> None:  # fmt: skip
    code, out = sh.run("person", "add", "--as", people["officer"], "--name", "Rita",
                       "--nationality", "USA", "--clearance", "S",
                       "--role", "releasing-officer")  # fmt: skip
    releaser = out["id"]
    body = tmp_path / "doc.txt"
    body.write_text(
        "(S//REL TO USA, JPN) shared\n\n(S//NF) us only\n\n(S//OC/REL TO USA, JPN) oc\n"
    )
    code, doc = sh.run("item", "add", "--as", releaser, "--kind", "document", "--title", "D",
                       "--content-file", str(body))  # fmt: skip
    code, made = sh.run("item", "release", doc["id"], "--as", releaser, "--audience", "JPN")
    assert code == 0, made
    assert made["banner"] == "SECRET//REL TO USA, JPN"
    assert made["portions"] == 1
    assert [w["position"] for w in made["withheld"]] == [1, 2]
    code, shown = sh.run("item", "show", made["id"], "--as", people["jp"])
    assert [p["text"] for p in shown["portions"]] == ["shared"]
    code, out, _ = sh.text("item", "release", doc["id"], "--as", releaser, "--audience", "JPN")
    assert "withheld portion 2: not releasable to JPN" in out
    assert sh.run("item", "release", doc["id"], "--as", people["us"], "--audience", "JPN")[0] == 5


def test_a_documents_versions_show_its_banner_as_a_marking(sh: Shell, people: dict[str, str],
                                                           tmp_path: Path) -> None:  # fmt: skip
    body = tmp_path / "doc.txt"
    body.write_text("(S//REL TO USA, JPN) shared\n\n(U) open\n", "utf-8")
    code, doc = sh.run("item", "add", "--as", people["us"], "--kind", "document",
                       "--title", "D", "--content-file", str(body))  # fmt: skip
    assert code == 0
    code, out = sh.run("item", "versions", doc["id"], "--as", people["us"])
    assert code == 0
    assert [v["label"] for v in out["versions"]] == ["SECRET//REL TO USA, JPN"]


def test_item_list_searches_only_what_the_person_may_read(
    sh: Shell, people: dict[str, str]
) -> None:
    shared = add(sh, people["us"], "SECRET//REL TO USA, JPN", "harbour convoy")
    add(sh, people["us"], "SECRET//NOFORN", "convoy source")
    code, jp = sh.run("item", "list", "--as", people["jp"], "--search", "CONVOY")
    assert code == 0
    assert [i["id"] for i in jp["items"]] == [shared]
    assert jp["total"] == 1
    assert jp["facets"] == {"kind": {"report": 1}, "tier": {"SECRET": 1}}
    assert jp["items"][0]["snippet"] == "content of harbour convoy"
    code, us, _ = sh.text("item", "list", "--as", people["us"], "--search", "content of")
    assert code == 0
    assert "2 in all" in us
    assert "content of convoy source" in us
    for bad in ("", "\x1b[31m"):
        code, out = sh.run("item", "list", "--as", people["jp"], "--search", bad)
        assert code == 2
        assert out["error"]["code"] in {"usage", "invalid-input"}
