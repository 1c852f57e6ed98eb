"""The audit log's signed head (``audit_head``, one row): the last entry's sequence number
and hash as the node key signed them, replaced in the transaction that chains entries."""

from __future__ import annotations

from datetime import datetime

from tearline.audit import Checkpoint
from tearline.store.database import Database
from tearline.store.rows import to_us

__all__ = ["AuditHeadRow"]


class AuditHeadRow:
    """The signed head's row (mixed into the repository)."""

    db: Database

    def signed_head(self) -> Checkpoint | None:
        """The log's signed head, or ``None`` where none is kept."""
        row = self.db.one("SELECT seq, hash, signature, key_id FROM audit_head WHERE id = 1")
        return None if row is None else Checkpoint(int(row[0]), row[1], row[2], row[3])

    def put_signed_head(self, head: Checkpoint, at: datetime) -> None:
        """Replace the log's signed head (call in the transaction that chained it)."""
        self.db.execute(
            "INSERT INTO audit_head (id, seq, hash, signature, key_id, at) "
            "VALUES (1, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, "
            "hash = excluded.hash, signature = excluded.signature, key_id = excluded.key_id, "
            "at = excluded.at",
            (head.seq, head.hash, head.signature, head.key_id, to_us(at)),
        )
