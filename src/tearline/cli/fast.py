"""The hot commands without click: ``label parse``, ``label normalize`` and ``label render``.

Importing click costs about as much as everything else a ``label parse`` does, so the command
lines these commands are scripted with are read here, by a small reader that accepts only what
click would read the same way: the command, ``--json``, the command's own options as
``--option VALUE`` or ``--option=VALUE`` and one MARKING. Anything else — help, version, an
unknown or abbreviated option, a value that looks like an option, a choice click would refuse,
a missing or extra argument, ``--`` — returns ``None`` and the click application takes the
whole command line. Output is written as ``click.echo`` writes it, on streams that ``click.echo``
would write to unchanged; on any other stream (an ASCII-only one, a binary one, Windows) the
click application takes it too. Exit codes and error reports are those of
:func:`tearline.cli.app.run_click`; ``tests/cli/test_cli_fast.py`` compares the two, byte for byte.
"""

from __future__ import annotations

import sys
from io import TextIOWrapper

from tearline.cli.shapes import (
    EXIT_FAULT,
    EXIT_INVALID,
    INTERNAL_ERROR,
    error_json,
    error_text,
    out_lines,
)
from tearline.errors import TearlineError

TYPE_CHECKING = False  # typing is not imported at run time (the command line starts faster)
if TYPE_CHECKING:
    from typing import TextIO

if TYPE_CHECKING:
    from collections.abc import Mapping

    from tearline.cli.answers import Answer

__all__ = ["run_fast"]

_FORMS = ("banner", "portion")
#: Each hot command's options that take a value, with their defaults (``None``: none).
_OPTIONS: dict[str, dict[str, str | None]] = {
    "parse": {"--scheme": "us", "--form": None},
    "normalize": {"--scheme": "us", "--form": None},
    "render": {"--scheme": None, "--from": "us", "--form": "banner"},
}
#: The options click requires, by command.
_REQUIRED = {"render": "--scheme"}
#: The module the click application loads ``label`` from; the fast path answers for it only.
_LABEL_MODULE = "tearline.cli.label"
_ANSI = r"\033\[[0-?]*[ -/]*[@-~]"  # click's own pattern for the codes echo strips


class _Call:
    """A hot command as read: its name, every option's value, the marking, ``--json``."""

    __slots__ = ("as_json", "command", "marking", "values")

    def __init__(
        self, command: str, values: dict[str, str | None], marking: str, as_json: bool
    ) -> None:
        self.command = command
        self.values = values
        self.marking = marking
        self.as_json = as_json


def run_fast(args: list[str], commands: Mapping[str, str]) -> int | None:
    """Answer ``args`` without click and return the exit code, or ``None`` to leave it to click.

    ``commands`` is ``tearline.cli._COMMANDS``: the fast path answers only while ``label`` is
    the group it knows.
    """
    if commands.get("label") != _LABEL_MODULE:
        return None
    call = _read(args)
    if call is None or not _plain_streams():
        return None
    as_json = "--json" in args
    try:
        answer = _answer(call)
        for line in out_lines(call.as_json, answer.data, answer.lines):
            _echo(line, err=False)
    except (EOFError, KeyboardInterrupt):
        _newline_on_stderr()
        return EXIT_INVALID
    except OSError as problem:
        _broken_pipe(problem)
        return _report(as_json, dict(INTERNAL_ERROR), EXIT_FAULT)
    except TearlineError as problem:
        code = EXIT_FAULT if problem.category == "internal" else EXIT_INVALID
        return _report(as_json, error_json(problem), code)
    except Exception:
        return _report(as_json, dict(INTERNAL_ERROR), EXIT_FAULT)
    return answer.code


def _read(args: list[str]) -> _Call | None:
    """The call in ``args`` if it is a hot command in a shape read exactly like click."""
    if len(args) < 3 or args[0] != "label":
        return None
    options = _OPTIONS.get(args[1])
    if options is None:
        return None
    given: dict[str, str] = {}
    markings, as_json = [], False
    rest = iter(args[2:])
    for arg in rest:
        if arg == "--json":
            as_json = True
        elif not arg.startswith("-"):
            markings.append(arg)
        else:
            name, equals, value = arg.partition("=")
            if name not in options:
                return None
            value = value if equals else next(rest, "-")
            if value.startswith("-"):
                return None
            given[name] = value
    return _checked(args[1], given, markings, as_json)


def _checked(
    command: str, given: dict[str, str], markings: list[str], as_json: bool
) -> _Call | None:
    """The call, unless click would refuse it: one marking, required options, known forms."""
    required = _REQUIRED.get(command)
    if len(markings) != 1 or (required is not None and required not in given):
        return None
    if given.get("--form", "banner") not in _FORMS:
        return None
    return _Call(command, {**_OPTIONS[command], **given}, markings[0], as_json)


def _answer(call: _Call) -> Answer:
    from tearline.cli import answers

    values = call.values  # every option given or defaulted: the required ones were checked
    scheme, form = str(values["--scheme"]), values["--form"]
    if call.command == "parse":
        return answers.parse_answer(call.marking, scheme, form)
    if call.command == "normalize":
        return answers.normalize_answer(call.marking, scheme, form)
    return answers.render_answer(call.marking, scheme, str(values["--from"]), str(form))


def _report(as_json: bool, error: dict[str, object], code: int) -> int:
    text, to_stderr = error_text(as_json, error)
    _echo(text, err=to_stderr)
    return code


# ------------------------------------------------------------------ writing as click.echo does


def _plain_streams() -> bool:
    """Whether ``click.echo`` would write to both standard streams as they are."""
    return not sys.platform.startswith("win") and _plain(sys.stdout) and _plain(sys.stderr)


def _plain(stream: TextIO | None) -> bool:
    if not isinstance(stream, TextIOWrapper) or stream.errors is None:
        return False
    import codecs

    return codecs.lookup(stream.encoding).name != "ascii"


def _echo(text: str, *, err: bool) -> None:
    """``click.echo(text, err=err)`` on a plain stream: ANSI codes stripped off a terminal."""
    stream = sys.stderr if err else sys.stdout
    out = text + "\n"
    if "\x1b" in out and _strips_ansi(stream):
        import re

        out = re.sub(_ANSI, "", out)
    stream.write(out)
    stream.flush()


def _strips_ansi(stream: TextIO) -> bool:
    if hasattr(stream, "color"):
        return False
    try:
        terminal = stream.isatty()
    except Exception:
        terminal = False
    return not terminal and not type(stream).__module__.startswith("ipykernel.")


def _newline_on_stderr() -> None:
    """What click writes when interrupted: a newline closing the terminal's ``^C``."""
    sys.stderr.write("\n")
    sys.stderr.flush()


def _broken_pipe(problem: OSError) -> None:
    """As click does on a closed pipe: quiet the streams and leave with 1; else go on."""
    import errno

    if problem.errno != errno.EPIPE:
        return
    from click.utils import _PacifyFlushWrapper  # only on this rare path

    sys.stdout = _PacifyFlushWrapper(sys.stdout)
    sys.stderr = _PacifyFlushWrapper(sys.stderr)
    raise SystemExit(1)
