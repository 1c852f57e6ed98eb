"""The audit log's pure part: records, the hash chain and its verification, checkpoints.

No I/O here: the store keeps the entries, this package says what an entry is, how it is
chained to the one before, and how a chain (with its signed checkpoints) is checked.
"""

from tearline.audit.chain import (
    GENESIS,
    AuditRow,
    Checkpoint,
    Entry,
    Finding,
    chain,
    chain_rows,
    checkpoint_message,
    entry_hash,
    head_message,
    verify,
)
from tearline.audit.record import Record, decision_record, micros

__all__ = [
    "GENESIS",
    "AuditRow",
    "Checkpoint",
    "Entry",
    "Finding",
    "Record",
    "chain",
    "chain_rows",
    "checkpoint_message",
    "decision_record",
    "entry_hash",
    "head_message",
    "micros",
    "verify",
]
