"""The fast path (``tearline.cli.fast``) answers exactly as the click application does.

``label parse``, ``label normalize`` and ``label render`` in their plain shapes are answered
without importing click. For every command line in the tables below both ways are run and
must give the same stdout, the same stderr and the same exit code; the command lines the
fast path must not take (help, usage errors, odd shapes) are handed to click untouched.
"""

from __future__ import annotations

import errno
import gc
import io
import json
import subprocess
import sys
from pathlib import Path

import click
import pytest

import tearline.cli
from support import fixtures
from tearline.cli import _COMMANDS, answers, fast
from tearline.cli.app import run_click
from tearline.cli.fast import run_fast

Outcome = tuple[int | None, str, str]

# ------------------------------------------------------------------------------ the tables

_ODD = "SECRET\x1b[31m//NOFORN"  # an ANSI code: click strips it off a terminal
_LONG = "TOP SECRET//" + "SI/" * 400

#: Command lines the fast path answers, as ``label ...`` arguments.
HOT: list[list[str]] = [
    *(["parse", m, *j] for m in fixtures.valid_us_markings() for j in ([], ["--json"])),
    *(["parse", m, *j] for m in fixtures.invalid_us_markings() for j in ([], ["--json"])),
    *(["normalize", m, *j] for m in fixtures.sloppy_markings() for j in ([], ["--json"])),
    *(
        ["render", "--scheme", "us", *options, marking, *j]
        for options, marking, _ in fixtures.renders()
        for j in ([], ["--json"])
    ),
    ["parse", "--json", "SECRET//NOFORN"],
    ["parse", "SECRET//NOFORN", "--json", "--json"],
    ["parse", "--scheme", "us", "--form", "banner", "SECRET//NOFORN"],
    ["parse", "--scheme=us", "--form=portion", "(S//NF)", "--json"],
    ["parse", "--form", "portion", "SECRET//NOFORN", "--json"],
    ["parse", "--form", "banner", "(S//NF)"],
    ["parse", "--scheme", "jp", "極秘", "--json"],
    ["parse", "--scheme", "jp", "--scheme", "us", "SECRET//NOFORN", "--json"],
    ["parse", "--scheme", "tlp", "TLP:AMBER+STRICT", "--json"],
    ["parse", "--scheme", "nato", "NATO SECRET", "--json"],
    ["parse", "--scheme", "xx", "SECRET", "--json"],
    ["parse", "--scheme", "xx", "SECRET"],
    ["parse", "--scheme=", "SECRET"],
    ["parse", "", "--json"],
    ["parse", " "],
    ["parse", _ODD],
    ["parse", _ODD, "--json"],
    ["parse", "SECRET\udcff//NOFORN"],
    ["parse", "SECRET\udcff//NOFORN", "--json"],
    ["parse", "SECRET\x01//NOFORN"],
    ["parse", "機密//NOFORN", "--json"],
    ["parse", _LONG],
    ["parse", _LONG, "--json"],
    ["normalize", "s//rel to jpn, usa"],
    ["normalize", "(s//nf)", "--form", "portion", "--json"],
    ["normalize", "--scheme", "jp", "gokuhi", "--json"],
    ["normalize", "--scheme", "xx", "s", "--json"],
    ["normalize", _ODD],
    ["normalize", "SECRET//REL TO USA, JPN//NOFORN"],
    ["render", "--scheme", "jp", "SECRET//REL TO USA, JPN"],
    ["render", "--scheme", "jp", "--form", "portion", "SECRET//REL TO USA, JPN", "--json"],
    ["render", "--scheme=gb", "--from=us", "SECRET//REL TO USA, GBR", "--json"],
    ["render", "--scheme", "us", "--from", "jp", "極秘", "--json"],
    ["render", "--scheme", "tlp", "SECRET//NOFORN", "--json"],
    ["render", "--scheme", "tlp", "SECRET//NOFORN"],
    ["render", "--scheme", "xx", "SECRET"],
    ["render", "--scheme", "jp", "--from", "xx", "SECRET", "--json"],
    ["render", "--scheme", "jp", _ODD],
]

#: Command lines the fast path leaves to click (it must write nothing and return None).
COLD: list[list[str]] = [
    [],
    ["--help"],
    ["--version"],
    ["label"],
    ["label", "--json", "parse", "SECRET"],
    ["label", "parse"],
    ["label", "parse", "--help"],
    ["label", "parse", "-h", "SECRET"],
    ["label", "parse", "SECRET", "SECRET"],
    ["label", "parse", "--form", "bogus", "SECRET"],
    ["label", "parse", "--form=", "SECRET"],
    ["label", "parse", "SECRET", "--scheme"],
    ["label", "parse", "--scheme", "--json", "SECRET"],
    ["label", "parse", "--sch", "us", "SECRET"],
    ["label", "parse", "--json=1", "SECRET"],
    ["label", "parse", "--from", "us", "SECRET"],
    ["label", "parse", "--", "-SECRET"],
    ["label", "parse", "-"],
    ["label", "parse", "-S"],
    ["label", "render", "SECRET"],
    ["label", "rollup", "(U)"],
    ["label", "translate", "--from", "jp", "--to", "us", "極秘"],
    ["access", "eval", "SI", "--auths", "SI"],
]


def _run(capsys: pytest.CaptureFixture[str], way: str, args: list[str]) -> Outcome:
    code = run_fast(args, _COMMANDS) if way == "fast" else run_click(args, _COMMANDS)
    out, err = capsys.readouterr()
    return code, out, err


def _ids(args: list[str]) -> str:
    return " ".join(args)[:60].encode("unicode_escape").decode("ascii")


# ------------------------------------------------------------------------------ the tests


@pytest.mark.parametrize("args", HOT, ids=[_ids(a) for a in HOT])
def test_the_fast_path_answers_as_click_does(
    capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    quick = _run(capsys, "fast", ["label", *args])
    assert quick[0] is not None, "the fast path should answer this command line"
    assert quick == _run(capsys, "click", ["label", *args])


@pytest.mark.parametrize("args", COLD, ids=[_ids(a) for a in COLD])
def test_the_fast_path_leaves_other_command_lines_to_click(
    capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    assert _run(capsys, "fast", args) == (None, "", "")


def test_a_label_group_from_another_module_is_left_to_click(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(_COMMANDS, "label", "somewhere.else")
    assert _run(capsys, "fast", ["label", "parse", "SECRET"]) == (None, "", "")


@pytest.mark.parametrize("stream", ["stdout", "stderr"])
@pytest.mark.parametrize(
    "replacement",
    [
        io.StringIO(),
        io.TextIOWrapper(io.BytesIO(), encoding="ascii"),
        io.TextIOWrapper(io.BytesIO(), encoding="us-ascii"),
    ],
    ids=["string-io", "ascii", "us-ascii"],
)
def test_streams_click_would_rewrap_are_left_to_click(
    monkeypatch: pytest.MonkeyPatch, stream: str, replacement: io.TextIOBase
) -> None:
    monkeypatch.setattr(sys, stream, replacement)
    assert run_fast(["label", "parse", "SECRET//NOFORN", "--json"], _COMMANDS) is None


@pytest.mark.parametrize(
    ("fault", "expected"),
    [
        (RuntimeError("secret internals"), 1),
        (KeyboardInterrupt(), 2),
        (EOFError(), 2),
        (OSError(errno.EACCES, "denied"), 1),
    ],
    ids=["fault", "interrupt", "eof", "os-error"],
)
@pytest.mark.parametrize("as_json", [[], ["--json"]], ids=["text", "json"])
def test_faults_are_reported_as_click_reports_them(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    fault: BaseException,
    expected: int,
    as_json: list[str],
) -> None:
    def explode(*_: object, **__: object) -> object:
        raise fault

    monkeypatch.setattr(answers, "parse", explode)
    args = ["label", "parse", "SECRET", *as_json]
    quick = _run(capsys, "fast", args)
    assert quick[0] == expected
    assert "secret internals" not in quick[1] + quick[2]
    assert quick == _run(capsys, "click", args)


def test_a_closed_pipe_leaves_with_1_as_click_does(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: object, **__: object) -> object:
        raise BrokenPipeError(errno.EPIPE, "closed")

    monkeypatch.setattr(answers, "parse", broken)
    for run in (run_fast, run_click):
        monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(io.BytesIO(), encoding="utf-8"))
        monkeypatch.setattr(sys, "stderr", io.TextIOWrapper(io.BytesIO(), encoding="utf-8"))
        with pytest.raises(SystemExit) as leaving:
            run(["label", "parse", "SECRET", "--json"], _COMMANDS)
        assert leaving.value.code == 1
        assert type(sys.stdout).__name__ == "_PacifyFlushWrapper"


@pytest.mark.parametrize("err", [False, True], ids=["stdout", "stderr"])
@pytest.mark.parametrize(
    "text", ["plain", "\x1b[31mred\x1b[0m", "a\x1b[1;2mb\x1b(c"], ids=["plain", "sgr", "odd"]
)
def test_lines_are_written_as_click_echo_writes_them(
    capsys: pytest.CaptureFixture[str], text: str, err: bool
) -> None:
    """Today's messages spell control characters out (U+001B); the writer still matches echo."""
    fast._echo(text, err=err)
    mine = capsys.readouterr()
    click.echo(text, err=err)
    assert mine == capsys.readouterr()


class _Colored(io.TextIOWrapper):
    color = True  # as click's pager writer: it strips codes itself


class _NoTerminal(io.TextIOWrapper):
    def isatty(self) -> bool:
        raise OSError("detached")


@pytest.mark.parametrize("stream_type", [_Colored, _NoTerminal], ids=["color", "isatty-fails"])
def test_odd_streams_are_written_as_click_echo_writes_them(
    monkeypatch: pytest.MonkeyPatch, stream_type: type[io.TextIOWrapper]
) -> None:
    written = []
    for write in (lambda text: fast._echo(text, err=False), click.echo):
        monkeypatch.setattr(sys, "stdout", stream_type(io.BytesIO(), encoding="utf-8"))
        write("\x1b[31mred\x1b[0m")
        sys.stdout.seek(0)
        written.append(sys.stdout.read())
    assert written[0] == written[1]


def test_the_package_names_only_what_it_has() -> None:
    assert tearline.cli.cli.name == "cli"
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        _ = tearline.cli.nothing


# ---------------------------------------------------------------- the installed command

_FORCE_CLICK = (
    "import sys, tearline.cli, tearline.cli.fast as fast; "
    "fast.run_fast = lambda args, commands: None; sys.exit(tearline.cli.main())"
)
_CHECK_NO_CLICK = (
    "import sys, tearline.cli; code = tearline.cli.main(); "
    "sys.stderr.write('click loaded' if 'click' in sys.modules else ''); sys.exit(code)"
)


def _command(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([*args], capture_output=True, timeout=60, check=False)


@pytest.mark.parametrize(
    "args",
    [
        ["label", "parse", "SECRET//NOFORN", "--json"],
        ["label", "parse", _ODD],
        ["label", "parse", "SECRET\x1b[31m//REL TO JPN, USA", "--json"],
        ["label", "normalize", "s//rel to jpn, usa"],
        ["label", "render", "--scheme", "jp", "SECRET//REL TO USA, JPN"],
        ["label", "parse", "--scheme", "xx", "SECRET"],
    ],
    ids=["parse-json", "ansi", "ansi-json", "normalize", "render", "unknown-scheme"],
)
def test_the_installed_command_answers_as_click_does(args: list[str]) -> None:
    """Through real pipes (not a terminal), the script's bytes equal the click path's."""
    script = Path(sys.executable).with_name("tearline")
    if not script.exists():
        pytest.skip("the console script is not installed next to this interpreter")
    quick = _command(str(script), *args)
    slow = _command(sys.executable, "-c", _FORCE_CLICK, *args)
    assert (quick.returncode, quick.stdout, quick.stderr) == (
        slow.returncode,
        slow.stdout,
        slow.stderr,
    )
    checked = _command(sys.executable, "-c", _CHECK_NO_CLICK, *args)
    assert b"click loaded" not in checked.stderr
    assert checked.stdout == quick.stdout


def test_invalid_utf8_from_the_shell_is_answered_as_click_does() -> None:
    args = [b"label", b"parse", b"SECRET\xff//NOFORN", b"--json"]
    quick = subprocess.run(
        [sys.executable.encode(), b"-m", b"tearline", *args], capture_output=True, check=False
    )
    slow = subprocess.run(
        [sys.executable.encode(), b"-c", _FORCE_CLICK.encode(), *args],
        capture_output=True,
        check=False,
    )
    assert quick.returncode == slow.returncode == 2
    assert quick.stdout == slow.stdout
    assert json.loads(quick.stdout)["valid"] is False


def test_the_fast_path_runs_with_the_collector_paused(monkeypatch: pytest.MonkeyPatch) -> None:
    """Paused while it answers, enabled again after; an in-process call freezes nothing."""
    seen: list[bool] = []

    def answer(args: list[str], commands: object) -> int:
        seen.append(gc.isenabled())
        return 0

    monkeypatch.setattr(fast, "run_fast", answer)
    frozen = gc.get_freeze_count()
    assert tearline.cli.main(["label", "parse", "SECRET//NOFORN"]) == 0
    assert seen == [False]
    assert gc.isenabled()
    assert gc.get_freeze_count() == frozen


def test_the_installed_command_freezes_what_it_built(monkeypatch: pytest.MonkeyPatch) -> None:
    """The whole process (``main()`` on ``sys.argv``) ends after the answer: its objects are
    frozen rather than traversed by a collection at exit."""
    monkeypatch.setattr(fast, "run_fast", lambda args, commands: 0)
    monkeypatch.setattr(sys, "argv", ["tearline", "label", "parse", "SECRET//NOFORN"])
    try:
        assert tearline.cli.main() == 0
        assert gc.get_freeze_count() > 0
        assert gc.isenabled()
    finally:
        gc.unfreeze()
