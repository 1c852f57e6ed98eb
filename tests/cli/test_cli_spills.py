"""``tearline item spill``, ``tearline incident list|show`` and ``tearline item consent``."""

from __future__ import annotations

from pathlib import Path

from cli.test_cli_node import Shell, add, people, sh

__all__ = ["people", "sh"]


def test_a_spill_from_the_command_line(sh: Shell, people: dict[str, str]) -> None:
    item = add(sh, people["us"], "SECRET//REL TO USA, JPN", "leaky")
    assert sh.run("item", "show", item, "--as", people["jp"])[0] == 0
    code, made = sh.run("item", "spill", item, "--as", people["officer"], "--reason", "too low")
    assert code == 0, made
    assert made["purged"] == [item]
    assert {r["person"] for r in made["readers"]} == {people["us"], people["jp"]}
    assert sh.run("item", "show", item, "--as", people["us"])[0] == 3
    again = sh.run("item", "spill", item, "--as", people["officer"], "--reason", "too low")
    assert again[0] == 2
    assert made["id"] in again[1]["error"]["message"]
    assert sh.run("item", "spill", item, "--as", people["us"], "--reason", "x")[0] == 5
    code, listed = sh.run("incident", "list", "--as", people["officer"])
    assert [i["id"] for i in listed["incidents"]] == [made["id"]]
    code, shown = sh.run("incident", "show", made["id"], "--as", people["officer"])
    assert shown == made
    assert sh.run("incident", "show", "n-" + "0" * 20, "--as", people["officer"])[0] == 3
    assert sh.run("incident", "list", "--as", people["jp"])[0] == 5
    code, out, _ = sh.text("incident", "list", "--as", people["officer"])
    assert made["id"] in out
    assert "too low" in out
    code, out, _ = sh.text("incident", "show", made["id"], "--as", people["officer"])
    assert f"{people['jp']}  item.read  {item} version 1" in out


def test_spill_text_output_names_the_readers(sh: Shell, people: dict[str, str]) -> None:
    item = add(sh, people["us"], "SECRET//NOFORN", "other")
    code, out, _ = sh.text("item", "spill", item, "--as", people["officer"], "--reason", "x")
    assert code == 0
    assert f"purged {item}" in out
    assert f"read by {people['us']}" in out


def test_a_consent_from_the_command_line(sh: Shell, people: dict[str, str],
                                         tmp_path: Path) -> None:  # fmt: skip
    code, out = sh.run("person", "add", "--as", people["officer"], "--name", "Rita",
                       "--nationality", "USA", "--clearance", "S",
                       "--role", "releasing-officer")  # fmt: skip
    releaser = out["id"]
    body = tmp_path / "doc.txt"
    body.write_text("(S//REL TO USA, JPN) shared\n\n(S//OC/REL TO USA, JPN) oc\n")
    code, doc = sh.run("item", "add", "--as", releaser, "--kind", "document", "--title", "D",
                       "--content-file", str(body))  # fmt: skip
    code, given = sh.run("item", "consent", doc["id"], "--as", releaser, "--audience", "JPN",
                         "--reference", "MSG 1", "--portion", "2")  # fmt: skip
    assert code == 0, given
    assert given["portions"] == [1]
    code, made = sh.run("item", "release", doc["id"], "--as", releaser, "--audience", "JPN")
    assert made["portions"] == 2
    assert made["withheld"] == []
    code, out, _ = sh.text("item", "consent", doc["id"], "--as", releaser, "--audience", "JPN",
                           "--reference", "MSG 2")  # fmt: skip
    assert "all ORCON portions" in out
    assert "MSG 2" in out
    refused = sh.run("item", "consent", doc["id"], "--as", people["us"], "--audience", "JPN",
                     "--reference", "MSG 3")  # fmt: skip
    assert refused[0] == 5
    bad = sh.run("item", "consent", doc["id"], "--as", releaser, "--audience", "JPN",
                 "--reference", "MSG 4", "--portion", "1")  # fmt: skip
    assert bad[0] == 2


def test_the_command_line_never_gives_out_display_only_items(sh: Shell, people: dict[str, str],
                                                             tmp_path: Path) -> None:  # fmt: skip
    item = add(sh, people["us"], "SECRET//REL TO USA, GBR/DISPLAY ONLY JPN", "shown")
    code, listed = sh.run("item", "list", "--as", people["jp"])
    assert code == 0
    assert item not in {i["id"] for i in listed["items"]}
    assert sh.run("item", "show", item, "--as", people["jp"])[0] == 3
    code, out, _ = sh.text("item", "list", "--as", people["jp"])
    assert item not in out
    code, listed = sh.run("item", "list", "--as", people["us"])
    assert item in {i["id"] for i in listed["items"]}
