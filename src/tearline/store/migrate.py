"""Numbered, transactional schema migrations (``migrations/<dialect>/NNNN_name.sql``).

Each migration runs in its own transaction together with the row that records it, so a
failed migration leaves the schema as it was. ``upgrade`` applies those not yet applied, in
order, and is safe to run again (``tearline db upgrade``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from importlib.resources import files

from tearline.errors import DataFault
from tearline.store.database import Database

__all__ = ["Migration", "applied", "available", "upgrade"]

_LEDGER = (
    "CREATE TABLE IF NOT EXISTS schema_migrations "
    "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied BIGINT NOT NULL)"
)


@dataclass(frozen=True, slots=True)
class Migration:
    """One migration: its number, its name and its SQL."""

    version: int
    name: str
    sql: str


def available(dialect: str) -> list[Migration]:
    """The migrations shipped for ``dialect``, in order."""
    found = []
    for entry in files("tearline.store.migrations").joinpath(dialect).iterdir():
        name = entry.name
        if not name.endswith(".sql"):
            continue
        number, _, rest = name.partition("_")
        if not number.isdigit():
            raise DataFault(f"migration file {name!r} does not start with its number")
        found.append(Migration(int(number), rest.removesuffix(".sql"), entry.read_text("utf-8")))
    found.sort(key=lambda m: m.version)
    if [m.version for m in found] != list(range(1, len(found) + 1)):
        raise DataFault(f"the {dialect} migrations are not numbered 1, 2, 3, …")
    return found


def applied(db: Database) -> list[int]:
    """The versions already applied to ``db`` (none on a new database)."""
    with db.transaction():
        db.execute(_LEDGER)
        return [row[0] for row in db.all("SELECT version FROM schema_migrations ORDER BY 1")]


def upgrade(db: Database) -> list[Migration]:
    """Apply every migration ``db`` lacks, each in its own transaction; returns those applied."""
    done = set(applied(db))
    newly = []
    for migration in available(db.dialect):
        if migration.version in done:
            continue
        with db.transaction():
            db.script(migration.sql)
            db.execute(
                "INSERT INTO schema_migrations (version, name, applied) VALUES (?, ?, ?)",
                (migration.version, migration.name, time.time_ns() // 1000),
            )
        newly.append(migration)
    return newly
