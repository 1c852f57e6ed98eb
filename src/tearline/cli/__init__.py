"""The ``tearline`` command: a thin shell over the library. Exit codes live here only.

Exit codes: 0 done (a deny is a successful decision), 2 invalid input or usage,
1 an internal fault (reported without internals).
"""

from __future__ import annotations

import sys

import click

from tearline.cli.access import access
from tearline.cli.demo import demo
from tearline.cli.label import label
from tearline.cli.output import (
    EXIT_FAULT,
    EXIT_INVALID,
    INTERNAL_ERROR,
    emit_error,
    error_json,
    usage_error,
)
from tearline.errors import TearlineError

__all__ = ["cli", "main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="tearline")
def cli() -> None:
    """Tearline: share classified information between allies, label by label."""


cli.add_command(label)
cli.add_command(access)
cli.add_command(demo)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; never lets a traceback reach the user."""
    args = sys.argv[1:] if argv is None else argv
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    as_json = "--json" in args
    try:
        # Without standalone mode click returns the code of an exit raised by a command.
        code = cli.main(args=args, prog_name="tearline", standalone_mode=False)
    except click.exceptions.Exit as done:
        return int(done.exit_code)
    except click.exceptions.Abort:
        return EXIT_INVALID
    except click.ClickException as problem:
        emit_error(as_json, usage_error(problem.format_message()))
        return EXIT_INVALID
    except TearlineError as problem:
        emit_error(as_json, error_json(problem))
        return EXIT_FAULT if problem.category == "internal" else EXIT_INVALID
    except Exception:
        emit_error(as_json, dict(INTERNAL_ERROR))
        return EXIT_FAULT
    return code if isinstance(code, int) else 0


if __name__ == "__main__":
    sys.exit(main())
