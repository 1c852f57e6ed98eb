"""What every service shares: the store, the registry, the clock, the audit log, the cache of
readable labels, who the node is; and how an operation runs (one transaction, refusals
audited even though the operation itself is rolled back)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from tearline.audit import Record
from tearline.errors import Denied, InvalidInput, TearlineError, Unauthenticated
from tearline.labels.schemes import Registry
from tearline.policy.reasons import Reason, languages
from tearline.service.auditing import AuditLog
from tearline.service.committer import Committer
from tearline.service.ports import Clock, Store
from tearline.service.principals import PEER_PREFIX
from tearline.service.readable import ReadableLabels
from tearline.service.records import PersonRecord

__all__ = ["Context", "NodeInfo", "Refusal", "denied", "scheme_of_nation"]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class NodeInfo:
    """Who the node is: its id, its nation and the scheme its own people mark in."""

    id: str
    nation: str
    scheme: str


def denied(message: str, *reasons: Reason) -> Denied:
    """A :class:`Denied` whose reasons are in English and, for the answer, in every language
    reasons are written in (``Accept-Language`` picks one)."""
    translated = {code: tuple(r.text(code) for r in reasons) for code in languages()}
    return Denied(message, tuple(r.text() for r in reasons), translated)


class Refusal(Exception):
    """An operation refused: ``error`` for the caller, ``record`` for the audit log."""

    def __init__(self, error: TearlineError, record: Record) -> None:
        super().__init__(str(error))
        self.error = error
        self.record = record


@dataclass(slots=True)
class Context:
    """The parts every service works with (built once, by the composition root)."""

    store: Store
    registry: Registry
    clock: Clock
    audit: AuditLog
    readable: ReadableLabels
    node: NodeInfo
    committer: Committer

    def run(self, work: Callable[[], T]) -> T:
        """Run ``work`` in one write transaction. A :class:`Refusal` rolls the work back,
        then its record is audited in a transaction of its own and its error raised."""
        try:
            with self.store.transaction():
                return work()
        except Refusal as refused:
            with self.store.transaction():
                self.audit.write([refused.record])
            raise refused.error from None

    def read(self, work: Callable[[], T]) -> T:
        """Run ``work``, which reads and decides but writes nothing except audit records, in
        one read transaction; then have the committer append the records it wrote (group
        commit), and answer only once they are committed. A :class:`Refusal` drops what the
        work wrote, and its own record is appended the same way before its error is raised.

        Raises:
            CommitFailed: the commit holding the records failed; nothing is answered.
        """
        held: list[Record] = []
        try:
            with self.audit.deferred(held), self.store.transaction(write=False):
                result = work()
        except Refusal as refused:
            self.committer.append([refused.record])
            raise refused.error from None
        if held:
            self.committer.append(held)
        return result

    def actor(self, person_id: str) -> PersonRecord:
        """The person acting (``--as``).

        Raises:
            InvalidInput: no person with that id is registered on this node.
        """
        found = self.store.person(person_id)
        if found is None:
            shown = person_id if len(person_id) <= 40 else person_id[:39] + "…"
            raise InvalidInput(
                f"no person {shown!r} on this node; `tearline person list` shows who is"
            )
        return found

    def reader(self, principal_id: str) -> PersonRecord:
        """Who reads: a person (as :meth:`actor`), or a peer node (``peer:NAME``) as the
        person of its nation cleared at its agreement's ceiling. Only reads take a peer.

        Raises:
            InvalidInput: no person with that id.
            Unauthenticated: the peer is no longer registered.
        """
        if principal_id.startswith(PEER_PREFIX):
            peer = self.store.peer(principal_id.removeprefix(PEER_PREFIX))
            if peer is None or peer.is_feed:  # an unsigned feed never reads this node
                raise Unauthenticated("that peer node is not registered on this node")
            return peer.as_reader()
        return self.actor(principal_id)


def scheme_of_nation(registry: Registry, nation: str) -> str | None:
    """The marking scheme of ``nation`` (``USA`` → ``us``), if the registry has one."""
    for scheme in registry.schemes.values():
        if scheme.owner_kind == "nation" and scheme.owner == nation:
            return scheme.id
    return None
