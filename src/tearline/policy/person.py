"""A vetted person — nationalities, clearance, authorizations — and how one is read from data.

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
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from tearline.errors import InvalidPerson
from tearline.labels.access import AccessExpressionError, Token
from tearline.labels.schemes import Level, Registry, resolve

__all__ = ["Authorization", "Clearance", "Person", "Status"]

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


class Status(StrEnum):
    """The state of a clearance. Only an active clearance counts."""

    ACTIVE = "active"
    SUSPENDED = "suspended"
    REVOKED = "revoked"


@dataclass(frozen=True, slots=True)
class Clearance:
    """A person's clearance: a level of a named scheme, its expiry and its status.

    ``expires`` is the first day on which the clearance no longer counts (``None``: no expiry).
    """

    level: str
    scheme: str
    expires: date | None = None
    status: Status = Status.ACTIVE


@dataclass(frozen=True, slots=True)
class Authorization:
    """A compartment or community token the person holds (``SI``), with an optional expiry.

    ``expires`` is the first day on which it no longer counts.
    """

    token: str
    expires: date | None = None


@dataclass(frozen=True, slots=True)
class Person:
    """A vetted person: nationalities (GENC trigraphs), clearance and authorizations."""

    nationalities: frozenset[str]
    clearance: Clearance
    authorizations: tuple[Authorization, ...] = ()
    id: str = ""

    def __post_init__(self) -> None:
        if not self.nationalities:
            raise ValueError("a person needs at least one nationality")

    @classmethod
    def from_data(cls, data: object, *, registry: Registry | None = None) -> Person:
        """Read a person from a mapping; every problem names the field and the fix.

        Fields: ``nationality`` (a GENC trigraph in the register, or a list of them),
        ``clearance`` (a level of the clearance scheme as the scheme spells it),
        ``clearance_scheme`` (default ``"us"``), ``clearance_expires`` (ISO date, the first
        day it no longer counts), ``status`` (``active``/``suspended``/``revoked``, default
        active), ``authorizations`` (tokens, or ``{"token", "expires"}`` objects), ``id``.

        Raises:
            InvalidPerson: a field is missing, unknown, ambiguous or malformed.
        """
        return _read(data, resolve(registry))

    @classmethod
    def from_json(cls, text: str, *, registry: Registry | None = None) -> Person:
        """Read a person from JSON text, strictly: :meth:`from_data` on an object in which no
        key is given twice (a revoked status must not be overridden by a later key) and no
        constant such as ``NaN`` appears.

        Raises:
            InvalidPerson: the JSON is malformed or ambiguous, or a field is.
        """
        return _read(_decode(text), resolve(registry))


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


def _nationalities(value: object, registry: Registry) -> frozenset[str]:
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
    nations = registry.nations
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


def _level_token(scheme_id: str, level: str, registry: Registry) -> str:
    """The level token for ``level``: its token, banner or portion word, or an alias.

    An all-ASCII spelling matches in any case; any other is compared after NFKC, exactly.
    """
    scheme = registry.scheme(scheme_id)
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


def _read(data: object, registry: Registry) -> Person:
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
    level = _level_token(scheme, level, registry)
    expires = data.get("clearance_expires")
    auths = data.get("authorizations", [])
    if not isinstance(auths, list):
        raise InvalidPerson('person field \'authorizations\': give a list such as ["SI", "TK"]')
    ident = data.get("id", "")
    if not isinstance(ident, str):
        raise InvalidPerson("person field 'id': give a string such as \"p-0001\"")
    return Person(
        nationalities=_nationalities(data["nationality"], registry),
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


def _decode(text: str) -> Any:
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
    return data
