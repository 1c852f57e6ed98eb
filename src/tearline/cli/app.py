"""The click application: the ``tearline`` group, its subcommands loaded on first use, and the
exit-code policy for everything click runs (:func:`run_click`).

The table of command groups is ``tearline.cli._COMMANDS``; it is handed in (``commands``)
rather than imported, so no import circle runs through the package.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib import import_module
from types import MappingProxyType

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

__all__ = ["application", "run_click"]


class _LazyGroup(click.Group):
    """A group whose subcommands are imported on first use, from :attr:`catalogue`."""

    #: Command group name -> the module defining it (``tearline.cli._COMMANDS``).
    catalogue: Mapping[str, str] = MappingProxyType({})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.catalogue)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = self.catalogue.get(cmd_name)
        if module is None:
            return None
        command = getattr(import_module(module), cmd_name.replace("-", "_"))
        return command if isinstance(command, click.Command) else None


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="tearline")
def cli() -> None:
    """Tearline: share classified information between allies, label by label."""


def application(commands: Mapping[str, str]) -> click.Group:
    """The ``tearline`` group, its subcommand groups found in ``commands``."""
    assert isinstance(cli, _LazyGroup)
    cli.catalogue = commands
    return cli


#: The label core's command groups, whose JSON errors keep ``"valid": false`` (their contract).
_LABEL_COMMANDS = frozenset({"label", "access", "demo"})


def run_click(args: list[str], commands: Mapping[str, str]) -> int:
    """Run ``args`` through click; never lets a traceback reach the user."""
    as_json = "--json" in args
    group = next((a for a in args if not a.startswith("-")), None)
    labelled = group is None or group not in commands or group in _LABEL_COMMANDS
    try:
        # Without standalone mode click returns the code of an exit raised by a command.
        code = application(commands).main(args=args, prog_name="tearline", standalone_mode=False)
    except click.exceptions.Exit as done:
        return int(done.exit_code)
    except click.exceptions.Abort:
        return EXIT_INVALID
    except click.ClickException as problem:
        emit_error(as_json, usage_error(problem.format_message()), labelled=labelled)
        return EXIT_INVALID
    except TearlineError as problem:
        emit_error(as_json, error_json(problem), labelled=labelled)
        return EXIT_FAULT if problem.category == "internal" else EXIT_INVALID
    except Exception:
        emit_error(as_json, dict(INTERNAL_ERROR), labelled=labelled)
        return EXIT_FAULT
    return code if isinstance(code, int) else 0
