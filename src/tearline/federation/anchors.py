"""Audit anchoring: each node gives its signed audit checkpoints to its peers, which keep
them, so a node that rewrites its own history is caught by comparison.

A node holding its own key can rewrite an audit entry, rehash the whole chain after it and
sign its checkpoints again: ``tearline audit verify`` then finds nothing wrong. What it cannot
change is the checkpoints its peers already hold. So:

- **Sending** (during each sync, after pull and push): the checkpoints this node signed since
  the last it sent to that peer go to the peer (``POST /api/v1/peers/anchors``, with the
  peer credential this node presents there).
- **Keeping** (the peer): each is verified against the public key registered for the sender
  (over ``tearline-audit-checkpoint:v1:NODE:SEQ:HASH``) and kept in ``audit_anchors``; one
  already held for the same entry is skipped if it is the same, and refused (409, audited as
  ``audit.anchor`` ``deny``) if it is not — a node signing two hashes for one entry has
  rewritten it. Each accepted batch is audited (``audit.anchor``).
- **Comparing** (``tearline audit verify --with-peers``): this node asks each peer for the
  checkpoints it holds *of this node* (``GET /api/v1/peers/anchors``), checks that this node
  signed each, and compares each with its own chain: the first whose entry is gone or has
  another hash is reported — the log was rewritten at or before that entry.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from tearline.audit import Checkpoint, Record, checkpoint_message
from tearline.errors import Conflict, Denied, InvalidInput, TearlineError, Unauthenticated
from tearline.federation.taxii_client import PeerProtocolError, TaxiiClient
from tearline.service.context import Context, Refusal
from tearline.service.peers import Peers
from tearline.service.ports import Signer
from tearline.service.principals import PEER_PREFIX, PeerRecord

__all__ = ["Anchors", "PeerCheck"]

_BATCH: Final = 1000


class PeerOnly(Denied):
    """A person's credential on a route for peer nodes."""

    code = "peer-only"


@dataclass(slots=True)
class PeerCheck:
    """The comparison of this node's chain with the checkpoints one peer holds of it."""

    name: str
    anchors: int = 0
    checked_to: int = 0
    first_bad: int | None = None
    problem: str | None = None
    detail: str = ""
    error: TearlineError | None = field(default=None)

    @property
    def valid(self) -> bool:
        """Whether every checkpoint the peer holds matches this node's chain."""
        return self.problem is None and self.error is None

    def as_dict(self) -> dict[str, Any]:
        """``{"name", "valid", "anchors", "checked_to"}``; ``first_bad``, ``problem`` and
        ``detail`` on a mismatch; ``error`` when the peer could not be asked."""
        shown: dict[str, Any] = {
            "name": self.name, "valid": self.valid, "anchors": self.anchors,
            "checked_to": self.checked_to,
        }  # fmt: skip
        if self.problem is not None:
            shown.update(first_bad=self.first_bad, problem=self.problem, detail=self.detail)
        if self.error is not None:
            shown["error"] = self.error.as_dict()
        return shown


def _wire(checkpoint: Checkpoint) -> dict[str, Any]:
    return {"seq": checkpoint.seq, "hash": checkpoint.hash, "signature": checkpoint.signature,
            "key_id": checkpoint.key_id}  # fmt: skip


def _signed_by(public_key: str, message: bytes, signature: str) -> bool:
    try:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key, validate=True))
        key.verify(bytes.fromhex(signature), message)
    except (InvalidSignature, ValueError, binascii.Error):
        return False
    return True


class Anchors:
    """This node's audit anchors: those it keeps of its peers, those it gives them."""

    def __init__(self, ctx: Context, key: Signer, peers: Peers) -> None:
        self._ctx, self._key, self._peers = ctx, key, peers

    # ------------------------------------------------------------------ keeping
    def _peer(self, principal: str) -> PeerRecord:
        if not principal.startswith(PEER_PREFIX):
            problem = "this route is for peer nodes (a peer's credential, tlp_…)"
            raise PeerOnly(problem, (problem,))
        peer = self._ctx.store.peer(principal.removeprefix(PEER_PREFIX))
        if peer is None:
            raise Unauthenticated("a valid API token is required: Authorization: Bearer TOKEN")
        return peer

    def receive(
        self, principal: str, node_id: str, anchors: Sequence[Checkpoint]
    ) -> tuple[int, int]:
        """Keep the checkpoints a peer sent: ``(accepted, highest held)``.

        Raises:
            PeerOnly: the caller is not a peer node.
            InvalidInput: a checkpoint is not signed by the peer's registered key (nothing
                is kept; audited).
            Conflict: the peer already gave another checkpoint for one of these entries
                (nothing is kept; audited): it rewrote its log.
        """

        def work() -> tuple[int, int]:
            at = self._ctx.clock()
            peer = self._peer(principal)
            fresh: list[Checkpoint] = []
            if len({a.seq for a in anchors}) != len(anchors):
                raise InvalidInput("anchors: each checkpoint's seq may come once in a request")
            for anchor in sorted(anchors, key=lambda a: a.seq):
                self._check(peer, node_id, anchor, at)
                if self._ctx.store.anchor_held(peer.name, peer.public_key, anchor.seq) is None:
                    fresh.append(anchor)
            if fresh:
                self._ctx.store.add_anchors(peer.name, peer.public_key, node_id, fresh, at)
                detail = {"node": node_id, "count": len(fresh), "first": fresh[0].seq,
                          "last": fresh[-1].seq}  # fmt: skip
                self._ctx.audit.write([Record(at, principal, "audit.anchor", principal, "done",
                                              detail)])  # fmt: skip
            return len(fresh), self._highest(peer)

        return self._ctx.run(work)

    def _check(self, peer: PeerRecord, node_id: str, anchor: Checkpoint, at: datetime) -> None:
        message = checkpoint_message(node_id, anchor.seq, anchor.hash)
        problem: TearlineError | None = None
        if not _signed_by(peer.public_key, message, anchor.signature):
            problem = InvalidInput(f"checkpoint {anchor.seq}: not signed by the key registered "
                                   f"for {peer.principal} (for node {node_id[:40]!r})")  # fmt: skip
        else:
            held = self._ctx.store.anchor_held(peer.name, peer.public_key, anchor.seq)
            if held is not None and held.hash != anchor.hash:
                problem = Conflict(
                    f"checkpoint {anchor.seq}: this node holds another hash for that entry "
                    f"({held.hash[:16]}…, not {anchor.hash[:16]}…), signed by the same key: "
                    "the sender's audit log was rewritten"
                )
        if problem is not None:
            detail = {"node": node_id, "seq": anchor.seq, "reason": str(problem)[:300]}
            raise Refusal(problem, Record(at, peer.principal, "audit.anchor", peer.principal,
                                          "deny", detail))  # fmt: skip

    def _highest(self, peer: PeerRecord) -> int:
        return self._ctx.store.anchors_highest(peer.name, peer.public_key)

    def held(
        self, principal: str, after: int, limit: int
    ) -> tuple[list[tuple[str, Checkpoint]], int]:
        """The checkpoints the calling peer gave this node, after ``after`` (at most
        ``limit``), and the highest held.

        Raises:
            PeerOnly: the caller is not a peer node.
        """
        with self._ctx.store.transaction(write=False):
            peer = self._peer(principal)
            return (self._ctx.store.anchors_held(peer.name, peer.public_key, after, limit),
                    self._highest(peer))  # fmt: skip

    # ------------------------------------------------------------------ giving
    def send(self, peer: PeerRecord, client: TaxiiClient) -> int:
        """Give ``peer`` this node's checkpoints it does not hold yet; how many it took."""
        taken = 0
        while True:
            with self._ctx.store.transaction(write=False):
                sent = self._ctx.store.anchors_sent(peer.name, peer.public_key, peer.url)
                batch = self._ctx.store.checkpoints_after(sent, _BATCH)
            if not batch:
                return taken
            answer = client.send_anchors(self._ctx.node.id, [_wire(c) for c in batch])
            taken += int(answer.get("accepted") or 0)
            with self._ctx.store.transaction():
                self._ctx.store.put_anchors_sent(peer.name, peer.public_key, peer.url,
                                                 batch[-1].seq, self._ctx.clock())  # fmt: skip

    # ------------------------------------------------------------------ comparing
    def compare(self, transport: Any = None) -> list[PeerCheck]:
        """Ask each peer this node holds a credential for which of this node's checkpoints
        it holds, and compare them with this node's chain (see the module's docstring)."""
        with self._ctx.store.transaction(write=False):
            held = self._ctx.store.peers()
        peers = [p for p in held if p.outgoing is not None and not p.is_feed]
        checks = []
        for peer in peers:
            check = PeerCheck(peer.name)
            try:
                token = self._peers.outgoing_token(peer)
                with TaxiiClient(peer.name, peer.url, token or "", transport=transport) as client:
                    self._compare(client, check)
            except TearlineError as problem:
                check.error = problem
            checks.append(check)
        return checks

    def _compare(self, client: TaxiiClient, check: PeerCheck) -> None:
        after = 0
        while check.problem is None:
            answer = client.held_anchors(after, _BATCH)
            found = answer["anchors"]
            if not found:
                return
            for each in found:
                anchor = _anchor(each, check.name)
                check.anchors += 1
                if not self._matches(anchor, str(each.get("node", "")), check):
                    return
                check.checked_to = anchor.seq
            after = check.checked_to

    def _matches(self, anchor: Checkpoint, node_id: str, check: PeerCheck) -> bool:
        message = checkpoint_message(self._ctx.node.id, anchor.seq, anchor.hash)
        if node_id != self._ctx.node.id or not self._key.verify(message, anchor.signature):
            check.first_bad, check.problem = anchor.seq, "unsigned"
            check.detail = (f"peer {check.name} holds a checkpoint for entry {anchor.seq} "
                            "that this node did not sign")  # fmt: skip
            return False
        with self._ctx.store.transaction(write=False):
            entries = self._ctx.store.audit_after(anchor.seq - 1, 1)
        since = (f", after entry {check.checked_to}, which still matches"
                 if check.checked_to else "")  # fmt: skip
        if not entries or entries[0].seq != anchor.seq:
            check.first_bad, check.problem = anchor.seq, "removed"
            check.detail = (f"entry {anchor.seq}, which peer {check.name} holds a checkpoint "
                            f"of, is gone from this node's log{since}")  # fmt: skip
            return False
        if entries[0].hash != anchor.hash:
            check.first_bad, check.problem = anchor.seq, "rewritten"
            check.detail = (
                f"entry {anchor.seq} differs from the checkpoint peer {check.name} holds of "
                f"it (signed hash {anchor.hash[:16]}…, now {entries[0].hash[:16]}…): the log "
                f"was rewritten at or before entry {anchor.seq}{since}"
            )
            return False
        return True


def _anchor(each: Any, peer: str) -> Checkpoint:
    try:
        return Checkpoint(int(each["seq"]), str(each["hash"]), str(each["signature"]),
                          str(each["key_id"]))  # fmt: skip
    except (KeyError, TypeError, ValueError):
        raise PeerProtocolError(f"peer {peer} sent a malformed checkpoint") from None
