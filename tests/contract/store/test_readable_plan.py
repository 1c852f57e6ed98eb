"""The listing's plan: counts read once may be stale, yet every page holds what is there now
(another connection's write included), and the plan follows the counts (both backends)."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.node import Cast
from tearline.bootstrap import open_node
from tearline.config import Settings
from tearline.service import Draft, ItemKind, Query
from tearline.store import readable
from tearline.store.readable import Stats, plan

REPORTS = Query(ItemKind.REPORT, 10)


def test_another_connection_s_item_is_listed_at_once(world: Cast, tmp_path: Path) -> None:
    items, analyst = world.node.items, world.us_analyst.id
    items.add(analyst, Draft(ItemKind.DOCUMENT, "Doc", "(S) a"))  # SECRET carried, not by reports
    page, _ = items.page(analyst, REPORTS)
    assert (page.items, page.plan) == ((), "empty")  # no statement: counts read afresh
    secret = list(world.node.store.label_counts(ItemKind.DOCUMENT))
    assert world.node.store.readable_statement(REPORTS, []) is None
    for _ in range(2):  # nothing written between: the second time asks nothing
        assert world.node.store.readable_statement(REPORTS, secret) is None
    other = open_node(Settings(tmp_path / "home", world.node.store.db.url), clock=world.clock)
    try:
        written = other.items.add(analyst, Draft(ItemKind.REPORT, "R", "x", marking="SECRET"))
    finally:
        other.close()
    page, _ = items.page(analyst, REPORTS)  # within a second: PostgreSQL's counts are cached
    assert [s.id for s in page.items] == [written.id]


def test_more_readable_labels_than_a_merge_takes_merge_over_those_carried(
    world: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    items, analyst = world.node.items, world.us_analyst.id
    items.add(analyst, Draft(ItemKind.DOCUMENT, "Doc", "(S) a"))
    report = items.add(analyst, Draft(ItemKind.REPORT, "R", "x", marking="CONFIDENTIAL"))
    items.add(world.releaser.id, Draft(ItemKind.REPORT, "T", "y", marking="TOP SECRET"))
    monkeypatch.setattr(readable, "MERGE_MAX", 1)  # the analyst reads S and C: 2 labels
    monkeypatch.setattr(readable, "MERGE_SEEK", 0)
    page, _ = items.page(analyst, REPORTS)
    assert ([s.id for s in page.items], page.plan) == ([report.id], "merge")
    monkeypatch.setattr(readable, "MERGE_SEEK", 10**9)
    page, _ = items.page(analyst, REPORTS)
    assert ([s.id for s in page.items], page.plan) == ([report.id], "scan")


def _planned(known: Stats, present: list[int], readable_ids: tuple[int, ...] = (1, 2, 3)
             ) -> str | None:  # fmt: skip
    statement = plan(Query(ItemKind.REPORT, 10), readable_ids, known, "sqlite", lambda: present)
    return None if statement is None else statement.name


def test_the_plan_follows_the_counts_and_asks_what_is_carried_only_when_it_must(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def unasked() -> list[int]:
        raise AssertionError("present asked")

    assert _planned(Stats(1000, 990, 3), []) == "scan"  # no question asked: see unasked below
    assert plan(Query(ItemKind.REPORT, 10), (1, 2), Stats(1000, 990, 2), "sqlite", unasked)
    assert _planned(Stats(10**6, 10, 3), []) == "merge"  # every readable label, carried or not
    assert _planned(Stats(0, 0, 0), []) is None  # none carried now: no statement
    assert _planned(Stats(0, 0, 0), [2, 9]) == "merge"  # carried since the counts were read
    assert _planned(Stats(10, 10, 1), [], ()) is None
    monkeypatch.setattr(readable, "MERGE_MAX", 2)
    assert _planned(Stats(10**6, 10, 1), [3]) == "merge"  # over the one carried
    assert _planned(Stats(10**6, 10, 1), [1, 2, 3]) == "scan"  # carried since: too many
    assert _planned(Stats(10**6, 10, 3), [1, 2, 3]) == "scan"  # too many labels to merge
    assert _planned(Stats(1000, 990, 1), [3]) == "scan"  # the scan is cheaper


def test_a_box_of_one_kind_is_listed_by_its_cells_and_the_unfiltered_lists_the_same(
    world: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    items, analyst = world.node.items, world.us_analyst.id
    store = world.node.store
    added = [
        items.add(world.releaser.id if marking == "TOP SECRET" else analyst,
                  Draft(ItemKind.REPORT, f"R{n}", "x", marking=marking, lat=lat, lon=lon)).id
        for n, (marking, lat, lon) in enumerate([
            ("SECRET", 20.0, 120.0), ("CONFIDENTIAL", 40.0, 140.0), ("SECRET", 35.0, 125.0),
            ("SECRET", 41.0, 130.0), ("SECRET", None, None), ("TOP SECRET", 30.0, 130.0),
            ("SECRET", 30.0, -179.0), ("SECRET", 30.0, 179.5),
        ])
    ]  # fmt: skip
    monkeypatch.setattr(readable, "MERGE_SEEK", 10**9)  # never the merge
    box = Query(ItemKind.REPORT, 10, bbox=(20.0, 120.0, 40.0, 140.0))
    page, _ = items.page(analyst, box)
    assert page.plan == "cells"
    assert [s.id for s in page.items] == [added[2], added[1], added[0]]  # edges included
    across = Query(ItemKind.REPORT, 10, bbox=(0.0, 179.0, 40.0, -179.0))
    page, _ = items.page(analyst, across)
    assert (page.plan, [s.id for s in page.items]) == ("cells", [added[7], added[6]])
    for scanned in (
        Query(None, 10, bbox=box.bbox),
        Query(ItemKind.REPORT, 10, bbox=(-90.0, -180.0, 90.0, 180.0)),
    ):
        page, _ = items.page(analyst, scanned)  # no kind, or too many cells: the scan
        assert page.plan == "scan"
        assert len(page.items) in (3, 6)
    everything = sorted(store.label_counts(ItemKind.REPORT))
    for query in (box, across, Query(ItemKind.REPORT, 10)):
        bare = readable.unfiltered(query, store.db.dialect)
        listed = bare.page(store.db.all(bare.sql, bare.params), store.label)
        assert [s.id for s in listed.items] == [
            s.id for s in store.readable_page(query, everything).items
        ]
    assert "cell = ?" in readable.unfiltered(box, store.db.dialect).sql


def test_an_item_under_a_label_id_past_the_bitmap_is_passed_over_not_an_error(
    world: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    items, analyst = world.node.items, world.us_analyst.id
    mine = items.add(analyst, Draft(ItemKind.REPORT, "R", "x", marking="SECRET", lat=1.0, lon=2.0))
    secret = items.add(world.releaser.id, Draft(ItemKind.REPORT, "T", "y", marking="TOP SECRET"))
    db = world.node.store.db
    with db.transaction():  # a label id no bitmap reaches (past 2**31 on PostgreSQL too)
        db.execute(
            "INSERT INTO labels (id, key, body) SELECT ?, 'far', body FROM labels "
            "WHERE id = (SELECT label_id FROM items WHERE id = ?)",
            (3_000_000_000, secret.id),
        )
        db.execute(
            "INSERT INTO items (id, kind, label_id, version, title, content, at, lat, lon, "
            "created, modified, created_by, originator_nation, originator_org) VALUES "
            "('i-far', 'report', ?, 1, 'far', '', ?, 1.0, 2.0, 0, 0, 'p', 'USA', 'o')",
            (3_000_000_000, 2**62),
        )
    monkeypatch.setattr(readable, "MERGE_SEEK", 10**9)  # never the merge
    for query in (REPORTS, Query(ItemKind.REPORT, 10, bbox=(0.0, 0.0, 5.0, 5.0))):
        page, _ = items.page(analyst, query)
        assert [s.id for s in page.items] == [mine.id]
        assert page.plan in {"scan", "cells"}
