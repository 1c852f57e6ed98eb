"""What a node must revoke at its peers: the releases recorded in ``stix_releases`` and
``stix_signatures`` (which version of which object went to whom, under which label) set
against what the node now holds — an item with a newer version than any given, a spilled
item (purged, named by its incident) — for the sync to send each peer its revocations."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import datetime

from tearline.labels.model import Label
from tearline.service.records import Given
from tearline.store.database import Database
from tearline.store.rows import from_us, to_us

__all__ = ["RevocationRows"]

_RELEASED = (
    "FROM stix_releases r JOIN stix_signatures s ON s.stix_id = r.stix_id "
    "AND s.modified = r.modified AND s.digest = r.digest"
)
#: The same, walked from an item's signatures (index stix_signatures_item) to their releases
#: (SQLite joins a CROSS JOIN in the order written).
_BY_ITEM = (
    "FROM stix_signatures s CROSS JOIN stix_releases r WHERE s.stix_id = r.stix_id "
    "AND s.modified = r.modified AND s.digest = r.digest"
)


class RevocationRows:
    """Releases set against what the node holds (mixed into the repository)."""

    db: Database
    #: The repository's label interning and lookup.
    label_id: Callable[[Label], int]
    label: Callable[[int], Label]

    def released_version(self, principal: str, stix_id: str) -> int | None:
        """The latest version of ``stix_id`` that went to ``principal``, if any did."""
        row = self.db.one(
            f"SELECT MAX(s.version) {_RELEASED} WHERE r.principal = ? AND r.stix_id = ?",
            (principal, stix_id),
        )
        return None if row is None or row[0] is None else int(row[0])

    def released_label(self, principal: str, stix_id: str) -> tuple[int, Label | None] | None:
        """The latest version of ``stix_id`` that went to ``principal`` and the label it went
        under as kept at its release (a document given in part: the banner of the portions
        that went), or ``None`` when none went; the label is ``None`` where none was kept."""
        row = self.db.one(
            f"SELECT s.version, s.label_id {_RELEASED} WHERE r.principal = ? AND r.stix_id = ? "
            "ORDER BY s.version DESC, s.label_id IS NULL LIMIT 1",
            (principal, stix_id),
        )
        if row is None:
            return None
        return int(row[0]), None if row[1] is None else self.label(int(row[1]))

    def released_items_changed(self, principal: str, since: datetime | None) -> list[str]:
        """The items that went to ``principal`` and have a newer version than any that went
        (made after ``since``, if given): each may have to be revoked there."""
        rows = self.db.all(
            "SELECT i.id FROM items i WHERE i.modified > ? AND i.version > (SELECT "
            f"MAX(s.version) {_BY_ITEM} AND s.item_id = i.id AND r.principal = ?) "
            "ORDER BY i.modified, i.id",
            (-1 if since is None else to_us(since), principal),
        )
        return [str(r[0]) for r in rows]

    def keep_stix_labels(self, versions: Sequence[tuple[str, datetime, str, Label]]) -> None:
        """Keep the label each object version — ``(stix_id, modified, digest, label)`` — was
        first given under (for its revocation later), in one statement."""
        self.db.executemany(
            "UPDATE stix_signatures SET label_id = ? WHERE stix_id = ? AND modified = ? "
            "AND digest = ? AND label_id IS NULL",
            [(self.label_id(label), stix_id, to_us(modified), digest)
             for stix_id, modified, digest, label in versions],
        )  # fmt: skip

    def spilled_given(self, principal: str) -> list[Given]:
        """The items purged by a spill (the item and what was released from it) that went
        to ``principal``, with the latest version given and its label, whose revocation
        was not recorded yet (a revocation is the version made at the incident's time)."""
        found = []
        for at, purged in self.db.all("SELECT at, purged FROM incidents ORDER BY at"):
            for item_id in json.loads(purged):
                row = self.db.one(
                    f"SELECT s.stix_id, s.version, s.label_id {_RELEASED} WHERE s.item_id = ? "
                    "AND r.principal = ? AND s.label_id IS NOT NULL "
                    "ORDER BY s.version DESC LIMIT 1",
                    (item_id, principal),
                )
                if row is None:
                    continue
                done = self.db.one(
                    "SELECT 1 FROM stix_signatures WHERE stix_id = ? AND modified = ?",
                    (row[0], at),
                )
                if done is None:
                    found.append(Given(str(row[0]), str(item_id), int(row[1]),
                                       self.label(int(row[2])), from_us(int(at))))  # fmt: skip
        return found
