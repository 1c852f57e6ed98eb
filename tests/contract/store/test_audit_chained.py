"""``AuditLog.chained``: a write's entries are chained at once and their sequence number
returned; never while the thread's records are held for the group committer."""

from __future__ import annotations

import pytest

from support.node import Cast
from tearline.audit import Record
from tearline.errors import DataFault


def test_chained_returns_the_last_sequence_number_and_refuses_while_held(world: Cast) -> None:
    audit, store = world.node.audit, world.node.store
    at = world.clock.now
    with store.transaction():
        head = store.audit_head()[0]
        assert audit.chained([]) == head
        last = audit.chained([Record(at, world.officer.id, "test.one"),
                              Record(at, world.officer.id, "test.two")])  # fmt: skip
    assert last == head + 2
    held: list[Record] = []
    with audit.deferred(held), pytest.raises(DataFault, match="group committer"):
        audit.chained([Record(at, world.officer.id, "test.three")])
    assert held == []


def _unlocked(world: Cast) -> None:
    """Let the test change the append-only log as someone with the database could."""
    db = world.node.store.db
    if db.dialect == "sqlite":
        db.execute("DROP TRIGGER audit_no_update")
        db.execute("DROP TRIGGER audit_no_delete")
    else:
        db.execute("ALTER TABLE audit DISABLE TRIGGER audit_no_change")


def test_every_write_signs_the_head_and_bulk_writes_too(world: Cast) -> None:
    audit, store = world.node.audit, world.node.store
    at = world.clock.now
    with store.transaction():
        audit.write([Record(at, world.officer.id, "test.one")])
        audit.write_batch(at, world.officer.id, "test.rows", [("a", "{}"), ("b", "{}")])
    with store.transaction(write=False):
        head, (last, hash_) = store.signed_head(), store.audit_head()
    assert head is not None
    assert (head.seq, head.hash) == (last, hash_)
    assert world.node.oversight.verify().valid


def test_a_chain_rewritten_from_an_entry_on_breaks_the_signed_head(world: Cast) -> None:
    """Every entry from 2 on rehashed (as someone who can compute SHA-256 but not sign
    would): the chain links up, but does not end at the hash the node signed."""
    from tearline.audit import GENESIS, chain

    store = world.node.store
    with store.transaction():
        _unlocked(world)
        entries = list(store.audit_entries())
        rows = [(e.at, e.actor, e.action, e.subject, e.outcome, e.detail) for e in entries]
        rows[1] = (*rows[1][:3], "nothing-happened", *rows[1][4:])
        for entry in chain(GENESIS, 0, rows):
            store.db.execute("UPDATE audit SET subject = ?, prev = ?, hash = ? WHERE seq = ?",
                             (entry.subject, entry.prev, entry.hash, entry.seq))  # fmt: skip
    found = world.node.oversight.verify()
    assert (found.first_bad, found.problem) == (len(entries), "altered")


def test_a_checkpoint_cannot_stand_in_for_the_head(world: Cast) -> None:
    """A checkpoint signs another message: put in the head's place (the log cut back to it),
    its signature fails there."""
    from tearline.audit import Checkpoint, checkpoint_message

    store, node = world.node.store, world.node
    with store.transaction(write=False):
        entries = list(store.audit_entries())
    kept = entries[1]
    signature = node.key.sign(checkpoint_message(node.info.id, kept.seq, kept.hash))
    with store.transaction():
        _unlocked(world)
        store.db.execute("DELETE FROM audit WHERE seq > ?", (kept.seq,))
        store.put_signed_head(Checkpoint(kept.seq, kept.hash, signature, node.key.key_id),
                              world.clock.now)  # fmt: skip
    found = world.node.oversight.verify()
    assert (found.first_bad, found.problem) == (kept.seq, "altered")
    assert "signature" in found.detail
