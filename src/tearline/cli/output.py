"""How the click commands print: JSON for scripts (``--json``), plain lines for people.

The shapes themselves are in :mod:`tearline.cli.shapes` (no click), shared with the fast path.
"""

from __future__ import annotations

import click

from tearline.cli.shapes import (
    EXIT_FAULT,
    EXIT_INVALID,
    INTERNAL_ERROR,
    error_json,
    error_text,
    label_json,
    out_lines,
    usage_error,
)

__all__ = [
    "EXIT_FAULT",
    "EXIT_INVALID",
    "INTERNAL_ERROR",
    "ExitWith",
    "emit",
    "emit_error",
    "error_json",
    "label_json",
    "usage_error",
]


class ExitWith(click.exceptions.Exit):
    """Leave with an exit code after the output has been written."""


def emit(as_json: bool, data: dict[str, object], lines: list[str]) -> None:
    """Print ``data`` as JSON, or ``lines`` for people."""
    for line in out_lines(as_json, data, lines):
        click.echo(line)


def emit_error(as_json: bool, error: dict[str, object], *, labelled: bool = True) -> None:
    """Report an error: a JSON object on stdout with ``--json``, a line on stderr without
    (``labelled``: with the label commands' ``"valid": false``)."""
    text, to_stderr = error_text(as_json, error, labelled=labelled)
    click.echo(text, err=to_stderr)
