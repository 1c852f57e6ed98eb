"""Who may receive a label, described the way its own marking says it, in any scheme.

Decisions explain themselves in the marking's words (``JPN is not in REL TO USA, GBR``). This
module gives those words without the caller knowing the scheme's syntax: the kind of release
the marking makes and, where it names them, the marking's own words.
"""

from __future__ import annotations

from dataclasses import dataclass

from tearline.labels.model import Label
from tearline.labels.schemes import Scheme
from tearline.labels.syntax.capco import display_list, release_words

__all__ = ["Release", "describe_display", "describe_release"]

#: The kinds of release a marking makes.
RELEASE_KINDS = ("unrestricted", "list", "official", "owner-only", "unmarked")


@dataclass(frozen=True, slots=True)
class Release:
    """How a label's marking says who may receive it.

    Attributes:
        kind: ``unrestricted``; ``list`` (a release list); ``official`` (a disclosure official
            must release it: RELIDO); ``owner-only`` (NOFORN, UK EYES ONLY, JPN ONLY);
            ``unmarked`` (a classified marking with no disclosure marking: the owner only).
        words: the marking's own words for it (``REL TO USA, GBR``, ``NOFORN``, ``RELIDO``),
            empty for ``unrestricted`` and ``unmarked``.
        owners: who owns the information.
    """

    kind: str
    words: str
    owners: tuple[str, ...]


def describe_release(label: Label, scheme: Scheme) -> Release:
    """The release ``label`` (of ``scheme``) makes, in its marking's words."""
    if label.releasable_to is None:
        return Release("unrestricted", "", label.owner)
    if scheme.syntax == "capco":
        rel = scheme.role_in(label.controls, "release")
        if rel is not None:
            return Release("list", release_words(label, scheme, rel), label.owner)
        official = scheme.disclosure_control("disclosure-official")
        if official is not None and official in label.controls:
            return Release("official", scheme.control(official).banner, label.owner)
        only = scheme.owner_only_control
        if only is not None and only in label.controls:
            words = scheme.control(only).spelled("banner", label.owner)
            return Release("owner-only", words, label.owner)
    return Release("unmarked", "", label.owner)


def describe_display(label: Label, scheme: Scheme) -> str:
    """The display-only list as the marking writes it (``DISPLAY ONLY JPN``), or empty."""
    if not label.displayable_to or scheme.syntax != "capco":
        return ""
    return f"DISPLAY ONLY {', '.join(display_list(label, scheme))}"
