"""Marking schemes as values: levels, controls, categories and owner spellings.

A scheme is data read from its TOML file (:mod:`.load`); these are the immutable tables it
loads into. Adding a scheme that uses an existing syntax means adding a file, not code.
"""

from __future__ import annotations

from tearline.labels.model import Tier
from tearline.labels.schemes.nations import Nations
from tearline.labels.schemes.pattern import TokenPattern
from tearline.labels.value import field, value

TYPE_CHECKING = False  # typing is not imported at run time (the command line starts faster)
if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping
    from typing import Any

__all__ = ["AuthorityForm", "Category", "Compound", "Control", "Level", "OwnerForm", "Scheme"]


@value
class Level:
    """One level of a scheme (``SECRET``), with its spellings and place on the common tiers."""

    token: str
    banner: str
    portion: str
    tier: Tier
    clearance_tier: Tier
    rank: int
    foreign_only: bool = False
    aliases: tuple[str, ...] = ()
    source: str = ""
    audience: str | None = None
    access_template: str | None = None
    default_access: str | None = None


@value
class Control:
    """A control token of a scheme (an SCI control, a dissemination control, …).

    ``pattern`` is set for families of tokens (``SI-G-ABCD``); ``token`` is then the family
    name and the matched text becomes the label's token.
    """

    token: str
    category: str
    role: str
    rank: int
    banner: str
    portion: str
    title: str | None = None
    title_prefix: str | None = None
    pattern: TokenPattern | None = None
    list_kind: str | None = None
    disclosure: str | None = None
    levels: frozenset[str] | None = None
    classified_only: bool = False
    tier: Tier | None = None
    requires: tuple[str, ...] = ()
    conflicts: tuple[str, ...] = ()
    restricts: frozenset[str] = frozenset()
    owners: frozenset[str] | None = None
    aliases: tuple[str, ...] = ()
    default_level: str | None = None
    implied_only: bool = False
    list_style: str | None = None
    short_names: Mapping[str, str] = field(default_factory=dict)

    @property
    def templated(self) -> bool:
        """Whether the spelling names the owner (``{owner} ONLY``)."""
        return "{owner}" in self.banner

    def spelled(self, form: str, owner: tuple[str, ...]) -> str:
        """The control as written in ``form`` (banner or portion) for a label of ``owner``."""
        text = self.banner if form == "banner" else self.portion
        return text.replace("{owner}", " ".join(owner))


@value
class Compound:
    """One word for a level with controls: ``OFFICIAL-SENSITIVE`` = OFFICIAL + SENSITIVE."""

    text: str
    level: str
    controls: tuple[str, ...]
    aliases: tuple[str, ...] = ()


@value
class Category:
    """A group of controls written between ``//`` separators, in banner order."""

    id: str
    title: str
    role: str
    rank: int
    controls: tuple[Control, ...]


@value
class OwnerForm:
    """How a scheme spells the levels of an international owner (``NATO SECRET``, ``NS``)."""

    code: str
    banner: Mapping[str, str]
    portion: Mapping[str, str]
    tier: Mapping[str, Tier]


@value
class AuthorityForm:
    """The lines of a scheme's classification authority block and its period rules.

    ``fields`` maps each line's name as written (``Declassify On``) to its field
    (``declassify_on``); ``max_years`` is the longest period without an exemption.
    """

    fields: Mapping[str, str]
    required: tuple[str, ...]
    needs_basis: bool
    max_years: int

    def spelling(self, field: str) -> str:
        """How the block writes ``field``."""
        return next((name for name, known in self.fields.items() if known == field), field)


@value(slots=False)
class Scheme:
    """A marking scheme loaded from its data file, with lookup tables built once."""

    id: str
    name: str
    language: str
    syntax: str
    owner: str
    levels: tuple[Level, ...]
    categories: tuple[Category, ...]
    owner_forms: Mapping[str, OwnerForm]
    nations: Nations
    rel_first: str | None = None
    rel_min_entries: int = 1
    owner_only_control: str | None = None
    source: str = ""
    field_separators: tuple[str, ...] = ("//",)
    compounds: tuple[Compound, ...] = ()
    owner_kind: str = "nation"
    authority: AuthorityForm | None = None
    _levels: Mapping[str, Level] = field(default_factory=dict, repr=False)
    _controls: Mapping[str, Control] = field(default_factory=dict, repr=False)
    _disclosures: Mapping[str, str] = field(default_factory=dict, repr=False)
    #: Tables built from the scheme once and kept with it (a syntax's spelling tables).
    memo: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    #: Indexes over ``categories``, built once (see ``__post_init__``).
    _categories: Mapping[str, Category] = field(init=False, repr=False, compare=False)
    _patterns: tuple[Control, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_id = {category.id: category for category in self.categories}
        patterns = tuple(c for c in self.all_controls() if c.pattern is not None)
        object.__setattr__(self, "_categories", by_id)
        object.__setattr__(self, "_patterns", patterns)

    def releasability(
        self,
        owner: tuple[str, ...],
        tier: Tier,
        rel_codes: tuple[str, ...] | None,
        has_disclosure: bool,
    ) -> tuple[frozenset[str] | None, frozenset[str]]:
        """Who may receive a label, and which groups its release list names.

        A release list adds its nations to the owner's; any other disclosure marking, or a
        classified level with none, leaves the owner only; unclassified information with none is
        unrestricted.
        """
        nations = self.nations
        if rel_codes is not None:
            # a group that owns the item (//NATO SECRET in US markings) is named with the list
            group = nations.groups.__contains__
            owning = [o for o in owner if group(o) and o != self.owner]
            groups = frozenset([code for code in rel_codes if group(code)] + owning)
            return nations.expand((*rel_codes, *owner)), groups
        if has_disclosure or tier >= Tier.RESTRICTED:
            return nations.expand(owner), frozenset()
        return None, frozenset()

    def tier_of(self, owner: tuple[str, ...], level: Level) -> Tier:
        """The tier of ``level`` for ``owner`` (NATO UNCLASSIFIED is CONTROLLED in US markings)."""
        if len(owner) == 1 and owner[0] in self.owner_forms:
            return self.owner_forms[owner[0]].tier.get(level.token, level.tier)
        return level.tier

    def level(self, token: str) -> Level:
        """The level whose token is ``token``; raises ``KeyError``."""
        return self._levels[token]

    def has_level(self, token: str) -> bool:
        """Whether ``token`` is one of this scheme's level tokens."""
        return token in self._levels

    def control(self, token: str) -> Control:
        """The control for a label token (exact, or by family pattern); raises ``KeyError``."""
        found = self._controls.get(token)
        if found is not None:
            return found
        for control in self._patterns:
            if control.pattern is not None and control.pattern.fullmatch(token):
                return control
        raise KeyError(token)

    def pattern_controls(self) -> Iterator[Control]:
        """The controls that stand for a family of tokens, in banner order."""
        return iter(self._patterns)

    def all_controls(self) -> Iterator[Control]:
        """Every control, in banner order."""
        for category in self.categories:
            yield from category.controls

    def category(self, category_id: str) -> Category:
        """The category with id ``category_id``; raises ``KeyError``."""
        return self._categories[category_id]

    def disclosure_control(self, disclosure: str) -> str | None:
        """The token of the control with this disclosure role (``"release"`` → ``"REL"``)."""
        return self._disclosures.get(disclosure)

    def role_in(self, controls: tuple[str, ...], disclosure: str) -> str | None:
        """The token among ``controls`` whose disclosure role is ``disclosure``, if any."""
        for token in controls:
            if self.control(token).disclosure == disclosure:
                return token
        return None

    def sort_key(self, token: str) -> tuple[int, int, str]:
        """Register order of a label token: category, then position, then the text."""
        control = self.control(token)
        return (self._categories[control.category].rank, control.rank, token)
