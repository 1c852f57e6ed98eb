"""The store reads many items at once exactly as it reads each (the outbox reads a page so)."""

from __future__ import annotations

from support.node import Cast
from tearline.service import Draft, ItemKind


def test_items_are_what_item_gives_for_each(world: Cast) -> None:
    items = world.node.items
    doc = items.add(world.us_analyst.id, Draft(ItemKind.DOCUMENT, "Doc", "(S//NF) a\n\n(U) b"))
    items.edit(world.us_analyst.id, doc.id,
               Draft(ItemKind.DOCUMENT, "Doc", "(U) c\n\n(S//NF) d\n\n(U) e"),
               reason="more")  # fmt: skip
    plain = items.add(world.us_analyst.id, Draft(ItemKind.REPORT, "R", "x", marking="UNCLASSIFIED"))
    store = world.node.store
    ids = [doc.id, plain.id, "i-missing"]
    with store.transaction(write=False):
        found = store.items(ids)
        each = {i: store.item(i) for i in ids}
    assert found == {i: record for i, record in each.items() if record is not None}
    assert [p.text for p in found[doc.id].portions] == ["c", "d", "e"]
    assert found[plain.id].portions == ()
