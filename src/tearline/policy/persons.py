"""Read a person from plain data (JSON from the CLI, a registry row), field by field.

Person data decides access, so it is read exactly: every ambiguity is refused rather than
resolved (a duplicated key, an unknown key, a nationality code not in the register, a level
spelling the scheme does not have). Level spellings are compared as the scheme writes them;
only an all-ASCII spelling may differ in case, and other text is compared after NFKC (so a
full-width ``ＴＳ`` is ``TS``), never after Unicode case mapping (which turns ``ſ`` into ``S``).
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Mapping
from datetime import date

from tearline.errors import InvalidPerson
from tearline.labels.access import AccessExpressionError, Token
from tearline.labels.scheme import Level, registry
from tearline.policy.model import Authorization, Clearance, Person, Status

__all__ = ["person_from_data", "person_from_json"]

#: Longest person JSON accepted (a person with many authorizations is a few kilobytes).
_MAX_JSON = 65536

_FIELDS = frozenset(
    {
        "id",
        "nationality",
        "clearance",
        "clearance_scheme",
        "clearance_expires",
        "status",
        "authorizations",
    }
)


def _shown(value: object, limit: int = 40) -> str:
    """A value quoted for a message: shortened, unprintable characters escaped."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _date(value: object, where: str) -> date:
    if not isinstance(value, str):
        raise InvalidPerson(f'person field {where!r}: give an ISO date such as "2027-03-01"')
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidPerson(
            f"person field {where!r}: {_shown(value)} is not an ISO date; write it like 2027-03-01"
        ) from None


def _nationalities(value: object) -> frozenset[str]:
    codes = [value] if isinstance(value, str) else value
    if not isinstance(codes, list) or not codes or not all(isinstance(c, str) for c in codes):
        raise InvalidPerson(
            "person field 'nationality': give a GENC trigraph such as \"JPN\", or a list "
            'such as ["USA", "JPN"]'
        )
    bad = [c for c in codes if len(c) != 3 or not c.isascii() or not c.isalpha()]
    if bad:
        raise InvalidPerson(
            f"person field 'nationality': {_shown(bad[0])} is not a trigraph; use codes such as JPN"
        )
    nations = registry().nations
    upper = [c.upper() for c in codes]
    unknown = [c for c in upper if not nations.is_nation(c)]
    if unknown:
        raise InvalidPerson(
            f"person field 'nationality': {unknown[0]} is not a nation in the GENC register; "
            "use a country's trigraph such as JPN (group codes such as FVEY are not nationalities)"
        )
    if len(set(upper)) != len(upper):
        raise InvalidPerson("person field 'nationality': a nationality is listed twice")
    return frozenset(upper)


def _token(value: str, where: str) -> str:
    try:
        Token(value)  # the grammar's token rules: no control characters, no lone surrogates
    except AccessExpressionError as problem:
        raise InvalidPerson(f"person field {where!r}: {problem.message}") from None
    return value


def _authorization(value: object, index: int) -> Authorization:
    where = f"authorizations[{index}]"
    if isinstance(value, str) and value:
        return Authorization(_token(value, where))
    if isinstance(value, Mapping) and isinstance(value.get("token"), str) and value["token"]:
        extra = sorted(set(value) - {"token", "expires"})
        if extra:
            raise InvalidPerson(
                f"person field {where!r}: unknown key {_shown(extra[0])}; use token and expires"
            )
        expires = value.get("expires")
        return Authorization(
            _token(value["token"], f"{where}.token"),
            _date(expires, f"{where}.expires") if expires is not None else None,
        )
    raise InvalidPerson(
        f'person field {where!r}: give a token such as "SI" or '
        '{"token": "SI", "expires": "2027-01-01"}'
    )


def _spellings(level: Level) -> tuple[str, ...]:
    return (level.token, level.banner, level.portion, *level.aliases)


def _level_token(scheme_id: str, level: str) -> str:
    """The level token for ``level``: its token, banner or portion word, or an alias.

    An all-ASCII spelling matches in any case; any other is compared after NFKC, exactly.
    """
    scheme = registry().scheme(scheme_id)
    if level.isascii():
        wanted = level.upper()
        matches = [c for c in scheme.levels if any(s.upper() == wanted for s in _spellings(c))]
    else:
        wanted = unicodedata.normalize("NFKC", level)
        matches = [
            c
            for c in scheme.levels
            if any(unicodedata.normalize("NFKC", s) == wanted for s in _spellings(c))
        ]
    if len(matches) == 1:
        return matches[0].token
    tokens = ", ".join(lv.token for lv in reversed(scheme.levels))
    raise InvalidPerson(
        f"person field 'clearance': {_shown(level)} is not a level of scheme {scheme_id!r}; "
        f"use one of {tokens} (or the level's banner or portion word as the scheme writes it)"
    )


def person_from_data(data: object) -> Person:
    """Build a :class:`Person` from a mapping; every problem names the field and the fix.

    Fields: ``nationality`` (trigraph or list), ``clearance`` (a level token such as ``"S"``),
    ``clearance_scheme`` (default ``"us"``), ``clearance_expires`` (ISO date), ``status``
    (``active``/``suspended``/``revoked``, default active), ``authorizations`` (tokens, or
    ``{"token", "expires"}`` objects), ``id``.

    Raises:
        InvalidPerson: a field is missing, unknown or malformed.
    """
    if not isinstance(data, Mapping):
        raise InvalidPerson('a person is a JSON object such as {"nationality": "JPN", ...}')
    unknown = sorted(set(data) - _FIELDS)
    if unknown:
        raise InvalidPerson(
            f"unknown person field {_shown(unknown[0])}; known fields: {', '.join(sorted(_FIELDS))}"
        )
    if "nationality" not in data:
        raise InvalidPerson("person field 'nationality' is required, e.g. \"JPN\"")
    level = data.get("clearance")
    if not isinstance(level, str) or not level:
        raise InvalidPerson("person field 'clearance' is required: a level such as \"S\"")
    status_text = data.get("status", "active")
    try:
        status = Status(status_text)
    except ValueError:
        raise InvalidPerson(
            f"person field 'status': {_shown(status_text)} is not one of active, suspended, revoked"
        ) from None
    scheme = data.get("clearance_scheme", "us")
    if not isinstance(scheme, str):
        raise InvalidPerson("person field 'clearance_scheme': give a scheme id such as \"us\"")
    level = _level_token(scheme, level)
    expires = data.get("clearance_expires")
    auths = data.get("authorizations", [])
    if not isinstance(auths, list):
        raise InvalidPerson('person field \'authorizations\': give a list such as ["SI", "TK"]')
    ident = data.get("id", "")
    if not isinstance(ident, str):
        raise InvalidPerson("person field 'id': give a string such as \"p-0001\"")
    return Person(
        nationalities=_nationalities(data["nationality"]),
        clearance=Clearance(
            level,
            scheme,
            _date(expires, "clearance_expires") if expires is not None else None,
            status,
        ),
        authorizations=tuple(_authorization(a, i) for i, a in enumerate(auths)),
        id=ident,
    )


def _no_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
    keys = [key for key, _ in pairs]
    repeated = sorted({key for key in keys if keys.count(key) > 1})
    if repeated:
        raise InvalidPerson(
            f"person JSON gives the key {_shown(repeated[0])} more than once; give each key once"
        )
    return dict(pairs)


def person_from_json(text: str) -> Person:
    """Read a person from JSON text: :func:`person_from_data` on a strictly decoded object.

    A key given twice in any object, a constant such as ``NaN``, or text that is not JSON is
    refused (a revoked status must not be overridden by a later key).

    Raises:
        InvalidPerson: the JSON is malformed or ambiguous, or a field is (see
            :func:`person_from_data`).
    """
    if len(text) > _MAX_JSON:
        raise InvalidPerson(f"person JSON is at most {_MAX_JSON} characters")

    def refuse_constant(name: str) -> object:
        raise InvalidPerson(f"person JSON: {name} is not a value Tearline reads")

    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=refuse_constant)
    except (ValueError, RecursionError) as problem:  # RecursionError: absurdly deep nesting
        if isinstance(problem, InvalidPerson):
            raise
        raise InvalidPerson("person JSON is not valid JSON; give an object such as "
                           '{"nationality": "JPN", "clearance": "S"}') from None  # fmt: skip
    return person_from_data(data)
