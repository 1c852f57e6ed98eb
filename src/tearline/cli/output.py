"""How the CLI prints: JSON for scripts (``--json``), plain lines for people."""

from __future__ import annotations

import json
from typing import Final

import click

from tearline.errors import AccessExpressionError, LabelError
from tearline.labels.model import Label
from tearline.labels.parse import render

__all__ = [
    "EXIT_FAULT",
    "EXIT_INVALID",
    "ExitWith",
    "emit",
    "emit_error",
    "label_error_json",
    "label_json",
]

EXIT_INVALID: Final = 2
EXIT_FAULT: Final = 1


class ExitWith(click.exceptions.Exit):
    """Leave with an exit code after the output has been written."""


def emit(as_json: bool, data: dict[str, object], lines: list[str]) -> None:
    """Print ``data`` as JSON, or ``lines`` for people."""
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False))
    else:
        for line in lines:
            click.echo(line)


def emit_error(as_json: bool, kind: str, message: str, position: int) -> None:
    """Report an error: a JSON object on stdout with ``--json``, a line on stderr without."""
    if as_json:
        error = {"class": kind, "message": message, "position": position}
        click.echo(json.dumps({"valid": False, "error": error}, ensure_ascii=False))
    else:
        where = f" (column {position})" if position else ""
        click.echo(f"error: {kind}: {message}{where}", err=True)


def label_error_json(problem: LabelError | AccessExpressionError) -> dict[str, object]:
    """The ``{"class", "message", "position"}`` shape of a marking or expression error."""
    if isinstance(problem, LabelError):
        return problem.as_dict()
    return {"class": "syntax", "message": problem.message, "position": problem.position}


def label_json(label: Label) -> dict[str, object]:
    """The CLI contract's fields for a label."""
    releasable = label.releasable_to
    owners = list(label.owner)
    if releasable is None:
        nations: list[str] | None = None
    else:
        nations = [o for o in owners if o in releasable]
        nations += sorted(releasable - set(nations))
    try:
        marking: str | None = render(label)
        portion: str | None = render(label, form="portion")
    except LabelError:  # a category condition (from 4774) has no text marking
        marking = portion = None
    return {
        "scheme": label.scheme,
        "marking": marking,
        "portion": portion,
        "tier": label.tier.title,
        "level": label.level,
        "owner": owners[0] if len(owners) == 1 else "JOINT " + " ".join(owners),
        "owners": owners,
        "releasable_to": nations,
        "displayable_to": sorted(label.displayable_to),
        "controls": list(label.controls),
        "access": label.access.text,
        "fgi": list(label.fgi) if label.fgi is not None else None,
        "level_inferred": label.level_inferred,
    }
