"""One picture per visibility class, and a track's marking in a viewer's scheme.

Viewers who may read the same labels see the same picture, so :class:`Pictures` keeps one
:class:`~tearline.picture.fusion.Picture` per visibility class, each fed only the
observations its ``readable`` predicate admits (decided once per distinct label and
remembered). Whatever a viewer may not read never enters their class's fusion: no
position, attribute, track id or track's existence can come from it.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field, replace

from tearline.errors import Conflict, InvalidInput, NotFound, TranslationError
from tearline.labels.lattice import join
from tearline.labels.model import Label
from tearline.labels.schemes import Registry
from tearline.labels.translate import translate
from tearline.picture.fusion import Change, FusionConfig, Picture
from tearline.picture.observation import Observation

__all__ = ["Pictures", "marking"]

#: Decides whether the viewers of one class may read a label.
Readable = Callable[[Label], bool]


@dataclass(slots=True)
class _Class:
    readable: Readable
    picture: Picture
    verdicts: dict[Label, bool] = field(default_factory=dict)

    def reads(self, label: Label) -> bool:
        verdict = self.verdicts.get(label)
        if verdict is None:
            verdict = self.verdicts[label] = bool(self.readable(label))
        return verdict


class Pictures:
    """Every visibility class's picture over one shared set of observations.

    ``key`` identifies a visibility class: anything hashable that is equal exactly for
    viewers who may read the same labels: the ``id()`` of their interned
    :class:`~tearline.policy.classes.PersonClass` (one object per class for as long as its
    :class:`~tearline.policy.classes.ClassTable` lives), or the frozen set of the label ids
    they may read. The ``readable`` predicate given with
    it must answer for every viewer of the class alike, and must not change while the class
    exists: when what a class may read changes, :meth:`forget` it and open it again.
    """

    def __init__(self, config: FusionConfig | None = None) -> None:
        self._config = config or FusionConfig()
        self._observations: dict[str, Observation] = {}
        self._classes: dict[Hashable, _Class] = {}

    def view(self, key: Hashable, readable: Readable) -> Picture:
        """The picture of class ``key``, built from what it may read on first use."""
        found = self._classes.get(key)
        if found is None:
            found = self._classes[key] = _Class(readable, Picture(self._config))
            found.picture.add_many(o for o in self._observations.values() if found.reads(o.label))
        return found.picture

    def picture(self, key: Hashable) -> Picture:
        """The picture of an open class.

        Raises:
            NotFound: no class ``key`` is open (open it with :meth:`view`).
        """
        found = self._classes.get(key)
        if found is None:
            raise NotFound("no such visibility class is open")
        return found.picture

    def forget(self, key: Hashable) -> None:
        """Close class ``key`` (nobody in it is watching, or what it may read changed)."""
        self._classes.pop(key, None)

    @property
    def classes(self) -> tuple[Hashable, ...]:
        """The keys of the open classes."""
        return tuple(self._classes)

    def add(self, observations: Iterable[Observation]) -> dict[Hashable, Change]:
        """Fuse new observations into each class that may read them; what changed, by class.

        An observation already known (same id, same value) is ignored.

        Raises:
            Conflict: an id already known with a different value (nothing is added).
        """
        fresh: dict[str, Observation] = {}
        for obs in observations:
            known = self._observations.get(obs.id) or fresh.get(obs.id)
            if known is None:
                fresh[obs.id] = obs
            elif known != obs:
                raise Conflict(f"observation {obs.id!r} is already in the picture")
        self._observations.update(fresh)
        changes: dict[Hashable, Change] = {}
        for key, found in self._classes.items():
            change = found.picture.add_many(o for o in fresh.values() if found.reads(o.label))
            if change.updated or change.removed:
                changes[key] = change
        return changes

    def withdraw(self, observation_id: str) -> dict[Hashable, Change]:
        """Retract an observation from every class that saw it; what changed, by class.

        Raises:
            NotFound: no such observation.
        """
        if self._observations.pop(observation_id, None) is None:
            raise NotFound(f"observation {observation_id!r} is not in the picture")
        changes: dict[Hashable, Change] = {}
        for key, found in self._classes.items():
            if observation_id in found.picture:
                changes[key] = found.picture.withdraw(observation_id)
        return changes

    def relabel(self, observation_id: str, label: Label) -> dict[Hashable, Change]:
        """Give an observation a new label: classes that may no longer read it lose it,
        classes that now may gain it, the rest keep it. What changed, by class.

        Raises:
            NotFound: no such observation.
        """
        old = self._observations.get(observation_id)
        if old is None:
            raise NotFound(f"observation {observation_id!r} is not in the picture")
        new = replace(old, label=label)
        self._observations[observation_id] = new
        changes: dict[Hashable, Change] = {}
        for key, found in self._classes.items():
            had, may = observation_id in found.picture, found.reads(label)
            if had:
                changes[key] = found.picture.withdraw(observation_id)
            if may:
                again = found.picture.add(new)
                before = changes.get(key, Change())
                updated = set(before.updated) | set(again.updated)
                removed = set(before.removed) - updated
                changes[key] = Change(tuple(sorted(updated)), tuple(sorted(removed)))
        return changes


def marking(
    labels: Sequence[Label], scheme: str, *, registry: Registry | None = None
) -> tuple[Label, ...]:
    """The roll-up of a track's labels for a viewer who reads ``scheme``.

    Each label is translated into ``scheme`` (through the agreements) and the translations
    are joined (:func:`tearline.labels.lattice.join`): the least label protecting all of
    them. A label that cannot be carried into ``scheme`` (a TLP label has no owning nation
    for a national scheme) is joined with the others of its own scheme instead, so the
    result has one label per scheme, ``scheme``'s first, and together they protect at least
    what every observation's label does.

    Raises:
        InvalidInput: no labels.
    """
    if not labels:
        raise InvalidInput("no labels given: a track has at least one")
    grouped: dict[str, list[Label]] = {}
    for label in labels:
        try:
            carried = translate(label, scheme, registry=registry).label
        except TranslationError:
            carried = label
        grouped.setdefault(carried.scheme, []).append(carried)
    order = sorted(grouped, key=lambda s: (s != scheme, s))
    rolled: list[Label] = []
    for name in order:
        group = grouped[name]
        total = group[0]
        for label in group[1:]:
            total = join(total, label, registry=registry)
        rolled.append(total)
    return tuple(rolled)
