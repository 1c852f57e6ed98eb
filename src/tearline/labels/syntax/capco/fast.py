"""Read a marking already in canonical form by table lookups alone.

Most markings a system meets are canonical: written by a tool, one spelling per control, every
list in register order. :func:`fast_read` reads exactly those — a classification of the
scheme's own owner, then controls spelt canonically, in register order, each field one
category, lists of current codes in register order — looking each piece up in the tables of
:mod:`~tearline.labels.syntax.capco.tables` and checking the same rules as the full reader.
It answers ``None`` for anything else (a foreign or joint owner, a long form, an alias, a
space, a repeat, an unknown token, a rule broken): the full reader then reads it or reports
the precise error. What it returns is exactly what the full reader returns for the same text
(``tests/unit/labels/test_fast_read.py`` checks that property on generated markings).

A marking is read field by field (the text between ``//``), and what a field says — its
controls in register order, its lists checked, the nations a release list expands to — depends
on the field's text alone. So each field is read once and kept, per scheme and form, in a
bounded table (:class:`~tearline.labels.syntax.capco.tables.Field`); a marking then costs a
split, a lookup per field and the checks that span fields (the level each control may stand
on, register order between fields, controls that require or exclude each other, DISPLAY ONLY
beside the release list). At most :data:`FIELDS_MAX` fields of at most
:data:`FIELD_MAX_CHARS` characters are kept per scheme and form. :func:`forget` empties those
tables (``bench/parsing.py`` does, to time markings whose every field is new).
"""

from __future__ import annotations

from tearline.labels.access import EMPTY, AccessExpression
from tearline.labels.model import Label, Tier, _label
from tearline.labels.schemes import Level, Scheme
from tearline.labels.syntax.capco.build import access_of
from tearline.labels.syntax.capco.tables import FastTables, Field, Found, Word, fast_tables
from tearline.labels.syntax.text import MAX_LENGTH

TYPE_CHECKING = False  # typing is not imported at run time (the command line starts faster)
if TYPE_CHECKING:
    from typing import Literal

__all__ = ["fast_read", "forget"]

_START = (-1, -1, "")  # before every register key
_NO_CODES: frozenset[str] = frozenset()
#: How many fields each form's table keeps before it is emptied (real markings share few),
#: and the longest field kept (a longer one is read every time): so hostile input can hold
#: at most a few megabytes per scheme and form, however many distinct fields it sends.
FIELDS_MAX = 4096
FIELD_MAX_CHARS = 256


def forget(scheme: Scheme) -> None:
    """Empty the tables of fields read (and of access expressions) kept with ``scheme``.

    The fields of single controls, made from the vocabulary with the tables, stay.
    """
    tables = fast_tables(scheme)
    if tables is not None:
        for table in tables.fields.values():
            table.clear()
    scheme.memo.pop("capco.access", None)


def fast_read(text: str, scheme: Scheme, form: str | None) -> tuple[Label, str] | None:
    """The label and form of ``text`` if it is a canonical marking of ``scheme``'s owner.

    ``None`` when it is anything else; the caller must then use the full reader.
    """
    tables = fast_tables(scheme)
    if tables is None or len(text) > MAX_LENGTH or not text.isprintable():
        return None
    body = text
    if text[:1] == "(" or text[-1:] == ")":
        if form == "banner" or text[:1] != "(" or text[-1:] != ")":
            return None
        body, form = text[1:-1], "portion"
    parts = body.split("//")
    head = tables.levels.get((parts[0], form))
    if head is None:
        return None
    level, form = head
    known = tables.fields[form]
    fields: list[Field] = []
    last = -1
    for part in parts[1:]:
        field = known.get(part)
        if field is None:
            field = _read_field(tables, part, form)
            if len(part) <= FIELD_MAX_CHARS:
                if len(known) >= FIELDS_MAX:
                    known.clear()
                known[part] = field
        # a field opens a new category, after the last one in register order
        if field is False or field.category <= last:
            return None
        fields.append(field)
        last = field.category
    label = _lawful(tables, level, fields, text)
    return None if label is None else (label, form)


def _read_field(tables: FastTables, part: str, form: str) -> Field | Literal[False]:
    """The field ``part`` if it is canonical and keeps the rules that are its own, else False."""
    single = tables.single[form].get(part)
    if single is not None:
        return single
    found = _scan(tables, part, form)
    if found is None or not _lists_lawful(tables, found):
        return False
    field = Field(tables, found)
    # controls of the field that conflict with each other: no marking holding it is lawful
    return False if field.excludes & field.tokens else field


def _scan(tables: FastTables, part: str, form: str) -> list[Found] | None:
    """The controls of one field, if all are canonical, in order and of one category."""
    if tables.eyes and part.endswith(tables.eyes):
        return None
    words = tables.words[form]
    found: list[Found] = []
    last = _START
    for piece in part.split("/"):
        word = words.get(piece)
        hit = (word, word.key, None) if word is not None else _unusual(tables, piece, form)
        if hit is None:
            return None
        key = hit[1]
        # register order, once each, and every piece of the field in the first one's category
        if key <= last or (found and key[0] != last[0]):
            return None
        found.append(hit)
        last = key
    return found


def _unusual(tables: FastTables, piece: str, form: str) -> Found | None:
    """A list or a family token, as the full reader finds them.

    The full reader tries a piece that is no control's spelling as an alias (case and spaces
    folded), then as a list, a family token, a control spelt with the owner (those it can
    take no other way are in ``tables.words``). A canonical list is its own folded form, so
    it is an alias exactly when its text is one.
    """
    if piece.startswith(tables.list_starts):
        for prefix, spaced, word in tables.lists[form]:
            if piece == prefix or piece.startswith(spaced):
                codes = None if word is None else _list_codes(tables, piece[len(prefix) :], word)
                if word is None or codes is None or piece in tables.alias_keys:
                    return None
                return word, word.key, codes
    if not piece.isascii() or piece != " ".join(piece.upper().split()):
        return None  # the full reader folds case and spaces here: it decides
    if piece in tables.alias_keys or piece.startswith(tables.titled):
        return None
    if piece in tables.plain_tokens:
        return None
    for pattern, word in tables.patterns:
        if pattern.fullmatch(piece):
            return word, (word.key[0], word.key[1], piece), None
    return None  # unknown, or spelt with an owner where the full reader must judge it


def _list_codes(tables: FastTables, rest: str, word: Word) -> tuple[str, ...] | None:
    """The codes after a list's prefix if each is current and they are in register order."""
    if not rest:
        return ()
    kind = word.list_kind
    codes = tuple(rest[1:].split(" " if kind == "fgi" else ", "))
    head = tables.head if kind == "release" else None
    last = -1
    for code in codes:
        entry = tables.codes.get(code)
        if entry is None:
            return None
        order = 0 if code == head else entry.order
        if order <= last:
            return None
        last = order
    return codes


def _lists_lawful(tables: FastTables, found: list[Found]) -> bool:
    """Each list long enough, a release list headed by its head, no code said twice over."""
    for word, _, codes in found:
        if codes is None:
            continue
        kind = word.list_kind
        if not codes and kind != "fgi":
            return False
        head = tables.head if kind == "release" else None
        if kind == "release" and (
            len(codes) < tables.min_release or (head is not None and codes[0] != head)
        ):
            return False
        groups = tables.group_codes.intersection(codes)
        if groups and _inside(tables, groups, codes[1:] if head is not None else codes):
            return False
    return True


def _inside(tables: FastTables, groups: frozenset[str], nations: tuple[str, ...]) -> bool:
    """Whether a list names a nation inside a group it also names (its head left out)."""
    members = tables.members
    return any(not members[group].isdisjoint(nations) for group in groups)


def _lawful(tables: FastTables, level: Level, fields: list[Field], text: str) -> Label | None:
    """The label of the marking, if it keeps the rules that span its fields (else None)."""
    token = level.token
    tier = tables.tiers[token]
    access: tuple[str, ...] = ()
    expression: AccessExpression | None = EMPTY  # None: the fields' tokens to be conjoined
    controls: tuple[str, ...] = ()
    release = display = fgi = None
    disclosure = related = False
    for field in fields:
        if token not in field.levels:
            return None
        if field.tier is not None and field.tier > tier:
            tier = field.tier
        disclosure = disclosure or field.disclosure
        related = related or field.related
        if field.access:
            expression = None if access else field.expression
            access += field.access
        if field.controls:
            controls += field.controls
        release = field if field.release is not None else release
        display = field if field.display is not None else display
        fgi = field.fgi if field.fgi is not None else fgi
    if related and not _related_lawful(fields):
        return None
    who = _receivers(tables, tier, disclosure, release, display)
    if who is None:
        return None
    scheme = tables.scheme
    if expression is None:
        expression = access_of(scheme, tuple(sorted(set(access))))
    return _label(
        scheme.id,
        token,
        tier,
        tables.owner,
        *who,
        expression,
        controls,
        fgi,
        text,
    )


_Receivers = tuple[frozenset[str] | None, frozenset[str], frozenset[str], frozenset[str]]


def _receivers(
    tables: FastTables, tier: Tier, disclosure: bool, release: Field | None, display: Field | None
) -> _Receivers | None:
    """Who may receive and who may see the marking (None if its DISPLAY ONLY is unlawful).

    As :meth:`~tearline.labels.schemes.Scheme.releasability` gives them for the owner: a
    release list adds its nations, another disclosure marking or a classified level leaves
    the owner only, unclassified information with neither is unrestricted.
    """
    releasable: frozenset[str] | None
    if release is not None:
        releasable, rel_groups = release.releasable, release.rel_groups
    elif disclosure or tier >= Tier.RESTRICTED:
        releasable, rel_groups = tables.owner_only, _NO_CODES
    else:
        releasable, rel_groups = None, _NO_CODES
    if display is None:
        return releasable, rel_groups, _NO_CODES, _NO_CODES
    receivers = releasable if release is not None else tables.owner_only
    if not _display_lawful(tables, display, receivers):
        return None
    displayable = display.displayable - (releasable or _NO_CODES)
    return releasable, rel_groups, displayable, display.display_groups


def _related_lawful(fields: list[Field]) -> bool:
    """Every control required is present, none that conflicts."""
    if len(fields) == 1:  # a field's own controls do not conflict (see _read_field)
        return not fields[0].needs
    present = frozenset().union(*(field.tokens for field in fields))
    return all(present >= field.needs and present.isdisjoint(field.excludes) for field in fields)


def _display_lawful(tables: FastTables, display: Field, receivers: frozenset[str] | None) -> bool:
    """No nation in DISPLAY ONLY that may already receive the marking."""
    codes_of = tables.codes
    kept = receivers or _NO_CODES
    return not any(
        codes_of[c].members and codes_of[c].members <= kept for c in display.display or ()
    )
