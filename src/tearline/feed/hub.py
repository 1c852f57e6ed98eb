"""Live streams: a follower of the audit log and the subscriptions it feeds.

Every change a node makes — by any process on the same database: another ``tearline serve``,
or ``tearline person revoke`` on the node's terminal — is appended to the audit log in the
transaction that makes it. The log is therefore the node's ordered change feed, on SQLite and
on PostgreSQL alike: :class:`Follower` reads what was appended since its last look and hands
the entries to its listeners. It looks at once when told of a commit — by this process's own
connections (:meth:`~tearline.store.database.Database.on_commit`) or, on PostgreSQL, by any
process through ``LISTEN``/``NOTIFY`` (:meth:`~tearline.store.database.Database.watch`) — and
otherwise polls the log's head every ``interval`` seconds (a one-row query): how it learns of
another process's writes on SQLite. Event ids on a
stream are audit sequence numbers, so a client that resumes with ``Last-Event-ID`` is replayed
exactly what came after, nothing lost and nothing repeated.

A :class:`Subscription` is one open stream: a bounded buffer of ready SSE frames that its
writer drains in one write. A consumer that falls more than ``capacity`` events behind is
closed (``lagged``) rather than let to stall the follower or anyone else; it may resume from
its last event id.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
import threading
import time
from collections.abc import AsyncGenerator, Callable, Sequence
from typing import Any

from tearline.audit import Entry
from tearline.bootstrap import Node

__all__ = ["Follower", "Subscription", "frame"]

_log = logging.getLogger(__name__)
Listener = Callable[[Sequence[Entry]], None]


async def _woken_or_after(event: asyncio.Event, seconds: float) -> None:
    """Wait until ``event`` is set or ``seconds`` have passed. (Not ``asyncio.wait_for``: on
    Python 3.11 it can swallow a cancellation that comes as the event is set, and a task
    that cannot be stopped keeps a closed stream or a stopped follower alive.)"""
    timer = asyncio.get_running_loop().call_later(seconds, event.set)
    try:
        await event.wait()
    finally:
        timer.cancel()


def frame(event: str, data: Any, event_id: int | None = None) -> bytes:
    """One Server-Sent Event: ``id:`` (when given), ``event:`` and one-line JSON ``data:``."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    head = "" if event_id is None else f"id: {event_id}\n"
    return f"{head}event: {event}\ndata: {text}\n\n".encode()


class Subscription:
    """One open stream: frames waiting to be written, and why it ended (if it has).

    ``cursor`` is the last audit sequence number this stream has been brought up to. Frames
    may be pushed from any thread (the follower reads the database in a worker thread); the
    stream is written from the event loop it was opened on."""

    def __init__(self, person_id: str, cursor: int, capacity: int = 10_000,
                 loop: asyncio.AbstractEventLoop | None = None) -> None:  # fmt: skip
        self.id = "s-" + secrets.token_hex(8)
        self.person_id = person_id
        self.cursor = cursor
        self.capacity = capacity
        self.closed: str | None = None
        self._frames: list[bytes] = []
        self._lock = threading.Lock()
        self._loop = loop or asyncio.get_running_loop()
        self._ready = asyncio.Event()

    def _wake(self) -> None:
        # a closed loop means nobody is writing this stream any more
        with contextlib.suppress(RuntimeError):
            self._loop.call_soon_threadsafe(self._ready.set)

    def push(self, frames: Sequence[bytes]) -> None:
        """Queue frames; past ``capacity`` waiting, the stream is closed as ``lagged``."""
        with self._lock:
            if self.closed is not None or not frames:
                return
            if len(self._frames) + len(frames) > self.capacity:
                self.closed = "lagged"
            else:
                self._frames.extend(frames)
        self._wake()

    def close(self, reason: str) -> None:
        """End the stream (its writer sends what is queued, then a ``close`` event)."""
        with self._lock:
            if self.closed is None:
                self.closed = reason
        self._wake()

    async def chunks(self, keepalive: float = 15.0) -> AsyncGenerator[bytes, None]:
        """What to write, each time as one chunk: every queued frame at once (a comment line
        when nothing came for ``keepalive`` seconds); the last chunk says why it closed."""
        while True:
            await _woken_or_after(self._ready, keepalive)
            self._ready.clear()
            with self._lock:
                ready, self._frames = self._frames, []
                closed = self.closed
            if closed is not None:
                yield b"".join(ready) + frame("close", {"reason": closed})
                return
            yield b"".join(ready) if ready else b": keepalive\n\n"


class Follower:
    """Follows the node's audit log and tells its listeners what was appended.

    It runs as one asyncio task on the server's event loop (started with the first stream,
    :meth:`ensure_running`); each round of polls runs in a worker thread, one short read
    transaction on the node's store at a time, and its listeners run there too."""

    def __init__(self, node: Node, interval: float = 0.1) -> None:
        self._node = node
        self._interval = interval
        self._listeners: list[Listener] = []
        self._timers: list[list[Any]] = []  # [period, next due (monotonic), callback]
        self._task: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._woken: asyncio.Event | None = None
        self._watch: Any = None
        self.seq = self.head()
        node.store.db.on_commit(self.wake)

    def head(self) -> int:
        """The audit log's last sequence number now."""
        with self._node.store.transaction(write=False):
            return self._node.store.audit_head()[0]

    def listen(self, listener: Listener) -> None:
        """Call ``listener`` with every batch of new entries."""
        self._listeners.append(listener)

    def every(self, seconds: float, callback: Callable[[], None]) -> None:
        """Call ``callback`` about every ``seconds`` while following."""
        self._timers.append([seconds, time.monotonic() + seconds, callback])

    def wake(self) -> None:
        """Look at the log now rather than at the next poll (callable from any thread)."""
        loop, woken = self._loop, self._woken
        if loop is not None and woken is not None:
            with contextlib.suppress(RuntimeError):  # the loop has closed: nobody follows
                loop.call_soon_threadsafe(woken.set)

    def ensure_running(self) -> None:
        """Start following, if not already (call from the event loop)."""
        if self._task is None or self._task.done():
            self.seq = self.head()
            self._loop = asyncio.get_running_loop()
            self._woken = asyncio.Event()
            if self._watch is None:
                self._watch = self._node.store.db.watch(self.wake)
            self._task = self._loop.create_task(self._run(self._woken))

    async def stop(self) -> None:
        """Stop following."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._watch is not None:
            watch, self._watch = self._watch, None
            await asyncio.to_thread(watch.close)

    def poll(self) -> int:
        """Read what was appended since the last poll and hand it to the listeners; returns
        how many entries there were."""
        with self._node.store.transaction(write=False):
            entries = self._node.store.audit_after(self.seq)
        if entries:
            self.seq = entries[-1].seq
            for listener in self._listeners:
                try:
                    listener(entries)
                except Exception:  # one listener's fault is not every listener's
                    _log.exception("a listener of the audit log failed")
        return len(entries)

    def _round(self) -> None:
        while self.poll():
            pass
        self._timed()

    async def _run(self, woken: asyncio.Event) -> None:
        while True:
            woken.clear()
            try:  # in a worker thread: a request holding the database never stalls the loop
                await asyncio.to_thread(self._round)
            except Exception:  # a stream must outlive a passing fault (a locked database)
                _log.exception("following the audit log failed; trying again")
            await _woken_or_after(woken, self._interval)

    def _timed(self) -> None:
        now = time.monotonic()
        for timer in self._timers:
            if now >= timer[1]:
                timer[1] = now + timer[0]
                timer[2]()
