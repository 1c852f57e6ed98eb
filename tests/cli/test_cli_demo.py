"""The main job: `tearline demo` shows the label core at work."""

from __future__ import annotations

import importlib
import re
import shlex
import unicodedata
from datetime import UTC, datetime
from pathlib import Path
from typing import Self

import pytest

from tearline.cli import main

PINNED = "2026-11-30T09:00:00Z"

#: A row of section 6: who (name, clearance), then scheme and marking, then the outcome.
ROW = re.compile(r"(?P<who>  \S.*?\) +)(?P<marking>(?:us|jp|gb) .*? +)(?P<outcome>permit|deny)")


def run_demo(capsys: pytest.CaptureFixture[str]) -> list[str]:
    assert main(["demo"]) == 0
    return capsys.readouterr().out.splitlines()


def width(text: str) -> int:
    """Terminal columns, counted independently of the demo's own helper."""
    return sum(
        0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in ("W", "F") else 1
        for c in text
    )


def section(lines: list[str], title: str) -> list[str]:
    """The lines of the section whose heading starts with ``title``, up to the next blank line."""
    start = next(i for i, line in enumerate(lines) if line.startswith(title))
    end = next((i for i in range(start + 1, len(lines)) if not lines[i].strip()), len(lines))
    return lines[start + 1 : end]


def test_demo_shows_every_part(capsys: pytest.CaptureFixture[str]) -> None:
    out = "\n".join(run_demo(capsys))
    assert "banner: TOP SECRET//SI//NOFORN" in out
    assert "JPN is not in REL TO USA, FVEY" in out
    assert "clearance is revoked" in out
    assert "//USA 極秘//REL TO JPN, USA" in out
    assert "NOFORN: USAのみ。JPNは閲覧できません" in out
    assert "is not confirmed: gb clearances do not yet reach jp labels" in out


class _EarlierClock(datetime):
    """A wall clock before the expired analyst's expiry: the demo must not read it."""

    @classmethod
    def now(cls, tz: object = None) -> Self:
        return cls(2026, 1, 15, 12, 0, tzinfo=UTC)


def test_demo_decides_at_a_pinned_time_whatever_the_clock(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # the module, not the ``demo`` command that tearline.cli exports under the same name
    monkeypatch.setattr(importlib.import_module("tearline.cli.demo"), "datetime", _EarlierClock)
    lines = run_demo(capsys)
    assert any(f"as of {PINNED}" in line for line in lines)
    readers = section(lines, "4. ")
    start = readers.index(
        "  US analyst — clearance TOP SECRET (us), expired 2026-03-01, nationality USA:"
    )
    portions = readers[start + 1 : start + 9]
    decisions = portions[0::2]
    reasons = portions[1::2]
    assert len(decisions) == 4
    assert all(line.split()[-2:] == ["deny", "[withheld]"] for line in decisions)
    assert all(line.strip().startswith("because clearance expired 2026-03-01") for line in reasons)


def test_demo_headings_name_each_analysts_clearance(capsys: pytest.CaptureFixture[str]) -> None:
    headings = [line for line in section(run_demo(capsys), "4. ") if not line.startswith("    ")]
    assert headings == [
        "  US analyst — clearance TOP SECRET (us), nationality USA, authorized SI:",
        "  JP analyst — clearance SECRET (us), nationality JPN:",
        "  UK analyst — clearance SECRET (us), nationality GBR:",
        "  US analyst — clearance TOP SECRET (us), expired 2026-03-01, nationality USA:",
        "  US analyst — clearance SECRET (us), revoked, nationality USA:",
    ]


def test_demo_aligns_japanese_columns_by_display_width(
    capsys: pytest.CaptureFixture[str],
) -> None:
    lines = run_demo(capsys)
    markings = [line for line in section(lines, "5. ") if " -> for a " in line]
    assert len(markings) == 5
    assert any(width(line) != len(line) for line in markings)  # Japanese text is in the column
    assert len({width(line[: line.index(" -> ")]) for line in markings}) == 1

    rows = [line for line in section(lines, "6. ") if not line.startswith("   ")]
    assert len(rows) == 5
    assert any(width(row) != len(row) for row in rows)
    cells = [ROW.fullmatch(row) for row in rows]
    assert all(cells), rows
    # the scheme column and the outcome column start at the same terminal column in every row
    assert len({width(cell.group("who")) for cell in cells if cell}) == 1
    assert len({width(cell.group("who") + cell.group("marking")) for cell in cells if cell}) == 1


def test_demo_explains_inferred(capsys: pytest.CaptureFixture[str]) -> None:
    translated = section(run_demo(capsys), "5. ")
    assert any(line.endswith("(inferred)") for line in translated)
    explanation = " ".join(line.strip() for line in translated if " -> " not in line)
    assert "(inferred): the equivalence used is our inference, not confirmed by the" in explanation
    assert "never grants access" in explanation


def test_demo_commands_to_try_next_all_work(capsys: pytest.CaptureFixture[str]) -> None:
    lines = run_demo(capsys)
    commands = [line.strip() for line in section(lines, "What to try next")]
    commands = [command for command in commands if command.startswith("tearline ")]
    assert 3 <= len(commands) <= 5
    for command in commands:
        argv = shlex.split(command)[1:]
        assert main(argv) == 0, command
        out, err = capsys.readouterr()
        assert out.strip(), command
        assert not err, command


def test_the_node_demo_shows_each_person_only_what_they_may_read(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["demo-node", "--home", str(tmp_path / "node")]) == 0
    out = capsys.readouterr().out
    seen = out.split("4. What each person may read")[1].split("5.")[0]
    blocks = re.split(r"\n  (?=\S)", seen)
    counts = {b.split(":")[0].strip(): int(b.split(":")[1].split()[0]) for b in blocks[1:]}
    # the Japanese analysts also see the document's portions shared with them
    assert counts == {"US analyst (TOP SECRET, SI)": 5, "JP analyst (極秘)": 3,
                      "JP analyst (秘)": 2}  # fmt: skip
    assert "(the portions they may read)" in seen
    assert "JP analyst (極秘): 0 item(s)" in out.split("5.")[1]
    assert "The audit chain verifies: True" in out
    assert (tmp_path / "node" / "node.db").exists()
