"""What a peer node is given: the release filter, the signing of each object version when it
is first released, and the record and audit of every release.

A peer reads as a person of its nation cleared at its agreement's ceiling (the policy decides
every label and every portion exactly as for that person), and on top of that read decision
the **release filter** decides what may *leave*: only what is releasable to the peer's
nation, and never ORCON or RELIDO material (they leave only by an officer's decision), never
NOFORN, never DISPLAY ONLY. A document goes with exactly the portions that pass both, under a
banner rolled up from those alone; one with none does not go. A translated label is filtered
by each label it came from as well.

**Third-party rule**: an item received from a peer never leaves through this door again —
not to another peer, not back. It goes on only as its originator signed it, when the
originator consented (:mod:`tearline.federation.onward`). This node's own items carry their
originator's consent (``onward``) in their signed form when a releasing officer gave one.

**Release guard** (:mod:`tearline.service.guard`): what passes the filter is checked for its
content too — words that must never leave, near-duplicates of what the reader may not read —
and a hit is held for a releasing officer instead of given out.

The same door serves a person's token (a person of this node reads what would be released
to their own nation); every object given out is audited (``stix.release``, naming the
principal, the item, its version and the STIX id) and recorded with its signature.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from typing import Any, Final

from tearline.audit import Record
from tearline.errors import InvalidInput
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
from tearline.service.records import ItemKind, ItemRecord, PersonRecord, Portion

__all__ = ["Envelope", "Filters", "Outbox", "Shared", "withheld_because"]

#: The most objects one page holds (TAXII 2.1 §3.4: the server may cap ``limit``).
MAX_PAGE: Final = 1000
#: How many changed items are read from the store at a time.
_CHUNK: Final = 500
_TYPES: Final = {ItemKind.REPORT: "report", ItemKind.DOCUMENT: "report",
                 ItemKind.OBSERVATION: "note"}  # fmt: skip


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
class Filters:
    """What a TAXII request asks for (TAXII 2.1 §3.4, §5.3): objects added after a time,
    at most ``limit`` of them, continuing from ``next``, of these ids or types only."""

    added_after: datetime | None = None
    limit: int = 100
    next: str | None = None
    ids: frozenset[str] | None = None
    types: frozenset[str] | None = None


@dataclass(frozen=True, slots=True)
class Shared:
    """One object given out: the signed STIX object, its marking-definitions, when it was
    added to the collection (the time of its version) and its version (``modified``)."""

    obj: dict[str, Any]
    markings: list[dict[str, Any]]
    added: datetime
    version: str


@dataclass(frozen=True, slots=True)
class Envelope:
    """A page: the objects, whether more follow, and the token that continues it."""

    objects: list[Shared]
    more: bool
    next: str | None

    def wire(self) -> list[dict[str, Any]]:
        """The page's STIX objects as a TAXII envelope lists them: each marking-definition
        once, ahead of the objects that refer to it."""
        found: dict[str, dict[str, Any]] = {}
        for shared in self.objects:
            for definition in shared.markings:
                found.setdefault(str(definition["id"]), definition)
            found[str(shared.obj["id"])] = shared.obj
        return list(found.values())


@dataclass(frozen=True, slots=True)
class _Candidate:
    item: ItemRecord
    stix_id: str
    label: Label
    portions: tuple[Portion, ...]
    obj: dict[str, Any]
    markings: list[dict[str, Any]]


def _cursor(item: ItemRecord) -> tuple[datetime, str]:
    return item.modified, item.id


def _token(position: tuple[datetime, str]) -> str:
    text = f"{position[0].isoformat()}|{position[1]}"
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _position(token: str) -> tuple[datetime, str]:
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        when, stix_id = text.split("|", 1)
        return datetime.fromisoformat(when), stix_id
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise InvalidInput(
            "next: give the `next` value of the previous page as it was returned"
        ) from None


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
        """The items ``reader`` may read and be given, with what of each goes, oldest
        version first from where ``filters`` start (read a chunk at a time: a page costs
        what it holds, not the whole collection)."""
        ctx = self._ctx
        readable = ctx.readable.for_person(reader, at)
        nations = frozenset(reader.nationalities)
        person = reader.as_person()
        after = None if filters.next is None else _position(filters.next)
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
                after = _cursor(item)
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
        return _Candidate(item, str(obj["id"]), label, portions, obj, markings)

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
                [(c.stix_id, c.item.modified, d) for c, d in zip(page, digests, strict=True)]
            )
            shared, records, releases = [], [], []
            for c, signed_data, digest in zip(page, data, digests, strict=True):
                value = (
                    kept.get((c.stix_id, c.item.modified, digest))
                    or base64.b64encode(bytes.fromhex(self._signer.sign(signed_data))).decode()
                )
                signed = with_signature(c.obj, markings, value, self._signer.key_id,
                                        digest=markings_digest(c.obj, markings))  # fmt: skip
                releases.append((c.stix_id, c.item.modified, digest, c.item.id, c.item.version,
                                 value))  # fmt: skip
                shared.append(Shared(signed, c.markings, c.item.modified, c.obj["modified"]))
                detail = {"stix_id": c.stix_id, "version": c.item.version,
                          "portions": len(c.portions), "to": reader.id}  # fmt: skip
                records.append(Record(at, reader.id, "stix.release", c.item.id, "permit",
                                      detail))  # fmt: skip
            ctx.store.add_stix_releases(reader.id, releases, at)
            ctx.store.keep_stix_labels([(c.stix_id, c.item.modified, d, c.label)
                                        for c, d in zip(page, digests, strict=True)])  # fmt: skip
            ctx.audit.write(records)
            token = _token(_cursor(page[-1].item)) if more else None
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
                Shared({"id": c.stix_id}, [], c.item.modified, c.obj["modified"])
                for c in page
            ]  # fmt: skip
            detail = {"objects": [c.stix_id for c in page]}
            ctx.audit.write([Record(at, reader.id, "stix.manifest", "", "permit", detail)])
            token = _token(_cursor(page[-1].item)) if more else None
            return Envelope(shared, more, token)

        return self._ctx.run(work)

    def released(self, principal_id: str) -> Sequence[tuple[str, datetime, str, datetime]]:
        """What went to ``principal_id``: ``(stix_id, modified, signature, at)`` each."""
        with self._ctx.store.transaction(write=False):
            return self._ctx.store.stix_releases(principal_id)


def added_after(text: str | None) -> datetime | None:
    """The ``added_after`` of a request (TAXII 2.1 §3.4.2), if given.

    Raises:
        InvalidInput: not a timestamp.
    """
    return None if text is None else parse_time(text, "added_after")
