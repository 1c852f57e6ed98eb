"""Marking schemes as data: the tables a scheme file loads into, and the loader.

Each national scheme is a TOML file in ``tearline/labels/data`` read once with
``importlib.resources``. Levels, controls, categories and owner spellings are data here, never
code: adding a scheme that uses an existing syntax means adding a file.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from types import MappingProxyType
from typing import Any

from tearline.errors import NotFound, SchemeError
from tearline.labels.agreements import Agreement, agreement_from_data
from tearline.labels.model import Tier
from tearline.labels.nations import Nations

__all__ = [
    "Category",
    "Compound",
    "Control",
    "Level",
    "OwnerForm",
    "Registry",
    "Scheme",
    "agreements",
    "registry",
    "schemes",
]

_DATA_PACKAGE = "tearline.labels.data"
_ROLES = frozenset({"access", "fgi", "controls"})
_DISCLOSURES = frozenset({"owner-only", "release", "display", "disclosure-official"})


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
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
    pattern: re.Pattern[str] | None = None
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


@dataclass(frozen=True, slots=True)
class Compound:
    """One word for a level with controls: ``OFFICIAL-SENSITIVE`` = OFFICIAL + SENSITIVE."""

    text: str
    level: str
    controls: tuple[str, ...]
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Category:
    """A group of controls written between ``//`` separators, in banner order."""

    id: str
    title: str
    role: str
    rank: int
    controls: tuple[Control, ...]


@dataclass(frozen=True, slots=True)
class OwnerForm:
    """How a scheme spells the levels of an international owner (``NATO SECRET``, ``NS``)."""

    code: str
    banner: Mapping[str, str]
    portion: Mapping[str, str]
    tier: Mapping[str, Tier]


@dataclass(frozen=True)
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
    _levels: Mapping[str, Level] = field(default_factory=dict, repr=False)
    _controls: Mapping[str, Control] = field(default_factory=dict, repr=False)
    _disclosures: Mapping[str, str] = field(default_factory=dict, repr=False)

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
        for control in self.pattern_controls():
            if control.pattern is not None and control.pattern.fullmatch(token):
                return control
        raise KeyError(token)

    def pattern_controls(self) -> Iterator[Control]:
        """The controls that stand for a family of tokens."""
        for category in self.categories:
            yield from (c for c in category.controls if c.pattern is not None)

    def all_controls(self) -> Iterator[Control]:
        """Every control, in banner order."""
        for category in self.categories:
            yield from category.controls

    def category(self, category_id: str) -> Category:
        """The category with id ``category_id``; raises ``KeyError``."""
        for category in self.categories:
            if category.id == category_id:
                return category
        raise KeyError(category_id)

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
        return (self.category(control.category).rank, control.rank, token)


@dataclass(frozen=True)
class Registry:
    """Every packaged scheme, agreement and the nation table, loaded once."""

    nations: Nations
    schemes: Mapping[str, Scheme]
    agreements: tuple[Agreement, ...] = ()

    def agreement(self, a: str, b: str) -> Agreement | None:
        """The agreement between schemes ``a`` and ``b``, if there is one."""
        for agreement in self.agreements:
            if agreement.connects(a, b):
                return agreement
        return None

    def scheme(self, scheme_id: str) -> Scheme:
        """The scheme ``scheme_id``; raises :class:`NotFound` naming the known ones."""
        try:
            return self.schemes[scheme_id]
        except KeyError:
            known = ", ".join(sorted(self.schemes))
            raise NotFound(f"unknown scheme {scheme_id!r}; known schemes: {known}") from None


def schemes() -> tuple[Scheme, ...]:
    """Every scheme Tearline knows, by id."""
    return tuple(registry().schemes[key] for key in sorted(registry().schemes))


def agreements() -> tuple[Agreement, ...]:
    """Every agreement between schemes Tearline knows."""
    return registry().agreements


@lru_cache(maxsize=1)
def registry() -> Registry:
    """Load the packaged nation table, scheme and agreement files (once per process)."""
    root = resources.files(_DATA_PACKAGE)
    nations = Nations.from_data(tomllib.loads(root.joinpath("nations.toml").read_text("utf-8")))
    schemes: dict[str, Scheme] = {}
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml") and entry.name != "nations.toml":
            data = tomllib.loads(entry.read_text("utf-8"))
            scheme = _scheme_from_data(data, nations, entry.name)
            schemes[scheme.id] = scheme
    agreements = tuple(
        agreement_from_data(tomllib.loads(entry.read_text("utf-8")), schemes, entry.name)
        for entry in sorted(root.joinpath("agreements").iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".toml")
    )
    return Registry(nations, MappingProxyType(schemes), agreements)


def _tier(value: object, where: str) -> Tier:
    try:
        return Tier.from_title(str(value))
    except KeyError:
        raise SchemeError(f"{where}: unknown tier {value!r}") from None


def _scheme_from_data(data: Mapping[str, Any], nations: Nations, filename: str) -> Scheme:
    head = data["scheme"]
    levels = tuple(_level(entry, rank, filename) for rank, entry in enumerate(data["levels"]))
    categories = tuple(
        _category(entry, rank, filename) for rank, entry in enumerate(data.get("categories", ()))
    )
    owner_forms = {
        code: OwnerForm(
            code=code,
            banner=MappingProxyType(dict(form["banner"])),
            portion=MappingProxyType(dict(form["portion"])),
            tier=MappingProxyType(
                {k: _tier(v, f"{filename} owners.{code}") for k, v in form.get("tier", {}).items()}
            ),
        )
        for code, form in data.get("owners", {}).items()
    }
    controls = {
        c.token: c for category in categories for c in category.controls if c.pattern is None
    }
    scheme = Scheme(
        id=str(head["id"]),
        name=str(head["name"]),
        language=str(head.get("language", "en")),
        syntax=str(head["syntax"]),
        owner=str(head["owner"]),
        levels=levels,
        categories=categories,
        owner_forms=MappingProxyType(owner_forms),
        nations=nations,
        rel_first=head.get("rel_first"),
        rel_min_entries=int(head.get("rel_min_entries", 1)),
        owner_only_control=head.get("owner_only_control"),
        source=str(head.get("source", "")),
        field_separators=tuple(head.get("field_separators", ("//",))),
        owner_kind=str(head.get("owner_kind", "nation")),
        compounds=tuple(
            Compound(
                str(c["text"]),
                str(c["level"]),
                tuple(c["controls"]),
                tuple(c.get("aliases", ())),
            )
            for c in data.get("compounds", ())
        ),
        _levels=MappingProxyType({level.token: level for level in levels}),
        _controls=MappingProxyType(controls),
        _disclosures=MappingProxyType(
            {
                c.disclosure: c.token
                for category in reversed(categories)
                for c in reversed(category.controls)
                if c.disclosure is not None
            }
        ),
    )
    _check(scheme, filename)
    return scheme


def _level(entry: Mapping[str, Any], rank: int, filename: str) -> Level:
    where = f"{filename} level {entry.get('token')!r}"
    tier = _tier(entry["tier"], where)
    return Level(
        token=str(entry["token"]),
        banner=str(entry["banner"]),
        portion=str(entry["portion"]),
        tier=tier,
        clearance_tier=_tier(entry.get("clearance_tier", tier.title), where),
        rank=rank,
        foreign_only=bool(entry.get("foreign_only", False)),
        aliases=tuple(entry.get("aliases", ())),
        source=str(entry.get("source", "")),
        audience=entry.get("audience"),
        access_template=entry.get("access"),
        default_access=entry.get("default_access"),
    )


def _category(entry: Mapping[str, Any], rank: int, filename: str) -> Category:
    role = str(entry["role"])
    if role not in _ROLES:
        raise SchemeError(f"{filename} category {entry['id']!r}: unknown role {role!r}")
    owners = frozenset(entry["owners"]) if "owners" in entry else None
    defaults = {"classified_only": bool(entry.get("classified_only", False))}
    controls = tuple(
        _control(token, str(entry["id"]), role, position, owners, defaults, filename)
        for position, token in enumerate(entry["tokens"])
    )
    return Category(str(entry["id"]), str(entry["title"]), role, rank, controls)


def _control(
    entry: Mapping[str, Any],
    category: str,
    role: str,
    rank: int,
    owners: frozenset[str] | None,
    defaults: Mapping[str, bool],
    filename: str,
) -> Control:
    token = str(entry["token"])
    where = f"{filename} control {token!r}"
    disclosure = entry.get("disclosure")
    if disclosure is not None and disclosure not in _DISCLOSURES:
        raise SchemeError(f"{where}: unknown disclosure {disclosure!r}")
    pattern = entry.get("pattern")
    banner = str(entry.get("banner", token))
    return Control(
        token=token,
        category=category,
        role=role,
        rank=rank,
        banner=banner,
        portion=str(entry.get("portion", token)),
        title=entry.get("title"),
        title_prefix=entry.get("title_prefix"),
        pattern=re.compile(pattern) if pattern else None,
        list_kind=entry.get("list"),
        disclosure=disclosure,
        levels=frozenset(entry["levels"]) if "levels" in entry else None,
        classified_only=bool(entry.get("classified_only", defaults["classified_only"])),
        tier=_tier(entry["tier"], where) if "tier" in entry else None,
        requires=tuple(entry.get("requires", ())),
        conflicts=tuple(entry.get("conflicts", ())),
        restricts=frozenset(entry.get("restricts", ())),
        owners=owners,
        aliases=tuple(entry.get("aliases", ())),
        default_level=entry.get("default_level"),
        implied_only=bool(entry.get("implied_only", False)),
        list_style=entry.get("list_style"),
        short_names=MappingProxyType(dict(entry.get("short_names", {}))),
    )


def _check(scheme: Scheme, filename: str) -> None:
    """Refuse a scheme file whose cross-references do not resolve."""
    known_owner = scheme.nations.is_nation(scheme.owner) or scheme.nations.is_group(scheme.owner)
    if scheme.owner_kind == "nation" and not known_owner:
        raise SchemeError(f"{filename}: owner {scheme.owner!r} is not a known nation or group")
    tiers = [level.tier for level in scheme.levels]
    if tiers != sorted(tiers):
        raise SchemeError(f"{filename}: levels must be listed lowest first")
    known = {c.token for c in scheme.all_controls()}
    levels: list[tuple[str, str]] = [(f"compound {c.text!r}", c.level) for c in scheme.compounds]
    controls: list[tuple[str, str]] = [
        (f"compound {c.text!r}", token) for c in scheme.compounds for token in c.controls
    ]
    for control in scheme.all_controls():
        controls += [(control.token, ref) for ref in (*control.requires, *control.conflicts)]
        named = (*(control.levels or ()), *filter(None, [control.default_level]))
        levels += [(control.token, token) for token in named]
    for form in scheme.owner_forms.values():
        levels += [(f"owner {form.code}", t) for t in (*form.banner, *form.portion, *form.tier)]
    for where, token in levels:
        if not scheme.has_level(token):
            raise SchemeError(f"{filename}: {where} names unknown level {token!r}")
    for where, token in controls:
        if token not in known:
            raise SchemeError(f"{filename}: {where} names unknown control {token!r}")
