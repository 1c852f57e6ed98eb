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
"""

from __future__ import annotations

from tearline.labels.model import Label
from tearline.labels.schemes import Level, Scheme
from tearline.labels.syntax.capco.build import Marked, assemble
from tearline.labels.syntax.capco.tables import FastTables, Word, fast_tables
from tearline.labels.syntax.text import MAX_LENGTH

__all__ = ["fast_read"]

#: One control as read: its word, its register key (the token last), its list's codes if any.
_Found = tuple[Word, tuple[int, int, str], tuple[str, ...] | None]
_START = (-1, -1, "")  # before every register key


def fast_read(text: str, scheme: Scheme, form: str | None) -> tuple[Label, str] | None:
    """The label and form of ``text`` if it is a canonical marking of ``scheme``'s owner.

    ``None`` when it is anything else; the caller must then use the full reader. Labels are
    built only inside :func:`tearline.labels.model._building`.
    """
    tables = fast_tables(scheme)
    if tables is None or len(text) > MAX_LENGTH or not text.isprintable():
        return None
    body = text
    if text[:1] == "(" or text[-1:] == ")":
        if form == "banner" or text[:1] != "(" or text[-1:] != ")":
            return None
        body, form = text[1:-1], "portion"
    fields = body.split("//")
    head = tables.levels.get((fields[0], form))
    if head is None:
        return None
    level, form = head
    found = _scan(tables, fields, form)
    marked = None if found is None else _lawful(tables, level, found)
    if marked is None:
        return None
    return assemble(scheme, marked, text), form


def _scan(tables: FastTables, fields: list[str], form: str) -> list[_Found] | None:
    """The controls of the fields after the classification, if all are canonical and in order."""
    words = tables.words[form]
    found: list[_Found] = []
    last = _START
    for field in fields[1:]:
        if tables.eyes and field.endswith(tables.eyes):
            return None
        opening = True
        for piece in field.split("/"):
            word = words.get(piece)
            hit = (word, word.key, None) if word is not None else _unusual(tables, piece, form)
            if hit is None:
                return None
            key = hit[1]
            # register order, once each; a field opens a new category and holds only that one
            if key <= last or (key[0] == last[0]) is opening:
                return None
            found.append(hit)
            last, opening = key, False
    return found


def _unusual(tables: FastTables, piece: str, form: str) -> _Found | None:
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
    last = (-1, "")
    for code in codes:
        entry = tables.codes.get(code)
        if entry is None:
            return None
        order = (0, "") if code == head else entry.order
        if order <= last:
            return None
        last = order
    return codes


def _lawful(tables: FastTables, level: Level, found: list[_Found]) -> Marked | None:
    """What the marking says, if it keeps every rule of the scheme (else None)."""
    lists: dict[str | None, tuple[str, ...]] = {}
    access: list[str] = []
    controls: list[str] = []
    tier, disclosure, related = tables.tiers[level.token], False, False
    for word, key, codes in found:
        if level.token not in word.levels:
            return None
        if codes is not None:
            lists[word.list_kind] = codes
        if word.tier is not None and word.tier > tier:
            tier = word.tier
        disclosure = disclosure or word.disclosure
        related = related or word.related
        if word.role == "access":
            access.append(key[2])
        elif word.role == "controls":
            controls.append(key[2])
    if related and not _related_lawful(found):
        return None
    owner = (tables.scheme.owner,)
    if lists and not _lists_lawful(tables, lists, owner):
        return None
    # Marked(owner, level, tier, rel_codes, has_disclosure, display_codes, access, controls, fgi)
    return Marked(
        owner,
        level,
        tier,
        lists.get("release"),
        disclosure,
        lists.get("display", ()),
        tuple(sorted(set(access))) if len(access) > 1 else tuple(access),
        tuple(controls),  # in register order once each, as the scan found them
        lists.get("fgi"),
    )


def _related_lawful(found: list[_Found]) -> bool:
    """Every control required is present, none that conflicts."""
    present = {word.control.token for word, _, _ in found}
    return all(
        present >= word.requires and present.isdisjoint(word.conflicts) for word, _, _ in found
    )


def _lists_lawful(
    tables: FastTables, lists: dict[str | None, tuple[str, ...]], owner: tuple[str, ...]
) -> bool:
    """Lists long enough, the release list headed by its head, no code said twice over."""
    codes_of = tables.codes
    for kind, codes in lists.items():
        if not codes and kind != "fgi":
            return False
        head = tables.head if kind == "release" else None
        if kind == "release" and (
            len(codes) < tables.min_release or (head is not None and codes[0] != head)
        ):
            return False
        groups = [codes_of[c].members for c in codes if not codes_of[c].nation]
        nations = [c for c in codes if codes_of[c].nation and c != head]
        if groups and any(c in members for c in nations for members in groups):
            return False  # a nation inside a group the list also names (the head excepted)
    display = lists.get("display")
    if display:
        receivers = tables.scheme.nations.expand((*owner, *lists.get("release", ())))
        if any(codes_of[c].members and codes_of[c].members <= receivers for c in display):
            return False  # a nation that may see it and may already receive it
    return True
