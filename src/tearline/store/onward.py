"""The rows of onward release (the third-party rule in full): the consents this node's
releasing officers gave for its own items, and the received object versions that carry an
originator's consent, kept exactly as signed."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from tearline.service.principals import OnwardCopy
from tearline.store.database import Database, all_in
from tearline.store.rows import from_us, to_us

__all__ = ["OnwardRows"]

_ONWARD = "SELECT o.stix_id, o.modified, o.item_id, o.nations, o.from_peer, o.object, o.markings "


def _no_limit(db: Database) -> int | None:
    """``LIMIT ?`` for no limit: -1 on SQLite, NULL on PostgreSQL."""
    return -1 if db.dialect == "sqlite" else None


def _copy(r: Sequence[object]) -> OnwardCopy:
    return OnwardCopy(str(r[0]), from_us(int(str(r[1]))), str(r[2]), tuple(str(r[3]).split(",")),
                      str(r[4]), json.loads(str(r[5])), json.loads(str(r[6])))  # fmt: skip


class OnwardRows:
    """Onward consents and copies over the repository's database connection."""

    db: Database

    def put_onward_consent(
        self, item_id: str, version: int, nations: Sequence[str], officer: str, at: datetime
    ) -> None:
        """Keep the nations an item's version may go on to (replacing any for it)."""
        self.db.execute("DELETE FROM onward_consents WHERE item_id = ? AND version = ?",
                        (item_id, version))  # fmt: skip
        self.db.execute(
            "INSERT INTO onward_consents (item_id, version, nations, officer, at) "
            "VALUES (?,?,?,?,?)",
            (item_id, version, ",".join(sorted(nations)), officer, to_us(at)),
        )

    def onward_consents(self, item_ids: Sequence[str]) -> dict[tuple[str, int], tuple[str, ...]]:
        """The consents given for these items, by ``(item id, version)``."""
        found: dict[tuple[str, int], tuple[str, ...]] = {}
        sql = "SELECT item_id, version, nations FROM onward_consents WHERE item_id IN ({marks})"
        rows = all_in(self.db, sql, item_ids)
        found.update({(str(r[0]), int(r[1])): tuple(str(r[2]).split(",")) for r in rows})
        return found

    def add_stix_onward(self, copy: OnwardCopy) -> None:
        """Keep a received object version that carries its originator's onward consent."""
        self.db.execute(
            "INSERT INTO stix_onward (stix_id, modified, item_id, nations, from_peer, object, "
            "markings) VALUES (?,?,?,?,?,?,?)",
            (copy.stix_id, to_us(copy.modified), copy.item_id, ",".join(copy.nations),
             copy.from_peer, json.dumps(copy.obj, ensure_ascii=False),
             json.dumps(copy.markings, ensure_ascii=False)),
        )  # fmt: skip

    def stix_onward(self) -> list[OnwardCopy]:
        """Every received object version kept for onward release, oldest first."""
        rows = self.db.all(f"{_ONWARD}FROM stix_onward o ORDER BY o.modified, o.stix_id")
        return [_copy(r) for r in rows]

    def onward_pending(
        self, principal: str, nation: str, peer: str, limit: int = -1
    ) -> list[OnwardCopy]:
        """The copies that may be due to the peer ``peer`` (principal ``principal``, of
        ``nation``), oldest first: consented to ``nation``, not received from that peer, and
        not yet released to it — asked of the database, so a sync round reads what is new
        to the peer, not every copy and every release. At most ``limit`` (-1: all)."""
        rows = self.db.all(
            f"{_ONWARD}FROM stix_onward o WHERE o.from_peer <> ? "
            "AND (',' || o.nations || ',') LIKE ? AND NOT EXISTS (SELECT 1 FROM stix_releases "
            "r WHERE r.principal = ? AND r.stix_id = o.stix_id AND r.modified = o.modified) "
            "ORDER BY o.modified, o.stix_id LIMIT ?",
            (peer, f"%,{nation},%", principal, _no_limit(self.db) if limit < 0 else limit),
        )
        return [_copy(r) for r in rows]

    def released_stix_ids(self, principal: str, stix_ids: Sequence[str]) -> set[str]:
        """Which of ``stix_ids`` went to ``principal`` (any version)."""
        sql = ("SELECT DISTINCT stix_id FROM stix_releases WHERE principal = ? "
               "AND stix_id IN ({marks})")  # fmt: skip
        return {str(r[0]) for r in all_in(self.db, sql, stix_ids, (principal,))}
