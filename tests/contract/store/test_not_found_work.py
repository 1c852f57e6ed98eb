"""The one not-found costs the same whatever caused it, on both backends (issue #9: not even
timing tells an item the reader may not read from a missing or malformed id).

Timing itself is measured by ``bench/api_load.py --phases 404``; a test asserts its
deterministic proxy instead: the same SQL statements in the same order, the same policy
decisions, and one audit record of the same shape, whichever of the three was asked for.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from support.node import Cast
from tearline.errors import NotFound
from tearline.service import Draft, ItemKind
from tearline.service import items as items_module

MISSING = "i-" + "0" * 20
MALFORMED = "../../etc/passwd"


def _traced(world: Cast, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The SQL statements run on the node's connection and the decisions made, from now."""
    trace: list[str] = []
    db = world.node.store.db
    for name in ("one", "all", "execute", "executemany"):
        original = getattr(db, name)

        def run(sql: str, *args: Any, _run: Callable[..., Any] = original) -> Any:
            trace.append(" ".join(sql.split()))
            return _run(sql, *args)

        monkeypatch.setattr(db, name, run)
    decide = items_module.decide  # type: ignore[attr-defined]  # imported there, traced here

    def decided(*args: Any, **kwargs: Any) -> Any:
        trace.append("decide")
        return decide(*args, **kwargs)

    monkeypatch.setattr(items_module, "decide", decided)
    return trace


def _work(world: Cast, trace: list[str], ask: Callable[[str], object], item_id: str
          ) -> tuple[list[str], tuple[str, str, list[str]]]:  # fmt: skip
    """The steps of one refused request for ``item_id``, and the shape of its audit record."""
    trace.clear()
    with pytest.raises(NotFound) as refused:
        ask(item_id)
    steps = list(trace)
    assert str(refused.value) == items_module.NO_SUCH_ITEM
    last = list(world.node.store.audit_entries())[-1]
    return steps, (last.action, last.subject, sorted(json.loads(last.detail)))


@pytest.mark.parametrize("route", ["show", "document", "versions", "release"])
def test_forbidden_missing_and_malformed_ids_do_the_same_work(
    world: Cast, monkeypatch: pytest.MonkeyPatch, route: str
) -> None:
    items = world.node.items
    withheld = Draft(ItemKind.REPORT, "Withheld", "text " * 50, marking="TOP SECRET//SI//NOFORN")
    forbidden = items.add(world.releaser.id, withheld).id
    shared = Draft(ItemKind.REPORT, "Shared", "text", marking="SECRET//REL TO USA, JPN")
    readable = items.add(world.us_analyst.id, shared).id
    reader = world.jp_analyst.id
    asks: dict[str, Callable[[str], object]] = {
        "show": lambda i: items.show(reader, i, display=True),
        "document": lambda i: items.document(reader, i, display=True),
        "versions": lambda i: items.versions(reader, i),
        "release": lambda i: world.node.releases.release(world.releaser.id, i, "JPN"),
    }
    ask = asks[route]
    asked = [forbidden, MISSING, MALFORMED]
    if route in ("show", "document"):  # a document of which the reader may read nothing
        hidden = Draft(ItemKind.DOCUMENT, "Hidden", "", portions=(
            ("(TS//SI//NF)", "above"), ("(S//NF)", "us only"), ("(S//NF)", "again")))  # fmt: skip
        asked.append(items.add(world.releaser.id, hidden).id)
    if route == "document":
        asked.append(readable)  # not a document: the same not-found, the same work
    if route == "release":
        holder = world.node.people.add(world.officer.id, name="Holder", nationalities=["USA"],
                                       clearance="TS", authorizations=[("HCS", None)])  # fmt: skip
        asked[0] = items.add(holder.id, Draft(ItemKind.REPORT, "Above the releaser", "text",
                                              marking="TOP SECRET//HCS//NOFORN")).id  # fmt: skip
    for item_id in asked:  # warm every cache first: labels, people, the decoy label
        with pytest.raises(NotFound):
            ask(item_id)
    trace = _traced(world, monkeypatch)
    done = [_work(world, trace, ask, item_id) for item_id in asked]
    steps = [d[0] for d in done]
    assert steps[0].count("decide") == 1
    assert all(s == steps[0] for s in steps), steps
    shapes = [(action, keys) for action, _, keys in (d[1] for d in done)]
    assert all(s == shapes[0] for s in shapes)
    assert shapes[0][1] == ["rules"]
    assert [d[1][1] for d in done] == [i[:64] for i in asked]
