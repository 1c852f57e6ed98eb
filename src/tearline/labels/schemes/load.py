"""Load schemes, agreements and nations from their TOML files into a :class:`Registry`.

The packaged files live in ``tearline/labels/data`` and are read through the package's loader
(``pkgutil.get_data``; no file-system paths). Each TOML file has beside it the same data as
JSON (``us.toml`` → ``us.json``), written by :func:`compiled` (``scripts/compile-data``): the
JSON is what is read, several times faster than parsing TOML and without importing
``tomllib``; a test checks that every JSON file is exactly what its TOML file compiles to.
:func:`load_registry` builds a registry from them plus any agreement data a node adds;
:func:`default_registry` is the packaged one, for scripts, each file read when first needed.
"""

from __future__ import annotations

from _collections_abc import Mapping  # collections.abc's own (it imports collections)

from tearline.errors import SchemeError
from tearline.labels.lru import lru_cache
from tearline.labels.model import Tier
from tearline.labels.schemes.model import (
    AuthorityForm,
    Category,
    Compound,
    Control,
    Level,
    OwnerForm,
    Scheme,
)
from tearline.labels.schemes.nations import Nations
from tearline.labels.schemes.pattern import TokenPattern
from tearline.labels.schemes.registry import Registry

TYPE_CHECKING = False  # typing is not imported at run time (the command line starts faster)
if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator
    from typing import Any
if TYPE_CHECKING:
    from types import MappingProxyType
else:
    MappingProxyType = type(type.__dict__)  # types.MappingProxyType, without importing types

if TYPE_CHECKING:
    from tearline.labels.schemes.agreements import Agreement

__all__ = [
    "agreements",
    "compiled",
    "default_registry",
    "load_registry",
    "resolve",
    "schemes",
]

_DATA_PACKAGE = "tearline.labels.data"
_ROLES = frozenset({"access", "fgi", "controls"})
_DISCLOSURES = frozenset({"owner-only", "release", "display", "disclosure-official"})
_NATIONS = "nations.toml"
#: A scheme id as a file name may spell it: ``us``, ``nato``, ``jp-x``; nothing that walks.
_ID_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-_")


def load_registry(
    *,
    schemes: Iterable[str] | None = None,
    agreements: Iterable[tuple[str, Mapping[str, Any]]] = (),
    packaged_agreements: bool = True,
) -> Registry:
    """A registry of the packaged schemes (all, or those named) and agreements.

    Args:
        schemes: the ids of the packaged schemes to load (default: every one).
        agreements: more agreements, as ``(name, data)`` pairs in the agreement files' form
            (a peer's agreement, a local policy); ``name`` is used in error messages. Between
            the same two schemes, an agreement given here takes precedence over a packaged one.
        packaged_agreements: load the packaged agreements between the chosen schemes.

    Raises:
        SchemeError: a file is inconsistent (a data fault); NotFound: an unknown scheme id.
    """
    packaged = _PackagedSchemes(_read_nations())
    every = {scheme_id: packaged[scheme_id] for scheme_id in packaged}  # reads and checks all
    for scheme in every.values():
        _check_patterns(scheme)
    wanted = sorted(every) if schemes is None else list(schemes)
    chosen = {
        scheme_id: Registry(packaged.nations, every).scheme(scheme_id) for scheme_id in wanted
    }
    built = _agreements(chosen, tuple(agreements), packaged_agreements)
    return Registry(packaged.nations, MappingProxyType(chosen), built)


def _check_patterns(scheme: Scheme) -> None:
    """Compile each family pattern of ``scheme`` (otherwise compiled when first matched)."""
    import re

    for control in scheme.pattern_controls():
        try:
            (control.pattern or TokenPattern("")).compiled()
        except re.error as problem:
            raise SchemeError(
                f"{scheme.id}.toml control {control.token!r}: the pattern is not a regular "
                f"expression ({problem})"
            ) from None


@lru_cache(maxsize=1)
def default_registry() -> Registry:
    """The packaged schemes and agreements, loaded once per process: the scripts' default.

    Each scheme file is read the first time its scheme is asked for, and the agreements the
    first time they are, so a script that reads US markings reads only ``us.toml`` (and the
    nations). :func:`load_registry` reads and checks every file at once.
    """
    packaged = _PackagedSchemes(_read_nations())
    return Registry(packaged.nations, packaged, lambda: _agreements(packaged, (), True))


class _PackagedSchemes(Mapping[str, Scheme]):
    """The packaged schemes by id, each file read on first use (``<id>.toml``)."""

    def __init__(self, nations: Nations) -> None:
        self.nations = nations
        self._loaded: dict[str, Scheme] = {}
        self._ids: tuple[str, ...] | None = None

    def __getitem__(self, scheme_id: str) -> Scheme:
        found = self._loaded.get(scheme_id)
        if found is None:  # two threads may both read the file; both keep the first scheme
            found = self._loaded.setdefault(scheme_id, self._load(scheme_id))
        return found

    def _load(self, scheme_id: str) -> Scheme:
        name = f"{scheme_id}.toml"
        data = None if _not_a_file_name(scheme_id) or name == _NATIONS else _data(name)
        if data is None:
            raise KeyError(scheme_id)
        scheme = _scheme_from_data(data, self.nations, name)
        if scheme.id != scheme_id:
            raise SchemeError(f"{name}: the scheme's id must be its file's name ({scheme.id!r})")
        return scheme

    def __iter__(self) -> Iterator[str]:
        if self._ids is None:
            names = _listing(None)
            self._ids = tuple(n.removesuffix(".toml") for n in names if n != _NATIONS)
        return iter(self._ids)

    def __len__(self) -> int:
        return sum(1 for _ in self)


def _agreements(
    chosen: Mapping[str, Scheme],
    given: tuple[tuple[str, Mapping[str, Any]], ...],
    packaged: bool,
) -> tuple[Agreement, ...]:
    """The agreements given, then the packaged ones between ``chosen`` schemes."""
    from tearline.labels.schemes.agreements import agreement_from_data

    files: list[tuple[str, Mapping[str, Any]]] = []
    if packaged:
        for name in _listing("agreements"):
            data = _data(f"agreements/{name}") or {}
            if set(data["agreement"]["schemes"]) <= set(chosen):
                files.append((name, data))
    # the agreements given come first: between the same two schemes they take precedence
    return tuple(agreement_from_data(data, chosen, name) for name, data in (*given, *files))


def _not_a_file_name(scheme_id: object) -> bool:
    return not isinstance(scheme_id, str) or not scheme_id or not set(scheme_id) <= _ID_CHARACTERS


def _read_nations() -> Nations:
    return Nations.from_data(_data(_NATIONS) or {})


def _read(name: str) -> str | None:
    """The packaged data file ``name`` (``/``-separated), or ``None`` if there is none.

    Read through the data package's own loader (a directory, a zip file, …), as
    ``pkgutil.get_data`` does, without importing ``pkgutil`` and ``importlib.util``.
    """
    from tearline.labels import data as package

    spec = package.__spec__
    loader: Any = getattr(spec, "loader", None)  # the package's own: a regular package has one
    folders: Any = getattr(spec, "submodule_search_locations", None)
    try:
        raw: bytes = loader.get_data(f"{next(iter(folders))}/{name}")
    except OSError:
        return None
    return raw.decode("utf-8")


def _listing(folder: str | None) -> list[str]:
    """The names of the TOML files in the data package (or its ``folder``), sorted."""
    from importlib import resources

    root = resources.files(_DATA_PACKAGE)
    where = root if folder is None else root.joinpath(folder)
    return sorted(e.name for e in where.iterdir() if e.name.endswith(".toml"))


def _data(name: str) -> dict[str, Any] | None:
    """The data of the packaged TOML file ``name``, from its compiled JSON form (or the TOML
    itself where there is none: a file added and not yet compiled); ``None`` if neither is."""
    from tearline.labels.jsontext import loads

    compiled_form = _read(name.removesuffix(".toml") + ".json")
    if compiled_form is not None:
        found: dict[str, Any] = loads(compiled_form)
        return found
    text = _read(name)
    return None if text is None else _toml(text)


def _toml(text: str) -> dict[str, Any]:
    import tomllib

    return tomllib.loads(text)


def compiled(text: str) -> str:
    """The JSON form of a TOML data file's ``text``: the same data, read without ``tomllib``.

    Keys keep the file's order; one line, UTF-8 as written, ending in a newline.
    """
    import json

    return json.dumps(_toml(text), ensure_ascii=False, separators=(",", ":")) + "\n"


def resolve(registry: Registry | None) -> Registry:
    """``registry``, or the packaged one when none is given (the scripts' convenience)."""
    return default_registry() if registry is None else registry


def schemes() -> tuple[Scheme, ...]:
    """Every packaged scheme, by id."""
    registry = default_registry()
    return tuple(registry.schemes[key] for key in sorted(registry.schemes))


def agreements() -> tuple[Agreement, ...]:
    """Every packaged agreement between schemes."""
    return default_registry().agreements


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
    scheme = Scheme(
        id=str(head["id"]),
        name=str(head["name"]),
        language=str(head.get("language", "en")),
        syntax=str(head["syntax"]),
        owner=str(head["owner"]),
        levels=levels,
        categories=categories,
        owner_forms=_owner_forms(data.get("owners", {}), filename),
        nations=nations,
        rel_first=head.get("rel_first"),
        rel_min_entries=int(head.get("rel_min_entries", 1)),
        owner_only_control=head.get("owner_only_control"),
        source=str(head.get("source", "")),
        field_separators=tuple(head.get("field_separators", ("//",))),
        owner_kind=str(head.get("owner_kind", "nation")),
        authority=_authority(data.get("authority"), filename),
        compounds=tuple(_compound(entry) for entry in data.get("compounds", ())),
        _levels=MappingProxyType({level.token: level for level in levels}),
        _controls=MappingProxyType(
            {c.token: c for category in categories for c in category.controls if not c.pattern}
        ),
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


def _owner_forms(data: Mapping[str, Any], filename: str) -> Mapping[str, OwnerForm]:
    forms = {
        code: OwnerForm(
            code=code,
            banner=MappingProxyType(dict(form["banner"])),
            portion=MappingProxyType(dict(form["portion"])),
            tier=MappingProxyType(
                {k: _tier(v, f"{filename} owners.{code}") for k, v in form.get("tier", {}).items()}
            ),
        )
        for code, form in data.items()
    }
    return MappingProxyType(forms)


def _compound(entry: Mapping[str, Any]) -> Compound:
    return Compound(
        str(entry["text"]),
        str(entry["level"]),
        tuple(entry["controls"]),
        tuple(entry.get("aliases", ())),
    )


def _role(value: object, where: str) -> str:
    """A control's role: its category's, or its own (DL ONLY is an access token among the
    dissemination controls)."""
    role = str(value)
    if role not in _ROLES:
        raise SchemeError(f"{where}: unknown role {role!r}")
    return role


_AUTHORITY_FIELDS = frozenset({"classified_by", "derived_from", "reason", "declassify_on"})


def _authority(entry: Mapping[str, Any] | None, filename: str) -> AuthorityForm | None:
    if entry is None:
        return None
    lines = {str(name): str(field) for name, field in entry["lines"].items()}
    required = tuple(str(field) for field in entry.get("required", ()))
    unknown = sorted((set(lines.values()) | set(required)) - _AUTHORITY_FIELDS)
    if unknown or "declassify_on" not in lines.values():
        raise SchemeError(
            f"{filename} [authority]: unknown or missing field {unknown or 'declassify_on'}"
        )
    return AuthorityForm(
        fields=MappingProxyType(lines),
        required=required,
        needs_basis=bool(entry.get("needs_basis", False)),
        max_years=int(entry["max_years"]),
    )


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
        role=_role(entry.get("role", role), where),
        rank=rank,
        banner=banner,
        portion=str(entry.get("portion", token)),
        title=entry.get("title"),
        title_prefix=entry.get("title_prefix"),
        pattern=TokenPattern(pattern) if pattern else None,
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
