"""The onward copies a sync round asks for: only those consented to the peer's nation, not
received from that very peer and not yet released to it — from the database, on both
backends (a round reads what is new to the peer, not every copy and every release)."""

from __future__ import annotations

from datetime import timedelta

from support.node import Cast
from tearline.service.principals import OnwardCopy


def _copy(world: Cast, n: int, nations: tuple[str, ...], from_peer: str) -> OnwardCopy:
    when = world.clock.now + timedelta(seconds=n)
    obj = {"type": "report", "id": f"report--0000000{n}-0000-4000-8000-000000000000"}
    return OnwardCopy(str(obj["id"]), when, f"i-{n:020d}", nations, from_peer, obj, [])


def test_pending_copies_are_those_consented_unsent_and_from_elsewhere(world: Cast) -> None:
    store = world.node.store
    copies = [
        _copy(world, 1, ("AUS", "GBR"), "us-node"),  # due to an Australian peer
        _copy(world, 2, ("GBR",), "us-node"),  # not consented to Australia
        _copy(world, 3, ("AUS",), "au-node"),  # came from that very peer
        _copy(world, 4, ("AUSX", "XAUS"), "us-node"),  # a code that only contains AUS
        _copy(world, 5, ("GBR", "AUS"), "us-node"),  # due, then released
    ]
    with store.transaction():
        for copy in copies:
            store.add_stix_onward(copy)
    with store.transaction(write=False):
        pending = store.onward_pending("peer:au-node", "AUS", "au-node")
        first = store.onward_pending("peer:au-node", "AUS", "au-node", limit=1)
    assert [c.stix_id for c in pending] == [copies[0].stix_id, copies[4].stix_id]
    assert pending[0] == copies[0]
    assert [c.stix_id for c in first] == [copies[0].stix_id]
    with store.transaction():
        store.add_stix_release("peer:au-node", copies[4].stix_id, copies[4].modified, "d" * 64,
                               (copies[4].item_id, 1), "sig", world.clock.now)  # fmt: skip
    with store.transaction(write=False):
        pending = store.onward_pending("peer:au-node", "AUS", "au-node")
        sent = store.released_stix_ids("peer:au-node", [c.stix_id for c in copies])
        elsewhere = store.released_stix_ids("peer:gb-node", [c.stix_id for c in copies])
    assert [c.stix_id for c in pending] == [copies[0].stix_id]
    assert (sent, elsewhere) == ({copies[4].stix_id}, set())
