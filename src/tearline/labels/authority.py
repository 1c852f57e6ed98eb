"""The classification authority block: who classified a document, on what basis, until when.

A US document carries it under the banner (32 CFR 2001.21, 2001.22; markings.md §1.8)::

    Classified By: J. Smith, Director, Office of Analysis
    Derived From: Multiple Sources
    Declassify On: 20501231

``Declassify On`` holds a date, an event, or an exemption: ``50X1-HUM`` / ``50X2-WMD`` alone,
or ``25X1``…``25X9`` with a date or an event. An original classification gives ``Reason``
(EO 13526 §1.4 categories ``1.4(a)``…``1.4(h)``); a derivative one gives ``Derived From``.
Given the document's date, a declassification date must fall after it and, without an
exemption, within 25 years of it (EO 13526 §1.5).

Japan's counterpart for 特定秘密 is the designation: ``指定者`` (who designated it) and
``指定の有効期間`` (the last day of the designation period), at most 5 years from the
designation, renewable (SDS Act Art. 4; markings.md §2.1).

Which lines a scheme's block has, and its longest period, are data in the scheme file
(``[authority]``). Every problem is refused with the line it is on; nothing is guessed.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from tearline.errors import InvalidInput
from tearline.labels.model import Label, _building
from tearline.labels.schemes import Scheme
from tearline.labels.value import replace

__all__ = ["Authority", "AuthorityError", "read_authority", "with_authority"]

_REASON = re.compile(r"1\.4\([a-h]\)")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_COMPACT_DATE = re.compile(r"\d{8}")
_DATE_LIKE = re.compile(r"[\d\s./-]+")
_PERMANENT = frozenset({"50X1-HUM", "50X2-WMD"})
_WITH_DATE = re.compile(r"25X[1-9]")
_EXEMPTION_LIKE = re.compile(r"\d\dX\S*", re.IGNORECASE)
_OBSOLETE = frozenset({"OADR", "MR", "X1", "X2", "X3", "X4", "X5", "X6", "X7", "X8"})
_MAX_LINE = 500


class AuthorityError(InvalidInput):
    """A line of a classification authority block that is missing, unknown or malformed.

    Attributes:
        line: the 1-based number of the line at fault (0 when it is about the whole block).
    """

    code = "invalid-authority"

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line

    def as_dict(self) -> dict[str, object]:
        """The shared shape plus ``line``."""
        return {**super().as_dict(), "line": self.line}


@dataclass(frozen=True, slots=True)
class Authority:
    """A classification authority block, read and checked.

    Attributes:
        classified_by: the classifier (original or derivative), as written.
        derived_from: the source of a derivative classification, or ``None``.
        reason: the EO 13526 §1.4 categories of an original classification (``1.4(c)``).
        declassify_on: the date after which the information is declassified, if a date.
        exemption: ``25X1``…``25X9``, ``50X1-HUM`` or ``50X2-WMD``, if one applies.
        event: the event that declassifies it, if an event.
    """

    classified_by: str
    derived_from: str | None = None
    reason: str | None = None
    declassify_on: date | None = None
    exemption: str | None = None
    event: str | None = None

    def as_dict(self) -> dict[str, object]:
        """The block as plain data (the CLI's and the API's form)."""
        return {
            "classified_by": self.classified_by,
            "derived_from": self.derived_from,
            "reason": self.reason,
            "declassify_on": None if self.declassify_on is None else self.declassify_on.isoformat(),
            "exemption": self.exemption,
            "event": self.event,
        }


def read_authority(
    lines: Sequence[str], scheme: Scheme, *, document_date: date | None = None
) -> Authority:
    """Read the lines of ``scheme``'s authority block (one ``Field: value`` per line).

    Raises:
        AuthorityError: a line is unknown, repeated, empty or malformed, a required line is
            missing, or the period breaks the scheme's rules (``line`` names the line).
    """
    form = scheme.authority
    if form is None:
        raise AuthorityError(f"{scheme.name} has no classification authority block", 0)
    fields = _fields(lines, form.fields)
    for required in form.required:
        if required not in fields:
            raise AuthorityError(f"the block needs a line {form.spelling(required)}: …", 0)
    if form.needs_basis and "reason" not in fields and "derived_from" not in fields:
        raise AuthorityError(
            "an original classification gives Reason: (e.g. 1.4(c)); a derivative one gives "
            "Derived From: (the source); the block has neither",
            0,
        )
    until_line, until = fields["declassify_on"]
    when, exemption, event = _declassify_on(until, until_line)
    if document_date is not None and when is not None:
        _check_period(when, document_date, exemption, form.max_years, until_line)
    reason = fields.get("reason")
    return Authority(
        classified_by=fields["classified_by"][1],
        derived_from=fields["derived_from"][1] if "derived_from" in fields else None,
        reason=_reason(*reason) if reason else None,
        declassify_on=when,
        exemption=exemption,
        event=event,
    )


def _fields(lines: Sequence[str], names: Mapping[str, str]) -> dict[str, tuple[int, str]]:
    """``field -> (line number, value)``, each field once, each line known."""
    by_key = {_key(name): field for name, field in names.items()}
    found: dict[str, tuple[int, str]] = {}
    for number, raw in enumerate(lines, start=1):
        if len(raw) > _MAX_LINE or not raw.isprintable():
            raise AuthorityError(
                f"line {number} is longer than {_MAX_LINE} characters or holds control characters",
                number,
            )
        head, colon, value = raw.partition(":")
        field = by_key.get(_key(head)) if colon else None
        if field is None:
            known = ", ".join(names)
            close = difflib.get_close_matches(head.strip(), list(names), n=1)
            hint = f"did you mean {close[0]}? " if colon and close else ""
            raise AuthorityError(
                f"line {number} ({raw.strip()[:40]!r}) is not a line of the block; {hint}write "
                f"'Field: value' with one of {known}",
                number,
            )
        if field in found:
            raise AuthorityError(f"line {number} repeats {head.strip()}; give it once", number)
        if not value.strip():
            raise AuthorityError(f"line {number}: {head.strip()} is empty", number)
        found[field] = (number, " ".join(value.split()))
    return found


def _key(name: str) -> str:
    return " ".join(name.split()).casefold() if name.isascii() else "".join(name.split())


def _reason(line: int, text: str) -> str:
    items = [item.strip() for item in text.split(",")]
    for item in items:
        if not _REASON.fullmatch(item):
            raise AuthorityError(
                f"line {line}: Reason {item!r} is not an EO 13526 §1.4 category; write 1.4(a) "
                "to 1.4(h), several separated by commas",
                line,
            )
    if len(set(items)) != len(items):
        raise AuthorityError(f"line {line}: Reason names a category twice", line)
    return ", ".join(items)


def _declassify_on(text: str, line: int) -> tuple[date | None, str | None, str | None]:
    """(date, exemption, event) of a Declassify On value."""
    if text.upper() in _OBSOLETE:
        raise AuthorityError(
            f"line {line}: {text} is an obsolete declassification instruction; give a date, "
            "an event, or an exemption such as 25X1 with a date",
            line,
        )
    if text in _PERMANENT:
        return None, text, None
    head, comma, rest = text.partition(",")
    head, rest = head.strip(), rest.strip()
    if _WITH_DATE.fullmatch(head):
        if not comma or not rest:
            raise AuthorityError(
                f"line {line}: the exemption {head} is given with a date or an event "
                f"({head}, 20501231)",
                line,
            )
        when, event = _date_or_event(rest, line)
        return when, head, event
    if _EXEMPTION_LIKE.match(head):
        raise AuthorityError(
            f"line {line}: {head!r} is not an exemption; use 25X1 to 25X9 with a date or an "
            "event, 50X1-HUM or 50X2-WMD",
            line,
        )
    when, event = _date_or_event(text, line)
    return when, None, event


def _date_or_event(text: str, line: int) -> tuple[date | None, str | None]:
    if _ISO_DATE.fullmatch(text) or _COMPACT_DATE.fullmatch(text):
        digits = text.replace("-", "")
        try:
            return date(int(digits[:4]), int(digits[4:6]), int(digits[6:])), None
        except ValueError:
            raise AuthorityError(f"line {line}: {text} is not a date", line) from None
    if _DATE_LIKE.fullmatch(text):
        raise AuthorityError(
            f"line {line}: {text!r} is not a date; write YYYYMMDD or YYYY-MM-DD", line
        )
    return None, text


def _check_period(
    until: date, document: date, exemption: str | None, max_years: int, line: int
) -> None:
    if until <= document:
        raise AuthorityError(
            f"line {line}: {until.isoformat()} is not after the document's date "
            f"{document.isoformat()}",
            line,
        )
    try:
        limit = document.replace(year=document.year + max_years)
    except ValueError:  # 29 February
        limit = document.replace(year=document.year + max_years, day=28)
    if exemption is None and until > limit:
        raise AuthorityError(
            f"line {line}: {until.isoformat()} is more than {max_years} years after the "
            f"document's date {document.isoformat()}; a longer period needs an exemption",
            line,
        )


def with_authority(label: Label, authority: Authority) -> Label:
    """``label`` carrying the block's declassification date (a field the node acts on).

    A block that declassifies on an event or a permanent exemption leaves the label's date
    as it was: there is no day to act on.
    """
    if authority.declassify_on is None:
        return label
    with _building():
        return replace(label, declassify_on=authority.declassify_on)
