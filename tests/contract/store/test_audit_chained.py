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
