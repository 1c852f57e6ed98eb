"""``tearline access``: decide a person's access to a marking; evaluate access expressions."""

from __future__ import annotations

from datetime import UTC, datetime

import click

from tearline.cli.output import EXIT_INVALID, ExitWith, emit, error_json
from tearline.errors import AccessExpressionError, InvalidInput, LabelError
from tearline.labels.access import AccessExpression, Token
from tearline.labels.parse import parse
from tearline.policy.decide import decide
from tearline.policy.model import Action
from tearline.policy.person import Person
from tearline.policy.reasons import languages

__all__ = ["access"]


@click.group()
def access() -> None:
    """Access decisions and access expressions."""


def _moment(text: str | None) -> datetime:
    if text is None:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            f"--at: {text!r} is not an ISO time; write it like 2026-11-29T09:00:00Z"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _invalid(as_json: bool, data: dict[str, object], message: str) -> None:
    emit(as_json, data, [message])
    raise ExitWith(EXIT_INVALID)


@access.command("check")
@click.option(
    "--person",
    "person_json",
    required=True,
    help="The person, as a JSON object (fields above).",
)
@click.option("--scheme", default="us", show_default=True, help="Scheme of MARKING.")
@click.option("--at", "at_text", default=None, help="ISO time of the decision (default: now).")
@click.option(
    "--action",
    type=click.Choice([a.value for a in Action]),
    default="read",
    show_default=True,
    help="read: see it; export: take a copy out (download, print); release: receive it as a "
    "further dissemination (the person is the recipient).",
)
@click.option(
    "--lang",
    type=click.Choice(languages()),
    default=None,
    help="Language of the reasons (default: Japanese for a Japanese national, else English).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.argument("marking")
def check_command(
    person_json: str,
    scheme: str,
    at_text: str | None,
    action: str,
    lang: str | None,
    as_json: bool,
    marking: str,
) -> None:
    """Decide a person's access to an item marked MARKING: read, export or release (--action).

    The decision is permit, deny or display-only, with its reasons; every decision exits 0.

    \b
    --person is a JSON object with these fields:
      nationality        required: a GENC trigraph in the register, or a list of them:
                         "JPN", ["USA", "GBR"]
      clearance          required: a level of the clearance scheme, as its token, banner word or
                         portion word as the scheme spells them ("S", "SECRET", "極秘"; listed
                         romanised aliases such as "GOKUHI" too); ASCII letters in any case,
                         any other spelling is refused
      clearance_scheme   the scheme of the clearance (default "us")
      clearance_expires  ISO date, the first day the clearance no longer counts: "2027-03-01"
      status             active, suspended or revoked (default active)
      authorizations     a list of tokens or {"token", "expires"} objects:
                         ["SI", {"token": "TK", "expires": "2027-03-01"}]
      id                 an identifier for the record (a string)
    A key given twice and an unknown key are refused.
    """
    try:
        person = Person.from_json(person_json)
    except InvalidInput as problem:
        _invalid(as_json, {"valid": False, "error": error_json(problem)}, f"error: {problem}")
        return
    try:
        label = parse(marking, scheme)
    except LabelError as problem:
        _invalid(as_json, {"valid": False, "error": error_json(problem)}, f"error: {problem}")
        return
    decision = decide(person, label, Action(action), _moment(at_text))
    language = lang or ("ja" if person.nationalities == {"JPN"} else "en")
    out: dict[str, object] = {
        "decision": decision.outcome.value,
        "reasons": list(decision.reasons_in("en")),
        "reasons_ja": list(decision.reasons_in("ja")),
        "rules": list(decision.rule_ids),
    }
    reasons = decision.reasons_in(language)
    emit(as_json, out, [decision.outcome.value, *(f"  {r}" for r in reasons)])


def _authorizations(text: str) -> frozenset[str]:
    """One --auths value as a set of tokens; each must be a valid authorization."""
    tokens = frozenset(t.strip() for t in text.split(",") if t.strip())
    for token in tokens:
        try:
            Token(token)  # refuses control characters and undecodable bytes
        except AccessExpressionError as problem:
            raise AccessExpressionError(
                f"--auths: {problem.message} (in an authorization)", problem.position
            ) from None
    return tokens


@access.command("eval")
@click.option(
    "--auths",
    "auth_sets",
    multiple=True,
    help="Comma-separated authorizations; repeat for several sets ('' is the empty set).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.argument("expression")
def eval_command(expression: str, auth_sets: tuple[str, ...], as_json: bool) -> None:
    """Evaluate an access EXPRESSION (Apache Accumulo grammar) against authorization sets.

    With several --auths sets, the expression must hold for every set.
    """
    try:
        sets = [_authorizations(text) for text in auth_sets] or [frozenset()]
        parsed = AccessExpression.parse(expression)
    except AccessExpressionError as problem:
        _invalid(
            as_json,
            {"result": "error", "error": error_json(problem)},
            f"error: {problem}",
        )
        return
    result = "accessible" if parsed.evaluate_all(sets) else "inaccessible"
    emit(as_json, {"result": result, "expression": parsed.text}, [result])
