"""Group commit of the audit records of reads.

A read is decided in a read transaction on the node's connection; its audit records are then
handed to the :class:`Committer`, whose one thread appends whatever records are waiting — of
every request that handed some in meanwhile — to the chain in one write transaction on a
connection of its own, so one commit (one fsync) covers them all. Each request waits until
the commit holding its records has succeeded before it is answered; if that commit fails,
every request of the batch fails and nothing of the batch is kept. The committer reads the
chain's head inside its write transaction, which takes turns with every other writer (see
:meth:`tearline.store.database.Database.sibling`), so the chain stays one chain.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from tearline.audit import Record
from tearline.errors import DataFault
from tearline.service.auditing import AuditLog

__all__ = ["CommitFailed", "Committer", "Opened"]

#: What ``connect`` gives the committer: an audit log over a store of its own, and how to
#: close that store's connection.
Opened = tuple[AuditLog, Callable[[], None]]


class CommitFailed(DataFault):
    """The commit holding a request's audit records failed: the request is not answered."""

    code = "audit-unwritten"


@dataclass(slots=True)
class _Waiting:
    records: Sequence[Record]
    done: threading.Event = field(default_factory=threading.Event)
    failed: bool = False


@dataclass(slots=True)
class Stats:
    """What the committer has done: commits made, records they held, commits that failed."""

    batches: int = 0
    records: int = 0
    failures: int = 0
    largest: int = 0

    def __str__(self) -> str:
        return (
            f"commits: {self.batches}; records: {self.records}; "
            f"largest batch: {self.largest} requests; failed commits: {self.failures}"
        )


class Committer:
    """Appends the audit records handed to it in batches, one transaction a batch."""

    def __init__(self, connect: Callable[[], Opened]) -> None:
        self._connect = connect
        self._ready = threading.Condition()
        self._waiting: list[_Waiting] = []
        self._thread: threading.Thread | None = None
        self._closed = False
        self._pending = 0
        self.stats = Stats()

    def append(self, records: Sequence[Record]) -> None:
        """Chain ``records`` onto the log; return once the commit holding them succeeded.

        Raises:
            CommitFailed: that commit failed (or the committer is closed): nothing of it is
                kept, and the caller must not answer as if it had been audited.
        """
        waiting = _Waiting(records)
        with self._ready:
            if self._closed:
                raise CommitFailed("the node is closing; the audit log takes no more records")
            self._waiting.append(waiting)
            self._pending += 1
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="tearline-audit-committer", daemon=True
                )
                self._thread.start()
            self._ready.notify()
        waiting.done.wait()
        if waiting.failed:
            raise CommitFailed("the audit log could not be written; nothing was answered")

    def pending(self) -> int:
        """How many requests have handed records in and wait for their commit."""
        with self._ready:
            return self._pending

    def close(self) -> None:
        """Commit what is waiting, then stop the thread and close its connection."""
        with self._ready:
            self._closed = True
            thread, self._thread = self._thread, None
            self._ready.notify()
        if thread is not None:
            thread.join()

    def _run(self) -> None:
        opened: Opened | None = None
        try:
            while True:
                with self._ready:
                    while not self._waiting and not self._closed:
                        self._ready.wait()
                    if not self._waiting:
                        return
                    batch, self._waiting = self._waiting, []
                try:
                    if opened is None:
                        opened = self._connect()
                    opened[0].append([r for w in batch for r in w.records])
                except Exception:  # every request of the batch fails; the next batch retries
                    self.stats.failures += 1
                    for waiting in batch:
                        waiting.failed = True
                else:
                    self.stats.batches += 1
                    self.stats.records += sum(len(w.records) for w in batch)
                    self.stats.largest = max(self.stats.largest, len(batch))
                with self._ready:
                    self._pending -= len(batch)
                for waiting in batch:
                    waiting.done.set()
        finally:
            if opened is not None:
                opened[1]()
