"""The TLP 2.0 syntax: ``TLP:AMBER+STRICT`` with an optional audience (``//ORG:JMOD``).

Each TLP label becomes a canonical label whose access expression names its audience (see
``data/tlp.toml``); releasability is unrestricted by nation, because TLP limits people,
not countries.
"""

from __future__ import annotations

import re

from tearline.errors import LabelError
from tearline.labels.access import EMPTY, AccessExpression
from tearline.labels.model import Label
from tearline.labels.schemes import Level, Scheme
from tearline.labels.syntax.text import Piece, Reading, lenient_key, shown, split

__all__ = ["AUDIENCE_PREFIXES", "read_tlp", "write_tlp"]

_AUDIENCES = {"COMMUNITY": "community", "ORG": "org", "TO": "to"}
#: The prefixes of the access tokens a TLP audience becomes (``org:JMOD``).
AUDIENCE_PREFIXES = frozenset({"client", "community", "org", "person", "tlp"})
_NAME = re.compile(r"[A-Za-z0-9_.@-]{1,100}")


def _level(reading: Reading, scheme: Scheme, piece: Piece) -> Level | None:
    key = lenient_key(piece.text)
    for level in scheme.levels:
        if any(key == lenient_key(alias) for alias in level.aliases):  # TLP:WHITE, any case
            if not reading.strict:
                reading.changes.append(f"wrote {shown(piece.text)} as {level.banner}")
            return level
        if key == lenient_key(level.banner):
            if piece.text != level.banner:
                reading.fix(
                    "syntax",
                    f"write {shown(piece.text)} as {level.banner}",
                    piece.pos,
                    f"wrote {shown(piece.text)} as {level.banner}",
                )
            return level
    names = ", ".join(level.banner for level in scheme.levels)
    reading.error(
        "unknown-token", f"unknown TLP label {shown(piece.text)} at column {piece.pos}; "
        f"use one of {names}", piece.pos,
    )  # fmt: skip
    return None


def _audience(reading: Reading, level: Level, piece: Piece) -> tuple[str, ...] | None:
    """The names after ``COMMUNITY:``, ``ORG:`` or ``TO:``; None when malformed."""
    kind, _, rest = piece.text.partition(":")
    wanted = level.audience
    if _AUDIENCES.get(kind.upper()) is None or not rest:
        reading.error(
            "syntax",
            f"{shown(piece.text)} at column {piece.pos} is not an audience; write "
            "COMMUNITY:<name>, ORG:<organisation> or TO:<id>, <id>",
            piece.pos,
        )
        return None
    if _AUDIENCES[kind.upper()] != wanted:
        expected = f"{wanted.upper()}:<name>" if wanted else "no audience"
        reading.error(
            "conflict", f"{level.banner} takes {expected}, not {kind.upper()}:", piece.pos
        )
        return None
    names = tuple(name.strip() for name in rest.split(","))
    for name in names:
        if not _NAME.fullmatch(name):
            reading.error(
                "syntax",
                f"audience name {shown(name)} in column {piece.pos} may use letters, digits "
                "and _ . @ - only",
                piece.pos,
            )
            return None
    if wanted != "to" and len(names) != 1:
        reading.error("syntax", f"{level.banner} names one {wanted}", piece.pos)
        return None
    return names


def _access(level: Level, names: tuple[str, ...]) -> AccessExpression:
    if not names:
        return AccessExpression.parse(level.default_access) if level.default_access else EMPTY
    if level.audience == "to":
        return AccessExpression.parse("|".join(f"person:{name}" for name in names))
    if level.audience == "community":
        return AccessExpression.parse(f"community:{names[0]}")
    template = level.access_template or "org:{}"
    return AccessExpression.parse(template.replace("{}", names[0]))


def read_tlp(
    text: str, scheme: Scheme, form: str | None, strict: bool
) -> tuple[Label, str, tuple[str, ...]]:
    """Read a TLP label; same contract as the CAPCO reader (form is always banner)."""
    reading = Reading(strict)
    if not reading.check_characters(text):
        reading.raise_errors()
    fields = split(reading, Piece(text, 1).strip(), "//", "a TLP label")
    level = _level(reading, scheme, fields[0])
    names: tuple[str, ...] = ()
    if level is not None and len(fields) > 2:
        reading.error("syntax", "a TLP label has at most one audience after '//'", fields[2].pos)
    elif level is not None and len(fields) == 2:
        names = _audience(reading, level, fields[1]) or ()
    reading.raise_errors()
    if level is None:
        raise AssertionError("unreachable: an unknown level records an error")
    label = Label(
        scheme=scheme.id,
        level=level.token,
        tier=level.tier,
        owner=(scheme.owner,),
        releasable_to=None,
        access=_access(level, names),
        original=text,
    )
    return label, "banner", tuple(reading.changes)


def write_tlp(label: Label, scheme: Scheme, form: str) -> str:
    """The TLP label with its audience, if it names one."""
    level = scheme.level(label.level)
    tokens = sorted(label.access.tokens())
    if label.access == _access(level, ()):
        return level.banner
    prefix = {"community": "community:", "org": "org:", "to": "person:"}.get(level.audience or "")
    names = [t.split(":", 1)[1] for t in tokens if prefix and t.startswith(prefix)]
    if names and label.access == _access(level, tuple(names)):
        kind = next(k for k, v in _AUDIENCES.items() if v == level.audience)
        return f"{level.banner}//{kind}:{', '.join(names)}"
    raise LabelError(
        "conflict",
        f"the access expression {label.access.text} is not a TLP audience of {level.banner}",
        0,
    )
