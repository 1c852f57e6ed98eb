"""``GET /api/v1/cop/stream``: the common operational picture the caller may see, live, as
Server-Sent Events.

The stream opens with one ``snapshot`` event — ``{"tracks": [...]}``, the shape of
``GET /api/v1/cop/tracks`` — then sends a ``track`` event (one element of ``tracks``) each
time a track the caller sees is created or moves, and a ``withdraw`` event (``{"id"}``) when
one they were shown is gone: its observations were retracted or relabelled above them, it
left the bounding box, or it timed out. Every event's ``id`` is the audit sequence number the
caller's picture is current as of; the events of one change share it and are written
together, in one write. A client that reconnects with ``Last-Event-ID`` is sent exactly what
changed after that point (or, when the picture's journal no longer reaches back that far, a
fresh ``snapshot``, which replaces whatever it held).

Each viewer's picture is fused from the observations they may read alone (see
:mod:`tearline.service.observations`); viewers who read the same labels — a visibility class
— share one picture and one computation per change, and only the bounding box and kinds are
applied per stream. What is sent is audited first (``cop.stream``, per stream, naming the
tracks and the observations behind them); a stream whose audit cannot be written is closed
rather than sent to.

A stream ends — with an ``event: close`` saying why — within a second of its caller's token
being revoked or running out, or their clearance being suspended, revoked or running out,
whichever process made the change; when the labels they may read change (a read-in or a
read-out), they are sent a new ``snapshot``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated

from fastapi import FastAPI, Header, Query, Request
from starlette.responses import StreamingResponse

from tearline.api.auth import Caller, authenticate
from tearline.api.cop import track_json
from tearline.api.stream import (
    Reauthenticate,
    event_stream,
    parse_last_event_id,
    still_cleared,
)
from tearline.audit import Entry
from tearline.bootstrap import Node
from tearline.errors import TearlineError
from tearline.feed import Follower, Subscription, frame
from tearline.picture import InvalidObservation, Kind, Track
from tearline.service import PersonRecord
from tearline.service.observations import Bbox, ClassKey, Feed

__all__ = ["CopStreams", "cop_stream_routes", "parse_kinds"]

_log = logging.getLogger(__name__)

#: The audit actions that change the picture.
_PICTURE_CHANGES = ("observation.",)
_RECHECK_SECONDS = 1.0


def parse_kinds(text: str | None) -> frozenset[str] | None:
    """``kinds=vessel,aircraft`` as a set of kinds (``None``: every kind).

    Raises:
        InvalidObservation: (field ``kinds``) a name that is not a kind.
    """
    if text is None or not text.strip():
        return None
    names = {part.strip() for part in text.split(",") if part.strip()}
    known = {str(k) for k in Kind}
    unknown = sorted(names - known)
    if unknown:
        raise InvalidObservation(
            "kinds", f"{unknown[0][:40]!r} is not a kind; use any of {', '.join(sorted(known))}"
        )
    return frozenset(names)


@dataclass(slots=True)
class _Viewer:
    """One open picture stream and what it has been shown."""

    subscription: Subscription
    reauth: Reauthenticate
    person: PersonRecord
    key: ClassKey
    bbox: Bbox | None
    kinds: frozenset[str] | None
    #: The tracks this stream holds now: the time of each as sent, and a hash of what was
    #: sent (a track recomputed to the same thing is not sent again).
    shown: dict[str, tuple[datetime, int]] = field(default_factory=dict)
    #: Resumed from an event id: what the client holds is not known here, so every track
    #: gone is withdrawn (until the next snapshot).
    blind: bool = False
    #: The benchmark's plain broadcast: every stored label, nothing audited.
    broadcast: bool = False

    def sees(self, track: Track) -> bool:
        return (self.bbox is None or self.bbox.holds(track.lat, track.lon)) and (
            self.kinds is None or str(track.kind) in self.kinds
        )


@dataclass(slots=True)
class _Sending:
    """What one round of changes sends: frames and audit records per stream."""

    frames: dict[str, list[bytes]] = field(default_factory=dict)
    deliveries: list[tuple[str, str, Sequence[str], Sequence[str]]] = field(default_factory=list)
    made: dict[tuple[int, str, str], _Made] = field(default_factory=dict)
    new: dict[tuple[int, str], list[str]] = field(default_factory=dict)
    whole: dict[tuple[int, str], _Whole] = field(default_factory=dict)


class CopStreams:
    """The open picture streams of one app, fed by the node's audit-log follower."""

    def __init__(self, node: Node, follower: Follower) -> None:
        self._node = node
        self._follower = follower
        self._open: dict[str, _Viewer] = {}
        # Opening a stream and handing out a round of changes take turns.
        self._lock = threading.RLock()
        follower.listen(self._entries)
        follower.every(_RECHECK_SECONDS, self.recheck)

    def __len__(self) -> int:
        return len(self._open)

    async def open(self, person: PersonRecord, reauth: Reauthenticate, after: int | None,
                   bbox: Bbox | None, kinds: frozenset[str] | None, *,
                   broadcast: bool = False) -> Subscription:  # fmt: skip
        """A new stream for ``person``: a snapshot, or what changed after event ``after``.
        (``broadcast``: the benchmark's baseline — every stored label, nothing audited.)"""
        loop = asyncio.get_running_loop()
        self._follower.ensure_running()
        subscription = Subscription(person.id, 0, loop=loop)
        await asyncio.to_thread(self._start, subscription, reauth, after, bbox, kinds,
                                broadcast)  # fmt: skip
        return subscription

    def _start(self, subscription: Subscription, reauth: Reauthenticate, after: int | None,
               bbox: Bbox | None, kinds: frozenset[str] | None, broadcast: bool
               ) -> None:  # fmt: skip
        with self._lock:
            reader, key = self._node.observations.class_of(subscription.person_id)
            if broadcast:
                key = self._node.observations.every_label()
            viewer = _Viewer(subscription, reauth, reader, key, bbox, kinds,
                             blind=after is not None, broadcast=broadcast)  # fmt: skip
            feed = self._node.observations.feed(key, after)
            subscription.cursor = feed.mark if after == feed.mark else -1
            self._deliver([(viewer, feed)])
            if subscription.closed is None:
                self._open[subscription.id] = viewer

    def close(self, subscription: Subscription) -> None:
        """Forget a stream (its client went away)."""
        subscription.close("ended")
        with self._lock:
            self._open.pop(subscription.id, None)

    # ------------------------------------------------------------------ changes
    def _entries(self, entries: Sequence[Entry]) -> None:
        vetting = any(e.action.startswith(("person.", "token.")) for e in entries)
        picture = any(e.action.startswith(_PICTURE_CHANGES) for e in entries)
        if not (vetting or picture):
            return
        with self._lock:
            if vetting:
                self._recheck()
            self._reclass()
            self._hand_out()

    def recheck(self) -> None:
        """Close every stream whose caller may no longer read, give a new snapshot to those
        whose readable labels changed, and withdraw tracks that timed out (called every
        second: a clearance, a token or an authorization runs out by the clock alone)."""
        with self._lock:
            self._recheck()
            self._reclass()
            if any(v.subscription.cursor < 0 for v in self._open.values()):
                self._hand_out()
            self._timed_out()

    def _recheck(self) -> None:
        for viewer in list(self._open.values()):
            subscription = viewer.subscription
            try:
                person = viewer.reauth()
                allowed = still_cleared(person, self._node)
            except TearlineError:
                allowed = False
            if not allowed:
                subscription.close("unauthorized")
                self._open.pop(subscription.id, None)
                continue
            viewer.person = person

    def _reclass(self) -> None:
        """Bring each stream's visibility class up to date: a stream whose class changed (a
        read-in or read-out, an authorization run out, a label stored for the first time)
        needs a new snapshot."""
        viewers = list(self._open.values())
        keys = self._node.observations.classes_of([v.person for v in viewers])
        if any(v.broadcast for v in viewers):
            every = self._node.observations.every_label()
            keys = [every if v.broadcast else k for v, k in zip(viewers, keys, strict=True)]
        for viewer, key in zip(viewers, keys, strict=True):
            if key != viewer.key:
                viewer.key = key
                viewer.subscription.cursor = -1

    def _hand_out(self) -> None:
        """Bring every open stream up to its class's picture now: one feed per class and
        starting point, whatever the number of streams sharing it."""
        feeds: dict[tuple[ClassKey, int | None], Feed] = {}
        round_: list[tuple[_Viewer, Feed]] = []
        for viewer in self._open.values():
            since = _since(viewer.subscription.cursor)
            feed = feeds.get((viewer.key, since))
            if feed is None:
                feed = feeds[viewer.key, since] = self._node.observations.feed(viewer.key, since)
            round_.append((viewer, feed))
        self._deliver(round_)

    def _timed_out(self) -> None:
        now = self._node.clock()
        timeout = self._node.observations.config.timeout
        for viewer in list(self._open.values()):
            old = [tid for tid, (when, _) in viewer.shown.items() if now - when > timeout]
            if old:
                for track_id in old:
                    del viewer.shown[track_id]
                cursor = max(viewer.subscription.cursor, 0)
                viewer.subscription.push([frame("withdraw", {"id": t}, cursor) for t in old])

    def _deliver(self, round_: Sequence[tuple[_Viewer, Feed]]) -> None:
        sending = _Sending()
        moved: list[tuple[_Viewer, int]] = []
        for viewer, feed in round_:
            if feed.snapshot or feed.mark != viewer.subscription.cursor:
                self._compose(viewer, feed, sending)
                moved.append((viewer, feed.mark))
        try:  # audited before anything is sent; a stream is never sent what is not recorded
            self._node.observations.streamed(sending.deliveries)
        except Exception:
            _log.exception("auditing a picture delivery failed; closing those streams")
            for viewer, _ in moved:
                viewer.subscription.close("error")
                self._open.pop(viewer.subscription.id, None)
            return
        for viewer, mark in moved:
            viewer.subscription.push(sending.frames.get(viewer.subscription.id, []))
            viewer.subscription.cursor = mark

    def _compose(self, viewer: _Viewer, feed: Feed, sending: _Sending) -> None:
        """The frames ``feed`` gives ``viewer`` (kept in ``sending``), and its audit record."""
        if not (feed.snapshot or viewer.blind) and viewer.bbox is None and viewer.kinds is None:
            self._compose_whole(viewer, feed, sending)
            return
        frames: list[bytes] = []
        sent: list[Track] = []
        named: list[str] = []
        if feed.snapshot:
            sent = [t for t in feed.tracks if viewer.sees(t)]
            every = [self._made(feed, t, viewer.person.clearance_scheme, sending) for t in sent]
            viewer.shown = {t.id: (t.time, m.digest) for t, m in zip(sent, every, strict=True)}
            viewer.blind = False
            data = '{"tracks":[' + ",".join(m.text for m in every) + "]}"
            frames.append(_frame("snapshot", data, feed.mark))
            named = [o for t in sent for o in t.observations]
        else:
            gone: list[str] = []
            for track in feed.tracks:
                if viewer.sees(track):
                    made = self._made(feed, track, viewer.person.clearance_scheme, sending)
                    before = viewer.shown.get(track.id)
                    if before is not None and before[1] == made.digest and not viewer.blind:
                        continue  # recomputed to what the stream already holds
                    fresh = viewer.blind or before is None
                    named += track.observations if fresh else self._new(feed, track, sending)
                    viewer.shown[track.id] = (track.time, made.digest)
                    sent.append(track)
                    frames.append(made.frame)
                elif viewer.blind or track.id in viewer.shown:
                    gone.append(track.id)
            gone += [t for t in feed.removed if viewer.blind or t in viewer.shown]
            for track_id in gone:
                viewer.shown.pop(track_id, None)
                frames.append(frame("withdraw", {"id": track_id}, feed.mark))
        if frames:
            sending.frames[viewer.subscription.id] = frames
        if sent and not viewer.broadcast:
            subscription = viewer.subscription
            sending.deliveries.append(
                (subscription.person_id, subscription.id, [t.id for t in sent], named)
            )

    def _compose_whole(self, viewer: _Viewer, feed: Feed, sending: _Sending) -> None:
        """:meth:`_compose` for the common stream — no box, every kind, in step with its
        class: every changed track goes, so what it is sent is made once per class and
        scheme. (The class's journal holds only tracks that really changed; the
        observations named are those new to the class since the stream's last event.)"""
        scheme = viewer.person.clearance_scheme
        key = (id(feed), scheme)
        whole = sending.whole.get(key)
        if whole is None:
            made = [self._made(feed, t, scheme, sending) for t in feed.tracks]
            whole = sending.whole[key] = _Whole(
                frames=[m.frame for m in made],
                shown={t.id: (t.time, m.digest) for t, m in zip(feed.tracks, made, strict=True)},
                tracks=[t.id for t in feed.tracks],
                named=[o for t in feed.tracks for o in self._new(feed, t, sending)],
            )  # fmt: skip
        shown = viewer.shown
        frames = list(whole.frames)
        shown.update(whole.shown)
        for track_id in feed.removed:
            if shown.pop(track_id, None) is not None:
                frames.append(frame("withdraw", {"id": track_id}, feed.mark))
        if frames:
            sending.frames[viewer.subscription.id] = frames
        if whole.tracks and not viewer.broadcast:
            subscription = viewer.subscription
            sending.deliveries.append(
                (subscription.person_id, subscription.id, whole.tracks, whole.named)
            )

    def _new(self, feed: Feed, track: Track, sending: _Sending) -> list[str]:
        """The observations of ``track`` that entered ``feed``'s picture since the feed's
        starting point (made once per round and class)."""
        key = (id(feed), track.id)
        done = sending.new.get(key)
        if done is None:
            done = sending.new[key] = [o for o in track.observations if o in feed.added]
        return done

    def _made(self, feed: Feed, track: Track, scheme: str, sending: _Sending) -> _Made:
        """``track`` of ``feed`` for a reader of ``scheme``: made once per round for every
        stream of the same class and scheme (two classes may hold a track of the same id
        made of different observations)."""
        key = (id(feed), track.id, scheme)
        done = sending.made.get(key)
        if done is None:
            view = self._node.observations.view(track, scheme)
            text = json.dumps(track_json(view, scheme, self._node.registry), ensure_ascii=False,
                              separators=(",", ":"))  # fmt: skip
            done = sending.made[key] = _Made(text, feed.mark)
        return done


@dataclass(frozen=True, slots=True)
class _Whole:
    """What a round sends every stream of one class and scheme that takes all of it."""

    frames: list[bytes]
    shown: dict[str, tuple[datetime, int]]
    tracks: list[str]
    named: list[str]


class _Made:
    """One track as JSON text, its digest, and its ``track`` event."""

    __slots__ = ("digest", "frame", "text")

    def __init__(self, text: str, mark: int) -> None:
        self.text = text
        self.digest = hash(text)
        self.frame = _frame("track", text, mark)


def _frame(event: str, data: str, event_id: int) -> bytes:
    """One event whose ``data`` is JSON text already made."""
    return f"id: {event_id}\nevent: {event}\ndata: {data}\n\n".encode()


def _since(cursor: int) -> int | None:
    """A stream's starting point for its next feed (``None``: it needs a snapshot)."""
    return None if cursor < 0 else cursor


def cop_stream_routes(app: FastAPI, node: Node, follower: Follower) -> CopStreams:
    """Add the picture stream to ``app``; returns its registry of open streams."""
    streams = CopStreams(node, follower)

    @app.get(
        "/api/v1/cop/stream",
        summary="The picture the caller may see, live (Server-Sent Events)",
        response_class=StreamingResponse,
        responses={200: {"content": {"text/event-stream": {}}}},
    )
    async def cop_stream(
        request: Request,
        who: Caller,
        bbox: Annotated[str | None, Query(max_length=200, description="W,S,E,N in degrees")] = None,
        kinds: Annotated[
            str | None, Query(max_length=200, description="Kinds to send, comma-separated")
        ] = None,
        last_event_id: Annotated[str | None, Header(max_length=40)] = None,
    ) -> StreamingResponse:
        after = parse_last_event_id(last_event_id)
        box = None if bbox is None else Bbox.parse(bbox)
        wanted = parse_kinds(kinds)

        def reauth() -> PersonRecord:
            return authenticate(request)

        subscription = await streams.open(who, reauth, after, box, wanted)

        return event_stream(subscription, streams.close)

    return streams
