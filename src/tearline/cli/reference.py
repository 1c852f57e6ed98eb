"""The CLI reference (docs/cli.md), generated from the commands' own ``--help``.

Regenerate with ``python -m tearline.cli.reference > docs/cli.md``; a test checks it is current.
"""

from __future__ import annotations

import click

from tearline.cli import cli

__all__ = ["reference"]


def _walk(command: click.Command, context: click.Context) -> list[tuple[str, str]]:
    """(command path, help text) for ``command`` and every subcommand below it."""
    found = [(context.command_path, command.get_help(context))]
    if isinstance(command, click.Group):
        for name in sorted(command.list_commands(context)):
            sub = command.get_command(context, name)
            if sub is not None:
                found += _walk(sub, click.Context(sub, info_name=name, parent=context))
    return found


def reference() -> str:
    """Markdown with every command's help text, in command order."""
    lines = [
        "# Command reference",
        "",
        "Generated from `--help` by `python -m tearline.cli.reference`; do not edit by hand.",
        "",
    ]
    root = click.Context(cli, info_name="tearline", terminal_width=100, **cli.context_settings)
    for name, text in _walk(cli, root):
        lines += [f"## `{name}`", "", "```", text, "```", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    click.echo(reference(), nl=False)
