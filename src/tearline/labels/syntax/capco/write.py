"""Write a canonical label as a CAPCO-style marking: banner line or portion mark."""

from __future__ import annotations

from tearline.errors import LabelError
from tearline.labels.model import Label
from tearline.labels.schemes import Compound, Scheme
from tearline.labels.syntax.capco.rules import canonical_list

__all__ = ["display_list", "release_list", "release_words", "write_marking"]


def write_marking(label: Label, scheme: Scheme, form: str) -> str:
    """The canonical marking of ``label`` in ``scheme``: ``form`` is banner or portion.

    Raises:
        LabelError: the label holds something the scheme cannot write (a token it does not
            define, an access expression that is not a list of required controls).
    """
    fields: dict[int, list[tuple[tuple[int, int, str], str]]] = {}
    for token in _required_tokens(label, scheme):
        control = scheme.control(token)
        _add(fields, scheme, token, control.banner if control.pattern is None else token)
    compound = _compound(label, scheme)
    for token in label.controls:
        _require(scheme, token, f"the control {token!r}")
        control = scheme.control(token)
        if label.level_inferred and control.default_level == label.level:
            continue  # written in place of the level
        if compound is not None and token in compound.controls:
            continue  # written with the level in one word
        text = token if control.pattern is not None else control.spelled(form, label.owner)
        if control.list_kind == "release":
            text = release_words(label, scheme, control.token, form)
        elif control.list_kind == "display":
            text += " " + ", ".join(display_list(label, scheme))
        _add(fields, scheme, token, text)
    if label.fgi is not None:
        _require(scheme, "FGI", "foreign-government sources (FGI)")
        _add(fields, scheme, "FGI", " ".join(("FGI", *label.fgi)))
    head = compound.text if compound is not None else _classification(label, scheme, form)
    parts = [head]
    parts += ["/".join(text for _, text in sorted(fields[rank])) for rank in sorted(fields)]
    marking = "//".join(parts)
    return f"({marking})" if form == "portion" else marking


def _require(scheme: Scheme, token: str, what: str) -> None:
    try:
        scheme.control(token)
    except KeyError:
        raise LabelError(
            "unknown-token", f"{scheme.name} has no marking for {what}; it cannot be written", 0
        ) from None


def _add(
    fields: dict[int, list[tuple[tuple[int, int, str], str]]], scheme: Scheme, token: str, text: str
) -> None:
    key = scheme.sort_key(token)
    fields.setdefault(key[0], []).append((key, text))


def _required_tokens(label: Label, scheme: Scheme) -> list[str]:
    terms = label.access.dnf()
    if len(terms) != 1:
        raise LabelError(
            "conflict",
            f"the access expression {label.access.text} cannot be written as {scheme.name} "
            "controls, which can only require every control they name",
            0,
        )
    tokens = sorted(terms[0])
    for token in tokens:
        _require(scheme, token, f"the control {token!r}")
    return tokens


def _compound(label: Label, scheme: Scheme) -> Compound | None:
    """The one-word spelling of the label's level with some of its controls, if any."""
    if label.level_inferred or label.owner != (scheme.owner,):
        return None
    fitting = [
        c
        for c in scheme.compounds
        if c.level == label.level and set(c.controls) <= set(label.controls)
    ]
    return max(fitting, key=lambda c: len(c.controls)) if fitting else None


def _classification(label: Label, scheme: Scheme, form: str) -> str:
    if label.level_inferred:
        for token in label.controls:
            control = scheme.control(token)
            if control.default_level == label.level:
                return control.spelled(form, label.owner)
    level = scheme.level(label.level)
    word = level.banner if form == "banner" else level.portion
    if label.owner == (scheme.owner,):
        return word
    if len(label.owner) == 1:
        owner = label.owner[0]
        if owner in scheme.owner_forms:
            spellings = scheme.owner_forms[owner]
            table = spellings.banner if form == "banner" else spellings.portion
            if label.level in table:
                return "//" + table[label.level]
        return f"//{owner} {word}"
    return f"//JOINT {word} {' '.join(label.owner)}"


def release_words(label: Label, scheme: Scheme, token: str, form: str = "banner") -> str:
    """The release control as written: ``REL TO USA, JPN`` or ``UK/US EYES ONLY``."""
    control = scheme.control(token)
    codes = release_list(label, scheme)
    if control.list_style == "eyes":
        names = {code: short for short, code in control.short_names.items()}
        return "/".join(names.get(code, code) for code in codes) + " " + control.banner
    return control.spelled(form, label.owner) + " " + ", ".join(codes)


def release_list(label: Label, scheme: Scheme) -> list[str]:
    """The codes of the label's release list as the scheme writes them (``USA, FVEY``)."""
    nations = scheme.nations
    releasable = label.releasable_to or frozenset()
    # in the group's own scheme (NATO's), its members read anyway: they are not listed
    owning_groups = [owner for owner in label.owner if owner == scheme.owner]
    covered = nations.expand(label.rel_groups) | nations.expand(owning_groups)
    first = scheme.rel_first
    head = [first] if first is not None and first in releasable else []
    rest = [code for code in releasable - covered if code not in head]
    return head + canonical_list(rest + sorted(label.rel_groups), scheme)


def display_list(label: Label, scheme: Scheme) -> list[str]:
    """The codes of the label's display-only list as the scheme writes them."""
    covered = scheme.nations.expand(label.display_groups)
    rest = list(label.displayable_to - covered)
    return canonical_list(rest + sorted(label.display_groups), scheme)
