"""Writing and checking the audit log: records chained onto the log, checkpoints signed.

Every service writes its records through :class:`AuditLog` inside its own transaction, so a
failed audit write fails the operation and nothing it did is kept.
"""

from __future__ import annotations

from collections.abc import Sequence

from tearline.audit import (
    GENESIS,
    Checkpoint,
    Finding,
    Record,
    chain,
    checkpoint_message,
    micros,
    verify,
)
from tearline.service.ports import Signer, Store

__all__ = ["AuditLog"]


class AuditLog:
    """Appends records to the chain and signs a checkpoint every ``every`` entries."""

    def __init__(self, store: Store, signer: Signer, node_id: str, every: int = 1000) -> None:
        self._store = store
        self._signer = signer
        self._node_id = node_id
        self._every = every

    def write(self, records: Sequence[Record]) -> int:
        """Chain ``records`` onto the log (call inside the operation's transaction); returns
        the sequence number of the last one."""
        if not records:
            return self._store.audit_head()[0]
        seq, head = self._store.audit_head()
        rows = [
            (micros(r.at), r.actor, r.action, r.subject, r.outcome, r.detail_json())
            for r in records
        ]
        entries = list(chain(head or GENESIS, seq, rows))
        self._store.add_audit_entries(entries)
        for entry in entries:
            if entry.seq % self._every == 0:
                signature = self._signer.sign(
                    checkpoint_message(self._node_id, entry.seq, entry.hash)
                )
                checkpoint = Checkpoint(entry.seq, entry.hash, signature, self._signer.key_id)
                self._store.add_checkpoint(checkpoint, records[-1].at)
        return entries[-1].seq

    def verify(self) -> Finding:
        """Check the whole chain and every checkpoint's signature."""
        with self._store.transaction(write=False):
            checkpoints = self._store.checkpoints()
            for checkpoint in checkpoints:
                message = checkpoint_message(self._node_id, checkpoint.seq, checkpoint.hash)
                if not self._signer.verify(message, checkpoint.signature):
                    return Finding(0, checkpoint.seq, "altered", "a checkpoint's signature fails")
            return verify(self._store.audit_entries(), checkpoints)
