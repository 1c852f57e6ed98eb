"""The README's console examples are the real thing: each one is run and its output compared.

Conventions of the README's ```console blocks: a line ``$ tearline ...`` is a command (a trailing
backslash continues it on the next line); the lines after it, up to a blank line, are what it
prints (stdout then stderr). A trailing comment ``# exit N`` gives the exit status (0 when
absent); a comment ending in ``not shown`` marks an output left out of the README (the command
must still succeed and print something). An output that starts with ``{`` or ``[`` is JSON and
may be wrapped over several lines: it is compared as parsed JSON, every key in order.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tearline.cli import main

README = Path(__file__).resolve().parents[1] / "README.md"


@dataclass(frozen=True)
class Example:
    """One ``$ tearline ...`` command of the README with what the README shows for it."""

    line: int  # 1-based line of the README where the command starts
    command: str  # without the comment
    comment: str
    output: tuple[str, ...]

    @property
    def argv(self) -> list[str]:
        words = shlex.split(self.command)
        assert words[0] == "tearline", self.command
        return words[1:]

    @property
    def exit_code(self) -> int:
        found = re.search(r"\bexit (\d+)\b", self.comment)
        return int(found.group(1)) if found else 0

    @property
    def output_omitted(self) -> bool:
        return self.comment.endswith("not shown")


def split_comment(command: str) -> tuple[str, str]:
    """``command`` and its trailing shell comment (a ``#`` outside quotes after a space)."""
    quote = ""
    for index, char in enumerate(command):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "#" and (index == 0 or command[index - 1].isspace()):
            return command[:index].rstrip(), command[index + 1 :].strip()
    return command.rstrip(), ""


def console_blocks(text: str) -> list[list[tuple[int, str]]]:
    """The lines (with their 1-based numbers) of every ```console block."""
    blocks: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if current is None:
            if line.strip() == "```console":
                current = []
        elif line.strip() == "```":
            blocks.append(current)
            current = None
        else:
            current.append((number, line))
    assert current is None, "a ```console block is not closed"
    return blocks


def examples(text: str) -> list[Example]:
    """Every command of the README's console blocks, with its shown output."""
    found: list[Example] = []
    for block in console_blocks(text):
        index = 0
        while index < len(block):
            number, line = block[index]
            index += 1
            if not line.startswith("$ "):
                assert not line.strip(), f"README line {number}: output with no command: {line!r}"
                continue
            command = line[2:]
            while command.endswith("\\"):
                command = command[:-1].rstrip() + " " + block[index][1].strip()
                index += 1
            output: list[str] = []
            while index < len(block) and block[index][1].strip():
                assert not block[index][1].startswith("$ "), f"README line {number}: no blank line"
                output.append(block[index][1])
                index += 1
            found.append(Example(number, *split_comment(command), tuple(output)))
    return found


EXAMPLES = examples(README.read_text("utf-8"))


def ordered(value: Any) -> Any:
    """JSON data with every object as a list of (key, value) pairs, so key order counts."""
    if isinstance(value, dict):
        return [(key, ordered(item)) for key, item in value.items()]
    if isinstance(value, list):
        return [ordered(item) for item in value]
    return value


def test_readme_has_console_examples() -> None:
    assert len(EXAMPLES) >= 10
    assert all(example.command.startswith("tearline ") for example in EXAMPLES)
    assert any(example.exit_code != 0 for example in EXAMPLES)
    assert any(len(example.output) > 1 and example.output[0][0] == "{" for example in EXAMPLES)


@pytest.mark.parametrize(
    "example", EXAMPLES, ids=[f"line-{e.line}-{' '.join(e.argv[:2])}" for e in EXAMPLES]
)
def test_readme_example_prints_what_the_readme_shows(
    capsys: pytest.CaptureFixture[str], example: Example
) -> None:
    code = main(example.argv)
    out, err = capsys.readouterr()
    printed = out + err
    where = f"README line {example.line}: $ {example.command}"
    assert code == example.exit_code, f"{where}\nexit {code}\n{printed}"
    if example.output_omitted:
        assert not example.output, f"{where}: an output marked 'not shown' is shown"
        assert out.strip(), f"{where}: printed nothing"
        return
    if example.output and example.output[0].lstrip().startswith(("{", "[")):
        shown = json.loads("\n".join(example.output))
        real = json.loads(out)
        assert ordered(shown) == ordered(real), f"{where}\nthe real output is:\n{out}"
        assert not err, where
        return
    assert printed == "".join(f"{line}\n" for line in example.output), (
        f"{where}\nthe real output is:\n{printed}"
    )


def test_comments_and_continuations_are_read() -> None:
    text = "\n".join(
        [
            "```console",
            "$ tearline label parse 'A # B' --json   # exit 2",
            '{"valid":',
            " false}",
            "",
            "$ tearline access check --person '{}' \\",
            '    "SECRET"',
            "deny",
            "",
            "$ tearline label to-4774 X   # XML, not shown",
            "```",
        ]
    )
    first, second, third = examples(text)
    assert first.argv == ["label", "parse", "A # B", "--json"]
    assert first.exit_code == 2
    assert first.output == ('{"valid":', " false}")
    assert second.argv == ["access", "check", "--person", "{}", "SECRET"]
    assert second.exit_code == 0
    assert second.output == ("deny",)
    assert third.output_omitted
    assert third.output == ()
