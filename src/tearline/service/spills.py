"""Spills: an item written at too low a label, or given to people who should not have it.

A security officer declares the spill with a reason. In one transaction the item and every
document released from it are purged — every version, every portion, their release links and
consents — so they leave every listing and read at once (a read is then the one not-found);
the audit log names who had been given them, and an incident keeps that list with who
declared the spill, when and why. The incident never holds the spilled content. The audit
log itself is append-only and keeps what it recorded: markings, ids and reasons, never an
item's title or content.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from tearline.audit import Record
from tearline.errors import Conflict, InvalidInput, NotFound
from tearline.service.context import Context
from tearline.service.fields import printable_text
from tearline.service.items import Items
from tearline.service.people import People
from tearline.service.records import Incident

__all__ = ["Spills", "incident_data"]

_INCIDENT_ID = re.compile(r"n-[0-9a-f]{20}")
NO_SUCH_INCIDENT = "no such incident"


def incident_data(incident: Incident) -> dict[str, Any]:
    """An incident as JSON-ready data (API and CLI alike) (it holds no spilled content)."""
    return {
        "id": incident.id, "item": incident.item_id, "declared_by": incident.declared_by,
        "at": incident.at.isoformat(), "reason": incident.reason,
        "purged": list(incident.purged),
        "readers": [
            {"person": r.person_id, "at": r.at.isoformat(), "action": r.action,
             "item": r.item_id, "version": r.version}
            for r in incident.readers
        ],
    }  # fmt: skip


class Spills:
    """Use cases of spills (security officers only)."""

    def __init__(self, ctx: Context, items: Items, people: People) -> None:
        self._ctx = ctx
        self._items = items
        self._people = people

    def declare(self, actor_id: str, item_id: str, reason: str) -> Incident:
        """Declare ``item_id`` spilled: purge it and its releases, list who read them.

        Raises:
            InvalidInput: the reason is empty, too long or holds control characters.
            Denied: the actor is not an active security officer.
            NotFound: no such item, or one the officer may not read.
            Conflict: the item was already declared spilled (the error names the incident).
        """
        reason = reason.strip()
        if not reason:
            raise InvalidInput("a spill needs a reason: --reason TEXT")
        printable_text(reason, "the reason", 1000)

        def work() -> Incident:
            at = self._ctx.clock()
            officer = self._people.officer(actor_id, "item.spill", item_id[:64], at)
            before = self._ctx.store.incident_of(item_id)
            if before is not None:
                raise Conflict(f"{item_id} was already declared spilled: incident {before.id}")
            self._items.readable(officer, item_id, at, "item.spill")
            purged = self._ctx.store.derived(item_id)
            readers = self._ctx.store.readers(purged)
            self._ctx.store.purge_items(purged)
            incident = Incident(
                id="n-" + secrets.token_hex(10), item_id=item_id, declared_by=officer.id,
                at=at, reason=reason, purged=tuple(purged), readers=tuple(readers),
            )  # fmt: skip
            self._ctx.store.add_incident(incident)
            detail = {"incident": incident.id, "purged": purged, "reason": reason,
                      "readers": sorted({r.person_id for r in readers})}  # fmt: skip
            self._ctx.audit.write([Record(at, officer.id, "item.spill", item_id, "done", detail)])
            return incident

        return self._ctx.run(work)

    def incidents(self, actor_id: str, limit: int = 100) -> list[Incident]:
        """The latest incidents, newest first (security officers only; audited).

        Raises:
            Denied: the actor is not an active security officer.
        """

        def work() -> list[Incident]:
            at = self._ctx.clock()
            officer = self._people.officer(actor_id, "incident.list", "", at)
            found = self._ctx.store.incidents(limit)
            detail = {"incidents": [i.id for i in found]}
            self._ctx.audit.write([Record(at, officer.id, "incident.list", "", "permit", detail)])
            return found

        return self._ctx.run(work)

    def incident(self, actor_id: str, incident_id: str) -> Incident:
        """One incident (security officers only; audited).

        Raises:
            Denied: the actor is not an active security officer.
            NotFound: no incident with that id.
        """

        def work() -> Incident:
            at = self._ctx.clock()
            officer = self._people.officer(actor_id, "incident.read", incident_id[:64], at)
            found = None
            if _INCIDENT_ID.fullmatch(incident_id):
                found = self._ctx.store.incident(incident_id)
            if found is None:
                raise NotFound(NO_SUCH_INCIDENT)
            self._ctx.audit.write([Record(at, officer.id, "incident.read", incident_id, "permit")])
            return found

        return self._ctx.run(work)
