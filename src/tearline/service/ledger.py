"""The ledger: what this node gave each peer and received from it — by tier, by kind and by
time — and the balance (given − received). Sharing must go both ways.

Counted from the records of the exchange (``stix_releases``: every object version released
to a peer, whether pushed or pulled; ``stix_received``: every object version taken from
one), grouped in the database by peer, label, kind and day, so the work here is over the
groups, never over the rows. A label's tier is its place on the common scale (UNCLASSIFIED …
TOP SECRET; a TLP label reads ``TLP:GREEN`` and so on). What was given is counted at the
label of the version released; what was received at the label it holds here (translated into
this node's scheme). Only security officers and releasing officers may read it, and each
reading is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any

from tearline.audit import Record
from tearline.errors import Denied
from tearline.labels.model import Label
from tearline.policy.model import Status
from tearline.service.context import Context, Refusal
from tearline.service.records import Role

__all__ = ["Bucket", "Ledger", "LedgerCount", "LedgerReport", "PeerBalance"]

_EPOCH = date(1970, 1, 1)
#: The tier and kind of what crossed when its content was purged since (a spill).
UNKNOWN = "unknown"


class Bucket(StrEnum):
    """The time span counts are grouped by (UTC): a day, an ISO week, a month."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"


@dataclass(frozen=True, slots=True)
class LedgerCount:
    """One group: a peer, a span of time, a tier, a kind; counts given and received."""

    peer: str
    bucket: str
    tier: str
    kind: str
    given: int
    received: int

    @property
    def balance(self) -> int:
        """Given − received."""
        return self.given - self.received


@dataclass(frozen=True, slots=True)
class PeerBalance:
    """A peer's totals over the whole report."""

    peer: str
    given: int
    received: int

    @property
    def balance(self) -> int:
        """Given − received."""
        return self.given - self.received


@dataclass(frozen=True, slots=True)
class LedgerReport:
    """The ledger: groups in order (peer, span, tier, kind), and each peer's totals."""

    by: Bucket
    since: datetime | None
    rows: tuple[LedgerCount, ...]
    peers: tuple[PeerBalance, ...]

    def as_dict(self) -> dict[str, Any]:
        """The ledger as the CLI's ``--json`` and the API give it."""
        return {
            "by": str(self.by),
            "since": None if self.since is None else self.since.isoformat(),
            "rows": [
                {"peer": r.peer, "bucket": r.bucket, "tier": r.tier, "kind": r.kind,
                 "given": r.given, "received": r.received, "balance": r.balance}
                for r in self.rows
            ],
            "peers": [
                {"peer": p.peer, "given": p.given, "received": p.received,
                 "balance": p.balance}
                for p in self.peers
            ],
        }  # fmt: skip


def bucket_of(day: int, by: Bucket) -> str:
    """The name of the span holding ``day`` (days since 1970-01-01): ``2026-11-30``,
    ``2026-W49`` (ISO week) or ``2026-11``."""
    when = _EPOCH + timedelta(days=day)
    if by is Bucket.DAY:
        return when.isoformat()
    if by is Bucket.WEEK:
        year, week, _ = when.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{when.year}-{when.month:02d}"


def tier_of(label: Label) -> str:
    """The tier the ledger counts ``label`` under: its common tier, or its TLP level."""
    if label.scheme == "tlp":
        level = label.level.upper()
        return level if level.startswith("TLP:") else "TLP:" + level
    return label.tier.title


def _order(tier: str) -> tuple[int, str]:
    titles = ["UNCLASSIFIED", "CONTROLLED", "RESTRICTED", "CONFIDENTIAL", "SECRET", "TOP SECRET"]
    return (titles.index(tier), tier) if tier in titles else (len(titles), tier)


class Ledger:
    """The ledger use case."""

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    def report(
        self, actor_id: str, *, peer: str | None = None, since: datetime | None = None,
        by: Bucket = Bucket.DAY,
    ) -> LedgerReport:  # fmt: skip
        """Counts given to and received from each peer (or ``peer`` only), from ``since``,
        grouped by ``by``, tier and kind.

        Raises:
            Denied: the actor is not an active security officer or releasing officer.
            InvalidInput: the actor is not registered here.
        """
        if since is not None and since.tzinfo is None:
            since = since.replace(tzinfo=UTC)

        def work() -> LedgerReport:
            at = self._ctx.clock()
            reader = self._ctx.actor(actor_id)
            allowed = reader.has_role(Role.SECURITY_OFFICER) or reader.has_role(
                Role.RELEASING_OFFICER
            )
            if not allowed or reader.status is not Status.ACTIVE:
                problem = f"{reader.id} is not an active security officer or releasing officer"
                raise Refusal(
                    Denied(f"reading the ledger is refused: {problem}", (problem,)),
                    Record(at, reader.id, "ledger.read", peer or "", "deny", {"reason": problem}),
                )
            counted = self._ctx.store.ledger_counts(peer, since)
            tiers = {i: tier_of(self._ctx.store.label(i)) for i in {c[2] for c in counted}
                     if i is not None}  # fmt: skip
            report = _fold(counted, tiers, by, since)
            detail = {"peer": peer, "since": since.isoformat() if since else None,
                      "by": str(by), "groups": len(report.rows)}  # fmt: skip
            self._ctx.audit.write([Record(at, reader.id, "ledger.read", peer or "", "permit",
                                          detail)])  # fmt: skip
            return report

        return self._ctx.run(work)


def _fold(
    counted: list[tuple[str, str, int | None, str, int, int]], tiers: dict[int, str],
    by: Bucket, since: datetime | None,
) -> LedgerReport:  # fmt: skip
    """The database's groups (per day and label) folded into spans and tiers."""
    groups: dict[tuple[str, str, str, str], list[int]] = {}
    for direction, peer, label_id, kind, day, count in counted:
        tier = UNKNOWN if label_id is None else tiers[label_id]
        sums = groups.setdefault((peer, bucket_of(day, by), tier, kind), [0, 0])
        sums[0 if direction == "given" else 1] += count
    keys = sorted(groups, key=lambda k: (k[0], k[1], _order(k[2]), k[3]))
    rows = tuple(LedgerCount(*key, *groups[key]) for key in keys)
    totals: dict[str, list[int]] = {}
    for row in rows:
        sums = totals.setdefault(row.peer, [0, 0])
        sums[0] += row.given
        sums[1] += row.received
    peers = tuple(PeerBalance(name, *totals[name]) for name in sorted(totals))
    return LedgerReport(by, since, rows, peers)
