"""Writing and checking the audit log: records chained onto the log, checkpoints signed.

Every service writes its records through :class:`AuditLog` inside its own transaction, so a
failed audit write fails the operation and nothing it did is kept. A read run by
:meth:`tearline.service.context.Context.read` writes them the same way, but they are held
(:meth:`AuditLog.deferred`) and appended after its read transaction by the group committer
(:mod:`tearline.service.committer`), before the read is answered.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime

from tearline.audit import (
    GENESIS,
    Checkpoint,
    Finding,
    Record,
    chain,
    chain_rows,
    checkpoint_message,
    head_message,
    micros,
    verify,
)
from tearline.errors import DataFault
from tearline.service.ports import Signer, Store

__all__ = ["AuditLog"]


class AuditLog:
    """Appends records to the chain and signs a checkpoint every ``every`` entries."""

    def __init__(self, store: Store, signer: Signer, node_id: str, every: int = 1000) -> None:
        self._store = store
        self._signer = signer
        self._node_id = node_id
        self._every = every
        self._held = threading.local()

    @contextmanager
    def deferred(self, held: list[Record]) -> Iterator[None]:
        """While this lasts, what this thread writes is added to ``held`` instead, for the
        caller to hand to the group committer once its read transaction is over."""
        before = getattr(self._held, "records", None)
        self._held.records = held
        try:
            yield
        finally:
            self._held.records = before

    def write(self, records: Sequence[Record]) -> None:
        """Chain ``records`` onto the log (call inside the operation's transaction), or hold
        them if this thread is in :meth:`deferred`."""
        held: list[Record] | None = getattr(self._held, "records", None)
        if held is not None:
            held.extend(records)
            return
        if records:
            self._chain(records)

    def chained(self, records: Sequence[Record]) -> int:
        """Chain ``records`` onto the log now (inside the operation's write transaction) and
        return the sequence number of the last one, for rows that keep it.

        Raises:
            DataFault: called while this thread's records are being held for the group
                committer (a write is never deferred).
        """
        self._never_held("a write's audit entry")
        if not records:
            return self._store.audit_head()[0]
        return self._chain(records)

    def _never_held(self, what: str) -> None:
        """Refuse ``what`` while this thread's records are held for the group committer."""
        if getattr(self._held, "records", None) is not None:
            raise DataFault(f"{what} cannot wait for the group committer")

    def write_batch(
        self, at: datetime, actor: str, action: str, rows: Sequence[tuple[str, str]]
    ) -> None:
        """Chain one entry per ``(subject, detail JSON)`` row, all done (outcome ``done``)
        by ``actor`` at ``at`` — each as :meth:`write` would chain ``Record(at, actor,
        action, subject, "done", detail)``, with less work per entry (a bulk import's
        ``item.create`` entries). Call inside the operation's write transaction.

        Raises:
            DataFault: called while this thread's records are being held for the group
                committer (a write is never deferred).
        """
        self._never_held("a write's audit entries")
        if not rows:
            return
        seq, head = self._store.audit_head()
        made = chain_rows(head or GENESIS, seq, (micros(at), actor, action, "done"), rows)
        self._store.add_audit_rows(made)
        self._sign_checkpoints([(row[0], row[8]) for row in made if row[0] % self._every == 0], at)
        self._sign_head(made[-1][0], made[-1][8], at)

    def _chain(self, records: Sequence[Record]) -> int:
        seq, head = self._store.audit_head()
        rows = [
            (micros(r.at), r.actor, r.action, r.subject, r.outcome, r.detail_json())
            for r in records
        ]
        entries = list(chain(head or GENESIS, seq, rows))
        self._store.add_audit_entries(entries)
        due = [(e.seq, e.hash) for e in entries if e.seq % self._every == 0]
        self._sign_checkpoints(due, records[-1].at)
        self._sign_head(entries[-1].seq, entries[-1].hash, records[-1].at)
        return entries[-1].seq

    def _sign_checkpoints(self, due: Sequence[tuple[int, str]], at: datetime) -> None:
        for seq, hash_ in due:
            signature = self._signer.sign(checkpoint_message(self._node_id, seq, hash_))
            self._store.add_checkpoint(Checkpoint(seq, hash_, signature, self._signer.key_id), at)

    def _sign_head(self, seq: int, hash_: str, at: datetime) -> None:
        signature = self._signer.sign(head_message(self._node_id, seq, hash_))
        self._store.put_signed_head(Checkpoint(seq, hash_, signature, self._signer.key_id), at)

    def sign_head(self, at: datetime) -> None:
        """Sign the log's head as it stands (once, when the signed head is first kept: a
        node's database upgraded to it), in a write transaction of its own."""
        with self._store.transaction():
            seq, hash_ = self._store.audit_head()
            if hash_:
                self._sign_head(seq, hash_, at)

    def append(self, records: Sequence[Record]) -> None:
        """Chain ``records`` onto the log in a write transaction of their own."""
        with self._store.transaction():
            self.write(records)

    def verify(self) -> Finding:
        """Check the whole chain, every checkpoint's signature and the signed head: the
        chain must end exactly at the head the node key signed (a log with entries and no
        signed head has lost its end: ``removed`` after its last entry)."""
        with self._store.transaction(write=False):
            checkpoints = self._store.checkpoints()
            for checkpoint in checkpoints:
                message = checkpoint_message(self._node_id, checkpoint.seq, checkpoint.hash)
                if not self._signer.verify(message, checkpoint.signature):
                    return Finding(0, checkpoint.seq, "altered", "a checkpoint's signature fails")
            head = self._store.signed_head()
            if head is not None and not self._signer.verify(
                head_message(self._node_id, head.seq, head.hash), head.signature
            ):
                return Finding(0, head.seq, "altered", "the signed head's signature fails")
            found = verify(self._store.audit_entries(), checkpoints, head)
            if head is None and found.valid and found.entries:
                last = self._store.audit_head()[0]
                return Finding(found.entries, last + 1, "removed", "the signed head is gone")
            return found
