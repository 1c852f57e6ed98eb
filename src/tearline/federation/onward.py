"""Onward release between nodes — the third-party rule in full.

**Received.** An object a peer sends is verified against the key of the node that signed it:
the sender's own, or — when its signature names the key of another node registered here —
that originating node's, and then only if the originator's signed consent (the Tearline
extension's ``onward``) names this node's nation (``no-consent`` otherwise). A signature by
a key registered for no peer is checked against the sender's key and so fails (fail
closed). A verified object that carries a consent is kept exactly as signed
(``stix_onward``), so that it can go on unchanged.

**Revoked.** When the originator revokes a version that carried a consent (retracted,
relabelled beyond a peer, spilled), its signed revocation carries the same consent; a node
that gave the object on keeps it like a copy and sends it on, unchanged, to each peer it gave
the object to, which withdraws it as a revocation from the originator.

**Given on.** Each sync round offers a peer the copies kept whose consent names its nation,
that did not come from it, whose item here is still that version, that it may read (as a
person of its nation at its agreement's ceiling) and whose label here — with every label it
was translated from — may leave for its nation (:func:`withheld_because`). They go as the
originator signed them (its signature and provenance travel along); each is recorded and
audited (``stix.release`` with ``onward`` and the originating node).
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from tearline.audit import Record
from tearline.federation.outbox import withheld_because
from tearline.federation.signing import Markings, Rejected, signed_bytes
from tearline.federation.stix import EXTENSION_ID, stix_time
from tearline.policy.decide import decide
from tearline.policy.model import Action
from tearline.service.context import Context
from tearline.service.guard import GuardCheck, ReleaseGuard
from tearline.service.principals import OnwardCopy, PeerRecord

__all__ = ["Forwarder", "key_id_of", "onward_of", "signing_peer"]


def key_id_of(public_key: str) -> str:
    """The key id of a base64 Ed25519 public key (as :class:`~tearline.keys.NodeKey`); a
    peer's key is checked to be one when it is registered."""
    return hashlib.sha256(base64.b64decode(public_key)).hexdigest()[:16]


def _extension(obj: Mapping[str, Any]) -> Mapping[str, Any]:
    found = (obj.get("extensions") or {}).get(EXTENSION_ID)
    return found if isinstance(found, Mapping) else {}


def onward_of(obj: Mapping[str, Any]) -> tuple[str, ...]:
    """The nations the originator's signed consent lets ``obj`` go on to (none: nowhere)."""
    found = _extension(obj).get("onward")
    if not isinstance(found, list):
        return ()
    return tuple(n for n in found if isinstance(n, str) and len(n) == 3)


def signing_peer(
    sender: PeerRecord, obj: Mapping[str, Any], peers: Sequence[PeerRecord], nation: str
) -> PeerRecord:
    """The peer whose key ``obj`` is to be verified with: the sender, or the originating
    node it names by key when that is another registered node that consented to ``nation``.

    Raises:
        Rejected: ``no-consent`` — signed by another node that did not consent to this one.
    """
    block = _extension(obj).get("signature")
    key_id = block.get("key_id") if isinstance(block, Mapping) else None
    if not isinstance(key_id, str) or key_id == key_id_of(sender.public_key):
        return sender
    for peer in peers:
        if not peer.is_feed and peer.name != sender.name and key_id_of(peer.public_key) == key_id:
            if nation not in onward_of(obj):
                raise Rejected("no-consent", f"{str(obj.get('id'))[:80]}: signed by "
                               f"{peer.name}, which did not consent to its going on to "
                               f"{nation}")  # fmt: skip
            return peer
    return sender  # an unknown key: verified against the sender's, which fails


def kept_copy(
    obj: Mapping[str, Any], markings: Markings, item_id: str, sender: PeerRecord,
    modified: Any,
) -> OnwardCopy | None:  # fmt: skip
    """What to keep of a verified object for onward release (``None``: no consent)."""
    nations = onward_of(obj)
    if not nations:
        return None
    chosen, _ = markings.of(obj)
    return OnwardCopy(str(obj["id"]), modified, item_id, nations, sender.name, dict(obj),
                      [dict(m) for m in chosen])  # fmt: skip


class Forwarder:
    """What this node gives a peer on: received objects whose originators consented."""

    def __init__(self, ctx: Context, guard: ReleaseGuard | None = None) -> None:
        self._ctx = ctx
        self._guard = guard

    def given(self, peer: PeerRecord) -> list[dict[str, Any]]:
        """The objects (and their marking-definitions) to send ``peer`` now, each recorded
        as released to it and audited. The copies that may be due are asked of the database
        first, in a read transaction (most rounds: none, and no write)."""
        store = self._ctx.store
        with store.transaction(write=False):
            if not store.onward_pending(peer.principal, peer.nation, peer.name, limit=1):
                return []

        def work() -> list[dict[str, Any]]:
            ctx = self._ctx
            at = ctx.clock()
            pending = ctx.store.onward_pending(peer.principal, peer.nation, peer.name)
            revoked = [c.stix_id for c in pending if c.obj.get("revoked") is True]
            given = ctx.store.released_stix_ids(peer.principal, revoked) if revoked else set()
            guard = self._check(peer, at)
            objects: list[dict[str, Any]] = []
            records: list[Record] = []
            for copy in pending:
                if copy.obj.get("revoked") is True:
                    if not _revocation_may_go(copy, peer, given):
                        continue
                elif not self._may_go(copy, peer) or self._held(guard, copy, at):
                    continue
                data = signed_bytes(copy.obj, copy.markings)
                digest = hashlib.sha256(data).hexdigest()
                signature = str(_extension(copy.obj)["signature"]["value"])
                item = ctx.store.item(copy.item_id)
                version = item.version if item is not None else 0
                ctx.store.add_stix_release(peer.principal, copy.stix_id, copy.modified, digest,
                                           (copy.item_id, version), signature, at)  # fmt: skip
                objects += [*copy.markings, copy.obj]
                detail = {"stix_id": copy.stix_id, "modified": stix_time(copy.modified),
                          "to": peer.principal, "onward": True, "from": copy.from_peer,
                          "node": _extension(copy.obj).get("node")}  # fmt: skip
                records.append(Record(at, peer.principal, "stix.release", copy.item_id,
                                      "permit", detail))  # fmt: skip
            ctx.audit.write(records)
            return objects

        return self._ctx.run(work)

    def _check(self, peer: PeerRecord, at: datetime) -> GuardCheck | None:
        """The release guard for ``peer`` this round (``None``: this node has none)."""
        if self._guard is None:
            return None
        reader = self._ctx.reader(peer.principal)
        return self._guard.check(reader, self._ctx.readable.for_person(reader, at))

    def _held(self, guard: GuardCheck | None, copy: OnwardCopy, at: datetime) -> bool:
        """Whether the release guard holds this copy for a releasing officer here, as it
        holds this node's own items (what leaves is checked, whoever wrote it)."""
        item = self._ctx.store.item(copy.item_id)
        return guard is not None and item is not None and guard.holds(item, item.portions, at)

    def _may_go(self, copy: OnwardCopy, peer: PeerRecord) -> bool:
        ctx = self._ctx
        if peer.nation not in copy.nations or copy.from_peer == peer.name:
            return False
        held = ctx.store.stix_received([copy.stix_id]).get(copy.stix_id, [])
        item = ctx.store.item(copy.item_id)
        if item is None or not held or held[-1][0] != copy.modified:
            return False  # purged here, or a newer version came since
        reader = peer.as_reader().as_person()
        readable = decide(reader, item.label, Action.READ, ctx.clock(), registry=ctx.registry)
        return readable.permitted and withheld_because(item.label, frozenset({peer.nation})) is None


def _revocation_may_go(copy: OnwardCopy, peer: PeerRecord, given: set[str]) -> bool:
    """An originator's revocation goes on to the peers this node gave the object to (an
    earlier version of the same STIX id) whose nation its consent names — and to no other:
    it tells a node to withdraw what it holds, and carries no content."""
    return peer.nation in copy.nations and copy.from_peer != peer.name and copy.stix_id in given
