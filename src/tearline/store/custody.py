"""The tables of custody: spill incidents and who was given an item, and the originator's
ORCON consents (the :class:`~tearline.store.Repository` holds them with the rest)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from tearline.service.records import Consent, Incident, Reader
from tearline.store.database import Database
from tearline.store.rows import from_list, from_us, to_list, to_us

__all__ = ["CustodyTables"]

_INCIDENT_COLUMNS = "id, item_id, declared_by, at, reason, purged, readers"
_CONSENT_COLUMNS = "id, item_id, version, audience, portions, reference, given_by, at"
#: The audited actions that gave a person one item (its id is the entry's subject).
_GIVEN = ("item.create", "item.read", "item.edit", "item.downgrade", "item.versions",
          "document.read", "document.release", "document.consent")  # fmt: skip
#: The audited deliveries that name every item they gave in their detail (titles, markings).
_LISTED = ("item.list", "item.stream")


class CustodyTables:
    """Incidents, readers from the audit log, and consents, over ``db``."""

    db: Database

    def derived(self, item_id: str) -> list[str]:
        """``item_id`` and every document released from it (and from those, in turn)."""
        found, todo = [item_id], [item_id]
        while todo:
            rows = self.db.all("SELECT release_id FROM releases WHERE source_id = ?", (todo.pop(),))
            fresh = [r[0] for r in rows if r[0] not in found]
            found += fresh
            todo += fresh
        return found

    def readers(self, item_ids: Sequence[str]) -> list[Reader]:
        """Who the audit log shows was given any of these items, oldest first: a read, a
        version list, an edit, a release, a consent, its creation, or a listing naming it."""
        marks, kinds = ",".join("?" * len(item_ids)), ",".join("?" * len(_GIVEN))
        rows = self.db.all(
            f"SELECT at, actor, action, subject, detail FROM audit WHERE subject IN ({marks}) "
            f"AND action IN ({kinds}) AND outcome IN ('permit', 'done') ORDER BY seq",
            (*item_ids, *_GIVEN),
        )
        found = [Reader(r[1], from_us(r[0]), r[2], r[3], json.loads(r[4]).get("version"))
                 for r in rows]  # fmt: skip
        for item_id in item_ids:
            listed = self.db.all(
                "SELECT at, actor, action FROM audit WHERE action IN (?, ?) AND detail LIKE ? "
                "ORDER BY seq",
                (*_LISTED, f'%"{item_id}"%'),
            )
            found += [Reader(r[1], from_us(r[0]), r[2], item_id, None) for r in listed]
        return sorted(found, key=lambda r: (r.at, r.person_id, r.action, r.item_id))

    def add_incident(self, incident: Incident) -> None:
        """Keep an incident record."""
        readers = [[r.person_id, to_us(r.at), r.action, r.item_id, r.version]
                   for r in incident.readers]  # fmt: skip
        self.db.execute(
            f"INSERT INTO incidents ({_INCIDENT_COLUMNS}) VALUES (?,?,?,?,?,?,?)",
            (incident.id, incident.item_id, incident.declared_by, to_us(incident.at),
             incident.reason, json.dumps(list(incident.purged)), json.dumps(readers)),
        )  # fmt: skip

    def incident(self, incident_id: str) -> Incident | None:
        """The incident with this id."""
        row = self.db.one(f"SELECT {_INCIDENT_COLUMNS} FROM incidents WHERE id = ?", (incident_id,))
        return None if row is None else _incident(row)

    def incident_of(self, item_id: str) -> Incident | None:
        """The incident that purged ``item_id`` (as the item spilled or one released from it)."""
        row = self.db.one(
            f"SELECT {_INCIDENT_COLUMNS} FROM incidents WHERE item_id = ?", (item_id,)
        )
        return None if row is None else _incident(row)

    def incidents(self, limit: int = 100) -> list[Incident]:
        """The latest incidents, newest first."""
        rows = self.db.all(
            f"SELECT {_INCIDENT_COLUMNS} FROM incidents ORDER BY at DESC, id LIMIT ?", (limit,)
        )
        return [_incident(row) for row in rows]

    # ------------------------------------------------------------------ consents
    def add_consent(self, consent: Consent) -> None:
        """Keep the originator's consent to release ORCON portions."""
        portions = None if consent.portions is None else json.dumps(list(consent.portions))
        self.db.execute(
            f"INSERT INTO consents ({_CONSENT_COLUMNS}) VALUES (?,?,?,?,?,?,?,?)",
            (consent.id, consent.item_id, consent.version, to_list(tuple(sorted(consent.audience))),
             portions, consent.reference, consent.given_by, to_us(consent.at)),
        )  # fmt: skip

    def consents(self, item_id: str) -> list[Consent]:
        """Every consent recorded for ``item_id`` (any version), oldest first."""
        rows = self.db.all(
            f"SELECT {_CONSENT_COLUMNS} FROM consents WHERE item_id = ? ORDER BY at, id",
            (item_id,),
        )
        return [
            Consent(r[0], r[1], int(r[2]), frozenset(from_list(r[3])),
                    None if r[4] is None else tuple(json.loads(r[4])), r[5], r[6], from_us(r[7]))
            for r in rows
        ]  # fmt: skip


def _incident(row: Sequence[Any]) -> Incident:
    readers = tuple(Reader(p, from_us(at), a, i, v) for p, at, a, i, v in json.loads(row[6]))
    return Incident(row[0], row[1], row[2], from_us(row[3]), row[4],
                    tuple(json.loads(row[5])), readers)  # fmt: skip
