"""Spelling tables of one scheme, built once: every way a level or control may be written."""

from __future__ import annotations

from tearline.labels.schemes import Compound, Control, Level, Scheme
from tearline.labels.syntax.text import lenient_key
from tearline.labels.value import value

TYPE_CHECKING = False  # typing is not imported at run time (the command line starts faster)
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import TypeVar

    _T = TypeVar("_T")
if TYPE_CHECKING:
    from types import MappingProxyType
else:
    MappingProxyType = type(type.__dict__)  # types.MappingProxyType, without importing types

__all__ = ["ControlSpelling", "Spelling", "Vocabulary", "vocabulary"]


@value
class Spelling:
    """A level spelt in one form (banner/portion/alias), for an owner when not the scheme's."""

    form: str
    level: Level
    owner: str | None = None


@value
class ControlSpelling:
    """A control spelt in one form (banner/portion/title/alias)."""

    form: str
    control: Control


@value(slots=False)
class Vocabulary:
    """Exact, alias and lenient spelling tables of a scheme."""

    scheme: Scheme
    levels: Mapping[str, tuple[Spelling, ...]]
    controls: Mapping[str, tuple[ControlSpelling, ...]]
    list_prefixes: tuple[tuple[str, ControlSpelling], ...]
    lenient_levels: Mapping[str, tuple[Spelling, ...]]
    lenient_controls: Mapping[str, tuple[ControlSpelling, ...]]
    eyes: tuple[Control, ...] = ()  # caveats naming nations by short name (UK/US EYES ONLY)
    templated: tuple[Control, ...] = ()  # controls spelt with the owner's code (JPN ONLY)

    def level_spellings(self, text: str, lenient: bool) -> tuple[Spelling, ...]:
        """Every level spelling ``text`` matches (aliases in any case; empty when none)."""
        exact = self.levels.get(text, ())
        if exact and not lenient:
            return exact
        folded = self.lenient_levels.get(lenient_key(text), ())
        if lenient:
            return folded
        return tuple(s for s in folded if s.form == "alias")

    def control_spellings(self, text: str, lenient: bool) -> tuple[ControlSpelling, ...]:
        """Every control spelling ``text`` matches (lists, patterns and templates excluded)."""
        exact = self.controls.get(text, ())
        if exact and not lenient:
            return exact
        folded = self.lenient_controls.get(lenient_key(text), ())
        if lenient:
            return folded
        return tuple(s for s in folded if s.form == "alias")

    def designation(self, text: str, lenient: bool) -> ControlSpelling | None:
        """The designation (a control that implies a level) ``text`` spells, if any."""
        for spelling in self.control_spellings(text, lenient):
            if spelling.control.default_level is not None:
                return spelling
        return None

    def compound(self, text: str, lenient: bool) -> Compound | None:
        """The compound (a level with controls in one word) ``text`` spells, if any."""
        for compound in self.scheme.compounds:
            if text == compound.text:
                return compound
            keys = [compound.text, *compound.aliases] if lenient else list(compound.aliases)
            if lenient_key(text) in {lenient_key(k) for k in keys}:
                return compound
        return None

    def level_words(self) -> list[str]:
        """Every exact level spelling, for suggestions in error messages."""
        return list(self.levels)

    def control_words(self) -> list[str]:
        """Every exact control spelling, for suggestions in error messages."""
        words = list(self.controls) + [prefix for prefix, _ in self.list_prefixes]
        return list(dict.fromkeys(words))


def _add(table: dict[str, list[_T]], key: str, spelling: _T) -> None:
    entries = table.setdefault(key, [])
    if spelling not in entries:
        entries.append(spelling)


def _freeze(table: dict[str, list[_T]]) -> Mapping[str, tuple[_T, ...]]:
    return MappingProxyType({key: tuple(value) for key, value in table.items()})


def _level_table(scheme: Scheme) -> dict[str, list[Spelling]]:
    levels: dict[str, list[Spelling]] = {}
    for level in scheme.levels:
        _add(levels, level.banner, Spelling("banner", level=level))
        _add(levels, level.portion, Spelling("portion", level=level))
        for alias in level.aliases:
            _add(levels, alias, Spelling("alias", level=level))
    for form in scheme.owner_forms.values():
        for token, text in form.banner.items():
            _add(levels, text, Spelling("banner", level=scheme.level(token), owner=form.code))
        for token, text in form.portion.items():
            _add(levels, text, Spelling("portion", level=scheme.level(token), owner=form.code))
    return levels


def _control_table(
    scheme: Scheme,
) -> tuple[dict[str, list[ControlSpelling]], list[tuple[str, ControlSpelling]]]:
    controls: dict[str, list[ControlSpelling]] = {}
    prefixes: list[tuple[str, ControlSpelling]] = []
    for control in scheme.all_controls():
        if control.pattern is not None or control.templated or control.implied_only:
            continue
        if control.list_style is not None:  # read by its own rule (UK/US EYES ONLY)
            continue
        spellings = [("banner", control.banner), ("portion", control.portion)]
        if control.title:
            spellings.append(("title", control.title))
        spellings += [("alias", alias) for alias in control.aliases]
        for form, text in spellings:
            if control.list_kind is not None:
                prefixes.append((text, ControlSpelling(form, control)))
            else:
                _add(controls, text, ControlSpelling(form, control))
    prefixes.sort(key=lambda item: -len(item[0]))
    return controls, prefixes


def vocabulary(scheme: Scheme) -> Vocabulary:
    """The spelling tables of ``scheme`` (built once, and kept with the scheme)."""
    found = scheme.memo.get("capco.vocabulary")
    if isinstance(found, Vocabulary):
        return found
    built = _build(scheme)
    scheme.memo["capco.vocabulary"] = built
    return built


def _build(scheme: Scheme) -> Vocabulary:
    levels = _level_table(scheme)
    controls, prefixes = _control_table(scheme)
    lenient_levels: dict[str, list[Spelling]] = {}
    for text, level_entries in levels.items():
        for level_spelling in level_entries:
            _add(lenient_levels, lenient_key(text), level_spelling)
    lenient_controls: dict[str, list[ControlSpelling]] = {}
    for text, control_entries in controls.items():
        for control_spelling in control_entries:
            _add(lenient_controls, lenient_key(text), control_spelling)
    return Vocabulary(
        scheme=scheme,
        levels=_freeze(levels),
        controls=_freeze(controls),
        list_prefixes=tuple(prefixes),
        lenient_levels=_freeze(lenient_levels),
        lenient_controls=_freeze(lenient_controls),
        eyes=tuple(c for c in scheme.all_controls() if c.list_style == "eyes"),
        templated=tuple(c for c in scheme.all_controls() if c.templated),
    )
