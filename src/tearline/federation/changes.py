"""What changed since a peer was given it: this node's observations (new, relabelled,
retracted) and the revocations of items the peer may no longer have.

Both go through the release filter of :mod:`tearline.federation.outbox` and are signed once,
recorded and audited there (``stix.release``):

- **observations** (STIX ``observed-data``, :mod:`tearline.federation.observed`), from a
  cursor over their last change (audit sequence number, then id): a live one the peer may read
  and be given goes as its current version; one retracted, or relabelled beyond the peer, that
  went to it before goes as its revocation under the label the peer was given. (The live ones
  are on the collection's pages too, for any TAXII client; the push is a peer's fast path and
  carries the revocations a page cannot. The version signed is the same either way.)
- **item revocations**: an item given to the peer whose newer version it may not be given, or
  that a spill purged, goes as a ``report`` with ``revoked: true`` under the label the peer
  was given, carrying no content.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from functools import partial
from typing import Any

from tearline.audit import Record
from tearline.federation.observed import observation_object, stix_id_of
from tearline.federation.outbox import MAX_PAGE, Envelope, Outbox, Shared, withheld_because
from tearline.federation.stix import item_object
from tearline.policy.decide import decide
from tearline.policy.model import Action, Person
from tearline.service.records import Given, ItemKind, ItemRecord, ObservationRecord

__all__ = ["Changes"]


class Changes:
    """The observations and revocations a peer is given, over the node's :class:`Outbox`."""

    def __init__(self, outbox: Outbox) -> None:
        self._outbox = outbox
        self._ctx = outbox.context

    def observations(
        self, principal_id: str, after: tuple[int, str], limit: int
    ) -> tuple[Envelope, tuple[int, str]]:
        """The next page of this node's observations for ``principal_id`` (a peer) after
        ``after`` (the audit sequence number of their last change, then their id), as
        ``observed-data``, and the position the page reaches (the cursor to go on from).

        A live observation the peer may read and be given (the release filter, as for
        items) goes as its current version; one retracted, or relabelled beyond what the
        peer may be given, that went to the peer before goes as its revocation (``revoked:
        true``, under the label the peer was given), so that it disappears there too.
        Each is signed once, recorded and audited (``stix.release``) like an item."""
        limit = max(1, min(limit, MAX_PAGE))

        def work() -> tuple[Envelope, tuple[int, str]]:
            ctx = self._ctx
            at = ctx.clock()
            reader = ctx.reader(principal_id)
            readable = ctx.readable.for_person(reader, at)
            rows = ctx.store.observations_to_release(readable, reader.id, after, limit)
            if len(rows) == limit:
                reach = (rows[-1][2], rows[-1][0].id)
            else:  # every change up to the latest has been seen ("~" is after every id)
                reach = max(after, (ctx.store.observation_mark(), "~"))
            shared: list[Shared] = []
            records: list[Record] = []
            person, nations = reader.as_person(), frozenset(reader.nationalities)
            for record, modified, _change in rows:
                made = self._observed(record, modified, person, nations, reader.id, at)
                if made is None:
                    continue
                obj, markings, version = made
                shared.append(
                    self._outbox.sign_release(reader.id, obj, markings, (record.id, version), at)
                )
                detail = {"stix_id": obj["id"], "version": version, "to": reader.id,
                          "revoked": bool(obj.get("revoked"))}  # fmt: skip
                records.append(Record(at, reader.id, "stix.release", record.id, "permit",
                                      detail))  # fmt: skip
            ctx.audit.write(records)
            return Envelope(shared, len(rows) == limit, None), reach

        return self._ctx.run(work)

    def revocations(self, principal_id: str, since: datetime | None) -> list[Shared]:
        """The revocations due to ``principal_id`` (a peer) for items it was given whose
        newer version (made after ``since``) it may not be given — raised beyond the peer,
        made NOFORN, ORCON, … — each a ``report`` with ``revoked: true`` under the label of
        the version the peer was given, carrying no content of the new version. Each is
        signed once, recorded and audited (``stix.release``). A document given in part is
        revoked under the banner of the portions that went (kept when it was released)."""

        def work() -> list[Shared]:
            ctx = self._ctx
            at = ctx.clock()
            reader = ctx.reader(principal_id)
            person, nations = reader.as_person(), frozenset(reader.nationalities)
            shared, records = [], []
            for item_id in ctx.store.released_items_changed(reader.id, since):
                item = ctx.store.item(item_id)
                if item is None or self._outbox.still_given(item, person, nations, at):
                    continue  # its new version goes the usual way
                stix_id = str(item_object(item, ctx.node, ctx.registry)[0]["id"])
                released = ctx.store.released_label(reader.id, stix_id)
                if released is None:  # pragma: no cover - listed for what went to the peer
                    continue
                given, label = released  # the label it went under: a cut banner too
                label = label or next((old for version, old, *_ in ctx.store.versions(item.id)
                                       if version == given), None)  # fmt: skip
                if label is None or withheld_because(label, nations) is not None:
                    continue
                gone = replace(item, label=label, title="(revoked)", content="", portions=(),
                               kind=ItemKind.REPORT, lat=None, lon=None)  # fmt: skip
                onward = self._consent(item.id, given)
                obj, markings = item_object(gone, ctx.node, ctx.registry, onward=onward)
                obj["revoked"] = True
                shared.append(
                    self._outbox.sign_release(reader.id, obj, markings, (item.id, item.version), at)
                )
                detail = {"stix_id": stix_id, "version": item.version, "to": reader.id,
                          "revoked": True}  # fmt: skip
                records.append(Record(at, reader.id, "stix.release", item.id, "permit", detail))
            for spilled in ctx.store.spilled_given(reader.id):
                shared.append(self._spilled(reader.id, spilled, at))
                detail = {"stix_id": spilled.stix_id, "version": spilled.version + 1,
                          "to": reader.id, "revoked": True, "spilled": True}  # fmt: skip
                records.append(Record(at, reader.id, "stix.release", spilled.item_id, "permit",
                                      detail))  # fmt: skip
            ctx.audit.write(records)
            return shared

        return self._ctx.run(work)

    def _spilled(self, principal: str, given: Given, at: datetime) -> Shared:
        """The revocation of a spilled item (purged here): no content, the label the peer
        was given, the version made at the incident's time (``created`` too: the item's own
        is gone with it)."""
        when = given.purged_at
        gone = ItemRecord(
            id=given.item_id, kind=ItemKind.REPORT, label=given.label, title="(revoked)",
            content="", at=when, created=when, modified=when, created_by="",
            originator_nation=self._ctx.node.nation, originator_org="",
            version=given.version + 1,
        )  # fmt: skip
        onward = self._consent(given.item_id, given.version)
        obj, markings = item_object(gone, self._ctx.node, self._ctx.registry, onward=onward)
        obj["revoked"] = True
        return self._outbox.sign_release(
            principal, obj, markings, (given.item_id, given.version + 1), at
        )

    def _consent(self, item_id: str, version: int | None) -> tuple[str, ...]:
        """The nations the version a peer was given could go on to (its originator's
        consent): its revocation carries them too, signed, so that it follows the item to
        every node the item went on to (:class:`~tearline.federation.onward.Forwarder`)."""
        if version is None:
            return ()
        return self._ctx.store.onward_consents([item_id]).get((item_id, version), ())

    def _observed(
        self, record: ObservationRecord, modified: datetime, person: Person,
        nations: frozenset[str], principal: str, at: datetime,
    ) -> tuple[dict[str, Any], list[dict[str, Any]], int] | None:  # fmt: skip
        """What of ``record`` goes to the peer: its current version, its revocation, or
        nothing (never released and not releasable now)."""
        ctx = self._ctx
        obs = record.observation
        readable = decide(person, obs.label, Action.READ, at, registry=ctx.registry).permitted
        export = partial(observation_object, obs, ctx.node, ctx.registry, modified=modified,
                         created=record.created, version=record.version)  # fmt: skip
        if record.retracted is None and readable and withheld_because(obs.label, nations) is None:
            obj, markings = export()
            return obj, markings, record.version
        given = ctx.store.released_version(principal, stix_id_of(ctx.node, obs.id))
        if given is None:
            return None
        label = obs.label if given == record.version else next(
            (old for version, old, _ in ctx.store.observation_versions(obs.id)
             if version == given), None,
        )  # fmt: skip
        if label is None:  # pragma: no cover - every version released is kept
            return None
        obj, markings = export(label=label, revoked=True)
        return obj, markings, record.version
