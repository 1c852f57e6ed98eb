"""Read the control fields of a marking (everything after the classification) into items."""

from __future__ import annotations

from tearline.labels.schemes import Control, Scheme
from tearline.labels.syntax.capco.vocabulary import ControlSpelling, Vocabulary
from tearline.labels.syntax.text import Piece, Reading, lenient_key, shown, split
from tearline.labels.value import value

__all__ = ["Item", "read_items"]


@value
class Item:
    """One control as written: the control, the label token, where, and any list entries."""

    control: Control
    token: str
    piece: Piece
    field: int
    entries: tuple[Piece, ...] = ()
    malformed: bool = False

    @property
    def name(self) -> str:
        """How people call the control: its banner word, or the token of a family."""
        if self.control.templated:
            return self.piece.text
        return self.control.banner if self.control.pattern is None else self.token


def read_items(
    reading: Reading,
    vocab: Vocabulary,
    fields: list[Piece],
    form: str,
    owner: tuple[str, ...],
) -> list[Item]:
    """Resolve every control in ``fields``; check field grouping and register order."""
    items: list[Item] = []
    for number, field in enumerate(fields):
        if not field.text:
            column = max(field.pos - 2, 1)
            reading.fix(
                "syntax",
                f"empty field after the '//' at column {column}: remove that '//'",
                column,
                "removed an empty '//' field",
            )
            continue
        matched, eyes = _read_eyes(reading, vocab, field, number)
        if matched:
            items += [eyes] if eyes is not None else []
            continue
        for piece in split(reading, field, "/", "controls"):
            item = _read_item(reading, vocab, piece, form, number, owner)
            if item is not None:
                items.append(item)
    _check_fields(reading, vocab.scheme, items)
    return _in_register_order(vocab.scheme, items) if not reading.strict else items


def _read_item(
    reading: Reading,
    vocab: Vocabulary,
    piece: Piece,
    form: str,
    number: int,
    owner: tuple[str, ...],
) -> Item | None:
    if not piece.text:
        reading.fix(
            "syntax",
            f"empty control at column {piece.pos}: remove the extra '/'",
            piece.pos,
            "removed an empty '/' entry",
        )
        return None
    lenient = not reading.strict
    spellings = vocab.control_spellings(piece.text, lenient)
    if spellings:
        spelling = _pick(reading, spellings, piece, form)
        return Item(spelling.control, spelling.control.token, piece, number)
    listed = _read_list_item(reading, vocab, piece, form, number)
    if listed is not None:
        return listed
    patterned = _read_pattern_item(reading, vocab.scheme, piece, number)
    if patterned is not None:
        return patterned
    templated = _read_templated_item(reading, vocab, piece, form, number, owner)
    if templated is not None:
        return templated
    _unknown_control(reading, vocab, piece)
    return None


def _read_eyes(
    reading: Reading, vocab: Vocabulary, field: Piece, number: int
) -> tuple[bool, Item | None]:
    """A caveat naming several nations by short name (``UK/US EYES ONLY``).

    Returns whether the field is such a caveat, and its item (None when a name is unknown).
    """
    for control in vocab.eyes:
        suffix = " " + control.banner
        text = lenient_key(field.text) if not reading.strict else field.text
        if not text.endswith(suffix) or "/" not in text:
            continue
        names = text[: -len(suffix)].split("/")
        if control.short_names.get(names[0].strip()) is None:
            continue  # not this caveat: ORCON/UK EYES ONLY is two controls
        entries: list[Piece] = []
        start = 0
        for name in names:
            short = name.strip() if not reading.strict else name
            code = control.short_names.get(short)
            if code is None:
                known = ", ".join(control.short_names)
                reading.error(
                    "unknown-token",
                    f"unknown nation {shown(name)} in {control.banner} at column "
                    f"{field.pos + start}; use one of {known}",
                    field.pos + start,
                )
                return True, None
            entries.append(Piece(code, field.pos + start))
            start += len(name) + 1
        return True, Item(control, control.token, field, number, tuple(entries))
    return False, None


def _read_templated_item(
    reading: Reading,
    vocab: Vocabulary,
    piece: Piece,
    form: str,
    number: int,
    owner: tuple[str, ...],
) -> Item | None:
    """A control spelt with the owner's code in it (``JPN ONLY``)."""
    for control in vocab.templated:
        canonical = control.spelled(form, owner)
        if piece.text == canonical:
            return Item(control, control.token, piece, number)
        if not reading.strict and lenient_key(piece.text) == lenient_key(canonical):
            reading.changes.append(f"wrote {shown(piece.text)} as {canonical}")
            return Item(control, control.token, piece, number)
    return None


def _pick(
    reading: Reading, spellings: tuple[ControlSpelling, ...], piece: Piece, form: str
) -> ControlSpelling:
    """The spelling that fits ``form``; a banner may also spell the long title."""
    allowed = ("banner", "title", "alias") if form == "banner" else ("portion", "alias")
    for spelling in spellings:
        if spelling.form in allowed:
            if spelling.form in ("title", "alias") or piece.text != _canonical(spelling, form):
                _respell(reading, piece, spelling, form)
            return spelling
    spelling = spellings[0]
    control = spelling.control
    right = control.banner if form == "banner" else control.portion
    reading.fix(
        "syntax",
        f"{shown(piece.text)} at column {piece.pos} is the {spelling.form} form of "
        f"{control.banner}; in a {form} write {right}",
        piece.pos,
        f"wrote {shown(piece.text)} as {right}",
    )
    return spelling


def _canonical(spelling: ControlSpelling, form: str) -> str:
    control = spelling.control
    return control.banner if form == "banner" else control.portion


def _respell(reading: Reading, piece: Piece, spelling: ControlSpelling, form: str) -> None:
    """Note, when lenient, that a control was written other than canonically."""
    canonical = _canonical(spelling, form)
    if not reading.strict and piece.text != canonical:
        reading.changes.append(f"wrote {shown(piece.text)} as {canonical}")


def _read_list_item(
    reading: Reading, vocab: Vocabulary, piece: Piece, form: str, number: int
) -> Item | None:
    lenient = not reading.strict
    text = lenient_key(piece.text) if lenient else piece.text
    for prefix, spelling in vocab.list_prefixes:
        key = lenient_key(prefix) if lenient else prefix
        if text != key and not text.startswith(key + " "):
            continue
        control = spelling.control
        if spelling.form not in (("banner", "title") if form == "banner" else ("portion",)):
            continue
        cut = _prefix_length(piece.text, prefix) if lenient else len(prefix)
        if piece.text[:cut] != _canonical(spelling, form):
            _respell(reading, Piece(piece.text[:cut], piece.pos), spelling, form)
        rest = Piece(piece.text[cut:], piece.pos + cut)
        entries, malformed = _list_entries(reading, rest, control)
        return Item(control, control.token, piece, number, entries, malformed)
    return None


def _prefix_length(text: str, prefix: str) -> int:
    """How many characters of ``text`` spell ``prefix`` when case and spacing are ignored."""
    words = len(prefix.split())
    index = 0
    for _ in range(words):
        while index < len(text) and text[index].isspace():
            index += 1
        while index < len(text) and not text[index].isspace():
            index += 1
    return index


def _list_entries(
    reading: Reading, rest: Piece, control: Control
) -> tuple[tuple[Piece, ...], bool]:
    """The codes after ``REL TO``/``DISPLAY ONLY``/``FGI``, each with its column.

    The flag is True when the list is malformed (the error is recorded).
    """
    if not rest.text.strip():
        return (), False
    if not reading.strict:
        import re  # the lenient reader only

        found = re.finditer(r"[^,\s]+", rest.text)
        return tuple(Piece(m.group().upper(), rest.pos + m.start()) for m in found), False
    if not rest.text.startswith(" ") or rest.text.startswith("  "):
        reading.error(
            "syntax", f"write one space after {control.banner} (column {rest.pos})", rest.pos
        )
        return (), True
    body = Piece(rest.text[1:], rest.pos + 1)
    separator = " " if control.list_kind == "fgi" else ", "
    entries: list[Piece] = []
    start = 0
    while True:
        index = body.text.find(separator, start)
        end = len(body.text) if index < 0 else index
        entry = Piece(body.text[start:end], body.pos + start)
        if not entry.text or entry.text != entry.text.strip() or "," in entry.text:
            reading.error(
                "syntax",
                f"malformed entry {shown(entry.text)} at column {entry.pos}; separate the "
                f"entries of {control.banner} with {separator!r}, e.g. "
                + ("FGI CAN GBR" if separator == " " else "REL TO USA, GBR, JPN"),
                entry.pos,
            )
            return tuple(entries), True
        entries.append(entry)
        if index < 0:
            return tuple(entries), False
        start = index + len(separator)


def _read_pattern_item(reading: Reading, scheme: Scheme, piece: Piece, number: int) -> Item | None:
    text = lenient_key(piece.text) if not reading.strict else piece.text
    for control in scheme.pattern_controls():
        candidate = text
        if control.title_prefix and text.startswith(control.title_prefix):
            name = text[len(control.title_prefix) :].replace(" ", "_")
            candidate = control.token.split("*")[0] + name
        if control.pattern is not None and control.pattern.fullmatch(candidate):
            if candidate != piece.text and not reading.strict:
                reading.changes.append(f"wrote {shown(piece.text)} as {candidate}")
            return Item(control, candidate, piece, number)
    return None


def _unknown_control(reading: Reading, vocab: Vocabulary, piece: Piece) -> None:
    import difflib  # only for a word that does not read: the suggestion

    close = difflib.get_close_matches(piece.text.upper(), vocab.control_words(), n=3)
    hint = f"did you mean {' or '.join(close)}? " if close else ""
    reading.error(
        "unknown-token",
        f"unknown control {shown(piece.text)} at column {piece.pos}; {hint}"
        f"{vocab.scheme.name} does not define it",
        piece.pos,
    )


def _check_fields(reading: Reading, scheme: Scheme, items: list[Item]) -> None:
    """Each '//' field holds one category; categories and controls go in register order."""
    previous: Item | None = None
    field_category: dict[int, str] = {}
    for item in items:
        category = scheme.category(item.control.category)
        first = field_category.setdefault(item.field, item.control.category)
        if first != item.control.category:
            reading.fix(
                "syntax",
                f"{shown(item.piece.text)} at column {item.piece.pos} is one of the "
                f"{category.title}, which go in their own '//' field",
                item.piece.pos,
                f"moved {item.token} to the {category.title}",
            )
        if previous is not None:
            _check_pair(reading, scheme, previous, item)
        previous = item


def _check_pair(reading: Reading, scheme: Scheme, previous: Item, item: Item) -> None:
    before, now = scheme.sort_key(previous.token), scheme.sort_key(item.token)
    category = scheme.category(item.control.category)
    if before == now:
        message = (
            f"{item.name} appears twice (columns {previous.piece.pos} and {item.piece.pos}); "
            + ("write one list" if item.entries else "remove one")
        )
        if item.entries:  # two lists: which one was meant is not ours to guess
            reading.error("syntax", message, item.piece.pos)
        else:
            reading.fix("syntax", message, item.piece.pos, f"removed a repeated {item.name}")
    elif before[0] == now[0] and previous.field != item.field:
        reading.fix(
            "syntax",
            f"a second field of {category.title} at column {item.piece.pos}; join them into "
            "one field separated by '/'",
            item.piece.pos,
            f"joined the {category.title} into one field",
        )
    elif before > now:
        order = (
            ", ".join(c.banner for c in category.controls if c.pattern is None)
            if before[0] == now[0]
            else " // ".join(c.title for c in scheme.categories)
        )
        reading.fix(
            "order",
            f"{item.name} at column {item.piece.pos} must come before "
            f"{previous.name}; the order is {order}",
            item.piece.pos,
            "put the controls in register order",
        )


def _in_register_order(scheme: Scheme, items: list[Item]) -> list[Item]:
    """Items sorted into register order with repeats dropped (lenient reading only)."""
    seen: dict[tuple[int, int, str], Item] = {}
    for item in items:
        seen.setdefault(scheme.sort_key(item.token), item)
    return [seen[key] for key in sorted(seen)]
