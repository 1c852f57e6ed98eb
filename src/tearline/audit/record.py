"""What happened, as a value: one audit record, before it is chained and stored."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tearline.policy.model import Decision

__all__ = ["Record", "decision_record", "micros"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Canonical detail JSON (sorted keys, no spaces, UTF-8 kept), one encoder for every record.
_encode_detail = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode


def micros(when: datetime) -> int:
    """``when`` (timezone-aware) as microseconds since the epoch: how entries store time."""
    delta = when - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


@dataclass(frozen=True, slots=True)
class Record:
    """One thing done (or refused) on a node.

    Attributes:
        at: when (timezone-aware).
        actor: the person (or node process) that acted, by id.
        action: what was done, e.g. ``item.read``, ``item.create``, ``person.suspend``.
        subject: what it was done to (an item or person id; empty when none).
        outcome: ``permit``, ``deny``, ``display-only`` or ``done``.
        detail: further facts (rule ids, items delivered, the reason given), JSON-ready.
    """

    at: datetime
    actor: str
    action: str
    subject: str = ""
    outcome: str = "done"
    detail: Mapping[str, Any] = field(default_factory=dict)

    def detail_json(self) -> str:
        """``detail`` as canonical JSON text (sorted keys, no spaces, UTF-8 kept)."""
        return _encode_detail(self.detail)


def decision_record(
    at: datetime,
    actor: str,
    action: str,
    subject: str,
    decision: Decision,
    **detail: Any,
) -> Record:
    """The record of a policy decision: its outcome and the rules that gave it."""
    facts = {"rules": list(decision.rule_ids), **detail}
    return Record(at, actor, action, subject, str(decision.outcome), facts)
