"""Read a person from plain data (JSON from the CLI, a registry row), field by field."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from tearline.errors import InvalidInput
from tearline.labels.scheme import registry
from tearline.policy.model import Authorization, Clearance, Person, Status

__all__ = ["person_from_data"]

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
        raise InvalidInput(f'person field {where!r}: give an ISO date such as "2027-03-01"')
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(
            f"person field {where!r}: {_shown(value)} is not an ISO date; write it like 2027-03-01"
        ) from None


def _nationalities(value: object) -> frozenset[str]:
    codes = [value] if isinstance(value, str) else value
    if not isinstance(codes, list) or not codes or not all(isinstance(c, str) for c in codes):
        raise InvalidInput(
            "person field 'nationality': give a GENC trigraph such as \"JPN\", or a list "
            'such as ["USA", "JPN"]'
        )
    bad = [c for c in codes if len(c) != 3 or not c.isascii() or not c.isalpha()]
    if bad:
        raise InvalidInput(
            f"person field 'nationality': {_shown(bad[0])} is not a trigraph; use codes such as JPN"
        )
    return frozenset(c.upper() for c in codes)


def _authorization(value: object, index: int) -> Authorization:
    where = f"authorizations[{index}]"
    if isinstance(value, str) and value:
        return Authorization(value)
    if isinstance(value, Mapping) and isinstance(value.get("token"), str) and value["token"]:
        expires = value.get("expires")
        return Authorization(
            value["token"], _date(expires, f"{where}.expires") if expires is not None else None
        )
    raise InvalidInput(
        f'person field {where!r}: give a token such as "SI" or '
        '{"token": "SI", "expires": "2027-01-01"}'
    )


def _level_token(scheme_id: str, level: str) -> str:
    """The level token for ``level``, which may be spelt as token or banner word."""
    scheme = registry().scheme(scheme_id)
    for candidate in scheme.levels:
        if level.upper() in (candidate.token, candidate.banner, candidate.portion):
            return candidate.token
    tokens = ", ".join(lv.token for lv in reversed(scheme.levels))
    raise InvalidInput(
        f"person field 'clearance': {_shown(level)} is not a level of scheme {scheme_id!r}; "
        f"use one of {tokens}"
    )


def person_from_data(data: object) -> Person:
    """Build a :class:`Person` from a mapping; every problem names the field and the fix.

    Fields: ``nationality`` (trigraph or list), ``clearance`` (a level token such as ``"S"``),
    ``clearance_scheme`` (default ``"us"``), ``clearance_expires`` (ISO date), ``status``
    (``active``/``suspended``/``revoked``, default active), ``authorizations`` (tokens, or
    ``{"token", "expires"}`` objects), ``id``.

    Raises:
        InvalidInput: a field is missing, unknown or malformed.
    """
    if not isinstance(data, Mapping):
        raise InvalidInput('a person is a JSON object such as {"nationality": "JPN", ...}')
    unknown = sorted(set(data) - _FIELDS)
    if unknown:
        raise InvalidInput(
            f"unknown person field {_shown(unknown[0])}; known fields: {', '.join(sorted(_FIELDS))}"
        )
    if "nationality" not in data:
        raise InvalidInput("person field 'nationality' is required, e.g. \"JPN\"")
    level = data.get("clearance")
    if not isinstance(level, str) or not level:
        raise InvalidInput("person field 'clearance' is required: a level such as \"S\"")
    status_text = data.get("status", "active")
    try:
        status = Status(status_text)
    except ValueError:
        raise InvalidInput(
            f"person field 'status': {_shown(status_text)} is not one of active, suspended, revoked"
        ) from None
    scheme = data.get("clearance_scheme", "us")
    if not isinstance(scheme, str):
        raise InvalidInput("person field 'clearance_scheme': give a scheme id such as \"us\"")
    level = _level_token(scheme, level)
    expires = data.get("clearance_expires")
    auths = data.get("authorizations", [])
    if not isinstance(auths, list):
        raise InvalidInput('person field \'authorizations\': give a list such as ["SI", "TK"]')
    ident = data.get("id", "")
    return Person(
        nationalities=_nationalities(data["nationality"]),
        clearance=Clearance(
            level,
            scheme,
            _date(expires, "clearance_expires") if expires is not None else None,
            status,
        ),
        authorizations=tuple(_authorization(a, i) for i, a in enumerate(auths)),
        id=str(ident),
    )
