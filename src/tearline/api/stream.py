"""``GET /api/v1/items/stream``: the items the caller may read, live, as Server-Sent Events.

Each event is ``event: item`` with the listing's shape of one item as ``data`` and the audit
sequence number of the change as ``id``; an item edited later comes again with its new
version. A client that reconnects with ``Last-Event-ID`` is sent exactly what changed after
that event. Nothing is sent that the caller may not read now (the database filters by their
readable labels, and each delivery is audited, naming the items sent).

The stream ends — with an ``event: close`` saying why — within a second of the caller's
token being revoked or expiring, or their clearance being suspended, revoked or running out,
whichever process made the change.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Annotated, Any

from fastapi import FastAPI, Header, Request
from starlette.responses import StreamingResponse

from tearline.api.auth import Caller, authenticate
from tearline.audit import Entry
from tearline.bootstrap import Node
from tearline.errors import InvalidInput, TearlineError
from tearline.feed import Follower, Subscription, frame
from tearline.labels.codec import to_dict
from tearline.policy.decide import day_of
from tearline.policy.model import Status
from tearline.service import PersonRecord
from tearline.service.listing import Summary
from tearline.service.views import rendered

__all__ = [
    "ItemStreams",
    "event_stream",
    "parse_last_event_id",
    "still_cleared",
    "stream_routes",
]

_log = logging.getLogger(__name__)

#: The audit actions that change what an item stream shows.
_ITEM_CHANGES = frozenset({"item.create", "item.edit", "item.downgrade"})
#: Replayed at most this many changes on resume (older cursors start from the present).
_REPLAY = 50_000
_RECHECK_SECONDS = 1.0

Reauthenticate = Callable[[], PersonRecord]


def still_cleared(person: PersonRecord, node: Node) -> bool:
    """Whether ``person`` still holds an active, unexpired clearance."""
    today = day_of(node.clock())
    expires = person.clearance_expires
    return person.status is Status.ACTIVE and (expires is None or today < expires)


class ItemStreams:
    """The open item streams of one app, fed by the node's audit-log follower."""

    def __init__(self, node: Node, follower: Follower) -> None:
        self._node = node
        self._follower = follower
        self._open: dict[str, tuple[Subscription, Reauthenticate]] = {}
        # Opening a stream and handing a batch to the open ones take turns: a stream opened
        # while a batch is handed out is brought up to where the batch leaves it, once.
        self._lock = threading.RLock()
        follower.listen(self._entries)
        follower.every(_RECHECK_SECONDS, self.recheck)

    def __len__(self) -> int:
        return len(self._open)

    async def open(self, person: PersonRecord, reauth: Reauthenticate, after: int | None
                   ) -> Subscription:  # fmt: skip
        """A new stream for ``person``, brought up to date from ``after`` (an event id)."""
        loop = asyncio.get_running_loop()
        self._follower.ensure_running()
        subscription = Subscription(person.id, self._follower.seq, loop=loop)
        await asyncio.to_thread(self._catch_up, subscription, reauth, after)
        return subscription

    def _catch_up(self, subscription: Subscription, reauth: Reauthenticate, after: int | None
                  ) -> None:  # fmt: skip
        with self._lock:
            head = self._follower.seq
            start = head if after is None or after > head or head - after > _REPLAY else after
            if start < head:
                with self._node.store.transaction(write=False):
                    missed = self._node.store.audit_after(start, head - start)
                self._send(subscription, missed)
            subscription.cursor = head
            self._open[subscription.id] = (subscription, reauth)

    def close(self, subscription: Subscription) -> None:
        """Forget a stream (its client went away)."""
        subscription.close("ended")
        with self._lock:
            self._open.pop(subscription.id, None)

    def _entries(self, entries: Sequence[Entry]) -> None:
        with self._lock:
            self._hand_out(entries)

    def _hand_out(self, entries: Sequence[Entry]) -> None:
        vetting = any(e.action.startswith(("person.", "token.")) for e in entries)
        for subscription, reauth in list(self._open.values()):
            if vetting and not self._still_allowed(subscription, reauth):
                continue
            fresh = [e for e in entries if e.seq > subscription.cursor]
            try:
                self._send(subscription, fresh)
            except Exception:  # closed, not skipped: the client resumes from its last event
                _log.exception("delivering to a stream failed; closing it")
                subscription.close("error")
            subscription.cursor = max(subscription.cursor, entries[-1].seq)
            if subscription.closed is not None:
                self._open.pop(subscription.id, None)

    def recheck(self) -> None:
        """Close every stream whose caller may no longer read (called every second: a
        clearance or token runs out by the clock alone)."""
        with self._lock:
            self._recheck()

    def _recheck(self) -> None:
        for subscription, reauth in list(self._open.values()):
            self._still_allowed(subscription, reauth)

    def _still_allowed(self, subscription: Subscription, reauth: Reauthenticate) -> bool:
        try:
            person = reauth()
        except TearlineError:
            person = None
        if person is None or not still_cleared(person, self._node):
            subscription.close("unauthorized")
            self._open.pop(subscription.id, None)
            return False
        return True

    def _send(self, subscription: Subscription, entries: Sequence[Entry]) -> None:
        changed: dict[str, int] = {}
        for entry in entries:
            if entry.action in _ITEM_CHANGES and entry.outcome == "done" and entry.subject:
                changed[entry.subject] = entry.seq
        if not changed:
            return
        reader, found = self._node.items.deliver(subscription.person_id, list(changed),
                                                 subscription.id)  # fmt: skip
        scheme = reader.clearance_scheme
        ordered = sorted(found, key=lambda s: changed[s.id])
        subscription.push(
            [frame("item", _summary(self._node, s, scheme), changed[s.id]) for s in ordered]
        )


def _summary(node: Node, summary: Summary, scheme: str) -> dict[str, Any]:
    shown, written_in = rendered(summary.label, scheme, node.registry)
    return {
        "id": summary.id, "kind": str(summary.kind), "title": summary.title, "marking": shown,
        "scheme": written_in, "label": to_dict(summary.label), "at": summary.at.isoformat(),
        "version": summary.version, "lat": summary.lat, "lon": summary.lon,
        "partial": False, "snippet": None, "display_only": False,
    }  # fmt: skip


def parse_last_event_id(value: str | None) -> int | None:
    if value is None or not value.strip():
        return None
    text = value.strip()
    if not text.isdigit() or len(text) > 18:
        raise InvalidInput(
            "header Last-Event-ID: give the id of the last event received (a whole number)"
        )
    return int(text)


def event_stream(subscription: Subscription, ended: Callable[[Subscription], None]
                 ) -> StreamingResponse:  # fmt: skip
    """The response that writes ``subscription`` as Server-Sent Events, each time all that
    is queued in one write; ``ended`` is told when the client goes away or the stream ends."""

    async def body() -> AsyncIterator[bytes]:
        try:
            async for chunk in subscription.chunks():
                yield chunk
        finally:
            ended(subscription)

    headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
    return StreamingResponse(body(), media_type="text/event-stream", headers=headers)


def stream_routes(app: FastAPI, node: Node, follower: Follower) -> ItemStreams:
    """Add the item stream to ``app``; returns its registry of open streams."""
    streams = ItemStreams(node, follower)

    @app.get(
        "/api/v1/items/stream",
        summary="Items the caller may read, live (Server-Sent Events)",
        response_class=StreamingResponse,
        responses={200: {"content": {"text/event-stream": {}}}},
    )
    async def item_stream(
        request: Request,
        who: Caller,
        last_event_id: Annotated[str | None, Header(max_length=40)] = None,
    ) -> StreamingResponse:
        after = parse_last_event_id(last_event_id)

        def reauth() -> PersonRecord:
            return authenticate(request)

        subscription = await streams.open(who, reauth, after)

        return event_stream(subscription, streams.close)

    return streams
