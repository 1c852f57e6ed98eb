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

#: How many ids one ``IN (…)`` names (SQLite allows 999 parameters before 3.32).


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
        rows = self.db.all(
            "SELECT stix_id, modified, item_id, nations, from_peer, object, markings "
            "FROM stix_onward ORDER BY modified, stix_id"
        )
        return [
            OnwardCopy(str(r[0]), from_us(r[1]), str(r[2]), tuple(str(r[3]).split(",")),
                       str(r[4]), json.loads(r[5]), json.loads(r[6]))
            for r in rows
        ]  # fmt: skip
