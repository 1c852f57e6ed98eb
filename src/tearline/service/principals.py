"""Who may call a node besides its people: peer nodes; and the browser sessions of people.

A peer node is a principal of one nation under one agreement. What it may read is decided
exactly as for a person of that nation cleared at the agreement's ceiling: :meth:`PeerRecord.
as_reader` is that person, and every read goes through the same policy as a person's.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tearline.policy.model import Status
from tearline.service.records import PersonRecord

__all__ = [
    "OPERATOR_PREFIX",
    "PEER_PREFIX",
    "OnwardCopy",
    "PeerRecord",
    "SessionRecord",
    "SyncState",
]

#: A peer acts, and is audited, as ``peer:NAME``.
PEER_PREFIX = "peer:"
#: The actor of a change the node's operator made at its terminal without naming a person
#: (then the node's id): whoever opens the node's home holds its key.
OPERATOR_PREFIX = "operator:"


@dataclass(frozen=True, slots=True)
class PeerRecord:
    """A peer node as this node keeps it (its inbound credential only as a hash).

    ``ceiling_level`` of ``ceiling_scheme`` is the highest level of the peer nation's scheme
    that ``agreement`` confirms as equal to a level of this node's scheme. ``nonce`` is what
    the peer's credential is derived from; a new one is drawn when the peer is added anew.
    """

    name: str
    url: str
    nation: str
    agreement: str
    public_key: str
    ceiling_level: str
    ceiling_scheme: str
    nonce: str
    token_hash: str
    version: int
    created: datetime
    created_by: str
    modified: datetime
    #: The credential this node presents at the peer, sealed (``Sealer``); ``None``: none.
    #: For an unsigned feed: ``USER:PASSWORD`` for its HTTP basic authentication.
    outgoing: str | None = None
    #: ``"node"``: a Tearline node (its objects are signed); ``"feed"``: an unsigned TAXII
    #: feed (medallion, a vendor's), read only, its objects never shared on.
    kind: str = "node"
    #: A feed's default marking (canonical, in this node's scheme or TLP) for its objects
    #: that carry no marking; ``None``: those are rejected.
    feed_marking: str | None = None

    @property
    def is_feed(self) -> bool:
        """Whether this is an unsigned feed rather than a Tearline node."""
        return self.kind == "feed"

    @property
    def principal(self) -> str:
        """The id the peer acts as (``peer:NAME``)."""
        return PEER_PREFIX + self.name

    def as_reader(self) -> PersonRecord:
        """The peer as the policy sees it: a person of its nation, cleared at the ceiling,
        holding no compartments and no role.

        Its ``version`` names this registration and this change of it (the nonce is drawn
        anew when a removed peer is added again), so a decision cached for an earlier
        registration of the same name is never reused."""
        mark = hashlib.sha256(f"{self.nonce}:{self.version}".encode()).digest()
        return PersonRecord(
            id=self.principal, name=self.name, organisation=self.url,
            nationalities=(self.nation,), roles=(), clearance_level=self.ceiling_level,
            clearance_scheme=self.ceiling_scheme, clearance_granted=self.created.date(),
            clearance_expires=None, status=Status.ACTIVE, version=int.from_bytes(mark[:7]),
            created=self.created, modified=self.modified,
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class SessionRecord:
    """A browser session: whose, opened with which API token, its CSRF token's hash, when
    it was opened and last used, when it ends at the latest, and whether it has ended."""

    hash: str
    person_id: str
    token_id: str
    csrf_hash: str
    created: datetime
    last_seen: datetime
    expires: datetime
    ended: datetime | None = None


@dataclass(frozen=True, slots=True)
class SyncState:
    """How far this node has synced with a peer: the peer's ``date_added`` it has pulled up
    to, the version time of its own objects it has pushed up to, its last success and error,
    how many attempts in a row failed and when the next may start, and how far its
    observations were pushed (the audit sequence number of their last change)."""

    peer: str
    pull_cursor: datetime | None = None
    push_cursor: datetime | None = None
    last_success: datetime | None = None
    last_error: str | None = None
    attempts: int = 0
    next_attempt: datetime | None = None
    #: How far this node's observations were pushed: the audit sequence number of their
    #: last change, then their id (a batch filed at once is one change).
    observation_cursor: tuple[int, str] = (0, "")


@dataclass(frozen=True, slots=True)
class OnwardCopy:
    """A received object version that carries its originator's onward consent, kept exactly
    as the originator signed it (``obj`` with its signature, and the marking-definitions it
    refers to), so that it can go on unchanged to the nations consented: which local item it
    became, and the peer it came from (never sent back there)."""

    stix_id: str
    modified: datetime
    item_id: str
    nations: tuple[str, ...]
    from_peer: str
    obj: dict[str, Any]
    markings: list[dict[str, Any]]
