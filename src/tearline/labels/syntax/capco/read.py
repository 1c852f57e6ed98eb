"""Read a CAPCO-style marking into a canonical :class:`~tearline.labels.model.Label`.

Strict reading refuses anything that is not the canonical form, and reports every problem
with its class and column (the leftmost first). Lenient reading (``normalize``) fixes what is
unambiguous — case, spacing, spelling, order, a missing owner in REL TO — and lists each change.
"""

from __future__ import annotations

from dataclasses import dataclass

from tearline.labels.model import Label, _building
from tearline.labels.schemes import Control, Level, Scheme
from tearline.labels.syntax.capco.build import build_label
from tearline.labels.syntax.capco.fast import fast_read
from tearline.labels.syntax.capco.items import Item, read_items
from tearline.labels.syntax.capco.rules import check_rules
from tearline.labels.syntax.capco.vocabulary import Spelling, Vocabulary, vocabulary
from tearline.labels.syntax.text import Piece, Reading, shown, split
from tearline.labels.value import replace

__all__ = ["Classification", "read_full", "read_marking"]


@dataclass(frozen=True, slots=True)
class Classification:
    """The classification field: who owns the information and at what level."""

    owner: tuple[str, ...]
    level: Level
    piece: Piece
    implied: tuple[Control, ...] = ()
    inferred: bool = False


def read_marking(
    text: str, scheme: Scheme, form: str | None, strict: bool
) -> tuple[Label, str, tuple[str, ...]]:
    """Read ``text`` as a marking of ``scheme``: a canonical one by table lookups, else in full.

    Arguments, result and errors as :func:`read_full`, which gives the same answers.
    """
    if strict:
        fast = fast_read(text, scheme, form)
        if fast is not None:
            return fast[0], fast[1], ()
    return read_full(text, scheme, form, strict)


def read_full(
    text: str, scheme: Scheme, form: str | None, strict: bool
) -> tuple[Label, str, tuple[str, ...]]:
    """Read ``text`` as a marking of ``scheme`` with every check and every message.

    Args:
        text: the marking, banner line or portion mark.
        scheme: the scheme to read it in.
        form: ``"banner"``, ``"portion"`` or ``None`` to tell from the text.
        strict: refuse anything not canonical (True) or fix what is unambiguous (False).

    Returns:
        The label, the form read (banner or portion) and the changes a lenient read made.

    Raises:
        LabelError: the leftmost problem, with every problem found in ``errors``.
    """
    reading = Reading(strict)
    vocab = vocabulary(scheme)
    if not reading.check_characters(text):
        reading.raise_errors()
    body, form = _unwrap(reading, Piece(text, 1).strip(), form)
    if form is None and not strict:
        form = "banner"  # a lenient reader writes an unparenthesised marking as a banner
    fields = split(reading, body, scheme.field_separators, "a marking")
    foreign = fields[0].text == "" and len(fields) > 1
    if foreign:
        fields = fields[1:]
    classification, form = _read_classification(reading, vocab, fields[0], foreign, form)
    if classification is None:
        reading.raise_errors()
        raise AssertionError("unreachable: a failed classification records an error")
    items = read_items(reading, vocab, fields[1:], form, classification.owner)
    implied = [Item(c, c.token, classification.piece, -1) for c in classification.implied]
    items = [*implied, *items]
    items = check_rules(reading, scheme, classification.owner, classification.level, items, form)
    reading.raise_errors()
    label = build_label(scheme, classification.owner, classification.level, items, text)
    if classification.inferred:
        with _building():
            label = replace(label, level_inferred=True)
    return label, form, tuple(reading.changes)


def _unwrap(reading: Reading, piece: Piece, form: str | None) -> tuple[Piece, str | None]:
    """Take the parentheses off a portion mark; note the form they imply."""
    text = piece.text
    opened, closed = text.startswith("("), text.endswith(")")
    if opened and closed:
        inner = Piece(text[1:-1], piece.pos + 1)
        if form == "banner":
            reading.fix(
                "syntax",
                "a banner line has no parentheses; write it without them, or read it as a "
                "portion mark (--form portion)",
                piece.pos,
                "read a parenthesised marking as a portion mark",
            )
        return inner.strip() if not reading.strict else inner, "portion"
    if opened:
        reading.fix(
            "syntax",
            f"the portion mark opened at column {piece.pos} is not closed; end it with ')'",
            piece.pos,
            "added the missing ')'",
        )
        return Piece(text[1:], piece.pos + 1), "portion"
    if closed:
        last = piece.pos + len(text) - 1
        reading.fix(
            "syntax",
            f"')' at column {last} closes nothing; a portion mark is written like (S//NF)",
            last,
            "added the missing '('",
        )
        return Piece(text[:-1], piece.pos), "portion"
    return piece, form


def _read_classification(
    reading: Reading, vocab: Vocabulary, piece: Piece, foreign: bool, form: str | None
) -> tuple[Classification | None, str]:
    scheme = vocab.scheme
    if not piece.text:
        reading.error(
            "syntax",
            f"the marking has no classification at column {piece.pos}; start it with one "
            f"such as {scheme.levels[-2].banner}",
            piece.pos,
        )
        return None, form or "banner"
    if foreign:
        return _read_foreign(reading, vocab, piece, form)
    implied = _read_implied(reading, vocab, piece)
    if implied is not None:
        return implied, form or "banner"
    spelling = _pick_level(reading, vocab, piece, form, owner=None)
    if spelling is None:
        return None, form or "banner"
    resolved = form or ("portion" if spelling.form == "portion" else "banner")
    if spelling.owner is not None:
        reading.fix(
            "syntax",
            f"{shown(piece.text)} is owned by {spelling.owner}: a foreign classification starts "
            f"with '//' (//{piece.text})",
            piece.pos,
            f"added '//' before {spelling.owner}'s classification",
        )
        return Classification((spelling.owner,), spelling.level, piece), resolved
    return Classification((scheme.owner,), spelling.level, piece), resolved


def _read_implied(reading: Reading, vocab: Vocabulary, piece: Piece) -> Classification | None:
    """A classification field that is one word for a level with controls.

    A designation alone (特定秘密) implies its default level, flagged as inferred; a compound
    (OFFICIAL-SENSITIVE) is a level with its controls.
    """
    scheme = vocab.scheme
    lenient = not reading.strict
    if vocab.level_spellings(piece.text, lenient):
        return None
    owner = (scheme.owner,)
    compound = vocab.compound(piece.text, lenient)
    if compound is not None:
        if lenient and piece.text != compound.text:
            reading.changes.append(f"wrote {shown(piece.text)} as {compound.text}")
        controls = tuple(scheme.control(token) for token in compound.controls)
        return Classification(owner, scheme.level(compound.level), piece, controls)
    designation = vocab.designation(piece.text, lenient)
    if designation is None or designation.control.default_level is None:
        return None
    canonical = designation.control.banner
    if lenient and piece.text != canonical:
        reading.changes.append(f"wrote {shown(piece.text)} as {canonical}")
    level = scheme.level(designation.control.default_level)
    return Classification(owner, level, piece, (designation.control,), inferred=True)


def _pick_level(
    reading: Reading, vocab: Vocabulary, piece: Piece, form: str | None, owner: str | None
) -> Spelling | None:
    """The level ``piece`` spells (for ``owner``'s spellings), checking the form."""
    candidates = [
        s for s in vocab.level_spellings(piece.text, not reading.strict) if s.owner == owner
    ] or list(vocab.level_spellings(piece.text, not reading.strict))
    if not candidates:
        words = [w for w in vocab.level_words() if not w.islower()]
        import difflib  # only for a word that does not read: the suggestion

        close = difflib.get_close_matches(piece.text.upper(), words, n=1)
        hint = f"did you mean {close[0]}? " if close else ""
        expected = ", ".join(level.banner for level in reversed(vocab.scheme.levels))
        reading.error(
            "unknown-token",
            f"unknown classification {shown(piece.text)} at column {piece.pos}; {hint}"
            f"expected one of {expected}",
            piece.pos,
        )
        return None
    wanted = [s for s in candidates if form is None or s.form in (form, "alias")]
    spelling = (wanted or candidates)[0]
    level = spelling.level
    if wanted and not reading.strict:
        right = level.banner if (form or spelling.form) == "banner" else level.portion
        if spelling.owner is not None:
            table = vocab.scheme.owner_forms[spelling.owner]
            right = (table.banner if (form or spelling.form) == "banner" else table.portion).get(
                level.token, right
            )
        if piece.text != right:
            reading.changes.append(f"wrote {shown(piece.text)} as {right}")
    if form is not None and not wanted:
        right = level.banner if form == "banner" else level.portion
        reading.fix(
            "syntax",
            f"{shown(piece.text)} at column {piece.pos} is the {spelling.form} form; "
            f"in a {form} write {right}",
            piece.pos,
            f"wrote {shown(piece.text)} as {right}",
        )
    return spelling


def _read_foreign(
    reading: Reading, vocab: Vocabulary, piece: Piece, form: str | None
) -> tuple[Classification | None, str]:
    """Read ``//NATO SECRET``, ``//GBR S`` or ``//JOINT SECRET CAN GBR USA``."""
    spellings = [s for s in vocab.level_spellings(piece.text, not reading.strict) if s.owner]
    owned = next((s.owner for s in spellings if s.owner is not None), None)
    if owned is not None:
        spelling = _pick_level(reading, vocab, piece, form, owned)
        if spelling is None:
            return None, form or "banner"
        resolved = form or ("portion" if spelling.form == "portion" else "banner")
        return Classification((owned,), spelling.level, piece), resolved
    words = piece.text.split(" ")
    head = words[0].upper() if not reading.strict else words[0]
    if head == "JOINT":
        return _read_joint(reading, vocab, piece, form)
    if not _foreign_owner_ok(reading, vocab, piece, words, head):
        return None, form or "banner"
    owner = head
    rest = Piece(piece.text[len(words[0]) + 1 :], piece.pos + len(words[0]) + 1)
    spelling = _pick_level(reading, vocab, rest, form, owner=None)
    if spelling is None:
        return None, form or "banner"
    resolved = form or ("portion" if spelling.form == "portion" else "banner")
    return Classification((owner,), spelling.level, piece), resolved


def _foreign_owner_ok(
    reading: Reading, vocab: Vocabulary, piece: Piece, words: list[str], owner: str
) -> bool:
    """Whether ``//OWNER LEVEL`` names an owner and a level, and an owner that is foreign."""
    nations = vocab.scheme.nations
    if len(words) < 2:
        reading.error(
            "syntax",
            f"{shown(piece.text)} at column {piece.pos} is not a foreign classification; "
            "write the owner's code and the level, e.g. //GBR SECRET",
            piece.pos,
        )
        return False
    if owner == vocab.scheme.owner:
        reading.error(
            "syntax",
            f"{owner} information is marked without an owner prefix: drop '//{owner} '",
            piece.pos,
        )
        return False
    if not (nations.is_nation(owner) or nations.is_group(owner)):
        reading.error(
            "unknown-token",
            f"unknown owner {shown(words[0])} at column {piece.pos}; use a GENC trigraph "
            "such as GBR, or JOINT for several owners",
            piece.pos,
        )
        return False
    return True


def _read_joint(
    reading: Reading, vocab: Vocabulary, piece: Piece, form: str | None
) -> tuple[Classification | None, str]:
    """``JOINT <level> <owner> <owner>…``: owners A–Z, at least two."""
    body = piece.text[len("JOINT") :].strip()
    words = body.split(" ")
    for count in range(len(words) - 1, 0, -1):  # the longest level spelling first
        level_text = " ".join(words[:count])
        if vocab.level_spellings(level_text, not reading.strict):
            level_piece = Piece(level_text, piece.pos + 6)
            spelling = _pick_level(reading, vocab, level_piece, form, owner=None)
            if spelling is None:
                return None, form or "banner"
            codes = [word for word in words[count:] if word]
            owners = _joint_owners(reading, vocab, codes, piece)
            if owners is None:
                return None, form or "banner"
            resolved = form or ("portion" if spelling.form == "portion" else "banner")
            return Classification(owners, spelling.level, piece), resolved
    reading.error(
        "syntax",
        f"a joint classification at column {piece.pos} is written JOINT <level> <owners>, "
        "e.g. //JOINT SECRET CAN GBR USA",
        piece.pos,
    )
    return None, form or "banner"


def _joint_owners(
    reading: Reading, vocab: Vocabulary, codes: list[str], piece: Piece
) -> tuple[str, ...] | None:
    nations = vocab.scheme.nations
    owners = [code.upper() for code in codes] if not reading.strict else codes
    unknown = [code for code in owners if not nations.is_nation(code)]
    if unknown or len(set(owners)) < 2:
        reading.error(
            "unknown-token" if unknown else "missing-requirement",
            f"unknown owner {shown(unknown[0])} in the joint classification"
            if unknown
            else "a joint classification names at least two different owners",
            piece.pos,
        )
        return None
    if owners != sorted(set(owners)):
        reading.fix(
            "order",
            "joint owners are listed A–Z once each: " + " ".join(sorted(set(owners))),
            piece.pos,
            "sorted the joint owners A–Z",
        )
    return tuple(sorted(set(owners)))
