"""The canonical label: one value type for every national marking scheme.

A :class:`Label` is what any marking parses to. Its fields are scheme-neutral (tier, owner,
releasability, access expression, controls) plus the scheme's own level token, so the same
value can be decided on, joined with others and rendered back in the reader's own scheme.
"""

from __future__ import annotations

from contextvars import ContextVar

from tearline.labels.access import EMPTY, AccessExpression
from tearline.labels.value import field, value

TYPE_CHECKING = False  # typing is not imported at run time (the command line starts faster)
if TYPE_CHECKING:
    from enum import IntEnum
else:  # the same behaviour, without importing enum (see labels/intenum.py)
    from tearline.labels.intenum import IntEnum

if TYPE_CHECKING:
    from datetime import date

__all__ = ["Label", "Tier"]

#: Set only while the label core builds a label whose validity it has established itself
#: (the marking readers, the gate, the lattice). Everywhere else a ``Label(...)`` is refused:
#: labels enter through :mod:`tearline.labels.gate`, which applies the parser's rules.
_BUILDING: ContextVar[bool] = ContextVar("tearline_label_building", default=False)


class _Building:
    """The context of :func:`_building` (a class: cheaper to enter than a generator's)."""

    __slots__ = ("_token",)

    def __enter__(self) -> None:
        self._token = _BUILDING.set(True)

    def __exit__(self, *exc: object) -> None:
        _BUILDING.reset(self._token)


def _building() -> _Building:
    """Let the label core construct :class:`Label` values (internal to ``tearline.labels``).

    Use it as ``with _building(): ...``; the previous state comes back on leaving.
    """
    return _Building()


class Tier(IntEnum):
    """The common scale every scheme's levels are placed on, lowest first."""

    UNCLASSIFIED = 0
    CONTROLLED = 1
    RESTRICTED = 2
    CONFIDENTIAL = 3
    SECRET = 4
    TOP_SECRET = 5

    @property
    def title(self) -> str:
        """The tier's name in words: ``TOP SECRET``."""
        return self.name.replace("_", " ")

    @classmethod
    def from_title(cls, title: str) -> Tier:
        """``"TOP SECRET"`` → ``Tier.TOP_SECRET``; raises ``KeyError`` for anything else."""
        return cls[title.strip().upper().replace(" ", "_")]


@value
class Label:
    """A classification label in canonical form. Immutable; equal labels protect alike.

    Attributes:
        scheme: the marking scheme the label is written in (``"us"``).
        level: the scheme's own level token (``"S"``).
        tier: the level's place on the common scale, raised by controls such as FOUO.
        owner: who classified it: country codes or a group such as ``NATO``, sorted
            (several for a joint marking).
        releasable_to: the nations (GENC trigraphs, groups expanded) that may receive it;
            ``None`` when unrestricted (only at UNCLASSIFIED and CONTROLLED).
        rel_groups: group codes (tetragraphs) named in the release list, kept for rendering.
        displayable_to: nations it may be shown to but not given to (DISPLAY ONLY).
        display_groups: group codes named in the display list.
        access: the compartments and communities a reader must hold (Accumulo grammar).
        controls: the marking's control tokens in the scheme's register order.
        fgi: foreign-government sources: ``None`` if none, ``()`` when concealed.
        declassify_on: declassification or review date, when the marking has one.
        compilation_reason: why a banner is higher than its portions (a compilation, 32 CFR
            2001.24(g); ISM ``compilationReason``); ``None`` for any other label.
        level_inferred: the marking gave no level and the scheme inferred it (特定秘密 alone).
        origins: for a label carried into this scheme by translation, the labels it was
            carried from (in a fixed order). A translated label is decided by its own
            fields *and* by each origin, so no translation can be more permissive than the
            marking it came from. Empty for a label read from its own marking.
        original: the marking as it was written (not part of equality).

    Labels are not built directly: parse a marking (:func:`tearline.parse`), read 4774 XML,
    translate, or pass the fields through :func:`tearline.labels.gate.admit`, all of which
    apply the scheme's rules. ``Label(...)`` outside the label core raises ``TypeError``.
    """

    scheme: str
    level: str
    tier: Tier
    owner: tuple[str, ...]
    releasable_to: frozenset[str] | None
    rel_groups: frozenset[str] = frozenset()
    displayable_to: frozenset[str] = frozenset()
    display_groups: frozenset[str] = frozenset()
    access: AccessExpression = EMPTY
    controls: tuple[str, ...] = ()
    fgi: tuple[str, ...] | None = None
    declassify_on: date | None = None
    compilation_reason: str | None = None
    level_inferred: bool = False
    origins: tuple[Label, ...] = ()
    original: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if not _BUILDING.get():
            raise TypeError(
                "a Label is not built field by field: parse its marking (tearline.parse), "
                "read it from 4774 XML or its JSON form, or pass the fields through "
                "tearline.labels.gate.admit(), which applies the scheme's rules"
            )
        if not self.owner:
            raise ValueError("a label needs an owner")
        if self.releasable_to is None and self.tier > Tier.CONTROLLED:
            raise ValueError(
                f"a {self.tier.title} label cannot be unrestricted: give it a release list"
            )

    def __str__(self) -> str:
        """The marking (as written, or as the label core wrote it)."""
        if self.original:
            return self.original.strip()
        access = f" access {self.access.text}" if not self.access.is_empty else ""
        return f"<{self.scheme} label: {self.level}, {self.tier.title}{access}>"

    @property
    def readers(self) -> frozenset[str] | None:
        """Nations that may see the item at all (release list plus display list)."""
        if self.releasable_to is None:
            return None
        return self.releasable_to | self.displayable_to

    def has_control(self, token: str) -> bool:
        """Whether the marking carries the control ``token`` (e.g. ``"OC"``)."""
        return token in self.controls


class _Draft:
    """A mutable object laid out as :class:`Label` (the same slots): filled, then made one.

    Setting a slot of a plain class is a specialised bytecode; a frozen class's slots can only
    be set through calls (a frozen dataclass's ``__init__``: ``object.__setattr__`` per field),
    several times the cost. Assigning ``__class__`` checks that the layouts are the same.
    """

    __slots__ = Label.__slots__  # type: ignore[attr-defined]  # set by @value
    scheme: str
    level: str
    tier: Tier
    owner: tuple[str, ...]
    releasable_to: frozenset[str] | None
    rel_groups: frozenset[str]
    displayable_to: frozenset[str]
    display_groups: frozenset[str]
    access: AccessExpression
    controls: tuple[str, ...]
    fgi: tuple[str, ...] | None
    declassify_on: date | None
    compilation_reason: str | None
    level_inferred: bool
    origins: tuple[Label, ...]
    original: str


_new = object.__new__


def _label(
    scheme: str,
    level: str,
    tier: Tier,
    owner: tuple[str, ...],
    releasable_to: frozenset[str] | None,
    rel_groups: frozenset[str],
    displayable_to: frozenset[str],
    display_groups: frozenset[str],
    access: AccessExpression,
    controls: tuple[str, ...],
    fgi: tuple[str, ...] | None,
    original: str,
) -> Label:
    """A label read from its own marking, built without :class:`Label`'s checks.

    Internal to the marking readers (the fast reader of canonical markings), which have
    established everything ``Label.__post_init__`` checks — an owner, a release list above
    CONTROLLED — and more; every other path builds labels with ``Label(...)``. The result is
    an ordinary :class:`Label`, equal to and hashing like the same fields given to it.
    """
    label = _new(_Draft)
    label.scheme = scheme
    label.level = level
    label.tier = tier
    label.owner = owner
    label.releasable_to = releasable_to
    label.rel_groups = rel_groups
    label.displayable_to = displayable_to
    label.display_groups = display_groups
    label.access = access
    label.controls = controls
    label.fgi = fgi
    label.declassify_on = None
    label.compilation_reason = None
    label.level_inferred = False
    label.origins = ()
    label.original = original
    label.__class__ = Label  # type: ignore[assignment]  # the same layout: now a Label
    return label  # type: ignore[return-value]  # its class is Label
