"""Parse, validate, normalize and render markings: the text interface of the label core.

Every function takes the scheme of the marking explicitly, and the registry to find it in
(``registry=None`` is the packaged one, for scripts).
"""

from __future__ import annotations

from tearline.errors import InvalidInput
from tearline.labels.gate import read, write
from tearline.labels.model import Label, _building
from tearline.labels.schemes import Registry, resolve
from tearline.labels.value import replace, value

__all__ = ["FORMS", "Normalized", "normalize", "parse", "parse_uncached", "render"]

#: The two forms of a marking: the banner line of a document and the mark before a portion.
FORMS = ("banner", "portion")
_CACHE_MAX_CHARS = 512
_CACHE_MAX_ENTRIES = 16384


@value
class Normalized:
    """A sloppy marking made canonical, with what was changed."""

    label: Label
    marking: str
    portion: str
    form: str
    changes: tuple[str, ...]


def _check_form(form: str | None) -> None:
    if form is not None and form not in FORMS:
        raise InvalidInput(f"unknown form {form!r}; use banner or portion")


def parse_uncached(
    text: str,
    scheme: str,
    *,
    form: str | None = None,
    strict: bool = True,
    registry: Registry | None = None,
) -> Label:
    """:func:`parse` without the cache (for measuring, and for one-off reads)."""
    _check_form(form)
    return read(text, resolve(registry).scheme(scheme), form, strict)[0]


def parse(
    text: str, scheme: str, *, form: str | None = None, registry: Registry | None = None
) -> Label:
    """Parse a marking strictly into its canonical label.

    Args:
        text: a banner line (``SECRET//REL TO USA, JPN``) or a portion mark (``(S//NF)``).
        scheme: the marking scheme's id (``"us"``, ``"jp"``, …).
        form: ``"banner"`` or ``"portion"``; ``None`` tells from the text.
        registry: the schemes to read it with (default: the packaged ones). Parsed labels
            are cached with the registry.

    Raises:
        LabelError: the marking is not canonical or breaks a rule of its scheme; ``kind``,
            ``position`` and ``message`` say what, where and how to fix it.
        NotFound: no such scheme.
    """
    chosen = resolve(registry)
    if len(text) > _CACHE_MAX_CHARS:  # real markings are short; do not let odd input fill memory
        return parse_uncached(text, scheme, form=form, registry=chosen)
    cache = chosen.cache("parse")
    key = (text, scheme, form)
    found: Label | None = cache.get(key)
    if found is None:
        found = parse_uncached(text, scheme, form=form, registry=chosen)
        if len(cache) >= _CACHE_MAX_ENTRIES:
            cache.clear()
        cache[key] = found
    return found


def normalize(
    text: str, scheme: str, *, form: str | None = None, registry: Registry | None = None
) -> Normalized:
    """Make a sloppy but unambiguous marking canonical and list each change.

    Fixes case, spacing, portion/banner spellings, register order, repeats and a missing owner
    at the head of REL TO. Conflicts, unknown tokens and missing requirements stay errors.

    Raises:
        LabelError: the marking is ambiguous or breaks a rule no rewrite can fix.
        NotFound: no such scheme.
    """
    _check_form(form)
    chosen = resolve(registry).scheme(scheme)
    label, read_form, changes = read(text, chosen, form, False)
    banner = write(label, chosen, "banner")
    portion = write(label, chosen, "portion")
    canonical = portion if read_form == "portion" else banner
    if not changes and text.strip() != canonical:
        changes = (f"rewrote the marking in canonical form: {canonical}",)
    with _building():
        label = replace(label, original=canonical)
    return Normalized(label, banner, portion, read_form, changes)


def render(
    label: Label,
    scheme: str | None = None,
    *,
    form: str = "banner",
    registry: Registry | None = None,
) -> str:
    """The canonical marking of ``label`` in ``scheme`` (default: the label's own).

    A label of another scheme is first translated through the agreement between the two
    (labels map up: never less protective).

    Raises:
        LabelError: the label holds something ``scheme`` cannot write.
        NoAgreement: no agreement connects the label's scheme with ``scheme``.
        TranslationError: a control has no counterpart in ``scheme``.
    """
    _check_form(form)
    chosen = resolve(registry)
    target = chosen.scheme(scheme or label.scheme)
    if target.id != label.scheme:
        from tearline.labels.translate import translate

        label = translate(label, target.id, registry=chosen).label
    return write(label, target, form)
