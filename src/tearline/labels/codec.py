"""The label codec: a :class:`Label` as plain JSON-ready data, canonical bytes and an intern key.

One form for every place a label leaves the process — the CLI's JSON, the store, the HTTP API,
federation — so a label is written one way and read one way::

    {"v": 1, "scheme": "us", "level": "S", "tier": "SECRET", "owner": ["USA"],
     "releasable_to": ["JPN", "USA"], "rel_groups": [], "displayable_to": [],
     "display_groups": [], "access": "", "controls": ["REL"], "fgi": null,
     "declassify_on": null, "compilation_reason": null, "level_inferred": false, "origins": []}

Sets are sorted lists; ``releasable_to`` is ``null`` for an unrestricted label; ``tier`` is the
tier's title; ``access`` an access expression in its normal text; ``origins`` the codec forms
of the labels a translated label was carried from. The text a label was read from is not part
of the form (it is not part of the label's identity); the marking is rendered from the label.

:func:`canonical_json` gives the bytes that are signed and hashed: keys sorted, no
insignificant whitespace, strings in Unicode NFC, UTF-8. :func:`intern_key` is the SHA-256 of
those bytes: the same label gives the same key in every process and release of this format.

:func:`from_dict` is strict — every key present, none unknown, every value of its type, every
string already NFC — and ends in the label core's one gate, so a tampered or inconsistent
form is refused with a :class:`~tearline.errors.LabelError` naming the field.
"""

from __future__ import annotations

from _collections_abc import Mapping  # collections.abc's own (it imports collections)

from tearline.errors import AccessExpressionError, LabelError
from tearline.labels.access import AccessExpression
from tearline.labels.gate import admitted
from tearline.labels.model import Label, Tier, _building
from tearline.labels.schemes import Registry

TYPE_CHECKING = False  # typing is not imported at run time (the command line starts faster)
if TYPE_CHECKING:
    from typing import Any, Final

if TYPE_CHECKING:
    from datetime import date

__all__ = ["VERSION", "canonical_json", "from_dict", "intern_key", "to_dict"]

#: The version of the codec form, the ``v`` of every dict.
VERSION: Final = 1
_KEYS: Final = (
    "v", "scheme", "level", "tier", "owner", "releasable_to", "rel_groups", "displayable_to",
    "display_groups", "access", "controls", "fgi", "declassify_on", "compilation_reason",
    "level_inferred", "origins",
)  # fmt: skip
_MAX_ORIGINS: Final = 16


def to_dict(label: Label) -> dict[str, Any]:
    """The codec form of ``label``: plain dicts, lists, strings, booleans and ``None``."""
    return {
        "v": VERSION,
        "scheme": label.scheme,
        "level": label.level,
        "tier": label.tier.title,
        "owner": list(label.owner),
        "releasable_to": None if label.releasable_to is None else sorted(label.releasable_to),
        "rel_groups": sorted(label.rel_groups),
        "displayable_to": sorted(label.displayable_to),
        "display_groups": sorted(label.display_groups),
        "access": label.access.text,
        "controls": list(label.controls),
        "fgi": None if label.fgi is None else list(label.fgi),
        "declassify_on": None if label.declassify_on is None else label.declassify_on.isoformat(),
        "compilation_reason": label.compilation_reason,
        "level_inferred": label.level_inferred,
        "origins": [to_dict(origin) for origin in label.origins],
    }


def canonical_json(label: Label) -> bytes:
    """The canonical bytes of ``label``: sorted keys, no spaces, NFC strings, UTF-8."""
    return _dumps(_nfc(to_dict(label)))


def intern_key(label: Label) -> str:
    """A stable key for ``label``: the hex SHA-256 of :func:`canonical_json`."""
    import hashlib

    return hashlib.sha256(canonical_json(label)).hexdigest()


def _dumps(data: object) -> bytes:
    import json

    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8")


def _nfc(value: object) -> object:
    if isinstance(value, str):
        return _nfc_text(value)
    if isinstance(value, list):
        return [_nfc(item) for item in value]
    if isinstance(value, dict):
        return {_nfc(key): _nfc(item) for key, item in value.items()}
    return value


def _nfc_text(text: str) -> str:
    """``text`` in Unicode NFC (ASCII already is: ``unicodedata`` is loaded for the rest)."""
    if text.isascii():
        return text
    import unicodedata

    return unicodedata.normalize("NFC", text)


# ---------------------------------------------------------------------------- reading
def _fail(where: str, message: str) -> LabelError:
    return LabelError("syntax", f"label field {where!r}: {message}", 0)


def _text(data: Mapping[str, Any], key: str, where: str) -> str:
    value = data[key]
    if not isinstance(value, str):
        raise _fail(where, f"give a string, not {type(value).__name__}")
    if _nfc_text(value) != value:
        raise _fail(where, "the text is not in Unicode NFC; normalise it first")
    return value


def _texts(data: Mapping[str, Any], key: str, where: str, *, ordered: bool) -> tuple[str, ...]:
    value = data[key]
    if not isinstance(value, list):
        raise _fail(where, f"give a list of strings, not {type(value).__name__}")
    items = tuple(_text({key: item}, key, f"{where}[{i}]") for i, item in enumerate(value))
    if len(set(items)) != len(items):
        raise _fail(where, "a value is listed twice")
    if not ordered and list(items) != sorted(items):
        raise _fail(where, "list the values in sorted order")
    return items


def _maybe_texts(data: Mapping[str, Any], key: str, where: str) -> tuple[str, ...] | None:
    return None if data[key] is None else _texts(data, key, where, ordered=False)


def _tier(data: Mapping[str, Any], where: str) -> Tier:
    title = _text(data, "tier", f"{where}tier")
    tiers = {tier.title: tier for tier in Tier}
    if title not in tiers:
        raise _fail(f"{where}tier", f"{title!r} is not a tier; use one of {', '.join(tiers)}")
    return tiers[title]


def _date(data: Mapping[str, Any], where: str) -> date | None:
    if data["declassify_on"] is None:
        return None
    from datetime import date

    text = _text(data, "declassify_on", f"{where}declassify_on")
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise _fail(f"{where}declassify_on", f"{text[:40]!r} is not a date") from None
    if day.isoformat() != text:
        raise _fail(f"{where}declassify_on", "write the date as YYYY-MM-DD")
    return day


def _access(data: Mapping[str, Any], where: str) -> AccessExpression:
    text = _text(data, "access", f"{where}access")
    try:
        access = AccessExpression.parse(text)
    except AccessExpressionError as problem:
        raise _fail(f"{where}access", problem.message) from None
    if access.text != text:
        raise _fail(f"{where}access", f"write the expression in normal form: {access.text}")
    return access


def _check_keys(data: object, where: str) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise LabelError("syntax", f"{where or 'a label'} is an object with keys {_KEYS}", 0)
    missing = [key for key in _KEYS if key not in data]
    unknown = sorted(str(key) for key in data if key not in _KEYS)
    if missing or unknown:
        what = f"missing {missing[0]!r}" if missing else f"unknown key {unknown[0]!r}"
        raise LabelError(
            "syntax", f"{where or 'label'}: {what}; the keys are {', '.join(_KEYS)}", 0
        )
    if data["v"] != VERSION or isinstance(data["v"], bool):
        raise _fail(f"{where}v", f"this Tearline reads version {VERSION} of the label form")
    if not isinstance(data["level_inferred"], bool):
        raise _fail(f"{where}level_inferred", "give true or false")
    return data


def from_dict(data: object, *, registry: Registry | None = None, _where: str = "") -> Label:
    """The label of a codec form, through the one gate.

    Raises:
        LabelError: a key is missing or unknown, a value has the wrong type or form, or the
            fields disagree with the marking they make (``message`` names the field).
        NotFound: the scheme is unknown.
    """
    form = _check_keys(data, _where)
    origins_data = form["origins"]
    if not isinstance(origins_data, list) or len(origins_data) > _MAX_ORIGINS:
        raise _fail(f"{_where}origins", f"give a list of at most {_MAX_ORIGINS} labels")
    if _where and origins_data:
        raise _fail(f"{_where}origins", "an origin is a label read from its marking: no origins")
    origins = tuple(
        from_dict(item, registry=registry, _where=f"{_where}origins[{i}].")
        for i, item in enumerate(origins_data)
    )
    from tearline.labels.lattice import merged_origins

    if origins != merged_origins((origins,)):
        raise _fail(f"{_where}origins", "list each origin once, in the codec's order")
    w = _where
    values = {
        "scheme": _text(form, "scheme", f"{w}scheme"),
        "level": _text(form, "level", f"{w}level"),
        "tier": _tier(form, w),
        "owner": _texts(form, "owner", f"{w}owner", ordered=True),
        "releasable_to": _frozen(_maybe_texts(form, "releasable_to", f"{w}releasable_to")),
        **{key: _set(form, key, w) for key in ("rel_groups", "displayable_to", "display_groups")},
        "access": _access(form, w),
        "controls": _texts(form, "controls", f"{w}controls", ordered=True),
        "fgi": _maybe_ordered(form, "fgi", f"{w}fgi"),
        "declassify_on": _date(form, w),
        "compilation_reason": _maybe_text(form, "compilation_reason", f"{w}compilation_reason"),
        "level_inferred": form["level_inferred"],
        "origins": origins,
    }
    try:
        with _building():
            draft = Label(**values)
    except ValueError as problem:
        raise LabelError("conflict", f"{w or 'label'}: {problem}", 0) from None
    label = admitted(draft, registry=registry)
    if to_dict(label) != dict(form):
        raise LabelError("conflict", f"{w or 'label'}: not in the codec's canonical form", 0)
    return label


def _set(data: Mapping[str, Any], key: str, prefix: str) -> frozenset[str]:
    return frozenset(_texts(data, key, f"{prefix}{key}", ordered=False))


def _maybe_text(data: Mapping[str, Any], key: str, where: str) -> str | None:
    return None if data[key] is None else _text(data, key, where)


def _frozen(items: tuple[str, ...] | None) -> frozenset[str] | None:
    return None if items is None else frozenset(items)


def _maybe_ordered(data: Mapping[str, Any], key: str, where: str) -> tuple[str, ...] | None:
    return None if data[key] is None else _texts(data, key, where, ordered=True)
