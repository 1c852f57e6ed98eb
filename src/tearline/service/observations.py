"""The common operational picture served by the node: observations filed, retracted and
relabelled, and each viewer's picture fused from exactly what they may read (issue #10).

Filing an observation is like writing an item: its marking is parsed in the author's scheme
(or the one named), the report checked by :func:`tearline.picture.observation` (a field at
fault is named), and a label above what the author may read is refused and audited. A batch
is checked whole before anything is written and audited once, naming every id.

The picture a viewer gets is fused over the observations whose label they may read — the
database returns only those (their readable label-id set, as for items) — so no position,
attribute, track id or track's existence can come from anything else. Viewers who read the
same labels (a **visibility class**: the same readable label-id set) share one fused
:class:`~tearline.picture.Picture`, kept in memory and brought up to date from the rows
changed since it was built: each row carries the audit sequence number of its last change
(:meth:`Observations.feed` answers "what changed for class K since seq S", the shape a live
stream needs). Every delivery is audited, naming the observations delivered.
"""

from __future__ import annotations

import secrets
from collections import OrderedDict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Final

from tearline.audit import Record, decision_record
from tearline.errors import Denied, InvalidInput, LabelError, NotFound, TearlineError
from tearline.labels.lattice import dominates
from tearline.labels.model import Label
from tearline.labels.parse import parse
from tearline.labels.schemes import Registry
from tearline.labels.translate import translate
from tearline.picture import (
    Change,
    FusionConfig,
    InvalidObservation,
    Observation,
    Picture,
    Track,
    fuse,
    marking,
    observation,
)
from tearline.policy.decide import decide
from tearline.policy.model import Action
from tearline.policy.reasons import Reason, languages
from tearline.service.context import Context, Refusal, denied
from tearline.service.records import ObservationRecord, PersonRecord, Role
from tearline.service.views import marking as written

__all__ = [
    "NO_SUCH_OBSERVATION",
    "NO_SUCH_TRACK",
    "Bbox",
    "ClassKey",
    "Feed",
    "Observations",
    "Report",
    "Sight",
    "TrackView",
    "new_observation_id",
]

#: A visibility class: the sorted ids of the labels its viewers may read.
ClassKey = tuple[int, ...]
#: The one answer for an observation that is missing, retracted, forbidden or malformed.
NO_SUCH_OBSERVATION: Final = "no such observation, or none you may read"
#: The one answer for a track that is missing or that the caller's picture does not hold.
NO_SUCH_TRACK: Final = "no such track, or none you may see"
#: Most observations one batch may file.
BATCH_MAX: Final = 10_000
#: Most visibility classes whose picture is kept in memory (least recently used go first).
CLASSES_KEPT: Final = 32
#: Changes remembered per class for :meth:`Observations.feed`.
JOURNAL_KEPT: Final = 1000
#: Track markings remembered (by labels and scheme) before the memo is emptied.
MARKINGS_KEPT: Final = 10_000


def new_observation_id() -> str:
    """A fresh random observation id (``o-`` and 20 hex digits): ids tell nothing of order."""
    return "o-" + secrets.token_hex(10)


@dataclass(frozen=True, slots=True)
class Report:
    """What a reporter submits: one observation, its marking in a scheme (the author's own
    unless ``scheme`` names another). Units are SI: metres, metres per second, degrees."""

    time: datetime
    lat: float
    lon: float
    kind: str
    source_nation: str
    sensor: str
    marking: str
    scheme: str | None = None
    alt: float | None = None
    course: float | None = None
    speed: float | None = None
    identity: str | None = None
    accuracy: float | None = None


@dataclass(frozen=True, slots=True)
class Bbox:
    """A bounding box in degrees: west, south, east, north (west > east crosses 180°)."""

    west: float
    south: float
    east: float
    north: float

    @classmethod
    def parse(cls, text: str) -> Bbox:
        """``W,S,E,N`` as a box.

        Raises:
            InvalidObservation: (field ``bbox``) not four numbers within the globe, or south
                above north.
        """
        parts = text.split(",")
        try:
            west, south, east, north = (float(p) for p in parts)
        except ValueError:
            raise InvalidObservation(
                "bbox", f"{text[:60]!r} is not W,S,E,N: four numbers in degrees, e.g. 128,30,142,42"
            ) from None
        if not all(-180 <= x <= 180 for x in (west, east)) or not all(
            -90 <= y <= 90 for y in (south, north)
        ):
            raise InvalidObservation(
                "bbox", "longitudes must be within -180…180 and latitudes within -90…90"
            )
        if south > north:
            raise InvalidObservation("bbox", f"south {south:g} is above north {north:g}")
        return cls(west, south, east, north)

    def holds(self, lat: float, lon: float) -> bool:
        """Whether (``lat``, ``lon``) lies in the box."""
        if not self.south <= lat <= self.north:
            return False
        if self.west <= self.east:
            return self.west <= lon <= self.east
        return lon >= self.west or lon <= self.east


@dataclass(frozen=True, slots=True)
class TrackView:
    """A track as one viewer sees it: fused from what they may read, and its marking (the
    roll-up of those observations' labels, the viewer's scheme first)."""

    track: Track
    marking: tuple[Label, ...]


@dataclass(frozen=True, slots=True)
class Sight:
    """A viewer's picture at ``at``: the tracks current then, as they stood."""

    reader: PersonRecord
    at: datetime
    tracks: tuple[TrackView, ...]


@dataclass(frozen=True, slots=True)
class Feed:
    """What a visibility class's picture gives a live stream, current as of audit seq
    ``mark``: a **snapshot** (every track current at ``at``) or an **update** since an
    earlier mark (the tracks changed since and current at ``at``; ``removed``: tracks gone,
    or changed and no longer current). ``added`` names the observations that entered the
    picture since (for the stream's audit record)."""

    key: ClassKey
    mark: int
    at: datetime
    snapshot: bool
    tracks: tuple[Track, ...] = ()
    removed: tuple[str, ...] = ()
    added: frozenset[str] = frozenset()


@dataclass(slots=True)
class _Class:
    """One visibility class's fused picture, current as of audit seq ``mark``."""

    picture: Picture
    mark: int
    #: (mark, change, observations added) of each update since ``floor``, oldest first.
    journal: list[tuple[int, Change, frozenset[str]]] = field(default_factory=list)
    #: The journal tells every change after this mark (the one the picture was built at,
    #: until old entries are dropped).
    floor: int = 0
    #: A digest of each track as it stands, so that a track recomputed to the same thing
    #: (a withdrawal replays every later scan) is not journalled as changed.
    digests: dict[str, int] = field(default_factory=dict)

    def settled(self, change: Change) -> Change:
        """``change`` without the tracks that were recomputed to what they were."""
        updated: list[str] = []
        for track_id in change.updated:
            track = self.picture.track(track_id)
            if track is None:  # pragma: no cover - an updated track exists
                continue
            digest = hash((track.observations, track.time, track.lat, track.lon, track.kind,
                           track.identity, track.course, track.speed, track.labels))  # fmt: skip
            if self.digests.get(track_id) != digest:
                self.digests[track_id] = digest
                updated.append(track_id)
        for track_id in change.removed:
            self.digests.pop(track_id, None)
        return Change(tuple(updated), change.removed)

    def journalled(self, mark: int, change: Change, added: frozenset[str]) -> None:
        """Record that the picture moved to ``mark`` by ``change``, taking in ``added``."""
        self.journal.append((mark, change, added))
        if len(self.journal) > JOURNAL_KEPT:
            self.floor = self.journal.pop(0)[0]
        self.mark = mark


class Observations:
    """Use cases over the observations of the common operational picture."""

    def __init__(self, ctx: Context, config: FusionConfig | None = None) -> None:
        self._ctx = ctx
        self._config = config or FusionConfig()
        self._classes: OrderedDict[Hashable, _Class] = OrderedDict()
        self._markings: dict[tuple[frozenset[Label], str], tuple[Label, ...]] = {}

    @property
    def config(self) -> FusionConfig:
        """The fusion parameters (``timeout``: how long a track stays current)."""
        return self._config

    # ------------------------------------------------------------------ filing
    def prepare(
        self, author: PersonRecord, report: Report, at: datetime, where: str = ""
    ) -> Observation:
        """Check ``report`` and make it an observation with a fresh id (nothing written).

        Raises:
            InvalidObservation: naming the field at fault (prefixed with ``where``).
        """
        try:
            label = self._label(author, report.marking, report.scheme)
            if not self._ctx.registry.nations.is_nation(report.source_nation):
                raise InvalidObservation(
                    "source_nation",
                    f"{report.source_nation[:10]!r} is not a known nation; give its trigraph "
                    "(USA, JPN, …)",
                )
            return observation(
                id=new_observation_id(), time=report.time, lat=report.lat, lon=report.lon,
                kind=report.kind, source_nation=report.source_nation, sensor=report.sensor,
                label=label, now=at, alt=report.alt, course=report.course, speed=report.speed,
                identity=report.identity, accuracy=report.accuracy,
            )  # fmt: skip
        except InvalidObservation as problem:
            if not where:
                raise
            message = problem.message.removeprefix(f"{problem.field}: ")
            raise InvalidObservation(f"{where}.{problem.field}", message) from None

    def _label(self, author: PersonRecord, text: str, scheme_given: str | None) -> Label:
        scheme = scheme_given or author.clearance_scheme
        if scheme not in self._ctx.registry.schemes:
            known = ", ".join(sorted(self._ctx.registry.schemes))
            raise InvalidObservation(
                "scheme", f"unknown scheme {scheme[:20]!r}; use one of {known}"
            )
        if not isinstance(text, str) or not text.strip():
            raise InvalidObservation("marking", 'give the marking, e.g. "SECRET//REL TO USA, JPN"')
        try:
            return parse(text.strip(), scheme, registry=self._ctx.registry)
        except LabelError as problem:
            raise InvalidObservation("marking", problem.message) from None

    def _refuse_write(
        self, author: PersonRecord, label: Label, at: datetime, action: str, subject: str
    ) -> None:
        decision = decide(author.as_person(), label, Action.READ, at, registry=self._ctx.registry)
        if decision.permitted:
            return
        shown = written(label, self._ctx.registry)
        problem = (
            f"{author.id} may not write {shown!r}: it is above what they may read "
            f"({'; '.join(decision.reasons_in('en'))})"
        )
        raise Refusal(
            Denied(problem, decision.reasons_in("en"),
                   {code: decision.reasons_in(code) for code in languages()}),
            decision_record(at, author.id, action, subject, decision, marking=shown),
        )  # fmt: skip

    def add(self, actor_id: str, report: Report) -> ObservationRecord:
        """File one observation written by ``actor_id`` (audited ``observation.create``).

        Raises:
            InvalidObservation: the report is malformed (the field is named; nothing written).
            Denied: the author may not read the marking they wrote (nothing is written).
        """
        return self.add_many(actor_id, [report], single=True)[0]

    def add_many(
        self, actor_id: str, reports: Sequence[Report], *, single: bool = False
    ) -> list[ObservationRecord]:
        """File a batch: every report is checked (and every label decided for the author)
        before anything is written; one audit record (``observation.batch``) names every id.

        Raises:
            InvalidObservation: a report is malformed (``observations[i].field``; nothing
                is written).
            Denied: a label is above the author (nothing is written).
        """
        if not reports:
            raise InvalidObservation("observations", "give at least one observation")
        if len(reports) > BATCH_MAX:
            raise InvalidObservation(
                "observations", f"{len(reports)} in one batch; send at most {BATCH_MAX}"
            )

        def work() -> list[ObservationRecord]:
            at = self._ctx.clock()
            author = self._ctx.actor(actor_id)
            action = "observation.create" if single else "observation.batch"
            made: list[ObservationRecord] = []
            decided: set[Label] = set()
            for index, report in enumerate(reports):
                obs = self.prepare(author, report, at, "" if single else f"observations[{index}]")
                if obs.label not in decided:
                    self._refuse_write(author, obs.label, at, action, obs.id if single else "")
                    decided.add(obs.label)
                made.append(ObservationRecord(obs, at, author.id))
            if single:
                obs = made[0].observation
                detail: dict[str, Any] = {"kind": str(obs.kind), "source_nation":
                                          obs.source_nation, "marking":
                                          written(obs.label, self._ctx.registry)}  # fmt: skip
                record = Record(at, author.id, action, obs.id, "done", detail)
            else:
                markings = sorted({written(r.label, self._ctx.registry) for r in made})
                detail = {"observations": [r.id for r in made], "markings": markings}
                record = Record(at, author.id, action, "", "done", detail)
            seq = self._ctx.audit.chained([record])
            self._ctx.store.add_observations(made, seq)
            return made

        return self._ctx.run(work)

    # ------------------------------------------------------------------ changing
    def _readable(
        self, actor: PersonRecord, observation_id: str, at: datetime, action: str
    ) -> ObservationRecord:
        """The live observation ``observation_id`` if ``actor`` may read it (call inside a
        transaction); otherwise a refusal carrying the one not-found."""
        label = (
            self._ctx.store.observation_label(observation_id) if _is_id(observation_id) else None
        )
        if label is None:
            record = Record(at, actor.id, action, observation_id[:64], "not-found")
            raise Refusal(NotFound(NO_SUCH_OBSERVATION), record)
        decision = decide(actor.as_person(), label, Action.READ, at, registry=self._ctx.registry)
        if not decision.permitted:
            record = decision_record(at, actor.id, action, observation_id, decision)
            raise Refusal(NotFound(NO_SUCH_OBSERVATION), record)
        found = self._ctx.store.observation(observation_id)
        if found is None:  # pragma: no cover - read in the same transaction as its label
            gone = Record(at, actor.id, action, observation_id, "gone")
            raise Refusal(NotFound(NO_SUCH_OBSERVATION), gone)
        return found

    def retract(self, actor_id: str, observation_id: str, *, reason: str) -> ObservationRecord:
        """Withdraw an observation from every picture (its row and earlier versions are
        kept). Its author or a security officer may; audited ``observation.retract``.

        Raises:
            NotFound: no such live observation, or none the actor may read.
            Denied: the actor neither filed it nor is a security officer.
        """
        _reason(reason)

        def work() -> ObservationRecord:
            at = self._ctx.clock()
            actor = self._ctx.actor(actor_id)
            before = self._readable(actor, observation_id, at, "observation.retract")
            if before.created_by != actor.id and not actor.has_role(Role.SECURITY_OFFICER):
                why = Reason.not_author()
                problem = why.text()
                record = Record(at, actor.id, "observation.retract", before.id, "deny",
                                {"reason": problem})  # fmt: skip
                raise Refusal(denied(problem, why), record)
            after = replace(before, version=before.version + 1, retracted=at)
            detail = {"version": after.version, "reason": reason,
                      "marking": written(before.label, self._ctx.registry)}  # fmt: skip
            seq = self._ctx.audit.chained(
                [Record(at, actor.id, "observation.retract", before.id, "done", detail)]
            )
            self._ctx.store.revise_observation(before, after, actor.id, at, seq)
            return after

        return self._ctx.run(work)

    def relabel(
        self, actor_id: str, observation_id: str, marking_text: str, *, reason: str,
        scheme: str | None = None,
    ) -> ObservationRecord:  # fmt: skip
        """Give an observation a new label (audited ``observation.relabel``). Raising it
        takes only that the actor may read both labels; lowering it (anything the new label
        does not dominate) takes a releasing officer (audited ``observation.downgrade``).

        Raises:
            NotFound: no such live observation, or none the actor may read.
            InvalidObservation: the new marking does not parse (field ``marking``).
            Denied: the new label is above the actor, or lowers the old one and the actor is
                not a releasing officer.
        """
        _reason(reason)

        def work() -> ObservationRecord:
            at = self._ctx.clock()
            actor = self._ctx.actor(actor_id)
            before = self._readable(actor, observation_id, at, "observation.relabel")
            label = self._label(actor, marking_text, scheme)
            self._refuse_write(actor, label, at, "observation.relabel", before.id)
            lowered = not _raises(label, before.label, self._ctx.registry)
            old, new = written(before.label, self._ctx.registry), written(label, self._ctx.registry)
            if lowered and not actor.has_role(Role.RELEASING_OFFICER):
                why = Reason.observation_downgrade(new, old)
                problem = why.text()
                record = Record(at, actor.id, "observation.downgrade", before.id, "deny",
                                {"reason": problem})  # fmt: skip
                raise Refusal(denied(problem, why), record)
            after = replace(
                before, observation=replace(before.observation, label=label),
                version=before.version + 1,
            )  # fmt: skip
            action = "observation.downgrade" if lowered else "observation.relabel"
            detail = {"version": after.version, "reason": reason, "from": old, "to": new}
            seq = self._ctx.audit.chained([Record(at, actor.id, action, before.id, "done", detail)])
            self._ctx.store.revise_observation(before, after, actor.id, at, seq)
            return after

        return self._ctx.run(work)

    # ------------------------------------------------------------------ the picture
    def _class(self, readable: Sequence[int]) -> tuple[Hashable, _Class]:
        """The up-to-date picture of the class reading ``readable`` (call inside a
        transaction). Built from the database's readable rows on first use, then brought
        forward from the rows changed since: each is withdrawn if the picture holds it and
        added again if it is still live and readable (the database filters)."""
        key = tuple(sorted(set(readable)))
        store = self._ctx.store
        mark = store.observation_mark()
        found = self._classes.get(key)
        if found is not None and found.mark < mark:
            changed = store.changed_after(found.mark)
            if len(changed) > max(1000, len(found.picture)):
                found = None  # cheaper to fuse again from scratch
            else:
                picture = found.picture
                total = Change()
                for observation_id in changed:
                    if observation_id in picture:
                        total = _merge(total, picture.withdraw(observation_id))
                fresh = store.readable_observations_among(changed, key)
                total = _merge(total, picture.add_many(fresh))
                found.journalled(mark, found.settled(total), frozenset(o.id for o in fresh))
        if found is None or found.mark > mark:
            found = _Class(fuse(store.readable_observations(key), self._config), mark, floor=mark)
            found.settled(Change(found.picture.track_ids))
            self._classes[key] = found
        self._classes.move_to_end(key)
        while len(self._classes) > CLASSES_KEPT:
            self._classes.popitem(last=False)
        return key, found

    def _view(self, track: Track, scheme: str) -> TrackView:
        key = (frozenset(track.labels), scheme)
        rolled = self._markings.get(key)
        if rolled is None:
            if len(self._markings) >= MARKINGS_KEPT:
                self._markings.clear()
            rolled = self._markings[key] = marking(
                track.labels, scheme, registry=self._ctx.registry
            )
        return TrackView(track, rolled)

    def tracks(
        self, actor_id: str, *, at: datetime | None = None, bbox: Bbox | None = None
    ) -> Sight:
        """The tracks current at ``at`` (default now) that ``actor_id`` may see, as they
        stood then, within ``bbox`` if given: fused from the observations they may read
        alone. The delivery is audited (``cop.tracks``), naming every observation given.

        Raises:
            InvalidObservation: ``at`` has no time zone (field ``at``).
        """
        _zoned(at)

        def work() -> Sight:
            now = self._ctx.clock()
            reader = self._ctx.reader(actor_id)
            when = at or now
            readable = self._ctx.readable.for_person(reader, now)
            _, found = self._class(readable)
            views = tuple(
                self._view(t, reader.clearance_scheme)
                for t in found.picture.tracks(when)
                if bbox is None or bbox.holds(t.lat, t.lon)
            )
            detail: dict[str, Any] = {
                "at": when.isoformat(), "tracks": [v.track.id for v in views],
                "observations": [o for v in views for o in v.track.observations],
            }  # fmt: skip
            if bbox is not None:
                detail["bbox"] = [bbox.west, bbox.south, bbox.east, bbox.north]
            self._ctx.audit.write([Record(now, reader.id, "cop.tracks", "", "permit", detail)])
            return Sight(reader, when, views)

        return self._ctx.run(work)

    def track(
        self, actor_id: str, track_id: str, *, at: datetime | None = None
    ) -> tuple[PersonRecord, TrackView]:
        """One track with its history as ``actor_id`` may see it (as it stood at ``at``, or
        all of it). A track their picture does not hold is not found, whether it exists in
        another class's picture or nowhere. Audited (``cop.track``).

        Raises:
            NotFound: no such track in the caller's picture (or not current at ``at``).
        """
        _zoned(at)

        def work() -> tuple[PersonRecord, TrackView]:
            now = self._ctx.clock()
            reader = self._ctx.reader(actor_id)
            readable = self._ctx.readable.for_person(reader, now)
            _, found = self._class(readable)
            track = found.picture.track(track_id, at) if len(track_id) <= 140 else None
            if track is None:
                record = Record(now, reader.id, "cop.track", track_id[:64], "not-found")
                raise Refusal(NotFound(NO_SUCH_TRACK), record)
            detail = {"observations": list(track.observations),
                      "at": None if at is None else at.isoformat()}  # fmt: skip
            record = Record(now, reader.id, "cop.track", track_id, "permit", detail)
            self._ctx.audit.write([record])
            return reader, self._view(track, reader.clearance_scheme)

        return self._ctx.run(work)

    # ------------------------------------------------------------------ live streams
    def class_of(self, actor_id: str) -> tuple[PersonRecord, ClassKey]:
        """Who ``actor_id`` reads as now, and their visibility class (the key of the picture
        they see). Nothing is delivered, so nothing is audited."""
        with self._ctx.store.transaction(write=False):
            reader = self._ctx.reader(actor_id)
            readable = self._ctx.readable.for_person(reader, self._ctx.clock())
            return reader, tuple(sorted(set(readable)))

    def classes_of(self, readers: Sequence[PersonRecord]) -> list[ClassKey]:
        """The visibility class of each of ``readers`` (as last read) now — it changes as
        labels are stored for the first time, and as authorizations run out."""
        with self._ctx.store.transaction(write=False):
            now = self._ctx.clock()
            return [tuple(sorted(set(ids))) for ids in self._ctx.readable.for_people(readers, now)]

    def every_label(self) -> ClassKey:
        """The class of a viewer who may read every stored label: for the benchmark's plain
        broadcast (``bench/feed.py``) only — no person is ever given it."""
        with self._ctx.store.transaction(write=False):
            return tuple(label_id for label_id, _ in self._ctx.store.labels_after(0))

    def feed(self, key: ClassKey, since: int | None) -> Feed:
        """What the class ``key`` (from :meth:`class_of`) shows a stream that was brought up
        to audit seq ``since``: the changes after it, or a snapshot when ``since`` is
        ``None``, beyond the class's mark, or older than its journal reaches (or the picture
        was rebuilt since). Nothing is audited here: the stream records what it sends (see
        :meth:`streamed`)."""
        with self._ctx.store.transaction(write=False):
            now = self._ctx.clock()
            _, found = self._class(key)
            picture = found.picture
            if since is None or since > found.mark or since < found.floor:
                tracks = tuple(picture.tracks(now))
                every = frozenset(o for t in tracks for o in t.observations)
                return Feed(key, found.mark, now, True, tracks, (), every)
            change = Change()
            added: frozenset[str] = frozenset()
            for mark, step, joined in found.journal:
                if mark > since:
                    change = _merge(change, step)
                    added |= joined
            current: list[Track] = []
            removed = list(change.removed)
            for track_id in change.updated:
                track = picture.track(track_id, now)
                if track is None:
                    removed.append(track_id)
                else:
                    current.append(track)
            return Feed(key, found.mark, now, False, tuple(current), tuple(sorted(removed)), added)

    def view(self, track: Track, scheme: str) -> TrackView:
        """``track`` with its marking rolled up for a reader of ``scheme`` (memoized)."""
        return self._view(track, scheme)

    def streamed(self, deliveries: Sequence[tuple[str, str, Sequence[str], Sequence[str]]]
                 ) -> None:  # fmt: skip
        """Audit what live streams were sent: one ``cop.stream`` record per (person, stream,
        tracks, observations), appended by the group committer.

        Raises:
            CommitFailed: the records could not be committed (the caller must not send).
        """
        if not deliveries:
            return

        def work() -> None:
            at = self._ctx.clock()
            self._ctx.audit.write([
                Record(at, person, "cop.stream", "", "permit",
                       {"stream": stream, "tracks": list(tracks),
                        "observations": list(observations)})
                for person, stream, tracks, observations in deliveries
            ])  # fmt: skip

        self._ctx.read(work)


def _raises(new: Label, old: Label, registry: Registry) -> bool:
    """Whether ``new`` protects at least what ``old`` does. Labels of two schemes are
    compared in ``old``'s scheme; when ``new`` cannot be carried there (TLP and a national
    scheme), it is not known to: the change counts as a lowering (fail closed)."""
    try:
        carried = (
            new if new.scheme == old.scheme else translate(new, old.scheme, registry=registry).label
        )
        return dominates(carried, old, registry=registry)
    except TearlineError:
        return False


def _merge(before: Change, after: Change) -> Change:
    """Two successive changes as one."""
    updated = set(before.updated) | set(after.updated)
    removed = (set(before.removed) | set(after.removed)) - set(after.updated)
    updated -= set(after.removed)
    return Change(tuple(sorted(updated)), tuple(sorted(removed)))


def _is_id(text: str) -> bool:
    return len(text) == 22 and text.startswith("o-") and all(c in "0123456789abcdef"
                                                             for c in text[2:])  # fmt: skip


def _reason(reason: str) -> None:
    if not reason.strip() or len(reason) > 500 or not reason.isprintable():
        raise InvalidInput("give a reason: printable text of 1 to 500 characters (--reason)")


def _zoned(at: datetime | None) -> None:
    if at is not None and at.utcoffset() is None:
        raise InvalidObservation("at", "has no time zone; give it in UTC (…Z or +00:00)")
