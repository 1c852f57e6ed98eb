"""``tearline label``: parse, normalize, render and roll up markings."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TextIO

import click

from tearline.cli.answers import (
    Answer,
    failed,
    normalize_answer,
    parse_answer,
    render_answer,
)
from tearline.cli.output import EXIT_INVALID, ExitWith, emit, error_json, label_json
from tearline.errors import InvalidInput, LabelError
from tearline.labels.authority import AuthorityError, read_authority
from tearline.labels.formats.stanag4774 import from_xml, to_xml
from tearline.labels.parse import FORMS, parse, render
from tearline.labels.rollup import rollup
from tearline.labels.schemes import default_registry
from tearline.labels.translate import translate

__all__ = ["label"]

_scheme_option = click.option(
    "--scheme", default="us", show_default=True, help="Marking scheme of the input."
)
_form_option = click.option(
    "--form", type=click.Choice(FORMS), default=None, help="banner or portion (default: guess)."
)
_json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")


def _answer(as_json: bool, answer: Answer) -> None:
    emit(as_json, answer.data, answer.lines)
    if answer.code:
        raise ExitWith(answer.code)


def _fail(as_json: bool, problem: LabelError, extra: dict[str, object] | None = None) -> None:
    _answer(as_json, failed(problem, extra))


@click.group()
def label() -> None:
    """Parse, normalize, render and roll up classification markings."""


@label.command("parse")
@_scheme_option
@_form_option
@_json_option
@click.argument("marking")
def parse_command(marking: str, scheme: str, form: str | None, as_json: bool) -> None:
    """Parse MARKING strictly and show its canonical label."""
    _answer(as_json, parse_answer(marking, scheme, form))


@label.command("normalize")
@_scheme_option
@_form_option
@_json_option
@click.argument("marking")
def normalize_command(marking: str, scheme: str, form: str | None, as_json: bool) -> None:
    """Rewrite a sloppy but unambiguous MARKING in canonical form and list the changes."""
    _answer(as_json, normalize_answer(marking, scheme, form))


@label.command("render")
@click.option("--scheme", required=True, help="Scheme to write the label in.")
@click.option("--from", "source", default="us", show_default=True, help="Scheme of the input.")
@click.option("--form", type=click.Choice(FORMS), default="banner", show_default=True)
@_json_option
@click.argument("marking")
def render_command(marking: str, scheme: str, source: str, form: str, as_json: bool) -> None:
    """Write MARKING's label in SCHEME, for a reader of that scheme."""
    _answer(as_json, render_answer(marking, scheme, source, form))


@label.command("translate")
@click.option("--from", "source", required=True, help="Scheme of MARKING.")
@click.option("--to", "target", required=True, help="Scheme to carry it into.")
@click.option("--form", type=click.Choice(FORMS), default="banner", show_default=True)
@_json_option
@click.argument("marking")
def translate_command(marking: str, source: str, target: str, form: str, as_json: bool) -> None:
    """Carry MARKING into another scheme through the agreement between the two.

    Labels map up: a level with no counterpart becomes the next higher one (mapped_up).
    inferred says the equivalence used is not confirmed by a source.
    """
    default_registry().scheme(source)
    default_registry().scheme(target)
    try:
        carried = translate(parse(marking, source), target)
        written = render(carried.label, form=form)
    except LabelError as problem:
        _fail(as_json, problem)
        return
    data: dict[str, object] = {
        "valid": True,
        "marking": written,
        "scheme": target,
        "inferred": carried.inferred,
        "mapped_up": carried.mapped_up,
        "basis": carried.basis,
        "agreement": carried.agreement,
        "source": carried.source,
    }
    notes = [f"  {key}: {data[key]}" for key in ("inferred", "mapped_up", "basis", "agreement")]
    emit(as_json, data, [written, *notes])


@label.command("rollup")
@_scheme_option
@click.option(
    "--banner",
    "stated",
    default=None,
    help="The banner the author states; higher than the portions need: a compilation.",
)
@click.option(
    "--compilation-reason",
    default=None,
    help="Why a stated banner is higher than its portions (required for a compilation).",
)
@_json_option
@click.argument("portions", nargs=-1, required=True)
def rollup_command(
    portions: tuple[str, ...],
    scheme: str,
    stated: str | None,
    compilation_reason: str | None,
    as_json: bool,
) -> None:
    """Roll PORTIONS (portion marks) up into the document's banner.

    With --banner, check the stated banner against the portions instead; a banner higher than
    every portion needs (a compilation, 32 CFR 2001.24(g)) takes --compilation-reason.
    """
    default_registry().scheme(scheme)
    labels = []
    for index, portion in enumerate(portions):
        try:
            labels.append(parse(portion, scheme))
        except LabelError as problem:
            _fail(as_json, problem, {"portion": index + 1})
            return
    try:
        claimed = parse(stated, scheme, form="banner") if stated is not None else None
    except LabelError as problem:
        _fail(as_json, problem, {"banner": stated})
        return
    banner = rollup(labels, banner=claimed, compilation_reason=compilation_reason)
    data = {
        "valid": True,
        "banner": render(banner),
        "compilation_reason": banner.compilation_reason,
        **label_json(banner),
    }
    emit(as_json, data, [render(banner)])


@label.command("to-4774")
@_scheme_option
@click.option("--created", default=None, help="ISO creation time (default: now).")
@_json_option
@click.argument("marking")
def to_4774_command(marking: str, scheme: str, created: str | None, as_json: bool) -> None:
    """Write MARKING as a NATO STANAG 4774 confidentiality label (XML)."""
    default_registry().scheme(scheme)
    try:
        when = datetime.fromisoformat(created) if created else datetime.now(UTC)
    except ValueError:
        raise InvalidInput(f"--created: {created!r} is not an ISO time") from None
    try:
        xml = to_xml(parse(marking, scheme), when if when.tzinfo else when.replace(tzinfo=UTC))
    except LabelError as problem:
        _fail(as_json, problem)
        return
    emit(as_json, {"valid": True, "xml": xml}, [xml])


@label.command("from-4774")
@_json_option
@click.argument("source", type=click.File("r", encoding="utf-8", errors="strict"))
def from_4774_command(source: TextIO, as_json: bool) -> None:
    """Read a NATO STANAG 4774 confidentiality label (XML file, or - for stdin)."""
    try:
        text = source.read()
    except UnicodeDecodeError:
        raise InvalidInput("the 4774 label is not UTF-8 text") from None
    try:
        result = from_xml(text)
    except LabelError as problem:
        _fail(as_json, problem)
        return
    data = {"valid": True, **label_json(result)}
    emit(as_json, data, [f"{key}: {value}" for key, value in data.items()])


@label.command("authority")
@_scheme_option
@click.option(
    "--date",
    "document_date",
    default=None,
    help="The document's date (YYYY-MM-DD), to check the declassification period.",
)
@_json_option
@click.argument("lines", nargs=-1, required=True)
def authority_command(
    lines: tuple[str, ...], scheme: str, document_date: str | None, as_json: bool
) -> None:
    """Read a classification authority block: each LINE one line of it.

    \b
    US:  "Classified By: …"  "Derived From: …" or "Reason: 1.4(c)"  "Declassify On: …"
         Declassify On is a date (20501231 or 2050-12-31), an event, 50X1-HUM, 50X2-WMD,
         or 25X1…25X9 with a date or an event ("25X1, 20751231").
    JP:  "指定者: …"  "指定の有効期間: 2031-12-31" (at most 5 years from --date).
    """
    chosen = default_registry().scheme(scheme)
    when = _document_date(document_date)
    try:
        result = read_authority(lines, chosen, document_date=when)
    except AuthorityError as problem:
        data: dict[str, object] = {"valid": False, "error": error_json(problem)}
        emit(as_json, data, [f"invalid: {problem.message}"])
        raise ExitWith(EXIT_INVALID) from None
    fields = result.as_dict()
    emit(as_json, {"valid": True, **fields}, [f"{k}: {v}" for k, v in fields.items() if v])


def _document_date(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        if len(text) != 10:
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"--date: {text[:40]!r} is not a date; write YYYY-MM-DD") from None


@label.command("schemes")
@_json_option
def schemes_command(as_json: bool) -> None:
    """List the marking schemes this Tearline knows."""
    schemes = default_registry().schemes
    data: dict[str, object] = {
        "schemes": [
            {
                "id": s.id,
                "name": s.name,
                "levels": [
                    {"token": lv.token, "banner": lv.banner, "tier": lv.tier.title}
                    for lv in s.levels
                ],
            }
            for s in schemes.values()
        ]
    }
    emit(as_json, data, [f"{s.id}: {s.name}" for s in schemes.values()])
