"""Reading the audit log: verify the chain (anyone running the node), tail and search it
(security officers; every search is itself audited)."""

from __future__ import annotations

from datetime import datetime

from tearline.audit import Entry, Finding, Record
from tearline.policy.reasons import Reason
from tearline.service.context import Context, Refusal, denied
from tearline.service.records import Role

__all__ = ["Oversight"]


class Oversight:
    """Use cases over the audit log."""

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    def verify(self) -> Finding:
        """Check every entry and every signed checkpoint (see :func:`tearline.audit.verify`)."""
        return self._ctx.audit.verify()

    def search(
        self,
        actor_id: str,
        *,
        actor: str | None = None,
        action: str | None = None,
        subject: str | None = None,
        since: datetime | None = None,
        limit: int = 20,
    ) -> list[Entry]:
        """The latest entries matching the filters, newest first (security officers only).

        Raises:
            Denied: the person asking is not a security officer.
        """

        def work() -> list[Entry]:
            at = self._ctx.clock()
            reader = self._ctx.actor(actor_id)
            if not reader.has_role(Role.SECURITY_OFFICER) or str(reader.status) != "active":
                reason = Reason.not_in_role(reader.id, "active-security-officer")
                problem = reason.text()
                raise Refusal(
                    denied(f"reading the audit log is refused: {problem}", reason),
                    Record(at, reader.id, "audit.search", "", "deny", {"reason": problem}),
                )
            found = self._ctx.store.audit_search(
                actor=actor, action=action, subject=subject, since=since, limit=limit
            )
            filters = {"actor": actor, "action": action, "subject": subject, "limit": limit}
            self._ctx.audit.write([Record(at, reader.id, "audit.search", "", "permit", filters)])
            return found

        return self._ctx.run(work)
