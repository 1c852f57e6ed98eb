"""Sync with peer nodes over TAXII 2.1: pull what each peer releases to this node, push
what this node releases to it — resumable, idempotent, retried, one sync per peer at a time.

**Pull.** The peer's collection is found by discovery (§4.1) and read page by page (§5.4)
with ``added_after`` the peer's ``date_added`` this node has taken up to — of a Tearline peer,
its items only (``match[type]`` ``report`` and ``note``, §3.5; an unsigned feed is read
whole). Its collection lists its observations too (``observed-data``), but those come by
push, their fast path: the peer pushes each observation as it changes, from a cursor over
the audit sequence, together with the revocations of those retracted or relabelled beyond
this node, which a collection page (current versions only) cannot carry. Pulling them as
well would take each one twice — signed and recorded there, verified here, then skipped as
held — and a live version pulled after its pushed revocation or relabel would be refused as
a replay (counted ``rejected``, audited as tampering). Each page goes
through :class:`~tearline.federation.inbox.Inbox` — the same intake as a peer's
add-objects: verified against the peer's key, translated, stored with provenance, audited —
and only once it is taken (its transaction committed) does the cursor move past it. The next
page is read while one is taken (the two nodes work at once); pages are taken in order.

**Push.** What this node releases to the peer — :class:`~tearline.federation.outbox.Outbox`
with the peer as reader: the release filter, signed once, each release recorded and audited
— from the version time this node has pushed up to, POSTed to the peer's add-objects
(§5.5); the cursor moves once the peer has answered. Items go from the collection's pages
(its items only); observations and revocations from
:class:`~tearline.federation.changes.Changes`, so nothing goes twice.

**Idempotent** on STIX id + ``modified`` + signature: a version the receiver already holds
is skipped and counted neither pulled nor pushed; the same id and ``modified`` with other
content or another signature is rejected (and audited by the receiver). When a page ends
with ``more`` the cursor stops a microsecond short of its last ``date_added``, so objects of
the same instant cut by the page's end are fetched again (and skipped) rather than lost.

**Audit anchors.** Last, this node's signed audit checkpoints the peer does not hold yet go
to it (:mod:`tearline.federation.anchors`).

**Failures.** Each request is retried with exponential backoff (a few tries); a peer that
still fails is recorded (``last_error``, ``attempts``) and the background loop tries it
again after a pause that doubles with each failure (at most five minutes) and resumes from
its cursors, so a peer that was down is caught up. **One sync per peer at a time**, across
processes: a lease kept in the peer's sync row, renewed as pages are taken, so ``tearline
sync`` may run while ``tearline serve``'s loop does.
"""

from __future__ import annotations

import logging
import secrets
import ssl
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Final
from urllib.parse import urlsplit

import httpx

from tearline.errors import Conflict, DataFault, InvalidInput, NotFound, TearlineError
from tearline.federation.anchors import Anchors
from tearline.federation.changes import Changes
from tearline.federation.feed import FeedInbox
from tearline.federation.inbox import HELD, Inbox
from tearline.federation.onward import Forwarder
from tearline.federation.outbox import ITEM_TYPES, Envelope, Filters, Outbox
from tearline.federation.taxii_client import Collection, Page, TaxiiClient
from tearline.service.context import Context
from tearline.service.peers import Peers
from tearline.service.principals import PeerRecord, SyncState

__all__ = ["Outcome", "Sync", "SyncLoop"]

_LEASE: Final = timedelta(seconds=60)
_TICK: Final = timedelta(microseconds=1)
_MOST_PAUSE: Final = 300.0
_AT_ONCE: Final = 8  # peers synced at the same time
_log = logging.getLogger("tearline.sync")


@dataclass(slots=True)
class Outcome:
    """One peer's sync: objects pulled and pushed (new to the receiver), objects refused
    (by either side), and the error that stopped it, if one did."""

    name: str
    pulled: int = 0
    pushed: int = 0
    rejected: int = 0
    error: TearlineError | None = field(default=None)

    def as_dict(self) -> dict[str, Any]:
        """``{"name", "pulled", "pushed", "rejected"}``, and ``error`` if it failed."""
        shown: dict[str, Any] = {"name": self.name, "pulled": self.pulled,
                                 "pushed": self.pushed, "rejected": self.rejected}  # fmt: skip
        if self.error is not None:
            shown["error"] = self.error.as_dict()
        return shown


def _counted(status: dict[str, Any]) -> tuple[int, int]:
    """(new, refused) of a TAXII status: held versions count as neither."""
    successes = status.get("successes") or []
    new = sum(1 for s in successes if not (isinstance(s, dict) and s.get("message") == HELD))
    return new, int(status.get("failure_count") or 0)


class Sync:
    """This node's syncs with its peers."""

    def __init__(
        self, ctx: Context, peers: Peers, inbox: Inbox, outbox: Outbox, *,
        transport: httpx.BaseTransport | None = None, page: int = 500,
        sleep: Callable[[float], None] = time.sleep, anchors: Anchors | None = None,
    ) -> None:  # fmt: skip
        self._ctx, self._peers, self._inbox, self._outbox = ctx, peers, inbox, outbox
        self._changes = Changes(outbox)
        #: The intake of unsigned feeds (:mod:`tearline.federation.feed`).
        self.feeds = FeedInbox(ctx)
        self._forwarder = Forwarder(ctx, outbox.guard)
        self._transport, self._page, self._sleep = transport, page, sleep
        self._anchors = anchors
        self._holder = "sync-" + secrets.token_hex(8)
        self._tls: ssl.SSLContext | None = None  # made at the first sync, kept for the next

    def through(
        self, transport: httpx.BaseTransport, *, sleep: Callable[[float], None] | None = None
    ) -> Sync:
        """The same syncs over another transport (a test's, a proxy's), pausing with
        ``sleep`` between tries if given."""
        return Sync(self._ctx, self._peers, self._inbox, self._outbox, transport=transport,
                    page=self._page, sleep=sleep or self._sleep,
                    anchors=self._anchors)  # fmt: skip

    def run(self, name: str | None = None, *, wait: float = 60.0) -> list[Outcome]:
        """Sync once with the peer ``name``, or with every peer; a sync of the same peer in
        progress elsewhere is waited for (at most ``wait`` seconds).

        Raises:
            NotFound: no peer of that name.
        """
        with self._ctx.store.transaction(write=False):
            peers = self._ctx.store.peers()
        if name is not None:
            peers = [p for p in peers if p.name == name]
            if not peers:
                raise NotFound(f"no peer {name[:63]!r} on this node; `tearline peer list`")
        outcomes = self._each(peers, wait)
        return [done or self._busy(p) for p, done in zip(peers, outcomes, strict=True)]

    def due(self) -> list[Outcome]:
        """One round of the background loop: each peer this node holds a credential for,
        whose pause after a failure is over and that nobody else is syncing now."""
        with self._ctx.store.transaction(write=False):
            peers = self._ctx.store.peers()
            states = {p.name: self._ctx.store.sync_state(p.name) for p in peers}
        at = self._ctx.clock()
        ready = []
        for peer in peers:
            state = states[peer.name]
            if (peer.outgoing is None and not peer.is_feed) or (
                state and state.next_attempt and state.next_attempt > at
            ):
                continue
            ready.append(peer)
        return [outcome for outcome in self._each(ready, 0.0) if outcome is not None]

    def _each(self, peers: list[PeerRecord], wait: float) -> list[Outcome | None]:
        """Sync with each of ``peers`` at the same time, one thread a peer (at most
        :data:`_AT_ONCE`), so that a peer that is slow or down — tried again with backoff —
        does not hold up the others; their transactions take turns on the node's
        connection. The outcomes come back in the order of ``peers``."""
        if len(peers) <= 1:
            return [self._one(peer, wait) for peer in peers]
        workers = min(len(peers), _AT_ONCE)
        with ThreadPoolExecutor(workers, thread_name_prefix="tearline-sync") as pool:
            return list(pool.map(lambda peer: self._one(peer, wait), peers))

    def _busy(self, peer: PeerRecord) -> Outcome:
        problem = Conflict(f"another process is syncing {peer.name}; try again shortly")
        return Outcome(peer.name, error=problem)

    def _claim(self, peer: str, wait: float) -> bool:
        deadline = time.monotonic() + wait
        while True:
            at = self._ctx.clock()
            with self._ctx.store.transaction():
                if self._ctx.store.claim_sync(peer, self._holder, at, at + _LEASE):
                    return True
            if time.monotonic() >= deadline:
                return False
            self._sleep(0.05)

    def _one(self, peer: PeerRecord, wait: float) -> Outcome | None:
        if not self._claim(peer.name, wait):
            return None
        outcome = Outcome(peer.name)
        try:
            self._sync(peer, outcome)
        except TearlineError as problem:
            outcome.error = problem
        except Exception:  # a fault of this node's own: logged here, never shown to a peer
            _log.exception("sync with peer %s failed", peer.name)
            outcome.error = DataFault("internal error during the sync; see the node's log")
        finally:
            self._finish(peer.name, outcome.error)
        return outcome

    def _state(self, name: str) -> SyncState:
        with self._ctx.store.transaction(write=False):
            return self._ctx.store.sync_state(name) or SyncState(name)

    def _keep(self, name: str, **changes: Any) -> None:
        at = self._ctx.clock()
        with self._ctx.store.transaction():
            state = self._ctx.store.sync_state(name) or SyncState(name)
            self._ctx.store.put_sync_state(replace(state, **changes))
            self._ctx.store.claim_sync(name, self._holder, at, at + _LEASE)  # renew

    def _finish(self, name: str, error: TearlineError | None) -> None:
        at = self._ctx.clock()
        with self._ctx.store.transaction():
            store = self._ctx.store
            state = store.sync_state(name) or SyncState(name)
            if error is None:
                state = replace(state, last_success=at, last_error=None, attempts=0,
                                next_attempt=None)  # fmt: skip
            else:
                pause = min(2.0**state.attempts, _MOST_PAUSE)
                state = replace(state, last_error=str(error)[:300], attempts=state.attempts + 1,
                                next_attempt=at + timedelta(seconds=pause))  # fmt: skip
            if store.peer(name) is not None:  # removed meanwhile: keep nothing of it
                store.put_sync_state(state)
            store.release_sync(name, self._holder)

    def _sync(self, peer: PeerRecord, outcome: Outcome) -> None:
        token = self._peers.outgoing_token(peer)
        if peer.is_feed:  # unsigned: only pulled, through its own intake; nothing goes to it
            self._pull_feed(peer, token, outcome)
            return
        if token is None:
            raise InvalidInput(
                f"this node holds no credential for peer {peer.name}: `tearline peer add "
                f"{peer.name} … --token TOKEN` with the one its administrator printed"
            )
        with TaxiiClient(peer.name, peer.url, token, transport=self._transport,
                         sleep=self._sleep, tls=self._tls_for(peer.url)) as client:  # fmt: skip
            collection = client.collection()
            self._pull(peer, client, collection, outcome)
            if collection.can_write:
                since = self._state(peer.name).push_cursor
                self._push(peer, client, collection, outcome)
                self._push_revocations(peer, client, collection, outcome, since)
                self._push_observations(peer, client, collection, outcome)
                self._push_onward(peer, client, collection, outcome)
            if self._anchors is not None:  # this node's audit checkpoints, for the peer to keep
                self._anchors.send(peer, client)

    def _pull_feed(self, feed: PeerRecord, credential: str | None, outcome: Outcome) -> None:
        """Pull an unsigned feed (:mod:`tearline.federation.feed`), with its basic
        authentication if one was given; nothing is pushed to it."""
        with TaxiiClient(feed.name, feed.url, credential or "", transport=self._transport,
                         sleep=self._sleep, tls=self._tls_for(feed.url),
                         basic=credential is not None) as client:  # fmt: skip
            self._pull(feed, client, client.collection(), outcome, self.feeds.add)

    def _tls_for(self, url: str) -> ssl.SSLContext:
        """httpx's verifying TLS context (certifi's CAs: tens of milliseconds to make, so made
        once and kept) for a peer at an https URL; for a plain http one, a context that
        trusts no certificate at all, cheap to make and never used (the client sends nothing
        to another origin and follows no redirect), or refusing every server if it were."""
        if urlsplit(url).scheme.lower() == "http":
            return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        if self._tls is None:
            self._tls = httpx.create_ssl_context()
        return self._tls

    def _pull(
        self, peer: PeerRecord, client: TaxiiClient, collection: Collection, outcome: Outcome,
        take: Callable[[PeerRecord, list[Any]], dict[str, Any]] | None = None,
    ) -> None:  # fmt: skip
        cursor = self._state(peer.name).pull_cursor
        types = None if peer.is_feed else ITEM_TYPES  # a peer's observations come by push

        def fetch(token: str | None) -> Page:
            return client.objects(collection, added_after=cursor, next_=token, limit=self._page,
                                  types=types)  # fmt: skip

        # The next page is read while this one is taken, so the peer's work (the release
        # filter, signing) and this node's (verifying, storing) overlap; pages are still
        # taken one at a time, in order, and the cursor moves as each is taken.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="tearline-pull") as ahead:
            coming = ahead.submit(fetch, None)
            while True:
                page = coming.result()
                if page.more and page.next and page.objects:
                    coming = ahead.submit(fetch, page.next)
                if page.objects:
                    status = (
                        take(peer, page.objects) if take is not None
                        else self._inbox.add(peer.principal, page.objects, keep=False)
                    )  # fmt: skip
                    new, refused = _counted(status)
                    outcome.pulled += new
                    outcome.rejected += refused
                if page.last_added is not None:
                    last = page.last_added - _TICK if page.more else page.last_added
                    if cursor is None or last > cursor:
                        self._keep(peer.name, pull_cursor=last)
                if not page.more or not page.next or not page.objects:
                    return

    def _push(
        self, peer: PeerRecord, client: TaxiiClient, collection: Collection, outcome: Outcome
    ) -> None:
        cursor = self._state(peer.name).push_cursor
        token: str | None = None
        while True:
            filters = Filters(added_after=None if token else cursor, limit=self._page,
                              next=token, types=ITEM_TYPES)  # fmt: skip
            envelope = self._outbox.objects(peer.principal, filters)
            if not envelope.objects:
                return
            new, refused = _counted(client.add(collection, envelope.wire()))
            outcome.pushed += new
            outcome.rejected += refused
            latest = max(s.added for s in envelope.objects)
            last = latest - _TICK if envelope.more else latest
            if cursor is None or last > cursor:
                self._keep(peer.name, push_cursor=last)
            if not envelope.more or envelope.next is None:
                return
            token = envelope.next

    def _push_revocations(
        self, peer: PeerRecord, client: TaxiiClient, collection: Collection, outcome: Outcome,
        since: datetime | None,
    ) -> None:  # fmt: skip
        """Push the revocations of items the peer was given and may no longer be (their
        new version made after ``since``, the push cursor at the round's start)."""
        revoked = self._changes.revocations(peer.principal, since)
        if revoked:
            envelope = Envelope(revoked, False, None)
            new, refused = _counted(client.add(collection, envelope.wire()))
            outcome.pushed += new
            outcome.rejected += refused

    def _push_observations(
        self, peer: PeerRecord, client: TaxiiClient, collection: Collection, outcome: Outcome
    ) -> None:
        """Push this node's observations changed since the observation cursor (the audit
        sequence number of their last change): new ones, new labels and revocations."""
        cursor = self._state(peer.name).observation_cursor
        while True:
            envelope, reach = self._changes.observations(peer.principal, cursor, self._page)
            if envelope.objects:
                new, refused = _counted(client.add(collection, envelope.wire()))
                outcome.pushed += new
                outcome.rejected += refused
            if reach > cursor:
                self._keep(peer.name, observation_cursor=reach)
            if not envelope.more:
                return
            cursor = reach

    def _push_onward(
        self, peer: PeerRecord, client: TaxiiClient, collection: Collection, outcome: Outcome
    ) -> None:
        """Push what this node received and may give ``peer`` on: objects whose originator
        consented to its nation, as the originator signed them
        (:mod:`tearline.federation.onward`)."""
        objects = self._forwarder.given(peer)
        if objects:
            new, refused = _counted(client.add(collection, objects))
            outcome.pushed += new
            outcome.rejected += refused


class SyncLoop:
    """The background sync of ``tearline serve``: a round every ``interval`` seconds over
    the peers as they are then (added, updated or removed peers count from the next round)."""

    def __init__(self, sync: Sync, interval: float) -> None:
        self._sync, self._interval = sync, interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="tearline-sync", daemon=True)

    def start(self) -> None:
        """Start the rounds (the first at once)."""
        self._thread.start()

    def stop(self) -> None:
        """Stop after the round in progress."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(30)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._sync.due()
            except Exception:  # the loop outlives any one round's fault; it is logged
                _log.exception("a sync round failed")
            self._stop.wait(self._interval)
