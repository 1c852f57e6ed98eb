"""Onward release — the third-party rule in full: what a node received from one peer goes on
to another only when the originator's marking allows it **and** the originating node has
consented.

The consent is given at the originating node by a releasing officer, for one of its own
items: the nations the item may go on to from the peers it is given to. It makes a new
version of the item (same content and label) whose signed form carries the list (the
Tearline extension's ``onward``), so the consent is signed by the originator with the item
and cannot be added, widened or moved to another item by anyone else. Each nation must be
one the item's marking lets it leave to (:func:`~tearline.federation.outbox.withheld_because`
is checked where it is sent; here, the marking's release list).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from tearline.audit import Record
from tearline.errors import Denied, InvalidInput, NotFound
from tearline.policy.decide import decide
from tearline.policy.model import Action, Status
from tearline.service.context import Context, Refusal
from tearline.service.principals import PEER_PREFIX
from tearline.service.records import ItemRecord, Role
from tearline.service.views import marking

__all__ = ["OnwardRelease"]


class OnwardRelease:
    """Releasing officers' consents to onward release of this node's own items."""

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    def consent(
        self, actor_id: str, item_id: str, nations: Sequence[str], reason: str
    ) -> ItemRecord:
        """Consent that ``item_id`` may go on to ``nations`` from the peers given it: its
        new version, which carries the consent (signed when it is released). Audited
        ``item.onward``.

        Raises:
            Denied: the actor is not an active releasing officer who may read the item.
            NotFound: no such item.
            InvalidInput: the item was received (only its originator consents), a nation is
                unknown or this node's own, or its marking is not releasable to it.
        """

        def work() -> ItemRecord:
            ctx = self._ctx
            at = ctx.clock()
            actor = ctx.actor(actor_id)
            item = ctx.store.item(item_id)
            readable = item is not None and decide(actor.as_person(), item.label, Action.READ, at,
                                                   registry=ctx.registry).permitted  # fmt: skip
            if not actor.has_role(Role.RELEASING_OFFICER) or actor.status is not Status.ACTIVE:
                problem = f"{actor.id} is not an active releasing officer"
                raise Refusal(Denied(f"item.onward is refused: {problem}", (problem,)),
                              Record(at, actor.id, "item.onward", item_id[:40], "deny",
                                     {"reason": problem}))  # fmt: skip
            if item is None or not readable:
                raise NotFound("no such item, or none you may read")
            chosen = self._nations(item, nations)
            if not reason.strip():
                raise InvalidInput("--reason: say why the item may go on (kept in the audit)")
            after = replace(item, version=item.version + 1, modified=at)
            ctx.store.revise_item(item, after, actor.id)
            ctx.store.put_onward_consent(item.id, after.version, chosen, actor.id, at)
            detail = {"version": after.version, "onward": list(chosen), "reason": reason[:500],
                      "marking": marking(item.label, ctx.registry)}  # fmt: skip
            ctx.audit.write([Record(at, actor.id, "item.onward", item.id, "done", detail)])
            return after

        return self._ctx.run(work)

    def _nations(self, item: ItemRecord, nations: Sequence[str]) -> tuple[str, ...]:
        ctx = self._ctx
        if item.created_by.startswith(PEER_PREFIX):
            raise InvalidInput(f"{item.id} was received from {item.created_by}: only its "
                               "originating node consents to its onward release")  # fmt: skip
        chosen = tuple(sorted({n.strip().upper() for n in nations if n.strip()}))
        if not chosen:
            raise InvalidInput("--to: name at least one nation (GENC trigraph, e.g. GBR)")
        for nation in chosen:
            if not ctx.registry.nations.is_nation(nation) or nation == ctx.node.nation:
                raise InvalidInput(f"--to {nation[:10]!r}: give another nation's GENC trigraph")
            allowed = item.label.releasable_to
            if allowed is not None and nation not in allowed:
                raise InvalidInput(
                    f"{marking(item.label, ctx.registry)} is not releasable to "
                    f"{nation}: its marking does not allow it to go on there"
                )
        return chosen
