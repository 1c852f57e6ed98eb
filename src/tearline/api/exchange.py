"""Routes over what crosses between this node and its peers: the ledger (security officers
and releasing officers), the releases the release guard held (releasing officers decide),
and the audit anchors peer nodes give this node to keep and ask back (peer credentials
only)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from fastapi import FastAPI, Query

from tearline.api.auth import Caller, Reader
from tearline.api.schemas.answers import answers
from tearline.api.schemas.bodies import AnchorsIn, DecisionIn
from tearline.api.schemas.exchange import AnchorsOut, HeldListOut, HeldOut, LedgerOut
from tearline.audit import Checkpoint
from tearline.bootstrap import Node
from tearline.service.ledger import Bucket
from tearline.service.records import HeldRow

__all__ = ["exchange_routes"]


def held_data(held: HeldRow) -> dict[str, Any]:
    """A held release as the API shows it."""
    return {
        "id": held.id, "to": held.principal, "item": held.item_id, "version": held.version,
        "reason": held.reason, "detail": held.detail, "held_at": held.held_at.isoformat(),
        "decision": held.decision, "decided_by": held.decided_by,
        "decided_at": None if held.decided_at is None else held.decided_at.isoformat(),
        "note": held.note,
    }  # fmt: skip


def exchange_routes(app: FastAPI, node: Node) -> None:
    """Add the ledger and audit-anchor routes to ``app``."""

    @app.get("/api/v1/ledger",
             summary="Given to and received from each peer, by tier, kind and time "
                     "(security officers and releasing officers)",
             **answers(LedgerOut, 200, 403))  # fmt: skip
    def get_ledger(
        who: Caller,
        peer: Annotated[str | None, Query(min_length=1, max_length=63)] = None,
        since: Annotated[date | None, Query(description="From this day on (UTC)")] = None,
        by: Annotated[Literal["day", "week", "month"], Query()] = "day",
    ) -> dict[str, Any]:
        start = None if since is None else datetime(since.year, since.month, since.day,
                                                    tzinfo=UTC)  # fmt: skip
        report = node.ledger.report(who.id, peer=peer, since=start, by=Bucket(by))
        return report.as_dict()

    @app.get("/api/v1/releases/held",
             summary="What the release guard held (releasing and security officers)",
             **answers(HeldListOut, 200, 403))  # fmt: skip
    def list_held(
        who: Caller,
        everything: Annotated[bool, Query(alias="all", description="Decided holds too")] = False,
    ) -> dict[str, Any]:
        return {"held": [held_data(h) for h in node.guard.held(who.id, everything=everything)]}

    @app.post("/api/v1/releases/held/{held_id}/approve",
              summary="Let a held release go with the next sync (releasing officers)",
              **answers(HeldOut, 200, 403, 409))  # fmt: skip
    def approve_held(held_id: str, body: DecisionIn, who: Caller) -> dict[str, Any]:
        return held_data(node.guard.decide(who.id, held_id, approve=True, note=body.reason))

    @app.post("/api/v1/releases/held/{held_id}/deny",
              summary="Keep a held release home for good (releasing officers)",
              **answers(HeldOut, 200, 403, 409))  # fmt: skip
    def deny_held(held_id: str, body: DecisionIn, who: Caller) -> dict[str, Any]:
        return held_data(node.guard.decide(who.id, held_id, approve=False, note=body.reason))

    @app.post("/api/v1/peers/anchors",
              summary="Keep the calling peer's signed audit checkpoints (peer nodes)",
              **answers(AnchorsOut, 200, 403, 409))  # fmt: skip
    def post_anchors(body: AnchorsIn, who: Reader) -> dict[str, Any]:
        given = [Checkpoint(a.seq, a.hash, a.signature, a.key_id) for a in body.anchors]
        accepted, held = node.anchors.receive(who.id, body.node, given)
        return {"anchors": [], "held": held, "accepted": accepted}

    @app.get("/api/v1/peers/anchors",
             summary="The calling peer's audit checkpoints this node keeps (peer nodes)",
             **answers(AnchorsOut, 200, 403))  # fmt: skip
    def get_anchors(
        who: Reader,
        after: Annotated[int, Query(ge=0, le=2**62)] = 0,
        limit: Annotated[int, Query(ge=1, le=1000)] = 1000,
    ) -> dict[str, Any]:
        found, held = node.anchors.held(who.id, after, limit)
        anchors = [{"node": n, "seq": c.seq, "hash": c.hash, "signature": c.signature,
                    "key_id": c.key_id} for n, c in found]  # fmt: skip
        return {"anchors": anchors, "held": held}
