"""The scheme's validation rules on a read marking: levels, conflicts, requirements, lists."""

from __future__ import annotations

from tearline.labels.model import Tier
from tearline.labels.schemes import Level, Scheme
from tearline.labels.syntax.text import Piece, Reading, shown
from tearline.labels.value import replace

TYPE_CHECKING = False  # typing is not imported at run time (the command line starts faster)
if TYPE_CHECKING:
    from tearline.labels.syntax.capco.items import Item

__all__ = ["check_rules"]


def check_rules(
    reading: Reading,
    scheme: Scheme,
    owner: tuple[str, ...],
    level: Level,
    items: list[Item],
    form: str,
) -> list[Item]:
    """Record every rule of ``scheme`` the marking breaks (see markings.md §1.7).

    Returns the items with their lists in canonical order (as a lenient read fixed them).
    """
    if level.foreign_only and owner == (scheme.owner,):
        reading.error(
            "unknown-token",
            f"{level.banner} is not a {scheme.owner} classification; use "
            + ", ".join(lv.banner for lv in reversed(scheme.levels) if not lv.foreign_only)
            + f", or mark foreign information with its owner (//GBR {level.banner})",
            1,
        )
    present = {item.control.token: item for item in items}
    checked: list[Item] = []
    for item in items:
        _check_level(reading, scheme, level, item)
        _check_owner(reading, owner, item)
        for other in item.control.conflicts:
            if other in present:
                _conflict(reading, scheme, item, present[other])
        for needed in item.control.requires:
            if needed not in present:
                wanted = scheme.control(needed)
                reading.error(
                    "missing-requirement",
                    f"{item.name} at column {item.piece.pos} requires {wanted.banner}; "
                    f"add {wanted.banner if form == 'banner' else wanted.portion}",
                    item.piece.pos,
                )
        if item.control.list_kind is not None and not item.malformed:
            codes = _check_list(reading, scheme, item)
            item = replace(item, entries=tuple(Piece(code, item.piece.pos) for code in codes))
        checked.append(item)
    return _check_display(reading, scheme, owner, checked)


def _check_display(
    reading: Reading, scheme: Scheme, owner: tuple[str, ...], items: list[Item]
) -> list[Item]:
    """DISPLAY ONLY names nations that may see but not receive: not those that may receive."""
    nations = scheme.nations
    receivers = nations.expand(owner)
    for item in items:
        if item.control.list_kind == "release":
            receivers |= nations.expand(entry.text for entry in item.entries)
    out: list[Item] = []
    for item in items:
        if item.control.list_kind == "display":
            kept = []
            for entry in item.entries:
                members = nations.members(entry.text)
                if members and members <= receivers:
                    reading.fix(
                        "conflict",
                        f"{entry.text} in {item.control.banner} at column {entry.pos} may "
                        f"already receive it; {item.control.banner} lists only nations that "
                        "may see it but not receive it",
                        entry.pos,
                        f"removed {entry.text} from {item.control.banner}: it may receive it",
                    )
                else:
                    kept.append(entry)
            if not kept and item.entries:
                reading.changes.append(f"removed the empty {item.control.banner}")
                continue
            item = replace(item, entries=tuple(kept))
        out.append(item)
    return out


def _check_level(reading: Reading, scheme: Scheme, level: Level, item: Item) -> None:
    control = item.control
    if control.levels is not None and level.token not in control.levels:
        allowed = ", ".join(scheme.level(token).banner for token in sorted(control.levels))
        reading.error(
            "level",
            f"{item.name} at column {item.piece.pos} is allowed only on {allowed} "
            f"markings, not {level.banner}; remove it or change the classification",
            item.piece.pos,
        )
    elif control.classified_only and level.tier < Tier.RESTRICTED:
        reading.error(
            "level",
            f"{item.name} at column {item.piece.pos} needs a classified marking; "
            f"{level.banner} cannot carry it",
            item.piece.pos,
        )


def _check_owner(reading: Reading, owner: tuple[str, ...], item: Item) -> None:
    allowed = item.control.owners
    if allowed is not None and not set(owner) <= allowed:
        reading.error(
            "conflict",
            f"{item.name} at column {item.piece.pos} belongs to "
            f"{' and '.join(sorted(allowed))} markings; it needs a classification such as "
            f"//{sorted(allowed)[0]} SECRET",
            item.piece.pos,
        )


def _conflict(reading: Reading, scheme: Scheme, item: Item, other: Item) -> None:
    later, earlier = (item, other) if item.piece.pos > other.piece.pos else (other, item)
    message = (
        f"{later.name} at column {later.piece.pos} conflicts with "
        f"{earlier.name} at column {earlier.piece.pos}"
    )
    owner_only = scheme.owner_only_control
    if owner_only in (item.control.token, other.control.token):
        words = scheme.control(owner_only).spelled("banner", (scheme.owner,))
        message += f": {words} means {scheme.owner} only; keep one"
    else:
        message += "; keep one"
    if not any(e.message == message for e in reading.errors):
        reading.error("conflict", message, later.piece.pos)


def _check_list(reading: Reading, scheme: Scheme, item: Item) -> list[str]:
    """Codes known, written once, in register order, enough of them."""
    control = item.control
    if not item.entries and control.list_kind != "fgi":
        reading.error(
            "missing-requirement",
            f"{control.banner} at column {item.piece.pos} needs a list of country codes, "
            f"e.g. {control.banner} {scheme.rel_first or scheme.owner}, JPN",
            item.piece.pos,
        )
        return []
    known, codes = _known_codes(reading, scheme, item)
    if not known:  # order and count mean little until every code is known
        return [entry.text for entry in codes]
    codes = _drop_covered(reading, scheme, item, codes)
    return _check_list_order(reading, scheme, item, codes)


def _known_codes(reading: Reading, scheme: Scheme, item: Item) -> tuple[bool, list[Piece]]:
    """Whether every code of the list is a current register code, and the codes once each."""
    nations = scheme.nations
    seen: set[str] = set()
    codes: list[Piece] = []
    known = True
    for entry in item.entries:
        text = entry.text
        current = (nations.is_nation(text) or nations.is_group(text)) and (
            text not in nations.deprecated
        )
        known = known and current
        if text in nations.deprecated:
            reading.error(
                "unknown-token",
                f"{text} at column {entry.pos} was withdrawn from the register on "
                f"{nations.deprecated[text]}; remove it",
                entry.pos,
            )
        elif not current:
            reading.error(
                "unknown-token",
                f"unknown country code {shown(text)} at column {entry.pos}; use a GENC "
                "trigraph such as JPN or a group such as FVEY",
                entry.pos,
            )
        elif text in seen:
            banner = item.control.banner
            reading.fix(
                "syntax",
                f"{text} is listed twice in {banner} (column {entry.pos}); remove one",
                entry.pos,
                f"removed a repeated {text} from {banner}",
            )
        else:
            seen.add(text)
            codes.append(entry)
    return known, codes


def _drop_covered(reading: Reading, scheme: Scheme, item: Item, codes: list[Piece]) -> list[Piece]:
    """A country inside a group the list also names is said twice (the list's head excepted)."""
    nations = scheme.nations
    first = scheme.rel_first if item.control.list_kind == "release" else None
    groups = [entry.text for entry in codes if nations.is_group(entry.text)]
    kept: list[Piece] = []
    for entry in codes:
        inside = [g for g in groups if entry.text in nations.members(g)]
        if inside and entry.text != first and nations.is_nation(entry.text):
            reading.fix(
                "syntax",
                f"{entry.text} at column {entry.pos} is already in {inside[0]}; remove it",
                entry.pos,
                f"removed {entry.text} from {item.control.banner}: it is in {inside[0]}",
            )
        else:
            kept.append(entry)
    return kept


def _check_list_order(
    reading: Reading, scheme: Scheme, item: Item, codes: list[Piece]
) -> list[str]:
    """Check the register order and the count; return the codes in canonical order."""
    control = item.control
    texts = [entry.text for entry in codes]
    first = scheme.rel_first if control.list_kind == "release" else None
    wanted = canonical_list([t for t in texts if t != first], scheme)
    if first is not None:
        if first not in texts:
            reading.fix(
                "missing-requirement",
                f"{control.banner} at column {item.piece.pos} must start with {first}",
                item.piece.pos,
                f"added {first} at the head of {control.banner}",
            )
        wanted = [first, *wanted]
    for entry, want in zip(codes, wanted, strict=False):
        if entry.text != want:
            reading.fix(
                "order",
                f"{entry.text} at column {entry.pos} is out of order; {control.banner} lists "
                + (f"{first} first, then " if first else "")
                + f"country codes A–Z, then group codes A–Z: {', '.join(wanted)}",
                entry.pos,
                f"put {control.banner} in register order",
            )
            break
    minimum = scheme.rel_min_entries if control.list_kind == "release" else 1
    if control.list_kind != "fgi" and len(set(wanted)) < minimum:
        example = f"{control.banner} {first or scheme.owner}, JPN"
        only = scheme.owner_only_control
        reading.error(
            "missing-requirement",
            f"{control.banner} at column {item.piece.pos} needs at least {minimum} "
            f"{'entries' if minimum > 1 else 'entry'}, e.g. {example}"
            + (
                f"; for {scheme.owner} only write "
                + scheme.control(only).spelled("banner", (scheme.owner,))
                if control.list_kind == "release" and only
                else ""
            ),
            item.piece.pos,
        )
    return wanted


def canonical_list(codes: list[str], scheme: Scheme) -> list[str]:
    """Codes in register order: country trigraphs A–Z, then group codes A–Z."""
    nations = scheme.nations
    unique = sorted(set(codes))
    return [c for c in unique if nations.is_nation(c)] + [c for c in unique if nations.is_group(c)]
