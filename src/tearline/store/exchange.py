"""The rows of what crossed between this node and its peers, counted (the ledger); the audit
anchors (the signed checkpoints peers sent here, and how far this node sent its own); and
the releases the release guard held."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from tearline.audit import Checkpoint
from tearline.service.principals import PEER_PREFIX
from tearline.service.records import HeldRow
from tearline.store.database import Database, all_in
from tearline.store.rows import from_us, to_us

__all__ = ["ExchangeRows"]

_DAY_US = 86_400_000_000
# The kind of what crossed: an item's kind, or an observation of the picture; "unknown"
# when its content was purged since (a spill) and only the record of the exchange is left.
_KIND = (
    "CASE WHEN i.kind IS NOT NULL THEN i.kind "
    "WHEN o.id IS NOT NULL THEN 'observation' ELSE 'unknown' END"
)
# The label of the version released: an earlier version's row, or the current one's.
_RELEASED_LABEL = (
    "COALESCE(v.label_id, CASE WHEN i.version = s.version THEN i.label_id END, "
    "ov.label_id, CASE WHEN o.version = s.version THEN o.label_id END)"
)
_GIVEN = (
    "SELECT r.principal, {label}, {kind}, r.at / {day}, COUNT(*) "
    "FROM stix_releases r "
    "JOIN stix_signatures s ON s.stix_id = r.stix_id AND s.modified = r.modified "
    "AND s.digest = r.digest "
    "LEFT JOIN items i ON i.id = s.item_id "
    "LEFT JOIN item_versions v ON v.item_id = s.item_id AND v.version = s.version "
    "LEFT JOIN observations o ON o.id = s.item_id "
    "LEFT JOIN observation_versions ov ON ov.observation_id = s.item_id "
    "AND ov.version = s.version "
    "WHERE {where} GROUP BY r.principal, {label}, {kind}, r.at / {day}"
)
_RECEIVED = (
    "SELECT r.peer, COALESCE(i.label_id, o.label_id), {kind}, r.at / {day}, COUNT(*) "
    "FROM stix_received r "
    "LEFT JOIN items i ON i.id = r.item_id "
    "LEFT JOIN observations o ON o.id = r.item_id "
    "WHERE {where} GROUP BY r.peer, COALESCE(i.label_id, o.label_id), {kind}, r.at / {day}"
)
#: ``(direction, peer, label id or None, kind, day number since the epoch, count)``
LedgerRow = tuple[str, str, int | None, str, int, int]
_ANCHOR_COLUMNS = "seq, hash, signature, key_id"
#: How many ids one ``IN (…)`` names (SQLite allows 999 parameters before 3.32).
_HELD_COLUMNS = (
    "id, principal, item_id, version, modified, reason, detail, held_at, decision, decided_by, "
    "decided_at, note"
)


class ExchangeRows:
    """Ledger counts, audit anchors and held releases over the repository's connection."""

    db: Database

    # ------------------------------------------------------------------ ledger
    def ledger_counts(self, peer: str | None, since: datetime | None) -> list[LedgerRow]:
        """What went to each peer and came from each, counted in the database by peer,
        label, kind and day (UTC): ``(direction, peer, label_id, kind, day, count)`` with
        direction ``given`` or ``received``; from ``since`` on, of ``peer`` only if given."""
        found: list[LedgerRow] = []
        given_where = ["r.principal >= ?", "r.principal < ?"]
        given_params: list[object] = [PEER_PREFIX, PEER_PREFIX[:-1] + chr(ord(":") + 1)]
        received_where: list[str] = ["1 = 1"]
        received_params: list[object] = []
        if peer is not None:
            given_where.append("r.principal = ?")
            given_params.append(PEER_PREFIX + peer)
            received_where.append("r.peer = ?")
            received_params.append(peer)
        if since is not None:
            given_where.append("r.at >= ?")
            given_params.append(to_us(since))
            received_where.append("r.at >= ?")
            received_params.append(to_us(since))
        for direction, sql, where, params in (
            ("given", _GIVEN, given_where, given_params),
            ("received", _RECEIVED, received_where, received_params),
        ):
            statement = sql.format(label=_RELEASED_LABEL, kind=_KIND, day=_DAY_US,
                                   where=" AND ".join(where))  # fmt: skip
            for who, label_id, kind, day, count in self.db.all(statement, params):
                name = str(who).removeprefix(PEER_PREFIX)
                label = None if label_id is None else int(label_id)
                found.append((direction, name, label, str(kind), int(day), int(count)))
        return found

    # ------------------------------------------------------------------ anchors held
    def anchors_held(
        self, peer: str, public_key: str, after: int = 0, limit: int = 1000
    ) -> list[tuple[str, Checkpoint]]:
        """The checkpoints ``peer`` sent here signed with ``public_key``, after ``after``,
        in order: ``(node_id, checkpoint)``."""
        rows = self.db.all(
            f"SELECT node_id, {_ANCHOR_COLUMNS} FROM audit_anchors WHERE peer = ? AND "
            "public_key = ? AND seq > ? ORDER BY seq LIMIT ?",
            (peer, public_key, after, limit),
        )
        return [(str(r[0]), Checkpoint(int(r[1]), r[2], r[3], r[4])) for r in rows]

    def anchor_held(self, peer: str, public_key: str, seq: int) -> Checkpoint | None:
        """The checkpoint ``seq`` that ``peer`` sent here with ``public_key``, if any."""
        row = self.db.one(
            f"SELECT {_ANCHOR_COLUMNS} FROM audit_anchors WHERE peer = ? AND public_key = ? "
            "AND seq = ?",
            (peer, public_key, seq),
        )
        return None if row is None else Checkpoint(int(row[0]), row[1], row[2], row[3])

    def anchors_highest(self, peer: str, public_key: str) -> int:
        """The highest ``seq`` of the checkpoints ``peer`` sent with ``public_key`` (0: none)."""
        row = self.db.one(
            "SELECT MAX(seq) FROM audit_anchors WHERE peer = ? AND public_key = ?",
            (peer, public_key),
        )
        return 0 if row is None or row[0] is None else int(row[0])

    def add_anchors(
        self, peer: str, public_key: str, node_id: str, anchors: Sequence[Checkpoint],
        at: datetime,
    ) -> None:  # fmt: skip
        """Keep checkpoints ``peer`` sent (verified by the caller, none held before)."""
        self.db.executemany(
            "INSERT INTO audit_anchors (peer, public_key, node_id, seq, hash, signature, "
            "key_id, received) VALUES (?,?,?,?,?,?,?,?)",
            [(peer, public_key, node_id, a.seq, a.hash, a.signature, a.key_id, to_us(at))
             for a in anchors],
        )  # fmt: skip

    # ------------------------------------------------------------------ anchors sent
    def checkpoints_after(self, seq: int, limit: int = 1000) -> list[Checkpoint]:
        """This node's own checkpoints after ``seq``, in order."""
        rows = self.db.all(
            "SELECT seq, hash, signature, key_id FROM audit_checkpoints WHERE seq > ? "
            "ORDER BY seq LIMIT ?",
            (seq, limit),
        )
        return [Checkpoint(int(r[0]), r[1], r[2], r[3]) for r in rows]

    def anchors_sent(self, peer: str, public_key: str, url: str) -> int:
        """How far this node's checkpoints were sent to ``peer`` as registered now (0: none)."""
        row = self.db.one(
            "SELECT seq FROM audit_anchors_sent WHERE peer = ? AND public_key = ? AND url = ?",
            (peer, public_key, url),
        )
        return 0 if row is None else int(row[0])

    def put_anchors_sent(
        self, peer: str, public_key: str, url: str, seq: int, at: datetime
    ) -> None:
        """Record that ``peer`` (as registered now) holds this node's checkpoints to ``seq``."""
        self.db.execute("DELETE FROM audit_anchors_sent WHERE peer = ?", (peer,))
        self.db.execute(
            "INSERT INTO audit_anchors_sent (peer, public_key, url, seq, at) VALUES (?,?,?,?,?)",
            (peer, public_key, url, seq, to_us(at)),
        )

    # ------------------------------------------------------------------ release guard
    def unreadable_texts(self, readable: Sequence[int], limit: int) -> list[tuple[str, str]]:
        """``(item id, text)`` of the latest items and current portions whose label is not
        in ``readable``: what the release guard compares outgoing texts with."""
        marks = ",".join("?" * len(readable))
        items_where = f"WHERE label_id NOT IN ({marks})" if readable else ""
        portions_where = f"AND p.label_id NOT IN ({marks})" if readable else ""
        rows = self.db.all(
            f"SELECT id, title, content FROM items {items_where} ORDER BY modified DESC LIMIT ?",
            (*readable, limit),
        )
        found = [(str(r[0]), f"{r[1]}\n{r[2]}") for r in rows]
        rows = self.db.all(
            "SELECT p.item_id, p.text FROM portions p JOIN items i ON i.id = p.item_id "
            f"AND i.version = p.version {portions_where} ORDER BY i.modified DESC LIMIT ?",
            (*readable, limit),
        )
        return found + [(str(r[0]), str(r[1])) for r in rows]

    def items_mark(self) -> tuple[int, int]:
        """``(highest item number, latest version time)``: moves when an item is added or
        changed (what the release guard's index is kept by)."""
        # one MAX a subquery: each is then an index lookup (SQLite optimises a lone MAX only)
        row = self.db.one("SELECT (SELECT MAX(n) FROM items), (SELECT MAX(modified) FROM items)")
        return (0, 0) if row is None else (int(row[0] or 0), int(row[1] or 0))

    def held_releases_of(
        self, principal: str, item_ids: Sequence[str]
    ) -> dict[tuple[str, int], HeldRow]:
        """The holds for ``principal`` of any version of these items, by ``(item id,
        version)``: a page's in one query (or a few)."""
        ids = sorted(set(item_ids))
        found: dict[tuple[str, int], HeldRow] = {}
        sql = f"SELECT {_HELD_COLUMNS} FROM held_releases WHERE principal = ? AND item_id IN "
        for row in all_in(self.db, sql + "({marks})", ids, (principal,)):
            held = _held(row)
            found[(held.item_id, held.version)] = held
        return found

    def held_release_by_id(self, held_id: str) -> HeldRow | None:
        """The hold ``held_id``."""
        row = self.db.one(f"SELECT {_HELD_COLUMNS} FROM held_releases WHERE id = ?", (held_id,))
        return None if row is None else _held(row)

    def held_releases(self, pending: bool, limit: int) -> list[HeldRow]:
        """The holds, newest first (only those awaiting a decision if ``pending``)."""
        where = "WHERE decision IS NULL" if pending else ""
        rows = self.db.all(
            f"SELECT {_HELD_COLUMNS} FROM held_releases {where} ORDER BY held_at DESC, id LIMIT ?",
            (limit,),
        )
        return [_held(r) for r in rows]

    def add_held_release(self, held: HeldRow) -> None:
        """Keep a new hold."""
        self.db.execute(
            f"INSERT INTO held_releases ({_HELD_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (held.id, held.principal, held.item_id, held.version, to_us(held.modified),
             held.reason, json.dumps(held.detail, ensure_ascii=False), to_us(held.held_at),
             held.decision, held.decided_by,
             None if held.decided_at is None else to_us(held.decided_at), held.note),
        )  # fmt: skip

    def decide_held_release(
        self, held_id: str, decision: str, by: str, at: datetime, note: str
    ) -> None:
        """Record a releasing officer's decision on a hold."""
        self.db.execute(
            "UPDATE held_releases SET decision = ?, decided_by = ?, decided_at = ?, note = ? "
            "WHERE id = ?",
            (decision, by, to_us(at), note, held_id),
        )


def _held(row: Sequence[Any]) -> HeldRow:
    return HeldRow(str(row[0]), str(row[1]), str(row[2]), int(row[3]), from_us(row[4]),
                   str(row[5]), dict(json.loads(row[6])), from_us(row[7]), row[8], row[9],
                   None if row[10] is None else from_us(row[10]), row[11])  # fmt: skip
