"""What every node command shares: ``--home``, ``--json``, ``--as``, opening the node, and
the node's exit codes (0 done, 2 invalid input, 3 not found, 4 verification failed,
5 refused by policy, 1 an internal fault)."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any, Final, TypeVar

import click

from tearline.cli.output import EXIT_FAULT, EXIT_INVALID, INTERNAL_ERROR, ExitWith, error_json
from tearline.errors import NotFound, TearlineError, UnknownScheme

__all__ = [
    "EXIT_NOT_FOUND",
    "EXIT_REFUSED",
    "EXIT_UNVERIFIED",
    "as_option",
    "exit_code",
    "home_options",
    "node_errors",
    "opened",
    "print_json",
]

EXIT_NOT_FOUND: Final = 3
EXIT_UNVERIFIED: Final = 4
EXIT_REFUSED: Final = 5

F = TypeVar("F", bound=Callable[..., Any])


def home_options(command: F) -> F:
    """Add ``--home DIR`` and ``--json`` to a node command."""
    command = click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")(
        command
    )
    return click.option(
        "--home",
        type=click.Path(file_okay=False),
        default=None,
        help="The node's directory (default: $TEARLINE_HOME, else the user data directory).",
    )(command)


def as_option(command: F) -> F:
    """Add ``--as PERSON_ID``: who is acting (decided like any other request)."""
    return click.option(
        "--as", "actor", required=True, metavar="PERSON_ID", help="The person acting."
    )(command)


def exit_code(problem: TearlineError) -> int:
    """The node's exit code for ``problem``."""
    if problem.category == "internal":
        return EXIT_FAULT
    if isinstance(problem, NotFound) and not isinstance(problem, UnknownScheme):
        return EXIT_NOT_FOUND
    if problem.category == "forbidden":
        return EXIT_REFUSED
    return EXIT_INVALID


def _report(as_json: bool, error: dict[str, object]) -> None:
    if as_json:
        click.echo(json.dumps({"error": error}, ensure_ascii=False))
    else:
        click.echo(f"error: {error['code']}: {error['message']}", err=True)


def node_errors(command: F) -> F:
    """Report a Tearline error in the one shape and leave with the node's exit code; any
    other exception is an internal fault, reported without its text."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        as_json = bool(kwargs.get("as_json"))
        try:
            return command(*args, **kwargs)
        except TearlineError as problem:
            _report(as_json, error_json(problem))
            raise ExitWith(exit_code(problem)) from None
        except (click.exceptions.Exit, click.ClickException):
            raise
        except Exception:
            _report(as_json, dict(INTERNAL_ERROR))
            raise ExitWith(EXIT_FAULT) from None

    return run  # type: ignore[return-value]


@contextmanager
def opened(home: str | None) -> Iterator[Any]:
    """The node in ``home`` (see :mod:`tearline.config`), closed afterwards."""
    from tearline.bootstrap import open_node
    from tearline.config import Settings, home_dir

    node = open_node(Settings.load(home_dir(home)))
    try:
        yield node
    finally:
        node.close()


def _plain(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def print_json(data: object) -> None:
    """Print ``data`` as one line of JSON (dates as ISO text)."""
    click.echo(json.dumps(data, ensure_ascii=False, default=_plain))


def parse_day(text: str | None, option: str) -> date | None:
    """An ISO date given on the command line, or a clear usage error."""
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(
            f"{text!r} is not a date; write YYYY-MM-DD", param_hint=option
        ) from None
