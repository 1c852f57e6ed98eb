"""What a peer node sends: TAXII 2.1 add-objects (§5.5) into this node's collection.

Each report or note is verified against the public key this node holds for the sending peer
(:func:`tearline.federation.signing.verify`): unsigned, altered, relabelled and replayed
objects are rejected, and each rejection is audited (``stix.reject``, naming the peer, the
object and the reason). An accepted object must be releasable to this node's nation; its
label and each portion's are translated through the agreements into this node's scheme (the
translated label keeps the original as its origin, so no reader gains by the translation),
and it is stored as an item — a new one, or a new version of the item an earlier version of
the same STIX id became — created by ``peer:NAME``, with its originator (nation,
organisation) and its provenance kept: the STIX id and version, the signature, the peer it
came from, when (``stix_received``). Each is audited (``item.create`` or ``item.edit`` and
``stix.receive``). The very version already held with the same signature is skipped.

The request's outcome is a TAXII status resource (§4.3.1), kept for the sender to read.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any, Final

from tearline.audit import Record
from tearline.errors import Denied, InvalidInput, TearlineError, Unauthenticated
from tearline.federation.observed import OBSERVED, received
from tearline.federation.onward import kept_copy, signing_peer
from tearline.federation.signing import Markings, Rejected, Verdict, signature_of, verify
from tearline.federation.stix import Imported, imported, labels_of, parse_time, stix_time
from tearline.labels.model import Label
from tearline.labels.schemes import Registry
from tearline.labels.translate import translate
from tearline.picture import observation
from tearline.service.context import Context, Refusal
from tearline.service.drafts import created_record, new_item_id
from tearline.service.feeds import UNSIGNED
from tearline.service.observations import new_observation_id
from tearline.service.ports import Store
from tearline.service.principals import PEER_PREFIX, PeerRecord
from tearline.service.records import ItemRecord, ObservationRecord, Portion
from tearline.service.views import marking

__all__ = ["HELD", "Inbox"]

#: The message of a success that was already held (TAXII 2.1 §4.3.1 status-details): the
#: sender counts it as neither sent nor refused.
HELD: Final = "held: this version was received before, with the same signature"

#: Objects sent only as context for the reports and notes: not stored, not counted.
_CONTEXT = frozenset({"marking-definition", "identity", "extension-definition"})


class Inbox:
    """Objects received from peers."""

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    def add(
        self, principal_id: str, objects: Sequence[Any], *, keep: bool = True
    ) -> dict[str, Any]:
        """Take the objects of an add-objects request from ``principal_id`` (a peer), or of
        a page this node pulled from it; returns the TAXII status resource (kept for
        :meth:`status` unless ``keep`` is false: a pull has no sender to read it).

        Raises:
            Denied: the caller is not a peer node (a person adds items through the API).
        """

        def work() -> dict[str, Any]:
            ctx = self._ctx
            at = ctx.clock()
            if not principal_id.startswith(PEER_PREFIX):
                problem = "only a peer node adds objects over TAXII; people use /api/v1/items"
                record = Record(at, principal_id, "stix.add", "", "deny", {"reason": problem})
                raise Refusal(Denied(problem, (problem,)), record)
            peer = ctx.store.peer(principal_id.removeprefix(PEER_PREFIX))
            if peer is None:
                raise Unauthenticated("that peer node is not registered on this node")
            dicts = [o for o in objects if isinstance(o, Mapping)]
            markings = [o for o in dicts if o.get("type") == "marking-definition"]
            page = _Page(markings, _Receipts(ctx.store, dicts))
            successes: list[dict[str, Any]] = []
            failures: list[dict[str, Any]] = []
            records: list[Record] = []
            fresh: list[ItemRecord] = []  # new items, inserted together
            for obj in dicts:
                if obj.get("type") in _CONTEXT:
                    continue
                entry = {"id": str(obj.get("id"))[:120], "version": str(obj.get("modified"))[:40]}
                try:
                    taken = self._take(peer, obj, page, at, fresh)
                    successes.append(entry if taken is not None else {**entry, "message": HELD})
                    records += taken or []
                except Rejected as problem:
                    failures.append({**entry, "message": str(problem)})
                    records.append(_rejected(at, peer, entry["id"], problem.reason, problem))
                except TearlineError as problem:
                    failures.append({**entry, "message": str(problem)})
                    records.append(_rejected(at, peer, entry["id"], "malformed", problem))
            failures += [
                {"id": "", "version": "", "message": "not a STIX object (a JSON object)"}
                for o in objects if not isinstance(o, Mapping)
            ]  # fmt: skip
            status_id = str(uuid.uuid4())
            status = {
                "id": status_id, "status": "complete",
                "request_timestamp": stix_time(at),
                "total_count": len(successes) + len(failures),
                "success_count": len(successes), "successes": successes,
                "failure_count": len(failures), "failures": failures, "pending_count": 0,
            }  # fmt: skip
            if fresh:
                ctx.store.add_items(fresh)
            page.receipts.write()
            if keep:
                ctx.store.add_taxii_status(status_id, principal_id, json.dumps(status), at)
            ctx.audit.write(records)
            return status

        return self._ctx.run(work)

    def status(self, principal_id: str, status_id: str) -> dict[str, Any] | None:
        """The status of an add-objects request ``principal_id`` made (``None`` otherwise)."""
        with self._ctx.store.transaction(write=False):
            found = self._ctx.store.taxii_status(status_id[:64], principal_id)
        return None if found is None else dict(json.loads(found))

    def _take(
        self, peer: PeerRecord, obj: Mapping[str, Any], page: _Page, at: datetime,
        fresh: list[ItemRecord],
    ) -> list[Record] | None:  # fmt: skip
        """Take one object (``None``: that version was held already). A new item is added
        to ``fresh`` (the caller inserts them), and those are inserted first whenever an
        earlier version of the object is held (it may be among them)."""
        ctx = self._ctx
        stix_id = str(obj.get("id"))
        held = page.receipts.held(stix_id)
        if any(signature.startswith(UNSIGNED) for _, signature, _ in held):
            raise Rejected("foreign", f"{stix_id[:120]}: this id came from an unsigned feed")
        signer = signing_peer(peer, obj, page.peers(ctx.store), ctx.node.nation)
        verdict = verify(obj, page.markings, signer.public_key, [(m, s) for m, s, _ in held])
        if verdict is Verdict.HELD:
            return None
        if held and fresh:
            ctx.store.add_items(fresh)
            fresh.clear()
        if obj.get("type") == OBSERVED:
            return self._observation(peer, obj, page, held, at)
        if obj.get("revoked") is True:
            return self._revoked(peer, obj, page, held, at)
        got = imported(obj, page.labels(ctx.registry))
        label = page.local(got.label, self._local)
        portions = tuple(Portion(page.local(p.label, self._local), p.text)
                         for p in got.portions)  # fmt: skip
        before = ctx.store.item(held[-1][2]) if held else None
        item = self._item(peer, got, label, portions, before, at)
        if before is None:
            fresh.append(item)
            made = created_record(item, at, ctx.registry)
        else:
            ctx.store.revise_item(before, item, peer.principal)
            detail = {"version": item.version, "reason": f"received from {peer.principal}",
                      "from": marking(before.label, ctx.registry),
                      "to": marking(item.label, ctx.registry)}  # fmt: skip
            made = Record(at, peer.principal, "item.edit", item.id, "done", detail)
        signature = str(signature_of(obj))
        page.receipts.add((stix_id, got.modified, signature, peer.name, item.id,
                           got.originator_nation, at))  # fmt: skip
        copy = kept_copy(obj, page.markings, item.id, peer, got.modified)
        if copy is not None:  # the originator consented to its going on: kept as signed
            ctx.store.add_stix_onward(copy)
        detail = {"stix_id": stix_id, "modified": stix_time(got.modified), "from": peer.name,
                  "originator": got.originator_nation, "node": got.node,
                  "signature": signature, "version": item.version}  # fmt: skip
        if signer is not peer:
            detail["signed_by"] = signer.name
        return [made, Record(at, peer.principal, "stix.receive", item.id, "done", detail)]

    def _revoked(
        self, peer: PeerRecord, obj: Mapping[str, Any], page: _Page,
        held: Sequence[tuple[datetime, str, str]], at: datetime,
    ) -> list[Record]:  # fmt: skip
        """A peer revoked an item it gave: it is withdrawn from every reader here as a spill
        is — purged with every document released from it, in this transaction — and the
        audit record (``item.revoke``, beside ``stix.receive``) names who had been given it.
        (No incident is opened: an incident is declared by a person of this node.)"""
        ctx = self._ctx
        stix_id = str(obj.get("id"))
        modified = parse_time(obj.get("modified"), stix_id[:80] + " modified")
        local = held[-1][2] if held else ""
        records = []
        if local and ctx.store.item(local) is not None:
            purged = ctx.store.derived(local)
            readers = ctx.store.readers(purged)
            ctx.store.purge_items(purged)
            detail = {"purged": purged, "reason": f"revoked by {peer.name}",
                      "readers": sorted({r.person_id for r in readers})}  # fmt: skip
            records.append(Record(at, peer.principal, "item.revoke", local, "done", detail))
        signature = str(signature_of(obj))
        page.receipts.add((stix_id, modified, signature, peer.name, local, peer.nation, at))
        copy = kept_copy(obj, page.markings, local, peer, modified)
        if copy is not None:  # it follows the item to the nodes it went on to
            ctx.store.add_stix_onward(copy)
        receipt = {"stix_id": stix_id, "modified": stix_time(modified), "from": peer.name,
                   "signature": signature, "revoked": True}  # fmt: skip
        return [*records, Record(at, peer.principal, "stix.receive", local, "done", receipt)]

    def _observation(
        self, peer: PeerRecord, obj: Mapping[str, Any], page: _Page,
        held: Sequence[tuple[datetime, str, str]], at: datetime,
    ) -> list[Record]:  # fmt: skip
        """File a peer's observation as one created by ``peer:NAME`` — a new one, a new
        label on the one an earlier version became, or (``revoked``) its retraction — and
        keep its provenance. Audited (``observation.create``, ``.relabel`` or ``.retract``,
        and ``stix.receive``) at once: the row keeps the sequence number, and the audit
        entries are what the node's live streams follow."""
        ctx = self._ctx
        got = received(obj, page.labels(ctx.registry))
        before = ctx.store.observation(held[-1][2]) if held else None
        where = got.stix_id[:80]
        if before is not None and before.retracted is not None:
            raise InvalidInput(f"{where}: revoked before; a revoked object stays revoked")
        if got.revoked:
            if before is None:  # never held here: nothing to withdraw, keep that it was
                made = None
            else:
                after = replace(before, version=before.version + 1, retracted=at)
                made = Record(at, peer.principal, "observation.retract", before.id, "done",
                              {"version": after.version, "reason": f"revoked by {peer.name}",
                               "marking": marking(before.label, ctx.registry)})  # fmt: skip
        else:
            label = page.local(got.label, self._local)
            if before is None:
                try:
                    fresh = observation(id=new_observation_id(), time=got.time, label=label,
                                        now=at, **got.fields)  # fmt: skip
                except TearlineError as problem:
                    raise InvalidInput(f"{where}: {problem}") from None
                after = ObservationRecord(fresh, at, peer.principal)
                made = Record(at, peer.principal, "observation.create", fresh.id, "done",
                              {"kind": str(fresh.kind), "source_nation": fresh.source_nation,
                               "marking": marking(label, ctx.registry)})  # fmt: skip
            else:
                after = replace(before, observation=replace(before.observation, label=label),
                                version=before.version + 1)  # fmt: skip
                made = Record(at, peer.principal, "observation.relabel", before.id, "done",
                              {"version": after.version, "reason": f"relabelled by {peer.name}",
                               "from": marking(before.label, ctx.registry),
                               "to": marking(label, ctx.registry)})  # fmt: skip
        local = "" if made is None else after.id
        signature = str(signature_of(obj))
        detail = {"stix_id": got.stix_id, "modified": stix_time(got.modified), "from": peer.name,
                  "originator": got.originator_nation, "node": got.node,
                  "signature": signature, "revoked": got.revoked}  # fmt: skip
        receipt = Record(at, peer.principal, "stix.receive", local, "done", detail)
        seq = ctx.audit.chained([receipt] if made is None else [made, receipt])
        if made is not None and before is None:
            ctx.store.add_observations([after], seq)
        elif made is not None and before is not None:
            ctx.store.revise_observation(before, after, peer.principal, at, seq)
        page.receipts.add((got.stix_id, got.modified, signature, peer.name, local,
                           got.originator_nation, at))  # fmt: skip
        return []

    def _local(self, label: Label) -> Label:
        """``label`` in this node's scheme, if it may come here at all.

        Raises:
            Rejected: not releasable to this node's nation, or not translatable.
        """
        nation = self._ctx.node.nation
        if label.releasable_to is not None and nation not in label.releasable_to:
            raise Rejected("unreleasable", f"{marking(label, self._ctx.registry)} is not "
                           f"releasable to {nation}")  # fmt: skip
        if label.scheme == "tlp":  # every node reads TLP as it is: nothing to translate
            return label
        try:
            return translate(label, self._ctx.node.scheme, registry=self._ctx.registry).label
        except TearlineError as problem:
            raise Rejected("untranslatable", str(problem)) from None

    def _item(
        self, peer: PeerRecord, got: Imported, label: Label, portions: tuple[Portion, ...],
        before: ItemRecord | None, at: datetime,
    ) -> ItemRecord:  # fmt: skip
        if before is not None and before.kind is not got.kind:
            raise InvalidInput(f"{got.stix_id}: a new version may not change the item's kind")
        fresh = ItemRecord(
            id=new_item_id(), kind=got.kind, label=label, title=got.title[:500],
            content=got.content, at=got.at, created=at, modified=at,
            created_by=peer.principal, originator_nation=got.originator_nation[:3],
            originator_org=got.originator_org[:200], portions=portions,
        )  # fmt: skip
        if before is None:
            return fresh
        return replace(fresh, id=before.id, version=before.version + 1, created=before.created)


class _Receipts:
    """The versions held of one request's STIX ids, read in one query, and the request's
    receipts, written together once it is taken; a version taken counts as held for the
    objects after it at once (a later version of the same id in the same request)."""

    def __init__(self, store: Store, objects: Sequence[Mapping[str, Any]]) -> None:
        self._store = store
        ids = [str(o.get("id")) for o in objects if o.get("type") not in _CONTEXT]
        self._held = store.stix_received(ids) if ids else {}
        self._new: list[tuple[str, datetime, str, str, str, str, datetime]] = []

    def held(self, stix_id: str) -> tuple[tuple[datetime, str, str], ...]:
        """``(modified, signature, local id)`` of each version of ``stix_id`` held, oldest
        first (one taken is newer than every one held: anything else is refused)."""
        return tuple(self._held.get(stix_id, ()))

    def add(self, receipt: tuple[str, datetime, str, str, str, str, datetime]) -> None:
        """``(stix_id, modified, signature, peer, local id, originator, at)`` taken."""
        self._new.append(receipt)
        stix_id, modified, signature, _, local, _, _ = receipt
        self._held.setdefault(stix_id, []).append((modified, signature, local))

    def write(self) -> None:
        """Store the receipts taken so far."""
        if self._new:
            self._store.add_stix_received(self._new)
            self._new = []


class _Page:
    """One request's markings, their labels and each label's local form: worked out once
    for the request rather than once for each object that refers to them; and the versions
    held of its objects (:class:`_Receipts`)."""

    def __init__(self, markings: Sequence[Mapping[str, Any]], receipts: _Receipts) -> None:
        self.markings = Markings(markings)
        self.receipts = receipts
        self._labels: dict[str, Label] | None = None
        self._local: dict[Label, Label] = {}
        self._peers: list[PeerRecord] | None = None

    def peers(self, store: Store) -> list[PeerRecord]:
        """The registered peers (an originator's key is looked up among them), read once."""
        if self._peers is None:
            self._peers = store.peers()
        return self._peers

    def labels(self, registry: Registry) -> dict[str, Label]:
        """The markings' labels (see :func:`labels_of`; an error is raised each time)."""
        if self._labels is None:
            self._labels = labels_of(self.markings, registry)
        return self._labels

    def local(self, label: Label, localise: Callable[[Label], Label]) -> Label:
        """``localise(label)``, once for each distinct label (its refusal is not kept)."""
        found = self._local.get(label)
        if found is None:
            found = self._local[label] = localise(label)
        return found


def _rejected(
    at: datetime, peer: PeerRecord, stix_id: str, reason: str, problem: Exception
) -> Record:
    detail = {"reason": reason, "from": peer.name, "message": str(problem)[:300]}
    return Record(at, peer.principal, "stix.reject", stix_id[:120], "deny", detail)
