"""Connections to the two backends behind one small interface.

SQL is written once with ``?`` placeholders; the PostgreSQL connection turns them into
``%s``. A transaction is a context manager: it commits on success and rolls back on any
error, so an operation and its audit entry are written together or not at all.

Live streams learn of new writes without waiting for their next poll: every committed write
transaction calls the connection's :meth:`~Database.on_commit` callbacks (shared by its
siblings), and on PostgreSQL it also notifies the node's commits channel, which
:meth:`~Database.watch` turns into calls in every other process on the same node.

Several nodes may share one PostgreSQL server, even one database, each in a schema of its
own (``options=-csearch_path=…``): a node's writer lock and commits channel are named after
its schema, so one node's writes neither wait for another's nor wake its followers.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from functools import lru_cache
from pathlib import Path
from threading import RLock
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

from tearline.errors import DataFault, InvalidInput

__all__ = [
    "COMMITS_CHANNEL",
    "Commits",
    "Database",
    "PostgresDatabase",
    "SqliteDatabase",
    "Watch",
    "open_database",
]

Row = tuple[Any, ...]
_log = logging.getLogger(__name__)
#: The PostgreSQL channel a committed write transaction notifies (then ``_`` and its schema's
#: digest: see :func:`node_keys`).
COMMITS_CHANNEL = "tearline_commits"


class Commits:
    """The callbacks told of each committed write transaction (shared by siblings)."""

    def __init__(self) -> None:
        self._callbacks: list[Callable[[], None]] = []

    def add(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` (with no arguments) after every committed write."""
        self._callbacks.append(callback)

    def __call__(self) -> None:
        for callback in self._callbacks:
            try:
                callback()
            except Exception:  # a listener's fault never undoes a committed write
                _log.exception("a commit callback failed")


class Watch(Protocol):
    """A running watch on other processes' commits (see :meth:`Database.watch`)."""

    def close(self) -> None:
        """Stop watching."""


class Database(Protocol):
    """A connection to the node's database."""

    dialect: str
    url: str

    def transaction(self, *, write: bool = True) -> Any:
        """A context manager around one transaction (``write=False``: read only)."""

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        """Run one statement."""

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """Run one statement for each row."""

    def one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        """The first row of a query, or ``None``."""

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """Every row of a query."""

    def script(self, sql: str) -> None:
        """Run a migration script (several statements) inside the current transaction."""

    def sibling(self) -> Database:
        """A second connection to the same database whose write transactions take turns
        with this one's (the audit committer writes on it while this one reads)."""

    def on_commit(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` after each write transaction this connection or a sibling
        commits (in the thread that committed)."""

    def watch(self, callback: Callable[[], None]) -> Watch | None:
        """Call ``callback`` (from a thread of its own) whenever another connection —
        another process included — commits a write; ``None`` where the backend cannot tell
        (SQLite: followers poll)."""

    def close(self) -> None:
        """Close the connection."""


IN_CHUNK = 500  # ids bound in one ``IN (...)`` list (well under every backend's limit)


def all_in(db: Database, sql: str, ids: Sequence[str], before: Sequence[Any] = ()) -> list[Row]:
    """Every row of ``sql`` — whose ``{marks}`` stands for the placeholders of an ``IN``
    list — over ``ids``, bound :data:`IN_CHUNK` at a time after the parameters ``before``;
    rows come chunk after chunk, in the order of ``ids``' chunks."""
    rows: list[Row] = []
    for start in range(0, len(ids), IN_CHUNK):
        chunk = list(ids[start : start + IN_CHUNK])
        rows += db.all(sql.format(marks=",".join("?" * len(chunk))), (*before, *chunk))
    return rows


class SqliteDatabase:
    """The embedded default: one file, WAL journal, full sync, foreign keys enforced."""

    dialect = "sqlite"

    def __init__(self, path: Path, writer: RLock | None = None,
                 commits: Commits | None = None) -> None:  # fmt: skip
        self.url = f"sqlite:///{path}"
        self._path = path
        self._commits = commits or Commits()
        self._conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._lock = threading.RLock()
        # Shared by this connection's siblings: their write transactions take turns in the
        # process rather than in SQLite's busy handler (which sleeps up to 100 ms a try).
        self._writer = writer or threading.RLock()
        for pragma in (
            "journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON", "busy_timeout=10000",
            "cache_size=-65536",
        ):  # fmt: skip
            self._conn.execute(f"PRAGMA {pragma}")

    @contextmanager
    def transaction(self, *, write: bool = True) -> Iterator[None]:
        # One transaction at a time on the connection: a thread waits here for another's to
        # end (the API runs requests in a thread pool).
        # A writer takes the writers' turn before the connection: a reader holding the
        # connection never waits for a writer, so the two locks cannot deadlock.
        with self._writer if write else nullcontext(), self._lock:
            # IMMEDIATE takes the write lock at once: the audit chain's head cannot move.
            self._conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")
        if write:
            self._commits()

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        with self._lock:
            self._conn.execute(sql, params)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        with self._lock:
            self._conn.executemany(sql, rows)

    def one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        with self._lock:
            row: Row | None = self._conn.execute(sql, params).fetchone()
        return row

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    def script(self, sql: str) -> None:
        statement = ""
        for line in sql.splitlines(keepends=True):
            statement += line
            if sqlite3.complete_statement(statement):
                self._conn.execute(statement)
                statement = ""
        if statement.strip() and not statement.strip().startswith("--"):
            raise DataFault("a migration ends in an incomplete statement")

    def sibling(self) -> SqliteDatabase:
        return SqliteDatabase(self._path, self._writer, self._commits)

    def on_commit(self, callback: Callable[[], None]) -> None:
        self._commits.add(callback)

    def watch(self, callback: Callable[[], None]) -> Watch | None:
        return None

    def close(self) -> None:
        with self._lock:
            self._conn.close()


def node_keys(schema: str) -> tuple[int, str]:
    """The advisory lock a PostgreSQL node's write transactions hold, and the channel its
    commits are notified on, for the node in ``schema`` (each its own: nodes sharing a
    server do not queue behind each other or wake each other's followers)."""
    digest = hashlib.blake2b(f"tearline\x00{schema}".encode(), digest_size=8).digest()
    return int.from_bytes(
        digest, "big"
    ) & 0x7FFF_FFFF_FFFF_FFFF, f"{COMMITS_CHANNEL}_{digest.hex()}"


@lru_cache(maxsize=512)
def _pg(sql: str) -> str:
    return sql.replace("%", "%%").replace("?", "%s")


class PostgresDatabase:
    """PostgreSQL through psycopg 3 (server-side prepared statements after a few uses)."""

    dialect = "postgres"

    def __init__(self, url: str, commits: Commits | None = None) -> None:
        import psycopg

        self.url = url
        self._commits = commits or Commits()
        try:
            self._conn = psycopg.connect(url, autocommit=True)
            self._lock = threading.RLock()
            row = self._conn.execute("SELECT current_schema()").fetchone()
        except psycopg.Error as problem:
            raise InvalidInput(
                f"cannot connect to the PostgreSQL database at {_safe(url)}: "
                f"{type(problem).__name__}; check the URL and that the server runs"
            ) from None
        #: The schema the node lives in (``search_path``'s first), its lock and channel.
        self.schema = "" if row is None or row[0] is None else str(row[0])
        self._writer, self.channel = node_keys(self.schema)

    @contextmanager
    def transaction(self, *, write: bool = True) -> Iterator[None]:
        with self._lock, self._conn.transaction():
            if write:
                # A node's writers take turns (every write appends to the one audit chain):
                # without this, two servers could both chain onto the same head.
                self._conn.execute("SELECT pg_advisory_xact_lock(%s)", (self._writer,))
            yield
            if write:  # delivered to the listeners when (and only if) this commits
                self._conn.execute(f"NOTIFY {self.channel}")
        if write:
            self._commits()

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        with self._lock:
            self._conn.execute(_pg(sql), params)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        with self._lock, self._conn.cursor() as cursor:
            cursor.executemany(_pg(sql), rows)

    def one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        with self._lock:
            return self._conn.execute(_pg(sql), params).fetchone()

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        with self._lock:
            return self._conn.execute(_pg(sql), params).fetchall()

    def script(self, sql: str) -> None:
        with self._lock:
            self._conn.execute(sql.encode())  # several statements: the simple query protocol

    def sibling(self) -> PostgresDatabase:
        # Write transactions take turns through the advisory lock, across connections too.
        return PostgresDatabase(self.url, self._commits)

    def on_commit(self, callback: Callable[[], None]) -> None:
        self._commits.add(callback)

    def watch(self, callback: Callable[[], None]) -> Watch | None:
        return _Listener(self.url, self.channel, callback)

    def close(self) -> None:
        with self._lock:
            self._conn.close()


class _Listener:
    """``LISTEN`` on a node's commits channel on a connection of its own, calling back on
    each notification (several arriving together call once). Reconnects after a lost
    connection."""

    def __init__(self, url: str, channel: str, callback: Callable[[], None]) -> None:
        self._url = url
        self._channel = channel
        self._callback = callback
        self._stop = threading.Event()
        self._conn: Any = None
        self._thread = threading.Thread(target=self._run, name="tearline-listen", daemon=True)
        self._ready = threading.Event()
        self._thread.start()
        self._ready.wait(5.0)

    def _run(self) -> None:
        import psycopg

        while not self._stop.is_set():
            try:
                with psycopg.connect(self._url, autocommit=True) as conn:
                    self._conn = conn
                    conn.execute(f"LISTEN {self._channel}")
                    self._ready.set()
                    while not self._stop.is_set():
                        if any(True for _ in conn.notifies(timeout=0.5, stop_after=1)):
                            self._callback()
            except Exception:  # the database went away: the follower still polls; retry
                _log.warning("listening for commits failed; retrying in 1 s")
                self._ready.set()
                self._stop.wait(1.0)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2.0)


def _safe(url: str) -> str:
    """``url`` without its password, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return parts._replace(netloc=netloc).geturl()


def open_database(url: str) -> Database:
    """Connect to ``sqlite:///PATH`` or ``postgresql://…`` (``postgres://`` too).

    Raises:
        InvalidInput: the URL names no backend Tearline has, or the server cannot be reached.
    """
    scheme = url.split(":", 1)[0].lower()
    if scheme == "sqlite":
        path = unquote(url[len("sqlite:///") :]) if url.startswith("sqlite:///") else ""
        if not path:
            raise InvalidInput("a SQLite URL names a file: sqlite:///path/to/node.db")
        return SqliteDatabase(Path(path))
    if scheme in {"postgresql", "postgres"}:
        return PostgresDatabase(url)
    raise InvalidInput(
        f"database URL {_safe(url)!r}: use sqlite:///PATH or postgresql://HOST/DATABASE"
    )
