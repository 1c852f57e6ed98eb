"""What the CLI prints, as data and text, without click: the JSON shapes and the exit codes.

Both ways into the command use these — the click commands (:mod:`tearline.cli.output` writes
with ``click.echo``) and the fast path for the hot commands (:mod:`tearline.cli.fast`) — so
the two print the same bytes by construction.
"""

from __future__ import annotations

from tearline.errors import InvalidPerson, LabelError, TearlineError
from tearline.labels.jsontext import dumps

TYPE_CHECKING = False  # typing is not imported at run time (the command line starts faster)
if TYPE_CHECKING:
    from typing import Final

if TYPE_CHECKING:
    from tearline.labels.model import Label

__all__ = [
    "EXIT_FAULT",
    "EXIT_INVALID",
    "INTERNAL_ERROR",
    "error_json",
    "error_text",
    "label_json",
    "out_lines",
    "usage_error",
]

EXIT_INVALID: Final = 2
EXIT_FAULT: Final = 1


def out_lines(as_json: bool, data: dict[str, object], lines: list[str]) -> list[str]:
    """The lines a command prints on stdout: ``data`` as one JSON line, or ``lines``."""
    return [dumps(data)] if as_json else lines


def error_text(as_json: bool, error: dict[str, object], *, labelled: bool = True
               ) -> tuple[str, bool]:  # fmt: skip
    """An error report and whether it goes to stderr: JSON on stdout, or a line on stderr.
    The label commands' JSON keeps ``"valid": false`` beside the error (their contract);
    the node's commands print the error alone."""
    if as_json:
        shown = {"valid": False, "error": error} if labelled else {"error": error}
        return dumps(shown), False
    position = error.get("position")
    where = f" (column {position})" if position else ""
    return f"error: {error['class']}: {error['message']}{where}", True


def error_json(problem: TearlineError) -> dict[str, object]:
    """The one error shape: ``{"code", "category", "message", "class", "position", ...}``.

    ``class`` and ``position`` are kept for scripts written before ``code`` and ``category``:
    a marking error's class, ``invalid-person`` for person data, else the category.
    """
    data = problem.as_dict()
    data.setdefault(
        "class", problem.code if isinstance(problem, InvalidPerson) else problem.category
    )
    data.setdefault("position", 0)
    return data


def usage_error(message: str) -> dict[str, object]:
    """The error shape for a command line click refused (unknown option, bad choice, …)."""
    return {"code": "usage", "category": "invalid-input", "message": message, "class": "usage",
            "position": 0}  # fmt: skip


#: Reported for a fault of Tearline's own: never the exception's text.
INTERNAL_ERROR: Final[dict[str, object]] = {
    "code": "internal", "category": "internal", "message": "internal error; nothing was changed",
    "class": "internal", "position": 0,
}  # fmt: skip


def label_json(label: Label) -> dict[str, object]:
    """The CLI contract's fields for a label, and under ``label`` its codec form."""
    from tearline.labels.codec import to_dict
    from tearline.labels.parse import render

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
        "label": to_dict(label),
    }
