"""The ``tearline`` command: a thin shell over the library. Exit codes live here only.

Exit codes: 0 done (a deny is a successful decision), 2 invalid input or usage,
1 an internal fault (reported without internals).
"""

from __future__ import annotations

import sys
from importlib import import_module

import click

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


#: Each command group and the module that defines it: imported only when the command runs,
#: so ``tearline label parse`` loads neither the decision code nor the demo.
_COMMANDS = {
    "label": "tearline.cli.label",
    "access": "tearline.cli.access",
    "demo": "tearline.cli.demo",
    "demo-node": "tearline.cli.demo_node",
    "init": "tearline.cli.init",
    "db": "tearline.cli.init",
    "person": "tearline.cli.person",
    "item": "tearline.cli.item",
    "audit": "tearline.cli.audit",
    "serve": "tearline.cli.serve",
    "token": "tearline.cli.serve",
}


class _LazyGroup(click.Group):
    """A group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(_COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = _COMMANDS.get(cmd_name)
        if module is None:
            return None
        command = getattr(import_module(module), cmd_name.replace("-", "_"))
        return command if isinstance(command, click.Command) else None


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="tearline")
def cli() -> None:
    """Tearline: share classified information between allies, label by label."""


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
