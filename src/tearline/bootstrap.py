"""The composition root: settings in, a working node out. The only place that names a
concrete store, key or clock."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from tearline.audit import Record
from tearline.config import Settings
from tearline.errors import Conflict, InvalidInput
from tearline.federation.anchors import Anchors
from tearline.federation.inbox import Inbox
from tearline.federation.outbox import Outbox
from tearline.federation.sync import Sync
from tearline.keys import NodeKey
from tearline.labels.schemes import Registry, default_registry
from tearline.picture import FusionConfig
from tearline.policy.model import Person
from tearline.service.auditing import AuditLog
from tearline.service.bulk import Bulk
from tearline.service.committer import Committer, Opened
from tearline.service.consents import Consents
from tearline.service.context import Context, NodeInfo, scheme_of_nation
from tearline.service.guard import ReleaseGuard
from tearline.service.items import Items
from tearline.service.ledger import Ledger
from tearline.service.observations import Observations
from tearline.service.onward import OnwardRelease
from tearline.service.oversight import Oversight
from tearline.service.peers import Peers
from tearline.service.people import People
from tearline.service.ports import Clock
from tearline.service.readable import ReadableLabels
from tearline.service.records import PersonRecord, Role, VettingEvent
from tearline.service.releases import Releases
from tearline.service.sessions import Sessions
from tearline.service.spills import Spills
from tearline.service.tokens import Tokens
from tearline.store import Repository, open_database
from tearline.store.migrate import applied, available, upgrade

__all__ = ["Node", "Officer", "create_node", "open_node", "system_clock"]


def system_clock() -> datetime:
    """The time now, in UTC."""
    return datetime.now(UTC)


@dataclass(slots=True)
class Node:
    """A running node: its services over one store."""

    info: NodeInfo
    settings: Settings
    store: Repository
    people: People
    items: Items
    bulk: Bulk
    oversight: Oversight
    key: NodeKey
    audit: AuditLog
    registry: Registry
    tokens: Tokens
    releases: Releases
    spills: Spills
    consents: Consents
    sessions: Sessions
    peers: Peers
    clock: Clock
    committer: Committer
    outbox: Outbox
    inbox: Inbox
    observations: Observations
    sync: Sync
    ledger: Ledger
    anchors: Anchors
    guard: ReleaseGuard
    onward: OnwardRelease

    def close(self) -> None:
        """Commit the audit records still waiting, then close the database connections."""
        self.committer.close()
        self.store.db.close()

    def __enter__(self) -> Node:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _wire(
    settings: Settings, store: Repository, key: NodeKey, info: NodeInfo, registry: Registry,
    clock: Clock,
) -> Node:  # fmt: skip
    audit = AuditLog(store, key, info.id, settings.checkpoint_every)

    def connect() -> Opened:  # the group committer's own connection, opened at its first use
        db = store.db.sibling()
        return AuditLog(Repository(db, registry), key, info.id, settings.checkpoint_every), db.close

    committer = Committer(connect)
    ctx = Context(store, registry, clock, audit, ReadableLabels(store, registry), info, committer)
    items = Items(ctx, placeholders=settings.placeholders)
    people = People(ctx)
    tokens = Tokens(ctx, people)
    sessions = Sessions(
        ctx, tokens, life=timedelta(hours=settings.session_hours),
        idle=timedelta(minutes=settings.session_idle_minutes),
    )  # fmt: skip
    guard = ReleaseGuard(ctx, settings.guard_words, settings.guard_similarity)
    peers, outbox, inbox = Peers(ctx, key, key), Outbox(ctx, key, guard), Inbox(ctx)
    anchors = Anchors(ctx, key, peers)
    return Node(
        info, settings, store, people, items, Bulk(ctx, items), Oversight(ctx), key, audit,
        registry, tokens, Releases(ctx, items), Spills(ctx, items, people),
        Consents(ctx, items), sessions, peers, clock, committer, outbox, inbox,
        Observations(ctx, FusionConfig(timeout=timedelta(minutes=settings.cop_timeout_minutes))),
        Sync(ctx, peers, inbox, outbox, anchors=anchors), Ledger(ctx), anchors, guard,
        OnwardRelease(ctx),
    )  # fmt: skip


def open_node(
    settings: Settings, *, clock: Clock = system_clock, registry: Registry | None = None
) -> Node:
    """The node whose home ``settings`` names.

    Raises:
        InvalidInput: no node there, or its database needs `tearline db upgrade`.
    """
    key = NodeKey.load(settings.key_path)
    registry = registry or default_registry()
    store = Repository(open_database(settings.database), registry)
    pending = len(available(store.db.dialect)) - len(applied(store.db))
    if pending:
        store.db.close()
        raise InvalidInput(
            f"the node's database lacks {pending} migration(s): run `tearline db upgrade`"
        )
    with store.transaction(write=False):
        found = store.node()
    if found is None:
        store.db.close()
        raise InvalidInput(f"the database at {settings.home} holds no node; run `tearline init`")
    return _wire(settings, store, key, NodeInfo(*found), registry, clock)


@dataclass(frozen=True, slots=True)
class Officer:
    """The first security officer, named at ``init``."""

    name: str
    clearance: str
    expires: date | None = None
    organisation: str = ""


def create_node(
    settings: Settings,
    *,
    nation: str,
    officer: Officer,
    scheme: str | None = None,
    database_given: bool = False,
    clock: Clock = system_clock,
    registry: Registry | None = None,
) -> tuple[Node, PersonRecord]:
    """Create a node in ``settings.home``: its key, its database and its first security
    officer (recorded, vetted and audited).

    Raises:
        Conflict: a node already lives there.
        InvalidInput: an unknown nation or scheme, or the officer's clearance is wrong.
    """
    registry = registry or default_registry()
    scheme = _node_scheme(registry, nation, scheme)
    # Every input is checked before anything is made: a refused init leaves nothing behind.
    Person.from_data(
        {"nationality": nation, "clearance": officer.clearance, "clearance_scheme": scheme},
        registry=registry,
    )
    if not officer.name.strip():
        raise InvalidInput('the first security officer needs a name: --officer "Full Name"')
    home = settings.home
    if (home / "node.toml").exists() or settings.key_path.exists():
        raise Conflict(f"a node already lives in {home}; give another --home")
    home.mkdir(parents=True, exist_ok=True, mode=0o700)
    store = Repository(open_database(settings.database), registry)
    upgrade(store.db)
    with store.transaction(write=False):
        if store.node() is not None:
            store.db.close()
            raise Conflict("that database already holds a node; give another --database")
    key = NodeKey.create(settings.key_path)
    settings.save(remember_database=database_given)
    info = NodeInfo("n-" + secrets.token_hex(6), nation, scheme)
    node = _wire(settings, store, key, info, registry, clock)
    return node, _found(node, info, officer, clock)


def _found(node: Node, info: NodeInfo, officer: Officer, clock: Clock) -> PersonRecord:
    at = clock()
    person = node.people.build(
        name=officer.name, nationalities=[info.nation], clearance=officer.clearance,
        clearance_scheme=info.scheme, expires=officer.expires,
        roles=(Role.SECURITY_OFFICER, Role.NODE_ADMINISTRATOR), authorizations=[],
        organisation=officer.organisation, at=at,
    )  # fmt: skip
    with node.store.transaction():
        node.store.create_node(info.id, info.nation, info.scheme, at)
        node.store.add_person(person, at)
        reason = "first security officer, named when the node was created"
        node.store.add_vetting_event(VettingEvent(person.id, at, "granted", person.id, reason))
        detail = {"nation": info.nation, "scheme": info.scheme, "officer": person.id}
        node.audit.write([Record(at, person.id, "node.create", info.id, "done", detail)])
    return person


def _node_scheme(registry: Registry, nation: str, scheme: str | None) -> str:
    if not registry.nations.is_nation(nation):
        raise InvalidInput(f"unknown nation {nation[:10]!r}: give a GENC trigraph such as USA")
    if scheme is not None:
        registry.scheme(scheme)
        return scheme
    own = scheme_of_nation(registry, nation)
    if own is None:
        raise InvalidInput(f"Tearline has no marking scheme of {nation}; give --scheme")
    return own
