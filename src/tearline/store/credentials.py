"""The rows of browser sessions and peer nodes (hashes only, never a credential)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from tearline.service.principals import PeerRecord, SessionRecord
from tearline.store.database import Database, all_in
from tearline.store.rows import from_us, to_us

__all__ = ["CredentialRows"]

_PEER_COLUMNS = (
    "name, url, nation, agreement, public_key, ceiling_level, ceiling_scheme, nonce, "
    "token_hash, version, created, created_by, modified, outgoing_token, kind, feed_marking"
)
#: How many ids one ``IN (…)`` names (SQLite allows 999 parameters before 3.32).
#: A version received: ``(modified, signature, local item id)``.
Received = tuple[datetime, str, str]
_SESSION_COLUMNS = "hash, person_id, token_id, csrf_hash, created, last_seen, expires, ended"


def _peer(row: Any) -> PeerRecord:
    name, url, nation, agreement, key, level, scheme, nonce, digest, version = row[:10]
    return PeerRecord(name, url, nation, agreement, key, level, scheme, nonce, digest,
                      version, from_us(row[10]), row[11], from_us(row[12]), row[13], row[14],
                      row[15])  # fmt: skip


class CredentialRows:
    """Sessions and peers over the repository's database connection."""

    db: Database

    # ------------------------------------------------------------------ sessions
    def add_session(self, session: SessionRecord) -> None:
        """Keep a new session (the hashes of its id and CSRF token)."""
        self.db.execute(
            f"INSERT INTO sessions ({_SESSION_COLUMNS}) VALUES (?,?,?,?,?,?,?,?)",
            (session.hash, session.person_id, session.token_id, session.csrf_hash,
             to_us(session.created), to_us(session.last_seen), to_us(session.expires), None),
        )  # fmt: skip

    def session(self, digest: str) -> tuple[SessionRecord, date, bool] | None:
        """The session with this hash, with its API token's expiry and whether that token is
        revoked."""
        row = self.db.one(
            "SELECT s.hash, s.person_id, s.token_id, s.csrf_hash, s.created, s.last_seen, "
            "s.expires, s.ended, t.expires, t.revoked FROM sessions s "
            "JOIN api_tokens t ON t.id = s.token_id WHERE s.hash = ?",
            (digest,),
        )
        if row is None:
            return None
        ended = None if row[7] is None else from_us(row[7])
        record = SessionRecord(row[0], row[1], row[2], row[3], from_us(row[4]),
                               from_us(row[5]), from_us(row[6]), ended)  # fmt: skip
        return record, date.fromisoformat(row[8]), row[9] is not None

    def touch_session(self, digest: str, at: datetime) -> None:
        """Record that the session was used at ``at``."""
        self.db.execute("UPDATE sessions SET last_seen = ? WHERE hash = ?", (to_us(at), digest))

    def end_session(self, digest: str, at: datetime) -> bool:
        """End a live session; whether there was one to end."""
        known = self.db.one("SELECT ended FROM sessions WHERE hash = ?", (digest,))
        if known is None or known[0] is not None:
            return False
        self.db.execute("UPDATE sessions SET ended = ? WHERE hash = ?", (to_us(at), digest))
        return True

    # ------------------------------------------------------------------ peers
    def put_peer(self, peer: PeerRecord) -> None:
        """Keep a peer, replacing the one of the same name."""
        self.db.execute("DELETE FROM peers WHERE name = ?", (peer.name,))
        self.db.execute(
            f"INSERT INTO peers ({_PEER_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (peer.name, peer.url, peer.nation, peer.agreement, peer.public_key,
             peer.ceiling_level, peer.ceiling_scheme, peer.nonce, peer.token_hash,
             peer.version, to_us(peer.created), peer.created_by, to_us(peer.modified),
             peer.outgoing, peer.kind, peer.feed_marking),
        )  # fmt: skip

    def peer(self, name: str) -> PeerRecord | None:
        """The peer called ``name``."""
        row = self.db.one(f"SELECT {_PEER_COLUMNS} FROM peers WHERE name = ?", (name,))
        return None if row is None else _peer(row)

    def peer_by_token(self, digest: str) -> PeerRecord | None:
        """The peer whose credential has this hash."""
        row = self.db.one(f"SELECT {_PEER_COLUMNS} FROM peers WHERE token_hash = ?", (digest,))
        return None if row is None else _peer(row)

    def peers(self) -> list[PeerRecord]:
        """Every peer, by name."""
        return [_peer(r) for r in self.db.all(f"SELECT {_PEER_COLUMNS} FROM peers ORDER BY name")]

    # ------------------------------------------------------------------ federation
    def stix_signature(self, stix_id: str, modified: datetime, digest: str) -> str | None:
        """The signature kept for this object version with this signed content, if any."""
        row = self.db.one(
            "SELECT signature FROM stix_signatures WHERE stix_id = ? AND modified = ? "
            "AND digest = ?",
            (stix_id, to_us(modified), digest),
        )
        return None if row is None else str(row[0])

    def add_stix_release(
        self, principal: str, stix_id: str, modified: datetime, digest: str,
        item: tuple[str, int], signature: str, at: datetime,
    ) -> None:  # fmt: skip
        """Record that this signed object version went to ``principal`` at ``at`` (its
        signature kept the first time it is released; a repeated release is recorded once)."""
        stamp = to_us(modified)
        if self.stix_signature(stix_id, modified, digest) is None:
            self.db.execute(
                "INSERT INTO stix_signatures (stix_id, modified, digest, item_id, version, "
                "signature, first_released) VALUES (?,?,?,?,?,?,?)",
                (stix_id, stamp, digest, item[0], item[1], signature, to_us(at)),
            )
        known = self.db.one(
            "SELECT 1 FROM stix_releases WHERE principal = ? AND stix_id = ? AND modified = ? "
            "AND digest = ?",
            (principal, stix_id, stamp, digest),
        )
        if known is None:
            self.db.execute(
                "INSERT INTO stix_releases (principal, stix_id, modified, digest, at) "
                "VALUES (?,?,?,?,?)",
                (principal, stix_id, stamp, digest, to_us(at)),
            )

    def stix_signatures(
        self, versions: Sequence[tuple[str, datetime, str]]
    ) -> dict[tuple[str, datetime, str], str]:
        """The signatures kept for these ``(stix_id, modified, digest)``, by the same (those
        not kept are left out): a page's in a few queries."""
        wanted = {(s, to_us(m), d): (s, m, d) for s, m, d in versions}
        ids = sorted({s for s, _, _ in versions})
        found: dict[tuple[str, datetime, str], str] = {}
        rows = all_in(self.db, "SELECT stix_id, modified, digest, signature FROM "
                      "stix_signatures WHERE stix_id IN ({marks})", ids)  # fmt: skip
        for row in rows:
            key = wanted.get((str(row[0]), int(row[1]), str(row[2])))
            if key is not None:
                found[key] = str(row[3])
        return found

    def add_stix_releases(
        self, principal: str, releases: Sequence[tuple[str, datetime, str, str, int, str]],
        at: datetime,
    ) -> None:  # fmt: skip
        """Record that these signed object versions — ``(stix_id, modified, digest, item_id,
        version, signature)`` each — went to ``principal`` at ``at``, as
        :meth:`add_stix_release` does each (a signature kept from its first release; a
        repeated release recorded once), in two statements."""
        when = to_us(at)
        rows = [(s, to_us(m), d, item, version, sig) for s, m, d, item, version, sig in releases]
        self.db.executemany(
            "INSERT INTO stix_signatures (stix_id, modified, digest, item_id, version, "
            "signature, first_released) VALUES (?,?,?,?,?,?,?) "
            "ON CONFLICT (stix_id, modified, digest) DO NOTHING",
            [(*row, when) for row in rows],
        )
        self.db.executemany(
            "INSERT INTO stix_releases (principal, stix_id, modified, digest, at) "
            "VALUES (?,?,?,?,?) ON CONFLICT (principal, stix_id, modified, digest) DO NOTHING",
            [(principal, s, m, d, when) for s, m, d, *_ in rows],
        )

    def stix_releases(self, principal: str) -> list[tuple[str, datetime, str, datetime]]:
        """What went to ``principal``: ``(stix_id, modified, signature, at)``, oldest first."""
        rows = self.db.all(
            "SELECT r.stix_id, r.modified, s.signature, r.at FROM stix_releases r "
            "JOIN stix_signatures s ON s.stix_id = r.stix_id AND s.modified = r.modified "
            "AND s.digest = r.digest WHERE r.principal = ? ORDER BY r.at, r.stix_id",
            (principal,),
        )
        return [(str(r[0]), from_us(r[1]), str(r[2]), from_us(r[3])) for r in rows]

    def stix_received(self, stix_ids: Sequence[str]) -> dict[str, list[Received]]:
        """The versions received of these STIX ids, by id (ids never received are left
        out): ``(modified, signature, local item id)`` each, oldest first; a page's in one
        query (or a few)."""
        ids = sorted(set(stix_ids))
        found: dict[str, list[Received]] = {}
        rows = all_in(self.db, "SELECT stix_id, modified, signature, item_id FROM stix_received "
                      "WHERE stix_id IN ({marks}) ORDER BY stix_id, modified", ids)  # fmt: skip
        for row in rows:
            found.setdefault(str(row[0]), []).append((from_us(row[1]), str(row[2]), str(row[3])))
        return found

    def add_stix_received(
        self, rows: Sequence[tuple[str, datetime, str, str, str, str, datetime]]
    ) -> None:
        """Record object versions received — ``(stix_id, modified, signature, peer, item_id,
        originator, at)`` each: from which peer, and the item each became — in one
        statement."""
        self.db.executemany(
            "INSERT INTO stix_received (stix_id, modified, signature, peer, item_id, "
            "originator, at) VALUES (?,?,?,?,?,?,?)",
            [(s, to_us(m), sig, peer, item, origin, to_us(at))
             for s, m, sig, peer, item, origin, at in rows],
        )  # fmt: skip

    def add_taxii_status(self, status_id: str, principal: str, body: str, at: datetime) -> None:
        """Keep the status of an add-objects request (TAXII 2.1 §4.3)."""
        self.db.execute(
            "INSERT INTO taxii_statuses (id, principal, body, at) VALUES (?,?,?,?)",
            (status_id, principal, body, to_us(at)),
        )

    def taxii_status(self, status_id: str, principal: str) -> str | None:
        """The status ``status_id`` if ``principal`` made the request."""
        row = self.db.one(
            "SELECT body FROM taxii_statuses WHERE id = ? AND principal = ?",
            (status_id, principal),
        )
        return None if row is None else str(row[0])

    def remove_peer(self, name: str) -> bool:
        """Forget a peer (its credential stops working); whether there was one."""
        if self.db.one("SELECT 1 FROM peers WHERE name = ?", (name,)) is None:
            return False
        self.db.execute("DELETE FROM peers WHERE name = ?", (name,))
        self.db.execute("DELETE FROM peer_sync WHERE peer = ?", (name,))
        return True
