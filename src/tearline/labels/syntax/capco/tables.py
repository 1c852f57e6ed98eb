"""Lookup tables for reading canonical markings fast, built once per scheme from its vocabulary.

Every table is derived from the spelling tables the full reader uses
(:mod:`~tearline.labels.syntax.capco.vocabulary`), entry by entry, keeping only what the full
reader would accept as written in canonical form and what its rules allow for the scheme's own
owner. Anything left out is simply not read fast: the full reader takes it.
"""

from __future__ import annotations

from tearline.labels.access import EMPTY, AccessExpression
from tearline.labels.model import Tier
from tearline.labels.schemes import Control, Level, Scheme
from tearline.labels.syntax.capco.vocabulary import ControlSpelling, Vocabulary, vocabulary
from tearline.labels.syntax.text import lenient_key
from tearline.labels.value import replace, value

TYPE_CHECKING = False  # typing is not imported at run time (the command line starts faster)
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Literal

    from tearline.labels.schemes.pattern import TokenPattern

__all__ = ["FORMS", "Code", "FastTables", "Field", "Found", "Word", "fast_tables"]

FORMS = ("banner", "portion")
_MEMO = "capco.fast"
#: The spellings each form reads (as the full reader's ``_pick`` allows them).
_ALLOWED = {"banner": ("banner", "title", "alias"), "portion": ("portion", "alias")}
_LIST_ALLOWED = {"banner": ("banner", "title"), "portion": ("portion",)}
_PLAIN_CODE = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"  # a code made of these only is plain


@value
class Word:
    """A control as the fast reader meets it, with what the scheme's rules need precomputed."""

    control: Control
    key: tuple[int, int, str]  # register order: category, rank, token (a family's: its own)
    levels: frozenset[str]  # the level tokens it may stand on in the owner's markings
    requires: frozenset[str]
    conflicts: frozenset[str]
    related: bool  # it requires or conflicts with another control
    list_kind: str | None
    role: str
    tier: Tier | None
    disclosure: bool


@value
class Code:
    """A current register code: its place in a list (without the head) and its members."""

    order: int  # nations, then groups, each A-Z (from 1: 0 is the head's place)
    members: frozenset[str]
    nation: bool


#: One control as read: its word, its register key (the token last), its list's codes if any.
Found = tuple[Word, tuple[int, int, str], tuple[str, ...] | None]
_NO_CODES: frozenset[str] = frozenset()


class Field:
    """What one canonical field says: its controls in register order and its lists checked.

    ``needs`` and ``excludes`` are the controls its own controls require beyond themselves
    and conflict with: the marking's other fields must give the one and not the other.
    """

    __slots__ = (
        "access",
        "category",
        "controls",
        "disclosure",
        "display",
        "display_groups",
        "displayable",
        "excludes",
        "expression",
        "fgi",
        "levels",
        "needs",
        "rel_groups",
        "related",
        "releasable",
        "release",
        "tier",
        "tokens",
    )

    def __init__(self, tables: FastTables, found: list[Found]) -> None:
        # one pass over the pieces (this runs for every field not seen before)
        tokens: list[str] = []
        access: list[str] = []
        controls: list[str] = []
        needs = excludes = _NO_CODES
        lists: dict[str | None, tuple[str, ...]] = {}
        levels = found[0][0].levels
        tier: Tier | None = None
        disclosure = False
        for word, key, codes in found:
            tokens.append(word.control.token)
            if word.related:
                needs, excludes = needs | word.requires, excludes | word.conflicts
            levels &= word.levels
            if word.tier is not None and (tier is None or word.tier > tier):
                tier = word.tier
            disclosure = disclosure or word.disclosure
            if word.role == "access":
                access.append(key[2])
            elif word.role == "controls":
                controls.append(key[2])
            if codes is not None:
                lists[word.list_kind] = codes
        self.tokens = frozenset(tokens)
        self.needs, self.excludes = needs - self.tokens, excludes
        self.related = bool(needs or excludes)
        self.category = found[0][1][0]  # every control of a field is of one category
        self.levels, self.tier, self.disclosure = levels, tier, disclosure
        self.controls = tuple(controls)
        self.access: tuple[str, ...] = tuple(sorted(set(access))) if access else ()
        self.expression = AccessExpression.all_of(self.access) if access else EMPTY
        self._lists(tables, lists)

    def _lists(self, tables: FastTables, lists: dict[str | None, tuple[str, ...]]) -> None:
        """The field's lists, and the nations and groups its release and display lists name."""
        members = tables.members
        self.release = lists.get("release")
        self.releasable, self.rel_groups = _NO_CODES, _NO_CODES
        if self.release is not None:
            self.releasable = tables.owner_only.union(*map(members.__getitem__, self.release))
            self.rel_groups = tables.group_codes.intersection(self.release)
        self.display = lists.get("display")
        self.displayable, self.display_groups = _NO_CODES, _NO_CODES
        if self.display:
            self.displayable = _NO_CODES.union(*map(members.__getitem__, self.display))
            self.display_groups = tables.group_codes.intersection(self.display)
        self.fgi = lists.get("fgi")


@value(slots=False)
class FastTables:
    """What the fast reader looks up, for one scheme."""

    scheme: Scheme
    levels: Mapping[tuple[str, str | None], tuple[Level, str]]
    tiers: Mapping[str, Tier]  # level token -> its tier for the scheme's own owner
    #: form -> canonical spelling -> control (with the owner's ``JPN ONLY`` where it is safe)
    words: Mapping[str, Mapping[str, Word]]
    #: form -> (prefix, prefix and space, list control) in the full reader's order; the
    #: control is None where the prefix is not the canonical one
    lists: Mapping[str, tuple[tuple[str, str, Word | None], ...]]
    list_starts: tuple[str, ...]  # every list prefix, to pass other pieces by at once
    patterns: tuple[tuple[TokenPattern, Word], ...]  # families, in the full reader's order
    titled: tuple[str, ...]  # long-form prefixes of families (read by the full reader)
    templated: Mapping[str, Mapping[str, Word]]  # form -> spelling with the owner -> control
    alias_keys: frozenset[str]  # lenient keys the full reader reads as aliases
    eyes: tuple[str, ...]  # suffixes of caveats naming nations (read by the full reader)
    plain_tokens: frozenset[str]  # tokens of the controls that are not families
    codes: Mapping[str, Code]
    members: Mapping[str, frozenset[str]]  # current code -> the nations it stands for
    group_codes: frozenset[str]  # the current codes that name groups
    head: str | None  # the code a release list starts with
    min_release: int
    owner: tuple[str, ...]  # the scheme's owner, as a label's owner
    owner_only: frozenset[str]  # the nations the owner stands for
    #: form -> field text -> what it says, or False when the fast reader leaves it (filled
    #: as markings are read; bounded by the reader)
    fields: Mapping[str, dict[str, Field | Literal[False]]]
    #: form -> the fields of one control (its canonical spelling) that are lawful alone
    single: Mapping[str, Mapping[str, Field]]


def fast_tables(scheme: Scheme) -> FastTables | None:
    """The tables of ``scheme``, built once and kept with it; None when it is not read fast."""
    memo = scheme.memo
    if _MEMO not in memo:  # a scheme with other field separators is not read fast
        memo[_MEMO] = _build(scheme) if scheme.field_separators == ("//",) else None
    found: FastTables | None = memo[_MEMO]
    return found


def _build(scheme: Scheme) -> FastTables:
    vocab = vocabulary(scheme)
    tables = _tables(scheme, vocab)
    words = {form: {**tables.words[form], **_owner_spelt(vocab, tables, form)} for form in FORMS}
    tables = replace(tables, words=words)
    return replace(tables, single={form: _single(tables, form) for form in FORMS})


def _single(tables: FastTables, form: str) -> dict[str, Field]:
    """The fields of one control spelt canonically, read once from the vocabulary.

    Left out (read as any other field): a spelling with ``/`` in it, one ending in a caveat
    naming nations, a control that conflicts with itself.
    """
    found: dict[str, Field] = {}
    for text, word in tables.words[form].items():
        if "/" in text or (tables.eyes and text.endswith(tables.eyes)):
            continue
        field = Field(tables, [(word, word.key, None)])
        if field.excludes.isdisjoint(field.tokens):
            found[text] = field
    return found


def _tables(scheme: Scheme, vocab: Vocabulary) -> FastTables:
    codes = _codes(scheme)
    return FastTables(
        scheme=scheme,
        levels=_levels(vocab),
        tiers={level.token: scheme.tier_of((scheme.owner,), level) for level in scheme.levels},
        words={form: _words(vocab, form) for form in FORMS},
        lists={form: _lists(vocab, form) for form in FORMS},
        list_starts=tuple(prefix for prefix, _ in vocab.list_prefixes),
        patterns=tuple(
            (c.pattern, _word(scheme, c)) for c in scheme.pattern_controls() if c.pattern
        ),
        titled=tuple(c.title_prefix for c in scheme.pattern_controls() if c.title_prefix),
        templated={form: _templated(vocab, form) for form in FORMS},
        alias_keys=frozenset(
            key
            for key, spellings in vocab.lenient_controls.items()
            if any(s.form == "alias" for s in spellings)
        ),
        eyes=tuple(" " + control.banner for control in vocab.eyes),
        plain_tokens=frozenset(c.token for c in scheme.all_controls() if c.pattern is None),
        codes=codes,
        members={code: entry.members for code, entry in codes.items()},
        group_codes=frozenset(code for code, entry in codes.items() if not entry.nation),
        head=scheme.rel_first,
        min_release=scheme.rel_min_entries,
        owner=(scheme.owner,),
        owner_only=scheme.nations.expand((scheme.owner,)),
        fields={form: {} for form in FORMS},
        single={form: {} for form in FORMS},
    )


def _owner_spelt(vocab: Vocabulary, tables: FastTables, form: str) -> dict[str, Word]:
    """Spellings with the owner (``JPN ONLY``) that the full reader reads as nothing else.

    It tries a piece as a control, an alias, a list and a family first: a spelling none of
    those could take is looked up as directly as a control.
    """
    return {
        text: word
        for text, word in tables.templated[form].items()
        if text not in vocab.controls
        and lenient_key(text) not in tables.alias_keys
        and not text.startswith(tables.list_starts + tables.titled)
        and not any(pattern.fullmatch(text) for pattern, _ in tables.patterns)
    }


def _levels(vocab: Vocabulary) -> dict[tuple[str, str | None], tuple[Level, str]]:
    """(text, form asked for) -> (level, form read), as the full reader picks a level."""
    table: dict[tuple[str, str | None], tuple[Level, str]] = {}
    for text, spellings in vocab.levels.items():
        candidates = [s for s in spellings if s.owner is None]
        for form in (None, *FORMS):
            wanted = [s for s in candidates if form is None or s.form in (form, "alias")]
            if not wanted or wanted[0].form == "alias" or wanted[0].level.foreign_only:
                continue  # an owner's spelling, the wrong form, an alias: the full reader's
            spelling = wanted[0]
            table[(text, form)] = (spelling.level, form or spelling.form)
    return table


def _words(vocab: Vocabulary, form: str) -> dict[str, Word]:
    """Canonical spellings in ``form`` of the plain controls the owner's markings may carry."""
    table: dict[str, Word] = {}
    for text, spellings in vocab.controls.items():
        spelling = _first_allowed(spellings, _ALLOWED[form])
        if spelling is not None and spelling.form == form:
            table[text] = _word(vocab.scheme, spelling.control)
    return table


def _first_allowed(
    spellings: tuple[ControlSpelling, ...], allowed: tuple[str, ...]
) -> ControlSpelling | None:
    return next((s for s in spellings if s.form in allowed), None)


def _lists(vocab: Vocabulary, form: str) -> tuple[tuple[str, str, Word | None], ...]:
    """The list prefixes ``form`` reads, in the full reader's order; None for non-canonical."""
    found: list[tuple[str, str, Word | None]] = []
    for prefix, spelling in vocab.list_prefixes:
        if spelling.form not in _LIST_ALLOWED[form]:
            continue
        canonical = spelling.form == form and lenient_key(prefix) == prefix
        word = _word(vocab.scheme, spelling.control) if canonical else None
        found.append((prefix, prefix + " ", word))
    return tuple(found)


def _templated(vocab: Vocabulary, form: str) -> dict[str, Word]:
    owner = (vocab.scheme.owner,)
    table: dict[str, Word] = {}
    for control in vocab.templated:
        table.setdefault(control.spelled(form, owner), _word(vocab.scheme, control))
    return table


def _word(scheme: Scheme, control: Control) -> Word:
    """The control with the levels it may stand on in a marking of the scheme's own owner."""
    owned = control.owners is None or scheme.owner in control.owners
    levels = frozenset(
        level.token
        for level in scheme.levels
        if owned
        and (control.levels is None or level.token in control.levels)
        and not (control.classified_only and level.tier < Tier.RESTRICTED)
    )
    return Word(
        control=control,
        key=(scheme.category(control.category).rank, control.rank, control.token),
        levels=levels,
        requires=frozenset(control.requires),
        conflicts=frozenset(control.conflicts),
        related=bool(control.requires or control.conflicts),
        list_kind=control.list_kind,
        role=control.role,
        tier=control.tier,
        disclosure=bool(control.disclosure),
    )


def _codes(scheme: Scheme) -> dict[str, Code]:
    nations = scheme.nations
    table: dict[str, Code] = {}
    ranked = [*sorted(nations.names), *sorted(nations.groups.keys() - nations.names.keys())]
    place = {code: index for index, code in enumerate(ranked, 1)}
    for code in (*nations.names, *nations.groups):
        nation = nations.is_nation(code)
        if code in nations.deprecated or not code or code.strip(_PLAIN_CODE):
            continue  # withdrawn, or not a plain code (the full reader judges it)
        if nation and nations.is_group(code):
            continue  # both a nation and a group: the full reader judges it
        table[code] = Code(place[code], nations.members(code), nation)
    return table
