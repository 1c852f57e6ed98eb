"""The observations of the common operational picture (issue #10), kept with their labels.

As with items, the one kind of query that returns observations for a viewer takes the ids of
the labels that viewer may read and lets the database return only rows carrying one of them
(:func:`tearline.store.readable.membership`): a row the viewer may not read is never read.
Each row's ``change`` is the audit sequence number of its last change, so a cached picture
asks "what changed after seq S" with one index range (:meth:`ObservationTables.changed_after`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from tearline.labels.model import Label
from tearline.picture.observation import Kind, Observation
from tearline.service.records import ObservationRecord
from tearline.store.database import Database
from tearline.store.readable import membership
from tearline.store.rows import from_us, to_us, version_order

__all__ = ["ObservationTables"]

_COLUMNS = (
    "id, at, lat, lon, kind, source_nation, sensor, label_id, alt, course, speed, identity, "
    "accuracy"
)
_RECORD = f"{_COLUMNS}, created, created_by, version, retracted"
#: At most this many ids per ``IN (...)`` list.
_CHUNK = 500


class ObservationTables:
    """Observations and their earlier versions, over ``db`` (mixed into the repository)."""

    db: Database

    #: The repository's label interning and lookup.
    label_id: Callable[[Label], int]
    label: Callable[[int], Label]

    def add_observations(self, records: Sequence[ObservationRecord], change: int) -> None:
        """Insert new observations; ``change`` is the audit sequence number of their filing."""
        rows = []
        for r in records:
            o = r.observation
            rows.append((
                o.id, to_us(o.time), o.lat, o.lon, str(o.kind), o.source_nation, o.sensor,
                self.label_id(o.label), o.alt, o.course, o.speed, o.identity, o.accuracy,
                to_us(r.created), r.created_by, r.version, to_us(r.created), change,
            ))  # fmt: skip
        self.db.executemany(
            f"INSERT INTO observations ({_RECORD.replace(', retracted', '')}, modified, change) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            rows,
        )

    def observation_label(self, observation_id: str) -> Label | None:
        """Just the current label of a live (not retracted) observation, to decide first."""
        row = self.db.one(
            "SELECT label_id FROM observations WHERE id = ? AND retracted IS NULL",
            (observation_id,),
        )
        return None if row is None else self.label(int(row[0]))

    def observation(self, observation_id: str) -> ObservationRecord | None:
        """The observation ``observation_id`` as it now is (retracted or not), or ``None``."""
        row = self.db.one(f"SELECT {_RECORD} FROM observations WHERE id = ?", (observation_id,))
        return None if row is None else self._record(row)

    def revise_observation(
        self, before: ObservationRecord, after: ObservationRecord, by: str, at: datetime,
        change: int,
    ) -> None:  # fmt: skip
        """Keep ``before`` as an earlier version and make ``after`` (a new label, or a
        retraction) the observation; ``change`` is the audit sequence number of the change."""
        self.db.execute(
            "INSERT INTO observation_versions (observation_id, version, label_id, retracted, "
            "modified, modified_by) SELECT id, version, label_id, retracted, modified, ? "
            "FROM observations WHERE id = ?",
            (by, before.id),
        )
        retracted = None if after.retracted is None else to_us(after.retracted)
        self.db.execute(
            "UPDATE observations SET label_id = ?, version = ?, retracted = ?, modified = ?, "
            "change = ? WHERE id = ?",
            (self.label_id(after.label), after.version, retracted, to_us(at), change, after.id),
        )

    def observation_versions(self, observation_id: str) -> list[tuple[int, Label, bool]]:
        """The earlier versions of an observation: ``(version, label, retracted)``."""
        rows = self.db.all(
            "SELECT version, label_id, retracted FROM observation_versions "
            "WHERE observation_id = ? ORDER BY version",
            (observation_id,),
        )
        return [(int(v), self.label(int(lid)), r is not None) for v, lid, r in rows]

    def readable_observations(self, readable: Sequence[int]) -> list[Observation]:
        """Every live observation carrying one of the ``readable`` label ids, oldest first
        (the database filters: nothing else is read)."""
        if not readable:
            return []
        member, ids = membership(sorted(set(readable)), self.db.dialect)
        rows = self.db.all(
            f"SELECT {_COLUMNS} FROM observations WHERE retracted IS NULL AND {member} "
            "ORDER BY at, id",
            ids,
        )
        return [self._observation(r) for r in rows]

    def readable_observations_among(
        self, observation_ids: Sequence[str], readable: Sequence[int]
    ) -> list[Observation]:
        """The live observations among ``observation_ids`` carrying a readable label."""
        if not readable or not observation_ids:
            return []
        member, ids = membership(sorted(set(readable)), self.db.dialect)
        found: list[Observation] = []
        for start in range(0, len(observation_ids), _CHUNK):
            chunk = list(observation_ids[start : start + _CHUNK])
            rows = self.db.all(
                f"SELECT {_COLUMNS} FROM observations WHERE retracted IS NULL AND {member} "
                f"AND id IN ({','.join('?' * len(chunk))})",
                (*ids, *chunk),
            )
            found += [self._observation(r) for r in rows]
        return found

    def observation_mark(self) -> int:
        """The audit sequence number of the latest change to any observation (0: none)."""
        row = self.db.one("SELECT COALESCE(MAX(change), 0) FROM observations")
        return 0 if row is None else int(row[0])

    def changed_after(self, change: int) -> list[str]:
        """The ids (only) of the observations filed, relabelled or retracted after audit
        sequence number ``change``."""
        rows = self.db.all(
            "SELECT id FROM observations WHERE change > ? ORDER BY change, id", (change,)
        )
        return [r[0] for r in rows]

    def observations_to_release(
        self, readable: Sequence[int], principal: str, after: tuple[int, str], limit: int
    ) -> list[tuple[ObservationRecord, datetime, int]]:
        """The observations of this node (none received from a peer) after ``after`` (the
        audit sequence number of their last change, then their id), in that order, at most
        ``limit``, each with the time and sequence number of its last change: the live ones
        carrying a ``readable`` label id, and any that went to ``principal`` before (its
        revocation may be due). The database filters; nothing else is read."""
        member, ids = membership(sorted(set(readable)) or [-1], self.db.dialect)
        rows = self.db.all(
            f"SELECT {_RECORD}, modified, change FROM observations o WHERE change >= ? AND "
            "(change > ? OR id > ?) AND created_by NOT LIKE 'peer:%' AND ((retracted IS NULL "
            f"AND {member}) OR EXISTS (SELECT 1 FROM stix_signatures s CROSS JOIN stix_releases r "
            "WHERE s.item_id = o.id AND r.principal = ? AND r.stix_id = s.stix_id "
            "AND r.modified = s.modified AND r.digest = s.digest)) ORDER BY change, id LIMIT ?",
            (after[0], after[0], after[1], *ids, principal, limit),
        )
        return [(self._record(r), from_us(int(r[17])), int(r[18])) for r in rows]

    def readable_observations_added(
        self, readable: Sequence[int], since: datetime | None,
        after: tuple[datetime, str] | None, limit: int,
    ) -> list[tuple[ObservationRecord, datetime]]:  # fmt: skip
        """Up to ``limit`` of this node's own live observations (none retracted, none
        received from a peer) carrying a ``readable`` label id, whose current version was
        made after ``since`` and comes after the position ``after`` (version time, id), in
        that order, each with the time of its version: the TAXII collection's observations,
        read a chunk at a time (index ``observations_added``; the database filters, nothing
        else is read)."""
        if not readable:
            return []
        member, ids = membership(sorted(set(readable)), self.db.dialect)
        params: list[Any] = list(ids)
        # In version order: otherwise SQLite may take the label index and sort every readable
        # row for each chunk; this walks the (modified, id) entries once, testing the label
        # on the entry.
        order = " INDEXED BY observations_added" if self.db.dialect == "sqlite" else ""
        sql = (
            f"SELECT {_RECORD}, modified FROM observations{order} WHERE retracted IS NULL "
            f"AND created_by NOT LIKE 'peer:%' AND {member}"
        )
        more, after_params = version_order(since, after)
        rows = self.db.all(sql + more, (*params, *after_params, limit))
        return [(self._record(r), from_us(int(r[17]))) for r in rows]

    def _observation(self, row: Sequence[Any]) -> Observation:
        return Observation(
            id=row[0], time=from_us(int(row[1])), lat=float(row[2]), lon=float(row[3]),
            kind=Kind(row[4]), source_nation=row[5], sensor=row[6], label=self.label(int(row[7])),
            alt=row[8], course=row[9], speed=row[10], identity=row[11], accuracy=row[12],
        )  # fmt: skip

    def _record(self, row: Sequence[Any]) -> ObservationRecord:
        return ObservationRecord(
            self._observation(row),
            from_us(int(row[13])),
            row[14],
            int(row[15]),
            None if row[16] is None else from_us(int(row[16])),
        )
