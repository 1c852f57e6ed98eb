"""What an unsigned feed gives: the objects pages this node pulls from a TAXII 2.1 server
that is not a Tearline node (medallion, a vendor's feed), registered with ``tearline peer
add NAME --feed``.

Nothing vouches for who labelled a feed's objects, so each report or note is taken only
when its marking is one this node recognises, and rejected and audited (``stix.reject``)
otherwise:

- ``object_marking_refs`` naming exactly one TLP standard marking-definition (and nothing
  else): the object is labelled in the TLP scheme at that level. TLP 2.0's ids, and TLP
  1.0's that STIX 2.1 itself defines (§7.2.1.4; most feeds still use them) mapped as FIRST's
  TLP 2.0 standard says: WHITE is CLEAR, GREEN, AMBER and RED are unchanged (1.0's AMBER
  already let recipients tell their clients; 2.0's narrower AMBER+STRICT has no 1.0 form);
- no marking at all: the feed's default marking, if the administrator gave one
  (``--default-marking``), else ``unmarked``;
- any other marking (a statement, a node's own, two TLP markings) or
  ``granular_markings``: ``unrecognised-marking``; any other object type: ``unsupported``.

An object is idempotent on its id and ``modified``: the provenance kept in
``stix_received`` has, in place of a signature, ``unsigned-feed:NAME:sha256:HEX`` (the
SHA-256 of the object's RFC 8785 form), so the very version again is skipped, the same
version with other content or an older one is ``replayed``, and an id that came from
elsewhere (another feed or a Tearline peer) is ``foreign``. Items are stored created by
``peer:NAME`` — so the third-party rule keeps them from ever being shared on — and audited
(``item.create``/``item.edit`` and ``stix.receive`` with ``provenance: unsigned feed``).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any, Final

from tearline.audit import Record
from tearline.errors import InvalidInput, TearlineError
from tearline.federation.inbox import HELD
from tearline.federation.jcs import canonical
from tearline.federation.signing import Rejected
from tearline.federation.stix import TLP_MARKINGS, parse_time, stix_time
from tearline.labels.model import Label
from tearline.service.context import Context
from tearline.service.drafts import created_record, new_item_id
from tearline.service.feeds import UNSIGNED, default_label
from tearline.service.principals import PeerRecord
from tearline.service.records import ItemKind, ItemRecord
from tearline.service.views import marking

__all__ = ["TLP1_MARKINGS", "FeedInbox", "feed_mark"]

#: TLP 1.0's marking-definitions as STIX 2.1 defines them (§7.2.1.4), by TLP 2.0 level.
TLP1_MARKINGS: Final = {
    "CLEAR": "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9",  # TLP:WHITE
    "GREEN": "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",
    "AMBER": "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82",
    "RED": "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed",
}
_TLP_LEVELS: Final = {ref: level for levels in (TLP_MARKINGS, TLP1_MARKINGS)
                      for level, ref in levels.items()}  # fmt: skip
_KINDS: Final = {"report": ItemKind.REPORT, "note": ItemKind.OBSERVATION}
_CONTEXT: Final = frozenset({"marking-definition", "identity", "extension-definition"})


def feed_mark(feed: str, obj: Mapping[str, Any]) -> str:
    """What is kept in place of a signature for a feed's object version."""
    digest = hashlib.sha256(canonical(dict(obj))).hexdigest()
    return f"{UNSIGNED}{feed}:sha256:{digest}"


class FeedInbox:
    """Objects pulled from unsigned feeds."""

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    def add(self, feed: PeerRecord, objects: Sequence[Any]) -> dict[str, Any]:
        """Take a page pulled from ``feed``; the outcome as a TAXII status (§4.3.1)."""

        def work() -> dict[str, Any]:
            at = self._ctx.clock()
            successes: list[dict[str, Any]] = []
            failures: list[dict[str, Any]] = []
            records: list[Record] = []
            for obj in objects:
                if isinstance(obj, Mapping) and obj.get("type") in _CONTEXT:
                    continue
                entry = _entry(obj)
                try:
                    taken = self._take(feed, obj, at)
                except TearlineError as problem:
                    reason = problem.reason if isinstance(problem, Rejected) else "malformed"
                    failures.append({**entry, "message": str(problem)})
                    records.append(_rejected(at, feed, entry["id"], reason, problem))
                    continue
                successes.append(entry if taken else {**entry, "message": HELD})
                records += taken
            self._ctx.audit.write(records)
            return {"id": str(uuid.uuid4()), "status": "complete",
                    "total_count": len(successes) + len(failures),
                    "success_count": len(successes), "successes": successes,
                    "failure_count": len(failures), "failures": failures,
                    "pending_count": 0}  # fmt: skip

        return self._ctx.run(work)

    def _take(self, feed: PeerRecord, obj: object, at: datetime) -> list[Record]:
        """Take one object (``[]``: that version was held already)."""
        if not isinstance(obj, Mapping):
            raise InvalidInput("not a STIX object (a JSON object)")
        kind = _KINDS.get(str(obj.get("type")))
        stix_id = str(obj.get("id"))[:120]
        if kind is None:
            raise Rejected("unsupported", f"{stix_id}: a feed's {str(obj.get('type'))[:40]} "
                           "is not taken (reports and notes are)")  # fmt: skip
        modified = parse_time(obj.get("modified"), stix_id + " modified")
        label = self._label(feed, obj, stix_id)
        mark = feed_mark(feed.name, obj)
        store = self._ctx.store
        held = store.stix_received([stix_id]).get(stix_id, [])
        if not _fresh(feed, stix_id, modified, mark, held):
            return []
        before = store.item(held[-1][2]) if held else None
        item = _item(feed, obj, kind, label, at)
        if before is None:
            store.add_items([item])
            made = created_record(item, at, self._ctx.registry)
        else:
            item = replace(item, id=before.id, version=before.version + 1, created=before.created)
            store.revise_item(before, item, feed.principal)
            detail = {"version": item.version, "reason": f"received from {feed.principal}",
                      "from": marking(before.label, self._ctx.registry),
                      "to": marking(label, self._ctx.registry)}  # fmt: skip
            made = Record(at, feed.principal, "item.edit", item.id, "done", detail)
        store.add_stix_received([(stix_id, modified, mark, feed.name, item.id, feed.nation, at)])
        detail = {"stix_id": stix_id, "modified": stix_time(modified), "from": feed.name,
                  "provenance": "unsigned feed", "digest": mark.rsplit(":", 1)[1],
                  "version": item.version}  # fmt: skip
        return [made, Record(at, feed.principal, "stix.receive", item.id, "done", detail)]

    def _label(self, feed: PeerRecord, obj: Mapping[str, Any], stix_id: str) -> Label:
        """The object's label, from a TLP marking (2.0 or 1.0) or the feed's default."""
        refs = obj.get("object_marking_refs") or []
        if obj.get("granular_markings") or not isinstance(refs, list):
            raise Rejected("unrecognised-marking", f"{stix_id}: granular or malformed markings "
                           "cannot be honoured from an unsigned feed")  # fmt: skip
        registry = self._ctx.registry
        if not refs:
            if feed.feed_marking is None:
                raise Rejected(
                    "unmarked",
                    f"{stix_id}: no marking, and feed {feed.name} has "
                    "no default marking (`tearline peer add … --default-marking`)",
                )
            label = default_label(feed.feed_marking, self._ctx.node.scheme, registry)
        elif len(refs) == 1 and refs[0] in _TLP_LEVELS:
            label = default_label("TLP:" + _TLP_LEVELS[refs[0]], "tlp", registry)
        else:
            raise Rejected("unrecognised-marking", f"{stix_id}: only one TLP marking (2.0 or "
                           "1.0) is recognised from an unsigned feed")  # fmt: skip
        return label  # TLP restricts people, never nations; the default is this node's own


def _fresh(
    feed: PeerRecord, stix_id: str, modified: datetime, mark: str,
    held: Sequence[tuple[datetime, str, str]],
) -> bool:  # fmt: skip
    """Whether this version is new (``False``: the very version is held).

    Raises:
        Rejected: the id came from elsewhere, or this version is replayed.
    """
    own = f"{UNSIGNED}{feed.name}:"
    if any(not signature.startswith(own) for _, signature, _ in held):
        raise Rejected("foreign", f"{stix_id}: this id was received from another source")
    for when, signature, _ in held:
        if when == modified:
            if signature == mark:
                return False
            raise Rejected("replayed", f"{stix_id}: the same version with other content")
    if held and held[-1][0] > modified:
        raise Rejected("replayed", f"{stix_id}: a newer version is held")
    return True


def _item(
    feed: PeerRecord, obj: Mapping[str, Any], kind: ItemKind, label: Label, at: datetime
) -> ItemRecord:
    """A new item of ``obj``'s text: a report's name and description, a note's abstract
    and content."""
    stix_id = str(obj.get("id"))[:120]
    if kind is ItemKind.REPORT:
        title, text = obj.get("name"), obj.get("description", "")
    else:
        text = obj.get("content")
        title = obj.get("abstract") or (text.split("\n", 1)[0][:120] if isinstance(text, str)
                                        else None)  # fmt: skip
    if not isinstance(title, str) or not title.strip() or not isinstance(text, str):
        raise InvalidInput(f"{stix_id}: a report needs a name, a note its content (text)")
    when = obj.get("published") or obj.get("created")
    about = parse_time(when, stix_id + " published") if when is not None else at
    return ItemRecord(
        id=new_item_id(), kind=kind, label=label, title=title[:500], content=text,
        at=about, created=at, modified=at, created_by=feed.principal,
        originator_nation=feed.nation[:3], originator_org=feed.name,
    )  # fmt: skip


def _entry(obj: object) -> dict[str, str]:
    if not isinstance(obj, Mapping):
        return {"id": "", "version": ""}
    return {"id": str(obj.get("id"))[:120], "version": str(obj.get("modified"))[:40]}


def _rejected(
    at: datetime, feed: PeerRecord, stix_id: str, reason: str, problem: Exception
) -> Record:
    detail = {"reason": reason, "from": feed.name, "provenance": "unsigned feed",
              "message": str(problem)[:300]}  # fmt: skip
    return Record(at, feed.principal, "stix.reject", stix_id[:120], "deny", detail)
