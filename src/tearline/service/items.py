"""Labelled items: create, revise, list and show — each decided for the person acting.

Reading goes through the policy every time: a listing asks the database only for items whose
label the person may read; showing one item decides its label first, and an item that is
missing, forbidden or malformed gives the same :class:`NotFound` (the refusal is audited,
the caller learns nothing). Writing above one's own clearance is refused, and lowering an
item's label takes a releasing officer.

A draft is checked and made a record in :mod:`tearline.service.drafts`, who may write it is
decided in :mod:`tearline.service.authoring`, and what a reader sees of an item is an
:class:`~tearline.service.views.ItemView`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from tearline.audit import Record
from tearline.errors import NotFound
from tearline.labels.model import Label
from tearline.labels.parse import parse
from tearline.labels.rollup import rollup
from tearline.policy.decide import decide
from tearline.policy.model import Action, Decision, Outcome
from tearline.service.authoring import check_downgrade, refuse_write
from tearline.service.context import Context, Refusal
from tearline.service.drafts import Draft, created_record, keep_authority, prepare
from tearline.service.listing import Page, Query, Summary
from tearline.service.records import ItemKind, ItemRecord, PersonRecord
from tearline.service.views import ItemView, marking

__all__ = ["Items"]

#: The one answer for an item that is missing, forbidden or malformed.
NO_SUCH_ITEM = "no such item, or none you may read"
_ITEM_ID = re.compile(r"i-[0-9a-f]{20}")
#: What a malformed id is looked up as: an id's length, but no item's (ids are hex digits).
_DECOY_ID = "i-" + "x" * 20


class Items:
    """Use cases over labelled items."""

    def __init__(self, ctx: Context, *, placeholders: bool = False) -> None:
        self._ctx = ctx
        self._placeholders = placeholders
        self._decoy: Label | None = None

    # ------------------------------------------------------------------ writing
    def prepare(self, author: PersonRecord, draft: Draft, at: datetime) -> ItemRecord:
        """Check ``draft`` and make it an item record (nothing written yet): see
        :func:`tearline.service.drafts.prepare`.

        Raises:
            LabelError / InvalidInput: the marking, portions or authority block are wrong.
        """
        return prepare(author, draft, at, self._ctx.registry)

    def refuse_write(
        self, author: PersonRecord, item: ItemRecord, at: datetime, action: str
    ) -> None:
        """Refuse ``item`` if ``author`` may not read all its labels: see
        :func:`tearline.service.authoring.refuse_write`."""
        refuse_write(author, item, at, action, self._ctx.registry)

    def add(self, actor_id: str, draft: Draft) -> ItemRecord:
        """Store a new item written by ``actor_id``.

        Raises:
            LabelError / InvalidInput: the draft is malformed (nothing is written).
            Denied: the author may not read the marking they wrote (nothing is written).
        """

        def work() -> ItemRecord:
            at = self._ctx.clock()
            author = self._ctx.actor(actor_id)
            item = self.prepare(author, draft, at)
            self.refuse_write(author, item, at, "item.create")
            self._ctx.store.add_items([item])
            self._ctx.audit.write([created_record(item, at, self._ctx.registry)])
            return item

        return self._ctx.run(work)

    def edit(self, actor_id: str, item_id: str, draft: Draft, *, reason: str) -> ItemRecord:
        """A new version of ``item_id``; the earlier one is kept. Lowering the label (a
        downgrade) takes a releasing officer and is audited as ``item.downgrade``.

        Raises:
            NotFound: no such item, or none the actor may read.
            Denied: the new label is above the actor's clearance, or lowers the item's label
                and the actor is not a releasing officer.
        """

        def work() -> ItemRecord:
            at = self._ctx.clock()
            author = self._ctx.actor(actor_id)
            before = self._readable_item(author, item_id, at, "item.edit")
            fresh = self.prepare(author, replace(draft, kind=before.kind), at)
            if draft.authority is None:
                fresh = keep_authority(before, fresh)
            after = replace(
                fresh, id=before.id, version=before.version + 1, created=before.created,
                created_by=before.created_by, originator_nation=before.originator_nation,
                originator_org=before.originator_org, at=draft.at or before.at,
                source_key=before.source_key,
            )  # fmt: skip
            self.refuse_write(author, after, at, "item.edit")
            lowered = check_downgrade(author, before, after, at, self._ctx.registry)
            self._ctx.store.revise_item(before, after, author.id)
            detail = {"version": after.version, "reason": reason,
                      "from": marking(before.label, self._ctx.registry),
                      "to": marking(after.label, self._ctx.registry)}  # fmt: skip
            action = "item.downgrade" if lowered else "item.edit"
            self._ctx.audit.write([Record(at, author.id, action, item_id, "done", detail)])
            return after

        return self._ctx.run(work)

    # ------------------------------------------------------------------ reading
    def _decided(
        self, reader: PersonRecord, item_id: str, at: datetime
    ) -> tuple[tuple[Label, ItemKind] | None, Decision]:
        """``item_id``'s label and kind (``None``: no such item), and ``reader``'s decision
        on that label. A missing or malformed id does the work a forbidden one does — the
        same query (a malformed id asks for one no item has) and a decision, on a decoy
        label — so the one not-found costs the same whatever caused it (issue #9)."""
        asked = item_id if _ITEM_ID.fullmatch(item_id) else _DECOY_ID
        head = self._ctx.store.item_head(asked)
        label = self._decoy_label() if head is None else head[0]
        decision = decide(reader.as_person(), label, Action.READ, at, registry=self._ctx.registry)
        return head, decision

    def _decoy_label(self) -> Label:
        """The label a missing id is decided on: the node scheme's highest level."""
        if self._decoy is None:
            scheme = self._ctx.registry.scheme(self._ctx.node.scheme)
            self._decoy = parse(scheme.levels[-1].banner, scheme.id, registry=self._ctx.registry)
        return self._decoy

    def _readable_item(
        self, reader: PersonRecord, item_id: str, at: datetime, action: str
    ) -> ItemRecord:
        head, decision = self._decided(reader, item_id, at)
        if head is None or not decision.permitted:
            raise _refused(at, reader.id, action, item_id, None if head is None else decision)
        item = self._ctx.store.item(item_id)
        if item is None:  # pragma: no cover - read in the same transaction as its label
            raise _refused(at, reader.id, action, item_id, None)
        return item

    def _seen(
        self, reader: PersonRecord, item_id: str, at: datetime, *, display: bool
    ) -> tuple[ItemView | None, Decision | None]:
        """``item_id`` as ``reader`` may see it (``None``: not at all): whole under a label
        they may read (with ``display``, also one they may be shown), else a document's
        portions they may read; and the decision on its label (``None``: no such item)."""
        head, decision = self._decided(reader, item_id, at)
        shown_only = display and decision.outcome is Outcome.DISPLAY_ONLY
        if head is None or not (decision.permitted or shown_only):
            view = None
            if self._partly_readable(reader, item_id, at, display=display):
                view = self._document_view(reader, item_id, at, display=display)
            return view, None if head is None else decision
        item = self._ctx.store.item(item_id)
        if item is None:  # pragma: no cover - read in the same transaction as its label
            return None, None
        view = self._view(reader, item, at, display=display)
        return (replace(view, display_only=True) if shown_only else view), decision

    def readable(self, reader: PersonRecord, item_id: str, at: datetime, action: str) -> ItemRecord:
        """``item_id`` if ``reader`` may read it (call inside a transaction); otherwise a
        :class:`Refusal` carrying the one not-found and the audit record of the refusal."""
        return self._readable_item(reader, item_id, at, action)

    def show(self, actor_id: str, item_id: str, *, display: bool = False) -> ItemView:
        """``item_id`` as ``actor_id`` may see it (the read is audited): a document of which
        they may read some portions only is shown with those alone, under their banner. With
        ``display`` (a viewer, not an export) an item the actor may only be shown (DISPLAY
        ONLY) is shown, marked ``display_only``; without it, it is not found.

        Raises:
            NotFound: missing, forbidden or malformed — the three are indistinguishable.
        """

        def work() -> ItemView:
            at = self._ctx.clock()
            reader = self._ctx.reader(actor_id)
            view, decision = self._seen(reader, item_id, at, display=display)
            if view is None:
                raise _refused(at, reader.id, "item.read", item_id, decision)
            item = view.item
            detail = {"version": item.version, "portions": len(view.portions),
                      "withheld": len(item.portions) - len(view.portions)}  # fmt: skip
            outcome = "display-only" if view.display_only else "permit"
            self._ctx.audit.write([Record(at, reader.id, "item.read", item_id, outcome, detail)])
            return view

        return self._ctx.read(work)

    def document(self, actor_id: str, item_id: str, *, display: bool = False) -> ItemView:
        """A document as ``actor_id`` may read it: exactly the portions they may read, and a
        banner rolled up from those alone — even when the whole document's banner is above
        them. A document of which they may read nothing is not found. With ``display``,
        portions the actor may only be shown are shown too, and the view marked.

        Raises:
            NotFound: missing, not a document, nothing readable, or a malformed id.
        """

        def work() -> ItemView:
            at = self._ctx.clock()
            reader = self._ctx.reader(actor_id)
            head, decision = self._decided(reader, item_id, at)  # decided even if unused: #9
            view = None
            if self._partly_readable(reader, item_id, at, display=display):
                view = self._document_view(reader, item_id, at, display=display)
            if view is None:
                known = None if head is None else decision
                raise _refused(at, reader.id, "document.read", item_id, known)
            shown = view.item
            detail = {"version": shown.version, "portions": len(view.portions),
                      "withheld": len(shown.portions) - len(view.portions)}  # fmt: skip
            outcome = "display-only" if view.display_only else "permit"
            record = Record(at, reader.id, "document.read", item_id, outcome, detail)
            self._ctx.audit.write([record])
            return view

        return self._ctx.read(work)

    def _partly_readable(
        self, reader: PersonRecord, item_id: str, at: datetime, *, display: bool
    ) -> bool:
        """Whether ``item_id`` is a document with a portion ``reader`` may read (with
        ``display``, or be shown), from the labels of its portions and the cache of what
        they may read — no item is read to learn it, and any id (a missing or malformed one,
        a report's) is asked the same way: such ids have no portions. The labels are read
        again only when a portion's is newer than those known."""
        asked = item_id if _ITEM_ID.fullmatch(item_id) else _DECOY_ID
        labels = self._ctx.store.portion_label_ids(asked)
        cache = self._ctx.readable
        readable = cache.for_person(reader, at, refresh=not cache.knows(labels))
        shown = cache.display_only(reader, at, refresh=False) if display else {}
        return any(label in readable or label in shown for label in labels)

    def _document_view(
        self, reader: PersonRecord, item_id: str, at: datetime, *, display: bool = False
    ) -> ItemView | None:
        """``item_id`` as ``reader`` sees it if it is a document of which they may read (or,
        with ``display``, be shown) at least one portion; otherwise ``None``."""
        item = self._ctx.store.item(item_id)
        if item is None or item.kind is not ItemKind.DOCUMENT:  # pragma: no cover - see head
            return None
        view = self._view(reader, item, at, display=display)
        return view if view.portions else None

    def _view(
        self, reader: PersonRecord, item: ItemRecord, at: datetime, *, display: bool = False
    ) -> ItemView:
        scheme = reader.clearance_scheme
        if not item.portions:
            return ItemView(item, item.label, (), scheme)
        person = reader.as_person()
        outcomes = [
            decide(person, p.label, Action.READ, at, registry=self._ctx.registry).outcome
            for p in item.portions
        ]
        withheld = tuple(
            not (o is Outcome.PERMIT or (display and o is Outcome.DISPLAY_ONLY)) for o in outcomes
        )
        shown = tuple(p for p, hidden in zip(item.portions, withheld, strict=True) if not hidden)
        if not shown:
            return ItemView(item, item.label, (), scheme)
        viewed_only = any(
            o is Outcome.DISPLAY_ONLY for o, hidden in zip(outcomes, withheld, strict=True)
            if not hidden
        )  # fmt: skip
        banner = rollup([p.label for p in shown], registry=self._ctx.registry)
        layout = withheld if self._placeholders else ()
        return ItemView(item, banner, shown, scheme, viewed_only, layout)

    def page(
        self, actor_id: str, query: Query, *, display: bool = False, count: bool = False
    ) -> tuple[Page, PersonRecord]:
        """A page of the items ``actor_id`` may read now, newest first: items under a label
        they may read, and documents of which they may read a portion (the banner rolled up
        from those). With ``display`` (a viewer, not an export) it holds the items they may
        only be shown too, named in ``Page.display_only``. With ``count``, the page carries
        the totals and facets of everything the query matches that they may read. The
        delivery is audited, naming every item listed."""

        def work() -> tuple[Page, PersonRecord]:
            at = self._ctx.clock()
            reader = self._ctx.reader(actor_id)
            readable = self._ctx.readable.for_person(reader, at)
            shown = self._ctx.readable.display_only(reader, at) if display else {}
            if shown:
                readable = sorted({*readable, *shown})
            page = self._ctx.store.readable_page(query, readable)
            if count:
                page = replace(page, facets=self._ctx.store.readable_facets(query, readable))
            detail: dict[str, Any] = {"kind": str(query.kind), "items": [s.id for s in page.items]}
            if query.text is not None:
                detail["search"] = query.text
            if shown:
                labels = set(shown.values())
                person = reader.as_person()
                marked = frozenset(
                    s.id for s in page.items
                    if s.label in labels
                    or not decide(person, s.label, Action.READ, at,
                                  registry=self._ctx.registry).permitted
                )  # fmt: skip
                page = replace(page, display_only=marked)
                detail["display_only"] = sorted(marked)
            self._ctx.audit.write([Record(at, reader.id, "item.list", "", "permit", detail)])
            return page, reader

        return self._ctx.read(work)

    def deliver(
        self, actor_id: str, item_ids: Sequence[str], stream: str
    ) -> tuple[PersonRecord, list[Summary]]:
        """The items among ``item_ids`` that ``actor_id`` may read now, for a live stream:
        the database filters them by the reader's readable labels, and the delivery is
        audited once per batch (``item.stream``), naming the stream and every item sent."""

        def work() -> tuple[PersonRecord, list[Summary]]:
            at = self._ctx.clock()
            reader = self._ctx.actor(actor_id)
            readable = self._ctx.readable.for_person(reader, at)
            found = self._ctx.store.readable_summaries(item_ids, readable)
            if found:
                detail = {"stream": stream, "items": [s.id for s in found]}
                record = Record(at, reader.id, "item.stream", "", "permit", detail)
                self._ctx.audit.write([record])
            return reader, found

        return self._ctx.read(work)

    def versions(self, actor_id: str, item_id: str) -> list[dict[str, Any]]:
        """The versions of an item the actor may read, each decided by its own label."""

        def work() -> list[dict[str, Any]]:
            at = self._ctx.clock()
            reader = self._ctx.reader(actor_id)
            item = self._readable_item(reader, item_id, at, "item.versions")
            person = reader.as_person()
            shown = [
                {"version": v, "label": label, "title": title, "modified": when, "by": by}
                for v, label, title, when, by in self._ctx.store.versions(item_id)
                if decide(person, label, Action.READ, at, registry=self._ctx.registry).permitted
            ]
            shown.append({"version": item.version, "label": item.label, "title": item.title,
                          "modified": item.modified, "by": item.created_by})  # fmt: skip
            listed = {"versions": [v["version"] for v in shown]}
            self._ctx.audit.write(
                [Record(at, reader.id, "item.versions", item_id, "permit", listed)]
            )
            return shown

        return self._ctx.read(work)


def _refused(
    at: datetime, actor: str, action: str, item_id: str, decision: Decision | None
) -> Refusal:
    """The one not-found and its audit record, of one shape whatever the cause: ``deny``
    with the rules of the decision on the item's label, or ``not-found`` (no rules) for an
    id no item has."""
    if decision is None:
        record = Record(at, actor, action, item_id[:64], "not-found", {"rules": []})
    else:
        record = Record(at, actor, action, item_id[:64], "deny",
                        {"rules": list(decision.rule_ids)})  # fmt: skip
    return Refusal(NotFound(NO_SUCH_ITEM), record)
