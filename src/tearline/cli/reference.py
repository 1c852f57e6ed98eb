"""The CLI reference (docs/cli.md), generated from the commands' own ``--help``.

Regenerate with ``python -m tearline.cli.reference > docs/cli.md``; a test checks it is current.
"""

from __future__ import annotations

import click

__all__ = ["reference"]


def _walk(command: click.Command, path: list[str]) -> list[tuple[list[str], click.Command]]:
    found = [(path, command)]
    if isinstance(command, click.Group):
        for name in sorted(command.commands):
            found += _walk(command.commands[name], [*path, name])
    return found


def reference() -> str:
    """Markdown with every command's help text, in command order."""
    from tearline.cli import cli  # imported late: tearline.cli imports this module

    lines = [
        "# Command reference",
        "",
        "Generated from `--help` by `python -m tearline.cli.reference`; do not edit by hand.",
        "",
    ]
    for path, command in _walk(cli, ["tearline"]):
        name = " ".join(path)
        with click.Context(command, info_name=name, terminal_width=100) as context:
            text = command.get_help(context)
        lines += [f"## `{name}`", "", "```", text, "```", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    click.echo(reference(), nl=False)
