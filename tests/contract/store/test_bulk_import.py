"""The bulk import's fast path (lines sharing a kind and marking written as rows, their
``item.create`` entries chained by ``chain_rows``) stores and audits each item exactly as
the per-item path does, on both backends."""

from __future__ import annotations

import json

import pytest

from support.node import Cast
from tearline.audit import Record, micros
from tearline.errors import DataFault, InvalidInput
from tearline.service.drafts import created_record

MARKINGS = ("SECRET//REL TO USA, JPN", "SECRET//NOFORN", "UNCLASSIFIED")
DOCUMENT = "(S//NF) first paragraph\n\n(U) second paragraph"


def lines(count: int) -> list[str]:
    made = [
        json.dumps({"id": f"feed-{n}", "title": f" t{n} ", "marking": MARKINGS[n % 3],
                    "kind": "observation", "at": f"2026-11-29T08:00:{n % 60:02d}Z",
                    "lat": 35.0, "lon": 139.0 + n / 1000, "content": f"c{n}"})
        for n in range(count)
    ]  # fmt: skip
    made.append(json.dumps({"title": "doc", "kind": "document", "content": DOCUMENT}))
    made.append(json.dumps({"title": "plain", "marking": "SECRET//NOFORN"}))
    return made


def test_each_imported_item_is_stored_and_audited_as_the_per_item_path_does(world: Cast
                                                                           ) -> None:  # fmt: skip
    node, author = world.node, world.us_analyst
    given = lines(40)
    result = node.bulk.import_lines(author.id, given, batch=16)
    assert (result.lines, result.added, result.skipped) == (42, 42, 0)
    with node.store.transaction(write=False):
        created = node.store.audit_search(action="item.create", actor=author.id, limit=100)
        stored = node.store.items([e.subject for e in created])
        counts = node.store.label_counts(None)
    assert len(created) == len(stored) == 42
    for entry in created:
        item = stored[entry.subject]
        assert entry.detail == created_record(item, world.clock.now, node.registry).detail_json()
        assert entry.at == micros(world.clock.now)
        assert (item.created_by, item.version, item.originator_nation) == (author.id, 1, "USA")
    by_key = {item.source_key: item for item in stored.values()}
    seventh = by_key["id:feed-7"]
    assert (seventh.title, seventh.content, seventh.lat, seventh.lon) == ("t7", "c7", 35.0, 139.007)
    assert seventh.at.isoformat() == "2026-11-29T08:00:07+00:00"
    assert len([i for i in stored.values() if i.portions]) == 1
    assert sum(counts.values()) == 42  # the label counts the planner reads
    assert node.audit.verify().valid
    again = node.bulk.import_lines(author.id, given, batch=7)
    assert (again.added, again.skipped) == (0, 42)


@pytest.mark.parametrize(
    ("line", "fragment"),
    [
        ({"title": " ", "marking": MARKINGS[0]}, "needs a title"),
        ({"title": "x", "marking": MARKINGS[0], "lat": 95.0, "lon": 1.0}, "off the globe"),
        ({"title": "x", "marking": MARKINGS[0], "lat": 5.0}, "both --lat and --lon"),
    ],
)
def test_a_bad_line_after_one_of_its_marking_is_named(world: Cast, line: dict[str, object],
                                                      fragment: str) -> None:  # fmt: skip
    first = json.dumps({"title": "ok", "marking": MARKINGS[0]})
    with pytest.raises(InvalidInput, match="line 2: .*" + fragment):
        world.node.bulk.import_lines(world.us_analyst.id, [first, json.dumps(line)])
    with world.node.store.transaction(write=False):
        assert world.node.store.audit_search(action="item.create", limit=5) == []


def test_write_batch_signs_its_checkpoints_and_refuses_while_held(world: Cast) -> None:
    audit, store, at = world.node.audit, world.node.store, world.clock.now
    with store.transaction():
        head = store.audit_head()[0]
        audit.write_batch(at, world.officer.id, "test.batch", [])
        assert store.audit_head()[0] == head
        audit.write_batch(
            at, world.officer.id, "test.batch", [(f"s{n}", "{}") for n in range(1000)]
        )
        assert store.audit_head()[0] == head + 1000
        signed = [c.seq for c in store.checkpoints()]
    assert any(head < seq <= head + 1000 for seq in signed)
    assert audit.verify().valid
    held: list[Record] = []
    with audit.deferred(held), pytest.raises(DataFault, match="group committer"):
        audit.write_batch(at, world.officer.id, "test.batch", [("s", "{}")])
    assert held == []


def test_an_import_of_blank_lines_writes_nothing(world: Cast) -> None:
    with world.node.store.transaction(write=False):
        head = world.node.store.audit_head()
    result = world.node.bulk.import_lines(world.us_analyst.id, ["", "  "])
    assert (result.lines, result.added, result.skipped) == (0, 0, 0)
    with world.node.store.transaction(write=False):
        assert world.node.store.audit_head() == head


def test_an_imported_items_entry_altered_in_the_database_is_caught(world: Cast) -> None:
    node = world.node
    node.bulk.import_lines(world.us_analyst.id, lines(6))
    db = node.store.db
    with node.store.transaction():
        if db.dialect == "sqlite":
            db.execute("DROP TRIGGER audit_no_update")
        else:
            db.execute("ALTER TABLE audit DISABLE TRIGGER audit_no_change")
        seq = node.store.audit_head()[0] - 3
        db.execute("UPDATE audit SET detail = ? WHERE seq = ?", ('{"kind":"report"}', seq))
    found = node.audit.verify()
    assert (found.problem, found.first_bad) == ("altered", seq)
