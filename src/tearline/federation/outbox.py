"""What a peer node is given: the release filter, the signing of each object version when it
is first released, and the record and audit of every release.

The node's one TAXII collection holds its items (``report``, documents as ``report``,
observation items as ``note``) and its live picture's observations (``observed-data``,
:mod:`tearline.federation.observed`) in one order: by ``date_added``, the time of the
object's current version, then the local id (an item's ``i-…`` before an observation's
``o-…`` of the same instant), so one ``next`` token (:mod:`tearline.federation.pages`)
continues both. A page reads each source a chunk at a time in that order and merges them: it
costs what it holds, not the whole collection; a source a filter (``match[type]``,
``match[id]``) cannot match is not read at all.

A peer reads as a person of its nation cleared at its agreement's ceiling (the policy decides
every label and every portion exactly as for that person), and on top of that read decision
the **release filter** decides what may *leave*: only what is releasable to the peer's
nation, and never ORCON or RELIDO material (they leave only by an officer's decision), never
NOFORN, never DISPLAY ONLY. A document goes with exactly the portions that pass both, under a
banner rolled up from those alone; one with none does not go. A translated label is filtered
by each label it came from as well.

**Third-party rule**: an item or observation received from a peer never leaves through
this door again — not to another peer, not back. An item goes on only as its originator
signed it, when the originator consented (:mod:`tearline.federation.onward`). This node's
own items carry their originator's consent (``onward``) in their signed form when a
releasing officer gave one.

**Release guard** (:mod:`tearline.service.guard`): what passes the filter is checked for its
content too — words that must never leave, near-duplicates of what the reader may not read —
and a hit is held for a releasing officer instead of given out. (Items only: an observation
carries no free text, and its push — :class:`~tearline.federation.changes.Changes` — is not
guarded either.)

An observation is given whole under its own label or not at all; a retracted one is not
listed (as an item that may no longer be given is not); its revocation goes to a peer that
held it by push. The same signature serves the page and the push: each object version is
signed once, when first released, and the signature is kept.

The same door serves a person's token (a person of this node reads what would be released
to their own nation); every object given out is audited (``stix.release``, naming the
principal, the item or observation, its version and the STIX id) and recorded with its
signature; a manifest page is audited ``stix.manifest`` (nothing leaves, nothing is signed).
"""

from __future__ import annotations

import base64
import hashlib
import heapq
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from typing import Any, Final

from tearline.audit import Record
from tearline.federation.observed import OBSERVED, observation_object, stix_id_of
from tearline.federation.pages import (
    MAX_PAGE,
    Envelope,
    Filters,
    Shared,
    added_after,
    position_of,
    token_of,
)
from tearline.federation.signing import Markings, markings_digest, signed_bytes, with_signature
from tearline.federation.stix import NAMESPACE, Memo, item_object, parse_time
from tearline.labels.model import Label
from tearline.labels.rollup import rollup
from tearline.policy.decide import decide
from tearline.policy.model import Action, Person
from tearline.service.context import Context
from tearline.service.guard import ReleaseGuard
from tearline.service.ports import Signer
from tearline.service.principals import PEER_PREFIX
from tearline.service.records import (
    ItemKind,
    ItemRecord,
    ObservationRecord,
    PersonRecord,
    Portion,
)

__all__ = [
    "ITEM_TYPES", "MAX_PAGE", "Envelope", "Filters", "Outbox", "Shared", "added_after",
    "withheld_because",
]  # fmt: skip

#: How many changed items (or observations) are read from the store at a time.
_CHUNK: Final = 500
_TYPES: Final = {ItemKind.REPORT: "report", ItemKind.DOCUMENT: "report",
                 ItemKind.OBSERVATION: "note"}  # fmt: skip
#: The STIX types items go as (and a peer's sync pulls and pushes as items).
ITEM_TYPES: Final = frozenset(_TYPES.values())


def withheld_because(label: Label, nations: frozenset[str]) -> str | None:
    """Why ``label`` may not leave for ``nations`` automatically (``None``: it may)."""
    reason = _withheld(label, nations)
    for origin in label.origins:
        reason = reason or withheld_because(origin, nations)
    return reason


def _withheld(label: Label, nations: frozenset[str]) -> str | None:
    if label.has_control("OC"):
        return "ORCON never leaves automatically: the originator decides"
    if label.has_control("RELIDO"):
        return "RELIDO never leaves automatically: a releasing officer decides"
    if label.has_control("NF"):
        return "NOFORN never leaves"
    if nations & label.displayable_to:
        return "DISPLAY ONLY: it may be shown, never given"
    if label.releasable_to is not None and not nations <= label.releasable_to:
        return f"not releasable to {', '.join(sorted(nations - label.releasable_to))}"
    return None


@dataclass(frozen=True, slots=True)
class _Candidate:
    """An object that may be given: the local item or observation (id and version) it is
    the version of, when that version was made (its ``date_added``), what of it goes."""

    local_id: str
    version: int
    added: datetime
    stix_id: str
    label: Label
    portions: tuple[Portion, ...]
    obj: dict[str, Any]
    markings: list[dict[str, Any]]

    @property
    def position(self) -> tuple[datetime, str]:
        """Where it stands in the collection: its version's time, then its local id (an
        item's ``i-…`` and an observation's ``o-…`` never meet, so this orders both)."""
        return self.added, self.local_id


def _wanted(filters: Filters, types: frozenset[str]) -> bool:
    """Whether ``filters`` can match an object of one of ``types`` (a source that cannot
    is not read at all)."""
    if filters.types is not None and not filters.types & types:
        return False
    return filters.ids is None or any(i.partition("--")[0] in types for i in filters.ids)


class Outbox:
    """The objects of the node's one TAXII collection, as one principal may be given them."""

    def __init__(self, ctx: Context, signer: Signer, guard: ReleaseGuard | None = None) -> None:
        self._ctx = ctx
        self._signer = signer
        self._guard = guard

    @property
    def guard(self) -> ReleaseGuard | None:
        """The release guard every object leaving this node passes (``None``: none)."""
        return self._guard

    @property
    def collection_id(self) -> str:
        """The id of the node's collection (the same for every principal)."""
        return str(uuid.uuid5(NAMESPACE, "collection\x00" + self._ctx.node.id))

    def _candidates(
        self, reader: PersonRecord, at: datetime, filters: Filters
    ) -> Iterator[_Candidate]:
        """The items and observations ``reader`` may read and be given, with what of each
        goes, in one order — oldest version first (``date_added``, then local id) from where
        ``filters`` start — merged from the two sources, each read a chunk at a time: a page
        costs what it holds, not the whole collection."""
        readable = self._ctx.readable.for_person(reader, at)
        after = None if filters.next is None else position_of(filters.next)
        sources = []
        if _wanted(filters, ITEM_TYPES):
            sources.append(self._items(reader, readable, at, filters, after))
        if _wanted(filters, frozenset({OBSERVED})):
            sources.append(self._observations(reader, readable, at, filters, after))
        return heapq.merge(*sources, key=lambda c: c.position)

    def _items(
        self, reader: PersonRecord, readable: Sequence[int], at: datetime, filters: Filters,
        after: tuple[datetime, str] | None,
    ) -> Iterator[_Candidate]:  # fmt: skip
        """The items of :meth:`_candidates`, in their order, a chunk at a time."""
        ctx = self._ctx
        nations = frozenset(reader.nationalities)
        person = reader.as_person()
        guard = None if self._guard is None else self._guard.check(reader, readable)
        memo: Memo = {}
        while True:
            ids = ctx.store.readable_changed(readable, filters.added_after, after, _CHUNK)
            items = ctx.store.items(ids)
            onward = ctx.store.onward_consents(ids)  # the originator's consents, a chunk at once
            if guard is not None:
                guard.expect(ids)
            for item_id in ids:
                item = items.get(item_id)
                if item is None:  # pragma: no cover - read in the same transaction
                    continue
                after = item.modified, item.id
                consent = onward.get((item.id, item.version), ())
                found = self._candidate(item, person, nations, at, memo, consent)
                if found is not None and (
                    (filters.ids is None or found.stix_id in filters.ids)
                    and (filters.types is None or _TYPES[item.kind] in filters.types)
                ):
                    if guard is not None and guard.holds(item, found.portions, at):
                        continue  # the release guard holds it for a releasing officer
                    yield found
            if len(ids) < _CHUNK:
                return

    def _observations(
        self, reader: PersonRecord, readable: Sequence[int], at: datetime, filters: Filters,
        after: tuple[datetime, str] | None,
    ) -> Iterator[_Candidate]:  # fmt: skip
        """This node's own live observations of :meth:`_candidates`, in their order, a chunk
        at a time: those the reader may read and be given (the release filter, as for
        items), as ``observed-data``. Never one received from a peer (the third-party rule:
        the store does not return them), never a retracted one; a retraction or a label
        raised beyond a peer that held it goes to it as a revocation, by push
        (:class:`~tearline.federation.changes.Changes`)."""
        ctx = self._ctx
        nations = frozenset(reader.nationalities)
        person = reader.as_person()
        memo: Memo = {}
        goes: dict[Label, bool] = {}  # decided once a label: many observations share one
        while True:
            rows = ctx.store.readable_observations_added(
                readable, filters.added_after, after, _CHUNK
            )
            for record, modified in rows:
                after = modified, record.observation.id
                label = record.observation.label
                if label not in goes:
                    goes[label] = self._may_go(label, person, nations, at)
                if not goes[label]:
                    continue
                found = self._observed(record, modified, filters.ids, memo)
                if found is not None:
                    yield found
            if len(rows) < _CHUNK:
                return

    def _may_go(self, label: Label, person: Person, nations: frozenset[str], at: datetime) -> bool:
        """Whether an observation under ``label`` may be read by ``person`` and given to
        ``nations`` (the release filter, as for an item's label)."""
        if withheld_because(label, nations) is not None:
            return False
        return decide(person, label, Action.READ, at, registry=self._ctx.registry).permitted

    def _observed(
        self, record: ObservationRecord, modified: datetime, ids: frozenset[str] | None,
        memo: Memo,
    ) -> _Candidate | None:  # fmt: skip
        """``record`` (its current version, made at ``modified``; its label may go) as it
        goes — all of it, under its own label — unless ``ids`` leaves it out."""
        ctx = self._ctx
        obs = record.observation
        if ids is not None and stix_id_of(ctx.node, obs.id) not in ids:
            return None
        obj, markings = observation_object(obs, ctx.node, ctx.registry, created=record.created,
                                           modified=modified, version=record.version,
                                           memo=memo)  # fmt: skip
        return _Candidate(obs.id, record.version, modified, str(obj["id"]), obs.label, (),
                          obj, markings)  # fmt: skip

    def _candidate(
        self, item: ItemRecord, person: Person, nations: frozenset[str], at: datetime,
        memo: Memo | None = None, onward: Sequence[str] = (),
    ) -> _Candidate | None:  # fmt: skip
        ctx = self._ctx
        if item.created_by.startswith(PEER_PREFIX):  # the third-party rule
            return None
        portions = tuple(
            p for p in item.portions
            if decide(person, p.label, Action.READ, at, registry=ctx.registry).permitted
            and withheld_because(p.label, nations) is None
        )  # fmt: skip
        if item.portions:
            if not portions:
                return None
            label = rollup([p.label for p in portions], registry=ctx.registry)
        else:
            label = item.label
        if withheld_because(label, nations) is not None:
            return None
        obj, markings = item_object(item, ctx.node, ctx.registry, label=label,
                                    portions=portions, memo=memo, onward=onward)  # fmt: skip
        return _Candidate(item.id, item.version, item.modified, str(obj["id"]), label,
                          portions, obj, markings)  # fmt: skip

    @property
    def context(self) -> Context:
        """The node's context (the changes given to peers work in it too)."""
        return self._ctx

    def still_given(
        self, item: ItemRecord, person: Person, nations: frozenset[str], at: datetime
    ) -> bool:
        """Whether ``item`` as it now is may be read by ``person`` and given to ``nations``
        (its new version then goes the usual way, not a revocation)."""
        readable = decide(person, item.label, Action.READ, at, registry=self._ctx.registry)
        return readable.permitted and self._candidate(item, person, nations, at) is not None

    def _select(
        self, reader: PersonRecord, at: datetime, filters: Filters
    ) -> tuple[list[_Candidate], bool]:
        limit = max(1, min(filters.limit, MAX_PAGE))
        chosen = list(islice(self._candidates(reader, at, filters), limit + 1))
        return chosen[:limit], len(chosen) > limit

    def objects(self, principal_id: str, filters: Filters) -> Envelope:
        """A page of the objects ``principal_id`` is given, oldest version first, each signed
        (once, when first released: the signature is kept), recorded and audited."""

        def work() -> Envelope:
            ctx = self._ctx
            at = ctx.clock()
            reader = ctx.reader(principal_id)
            page, more = self._select(reader, at, filters)
            # Signed over the marking-definitions as the page carries them (the first of an
            # id, as Envelope.wire sends it), their canonical form worked out once a page.
            given: dict[str, dict[str, Any]] = {}
            for c in page:
                for definition in c.markings:
                    given.setdefault(str(definition["id"]), definition)
            markings = Markings(given.values())
            data = [signed_bytes(c.obj, markings) for c in page]
            digests = [hashlib.sha256(d).hexdigest() for d in data]
            kept = ctx.store.stix_signatures(
                [(c.stix_id, c.added, d) for c, d in zip(page, digests, strict=True)]
            )
            shared, records, releases = [], [], []
            for c, signed_data, digest in zip(page, data, digests, strict=True):
                value = (
                    kept.get((c.stix_id, c.added, digest))
                    or base64.b64encode(bytes.fromhex(self._signer.sign(signed_data))).decode()
                )
                signed = with_signature(c.obj, markings, value, self._signer.key_id,
                                        digest=markings_digest(c.obj, markings))  # fmt: skip
                releases.append((c.stix_id, c.added, digest, c.local_id, c.version, value))
                shared.append(Shared(signed, c.markings, c.added, c.obj["modified"]))
                detail = {"stix_id": c.stix_id, "version": c.version,
                          "portions": len(c.portions), "to": reader.id}  # fmt: skip
                records.append(Record(at, reader.id, "stix.release", c.local_id, "permit",
                                      detail))  # fmt: skip
            ctx.store.add_stix_releases(reader.id, releases, at)
            ctx.store.keep_stix_labels([(c.stix_id, c.added, d, c.label)
                                        for c, d in zip(page, digests, strict=True)])  # fmt: skip
            ctx.audit.write(records)
            token = token_of(page[-1].position) if more else None
            return Envelope(shared, more, token)

        return self._ctx.run(work)

    def sign_release(
        self, principal: str, obj: dict[str, Any], markings: list[dict[str, Any]],
        local: tuple[str, int], at: datetime,
    ) -> Shared:  # fmt: skip
        """``obj`` signed (once: a signature kept for the same content is reused), and its
        release to ``principal`` recorded (for :class:`~tearline.federation.changes.Changes`:
        observations and revocations)."""
        data = signed_bytes(obj, markings)
        digest = hashlib.sha256(data).hexdigest()
        modified = parse_time(obj["modified"], "modified")
        kept = self._ctx.store.stix_signature(str(obj["id"]), modified, digest)
        value = kept or base64.b64encode(bytes.fromhex(self._signer.sign(data))).decode()
        signed = with_signature(obj, markings, value, self._signer.key_id,
                                digest=markings_digest(obj, markings))  # fmt: skip
        self._ctx.store.add_stix_release(principal, str(obj["id"]), modified, digest, local,
                                         value, at)  # fmt: skip
        return Shared(signed, markings, modified, str(obj["modified"]))

    def manifest(self, principal_id: str, filters: Filters) -> Envelope:
        """The same page as :meth:`objects` describes, without the objects' content (ids,
        versions, when added): nothing leaves, so nothing is signed; the listing is audited
        (``stix.manifest``)."""

        def work() -> Envelope:
            ctx = self._ctx
            at = ctx.clock()
            reader = ctx.reader(principal_id)
            page, more = self._select(reader, at, filters)
            shared = [
                Shared({"id": c.stix_id}, [], c.added, c.obj["modified"])
                for c in page
            ]  # fmt: skip
            detail = {"objects": [c.stix_id for c in page]}
            ctx.audit.write([Record(at, reader.id, "stix.manifest", "", "permit", detail)])
            token = token_of(page[-1].position) if more else None
            return Envelope(shared, more, token)

        return self._ctx.run(work)

    def released(self, principal_id: str) -> Sequence[tuple[str, datetime, str, datetime]]:
        """What went to ``principal_id``: ``(stix_id, modified, signature, at)`` each."""
        with self._ctx.store.transaction(write=False):
            return self._ctx.store.stix_releases(principal_id)
