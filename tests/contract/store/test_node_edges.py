"""The node's edges: refusals by state, and the ways a node fails to open."""

from __future__ import annotations

import runpy
import sys
from datetime import date
from pathlib import Path

import pytest

from support.node import Cast
from tearline.bootstrap import open_node
from tearline.errors import Denied, InvalidInput, NotFound
from tearline.service import Draft, ItemKind
from tearline.service.people import roles_from


def test_an_officer_who_is_suspended_or_expired_vets_nobody(world: Cast) -> None:
    people = world.node.people
    second = people.add(world.officer.id, name="Second Officer", nationalities=["USA"],
                        clearance="TS", roles=("security-officer",),
                        expires=date(2027, 1, 1))  # fmt: skip
    people.set_status(second.id, world.officer.id, "suspended", reason="review")
    with pytest.raises(Denied, match="suspended"):
        people.add(world.officer.id, name="X", nationalities=["USA"], clearance="S")
    world.clock.now = world.clock.now.replace(year=2027, month=1, day=2)
    with pytest.raises(Denied, match="expired"):
        people.add(second.id, name="X", nationalities=["USA"], clearance="S")


def test_unknown_people_roles_and_tokens(world: Cast) -> None:
    with pytest.raises(NotFound):
        world.node.people.show(world.officer.id, "p-nobody")
    with pytest.raises(InvalidInput, match="unknown role 'king'"):
        roles_from(["king"])
    with pytest.raises(InvalidInput, match="nothing to read out"):
        world.node.people.read_out(world.officer.id, world.jp_analyst.id, "SI", reason="x")
    with pytest.raises(NotFound):
        world.node.tokens.create(world.officer.id, "p-nobody")
    with pytest.raises(InvalidInput, match="say why"):
        world.node.people.set_status(world.officer.id, world.jp_analyst.id, "revoked",
                                     reason=" ")  # fmt: skip


def test_positions_off_the_globe_are_refused(world: Cast) -> None:
    for lat, lon in ((10.0, 181.0), (-91.0, 0.0)):
        draft = Draft(ItemKind.OBSERVATION, "contact", "", marking="UNCLASSIFIED", lat=lat,
                      lon=lon)  # fmt: skip
        with pytest.raises(InvalidInput, match="off the globe"):
            world.node.items.add(world.us_analyst.id, draft)


def test_a_node_that_cannot_open_says_why(world: Cast, tmp_path: Path) -> None:
    settings = world.node.settings
    db = world.node.store.db
    with db.transaction():
        db.execute("DELETE FROM schema_migrations WHERE version = 3")
    with pytest.raises(InvalidInput, match="tearline db upgrade"):
        open_node(settings)
    with db.transaction():
        db.execute("INSERT INTO schema_migrations (version, name, applied) VALUES (3, 'x', 0)")
    opened = open_node(settings)
    opened.close()


def test_python_dash_m_tearline_runs_the_cli(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "argv", ["tearline", "label", "parse", "SECRET//NOFORN", "--json"])
    with pytest.raises(SystemExit) as done:
        runpy.run_module("tearline", run_name="__main__")
    assert done.value.code == 0
    assert '"valid": true' in capsys.readouterr().out


def test_a_refused_read_forgets_no_label_and_a_failed_write_only_its_own(
    world: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    items = world.node.items
    store = world.node.store
    secret = items.add(world.releaser.id, Draft(ItemKind.REPORT, "TS", "t",
                                                 marking="TOP SECRET//TK//NOFORN"))  # fmt: skip
    items.show(world.releaser.id, secret.id)
    known = dict(store._labels)
    assert known
    with pytest.raises(NotFound):  # read and refused: the labels read stay known
        items.show(world.us_analyst.id, secret.id)
    assert store._labels == known
    with pytest.raises(Denied):  # a write refused and rolled back: the cache is as it was
        items.add(world.us_analyst.id, Draft(ItemKind.REPORT, "x", "x",
                                             marking="TOP SECRET//NOFORN"))  # fmt: skip
    assert store._labels == known
    from tearline.service.auditing import AuditLog

    def broken(self: AuditLog, records: object) -> int:
        raise OSError("disk full")

    monkeypatch.setattr(AuditLog, "write", broken)
    with pytest.raises(OSError, match="disk full"):  # its label was interned, then rolled back
        items.add(world.us_analyst.id, Draft(ItemKind.REPORT, "y", "y", marking="SECRET//NOFORN"))
    assert store._labels == known  # the label of the lost write is forgotten, no other
    assert set(store._ids_by_label.values()) <= set(known)
