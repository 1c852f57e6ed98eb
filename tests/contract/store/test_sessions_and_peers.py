"""Sessions and peers over the store, on both backends: what is kept (hashes only), who may
change the peer registry, and how a peer reads."""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

import pytest

from support.node import Cast
from tearline.config import Settings
from tearline.errors import DataFault, Denied, InvalidInput, NotFound, Unauthenticated
from tearline.service import Draft, ItemKind, Query
from tearline.service.peers import PeerSpec
from tearline.store.migrate import available


def key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


def spec(**change: str) -> PeerSpec:
    fields = {"url": "https://jp.example:8400/", "nation": "JPN", "agreement": "us-jp",
              "public_key": key(), **change}  # fmt: skip
    return PeerSpec(**fields)


def test_only_hashes_are_kept_for_sessions_and_peers(world: Cast) -> None:
    node = world.node
    _, token = node.tokens.create(world.officer.id, world.us_analyst.id)
    opened = node.sessions.open(token)
    peer, credential, created = node.peers.add(world.officer.id, "jp-node", spec())
    assert created
    assert peer.url == "https://jp.example:8400"
    with node.store.transaction(write=False):
        rows = node.store.db.all("SELECT * FROM sessions") + node.store.db.all(
            "SELECT * FROM peers"
        )
    text = repr(rows)
    for secret in (opened.session_id, opened.csrf, credential):
        assert secret not in text
    assert hashlib.sha256(credential.encode()).hexdigest() in text


def test_a_peer_is_added_updated_listed_and_removed_by_node_administrators(world: Cast) -> None:
    peers = world.node.peers
    first, token, _ = peers.add(world.officer.id, "jp-node", spec())
    assert (first.ceiling_level, first.ceiling_scheme, first.version) == ("KIMITSU", "jp", 1)
    moved, again, created = peers.add(world.officer.id, "jp-node", spec(url="http://10.0.0.2"))
    assert again == token
    assert not created
    assert (moved.version, moved.url, moved.created) == (2, "http://10.0.0.2", first.created)
    peers.add(world.officer.id, "gb-node", spec(nation="gbr", agreement="fvey"))
    assert [p.name for p in peers.list()] == ["gb-node", "jp-node"]
    assert peers.authenticate(token).name == "jp-node"
    peers.remove(world.officer.id, "jp-node")
    with pytest.raises(Unauthenticated):
        peers.authenticate(token)
    with pytest.raises(NotFound):
        peers.remove(world.officer.id, "jp-node")
    actions = [(e.action, e.subject) for e in world.node.store.audit_entries()]
    assert ("peer.add", "peer:jp-node") in actions
    assert ("peer.update", "peer:jp-node") in actions
    assert ("peer.remove", "peer:jp-node") in actions


def test_anyone_but_an_active_node_administrator_is_refused_and_audited(world: Cast) -> None:
    peers = world.node.peers
    for person in (world.us_analyst, world.releaser):
        with pytest.raises(Denied, match="not a node administrator"):
            peers.add(person.id, "jp-node", spec())
    with pytest.raises(Denied):
        peers.remove(world.us_analyst.id, "jp-node")
    refused = [e for e in world.node.store.audit_entries() if e.outcome == "deny"]
    assert {e.action for e in refused} == {"peer.add", "peer.remove"}
    assert peers.list() == []


def test_a_suspended_or_expired_administrator_is_refused(world: Cast) -> None:
    node = world.node
    admin = node.people.add(world.officer.id, name="Ada Admin", nationalities=["USA"],
                            clearance="S", roles=("node-administrator",),
                            expires=world.clock.now.date().replace(year=2027))  # fmt: skip
    node.peers.add(admin.id, "jp-node", spec())
    node.people.set_status(world.officer.id, admin.id, "suspended", reason="inquiry")
    with pytest.raises(Denied, match="suspended"):
        node.peers.remove(admin.id, "jp-node")
    node.people.set_status(world.officer.id, admin.id, "reinstated", reason="cleared")
    world.clock.advance(days=400)
    with pytest.raises(Denied, match="expired"):
        node.peers.remove(admin.id, "jp-node")


@pytest.mark.parametrize(
    ("name", "change", "message"),
    [
        ("JP", {}, "peer name"),
        ("-jp", {}, "peer name"),
        ("a" * 64, {}, "peer name"),
        ("jp", {"url": "ftp://jp.example"}, "--url"),
        ("jp", {"url": "http://user:pw@jp.example"}, "--url"),
        ("jp", {"url": "http://jp.example/?q=1"}, "--url"),
        ("jp", {"url": "http://"}, "--url"),
        ("jp", {"url": "http://[::1"}, "--url"),
        ("jp", {"url": "http://jp.example/\n"}, "--url"),
        ("jp", {"nation": "XXX"}, "--nation"),
        ("jp", {"nation": "FVEY"}, "--nation"),
        ("jp", {"nation": "BRA", "agreement": "us-jp"}, "no marking scheme"),
        ("jp", {"agreement": "us-xx"}, "known agreements"),
        ("jp", {"nation": "GBR", "agreement": "us-jp"}, "confirms no level"),
        ("jp", {"nation": "USA", "agreement": "fvey"}, "confirms no level"),
        ("jp", {"public_key": "not base64!"}, "--public-key"),
        ("jp", {"public_key": base64.b64encode(b"short").decode()}, "--public-key"),
    ],
)
def test_bad_peer_input_names_the_field(
    world: Cast, name: str, change: dict[str, str], message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        world.node.peers.add(world.officer.id, name, spec(**change))
    assert world.node.peers.list() == []


def test_a_peer_reads_as_a_person_of_its_nation_at_the_ceiling(world: Cast) -> None:
    node = world.node
    author = world.releaser.id
    shared = node.items.add(author, Draft(ItemKind.REPORT, "ts", "x",
                                          marking="TOP SECRET//REL TO USA, JPN"))  # fmt: skip
    node.items.add(author, Draft(ItemKind.REPORT, "nf", "x", marking="SECRET//NOFORN"))
    node.peers.add(world.officer.id, "jp-node", spec())
    page, reader = node.items.page("peer:jp-node", Query(None, 50, None))
    assert [s.id for s in page.items] == [shared.id]
    assert reader.nationalities == ("JPN",)
    assert reader.roles == ()
    assert node.items.show("peer:jp-node", shared.id).item.id == shared.id
    node.peers.remove(world.officer.id, "jp-node")
    with pytest.raises(Unauthenticated):
        node.items.page("peer:jp-node", Query(None, 50, None))


def test_a_peer_added_anew_under_another_nation_reads_afresh(world: Cast) -> None:
    node = world.node
    author = world.releaser.id
    for_japan = node.items.add(author, Draft(ItemKind.REPORT, "jp", "x",
                                             marking="SECRET//REL TO USA, JPN"))  # fmt: skip
    for_britain = node.items.add(author, Draft(ItemKind.REPORT, "gb", "x",
                                               marking="SECRET//REL TO USA, GBR"))  # fmt: skip
    node.peers.add(world.officer.id, "ally", spec())
    page, _ = node.items.page("peer:ally", Query(None, 50, None))
    assert [s.id for s in page.items] == [for_japan.id]
    node.peers.remove(world.officer.id, "ally")  # at the same instant: no clock moves
    node.peers.add(world.officer.id, "ally", spec(nation="GBR", agreement="fvey"))
    page, _ = node.items.page("peer:ally", Query(None, 50, None))
    assert [s.id for s in page.items] == [for_britain.id]


def test_a_peer_cannot_write_as_a_person(world: Cast) -> None:
    world.node.peers.add(world.officer.id, "jp-node", spec())
    with pytest.raises(InvalidInput, match="no person"):
        world.node.items.add("peer:jp-node", Draft(ItemKind.REPORT, "t", "x",
                                                   marking="UNCLASSIFIED"))  # fmt: skip


def test_a_session_is_ended_touched_and_refused_when_done(world: Cast) -> None:
    node = world.node
    _, token = node.tokens.create(world.officer.id, world.us_analyst.id)
    opened = node.sessions.open(token)
    person, session = node.sessions.authenticate(opened.session_id)
    assert person.id == world.us_analyst.id
    assert session.ended is None
    world.clock.advance(minutes=2)
    _, touched = node.sessions.authenticate(opened.session_id)
    world.clock.advance(minutes=1)
    _, later = node.sessions.authenticate(opened.session_id)
    assert later.last_seen > touched.last_seen  # written at most once a minute
    node.sessions.end(person.id, later)
    with node.store.transaction():
        assert not node.store.end_session(later.hash, world.clock.now)
    with pytest.raises(Unauthenticated, match="signed out"):
        node.sessions.authenticate(opened.session_id)


def test_migrations_are_numbered_once_each_alike_on_both_backends() -> None:
    # numbers are reserved for work done in parallel: one may be missing for a while
    numbers = [m.version for m in available("sqlite")]
    assert numbers == list(range(1, len(numbers) + 1))
    assert [m.name for m in available("sqlite")][-1] == "items_cell"
    assert [m.version for m in available("postgres")] == numbers


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("session_hours = 0", "session_hours"),
        ("session_hours = true", "session_hours"),
        ("session_idle_minutes = 0", "session_idle_minutes"),
        ('session_idle_minutes = "30"', "session_idle_minutes"),
        ('cookie_secure = "sometimes"', "cookie_secure"),
    ],
)
def test_bad_session_settings_refuse_to_start(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "node.toml").write_text(text + "\n")
    with pytest.raises(DataFault, match=message):
        Settings.load(tmp_path)


def test_session_settings_are_read(tmp_path: Path) -> None:
    (tmp_path / "node.toml").write_text(
        'session_hours = 2\nsession_idle_minutes = 5\ncookie_secure = "never"\n'
    )
    settings = Settings.load(tmp_path)
    assert (settings.session_hours, settings.session_idle_minutes) == (2, 5)
    assert settings.cookie_secure == "never"
