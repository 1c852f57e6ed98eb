"""The rows of each peer's sync state, and the lease that lets one process at a time sync a
peer (a row per peer: every claim runs in a write transaction, and write transactions take
turns on both backends, so a claim sees the lease as the last writer left it)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tearline.service.principals import SyncState
from tearline.store.database import Database
from tearline.store.rows import from_us, to_us

__all__ = ["SyncRows"]

_COLUMNS = (
    "peer, pull_cursor, push_cursor, last_success, last_error, attempts, next_attempt, "
    "observation_cursor, observation_cursor_id"
)


def _time(value: Any) -> datetime | None:
    return None if value is None else from_us(value)


def _stamp(value: datetime | None) -> int | None:
    return None if value is None else to_us(value)


class SyncRows:
    """Sync state and leases over the repository's database connection."""

    db: Database

    def sync_state(self, peer: str) -> SyncState | None:
        """The sync state kept for ``peer``, if any."""
        row = self.db.one(f"SELECT {_COLUMNS} FROM peer_sync WHERE peer = ?", (peer,))
        if row is None:
            return None
        cursor = (int(row[7] or 0), str(row[8] or ""))
        return SyncState(str(row[0]), _time(row[1]), _time(row[2]), _time(row[3]),
                         row[4], int(row[5]), _time(row[6]), cursor)  # fmt: skip

    def _ensure_sync_row(self, peer: str) -> None:
        if self.db.one("SELECT 1 FROM peer_sync WHERE peer = ?", (peer,)) is None:
            self.db.execute("INSERT INTO peer_sync (peer, attempts) VALUES (?, 0)", (peer,))

    def put_sync_state(self, state: SyncState) -> None:
        """Keep ``state`` (the lease is left as it is)."""
        self._ensure_sync_row(state.peer)
        self.db.execute(
            "UPDATE peer_sync SET pull_cursor = ?, push_cursor = ?, last_success = ?, "
            "last_error = ?, attempts = ?, next_attempt = ?, observation_cursor = ?, "
            "observation_cursor_id = ? WHERE peer = ?",
            (_stamp(state.pull_cursor), _stamp(state.push_cursor), _stamp(state.last_success),
             state.last_error, state.attempts, _stamp(state.next_attempt),
             *state.observation_cursor, state.peer),
        )  # fmt: skip

    def claim_sync(self, peer: str, holder: str, at: datetime, until: datetime) -> bool:
        """Take (or renew) the lease on syncing ``peer`` for ``holder`` until ``until``;
        whether it was free (or already ``holder``'s, or expired at ``at``)."""
        self._ensure_sync_row(peer)
        row = self.db.one("SELECT holder, held_until FROM peer_sync WHERE peer = ?", (peer,))
        if row is not None and row[0] not in (None, holder) and int(row[1] or 0) > to_us(at):
            return False
        self.db.execute("UPDATE peer_sync SET holder = ?, held_until = ? WHERE peer = ?",
                        (holder, to_us(until), peer))  # fmt: skip
        return True

    def release_sync(self, peer: str, holder: str) -> None:
        """Give up ``holder``'s lease on syncing ``peer`` (nothing if it is not theirs)."""
        self.db.execute(
            "UPDATE peer_sync SET holder = NULL, held_until = NULL WHERE peer = ? AND holder = ?",
            (peer, holder),
        )

    def forget_sync(self, peer: str) -> None:
        """Forget ``peer``'s sync state (its cursors start again from the beginning)."""
        self.db.execute("DELETE FROM peer_sync WHERE peer = ?", (peer,))
