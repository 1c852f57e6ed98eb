"""What ``label parse``, ``label normalize`` and ``label render`` answer, without click.

Each function takes the command's values and returns an :class:`Answer`: the data for
``--json``, the lines for people and the exit code. The click commands
(:mod:`tearline.cli.label`) and the fast path (:mod:`tearline.cli.fast`) both print it.
Errors other than a marking's own (an unknown scheme, a fault) are raised, as from any command.
"""

from __future__ import annotations

from tearline.cli.shapes import EXIT_INVALID, error_json, label_json
from tearline.errors import LabelError
from tearline.labels.parse import normalize, parse, render
from tearline.labels.schemes import default_registry

__all__ = ["Answer", "failed", "normalize_answer", "parse_answer", "render_answer"]


class Answer:
    """A command's output: the JSON data, the lines for people, the exit code.

    (A plain class: a ``NamedTuple`` costs more to define than this path can spare.)
    """

    __slots__ = ("code", "data", "lines")

    def __init__(self, data: dict[str, object], lines: list[str], code: int = 0) -> None:
        self.data = data
        self.lines = lines
        self.code = code


def failed(problem: LabelError, extra: dict[str, object] | None = None) -> Answer:
    """The answer for a marking that does not read: ``valid: false`` and exit 2."""
    data: dict[str, object] = {"valid": False, **(extra or {}), "error": error_json(problem)}
    where = f" (column {problem.position})" if problem.position else ""
    return Answer(data, [f"invalid: {problem.kind}: {problem.message}{where}"], EXIT_INVALID)


def parse_answer(marking: str, scheme: str, form: str | None) -> Answer:
    """``label parse``: the canonical label of ``marking``."""
    default_registry().scheme(scheme)
    try:
        result = parse(marking, scheme, form=form)
    except LabelError as problem:
        return failed(problem)
    data = {"valid": True, **label_json(result)}
    return Answer(data, [f"{key}: {value}" for key, value in data.items()])


def normalize_answer(marking: str, scheme: str, form: str | None) -> Answer:
    """``label normalize``: ``marking`` in canonical form, with the changes made."""
    default_registry().scheme(scheme)
    try:
        result = normalize(marking, scheme, form=form)
    except LabelError as problem:
        return failed(problem)
    shown = result.portion if result.form == "portion" else result.marking
    data: dict[str, object] = {
        "valid": True,
        "marking": shown,
        "banner": result.marking,
        "portion": result.portion,
        "changes": list(result.changes),
    }
    return Answer(data, [shown, *(f"  changed: {change}" for change in result.changes)])


def render_answer(marking: str, scheme: str, source: str, form: str) -> Answer:
    """``label render``: ``marking`` (of ``source``) written in ``scheme``."""
    default_registry().scheme(scheme)
    try:
        written = render(parse(marking, source), scheme, form=form)
    except LabelError as problem:
        return failed(problem)
    return Answer({"valid": True, "marking": written, "scheme": scheme}, [written])
