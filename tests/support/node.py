"""Nodes for tests: a settable clock, both backends, a node with a few people on it.

PostgreSQL is at ``$TEARLINE_TEST_POSTGRES`` (default ``postgresql://postgres@127.0.0.1:5432/
test``). Each test gets a schema of its own, dropped afterwards. Where no server answers the
PostgreSQL tests skip with a message — unless ``$TEARLINE_REQUIRE_POSTGRES`` is set (CI sets
it), where they fail instead.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import pytest

from tearline.bootstrap import Node, Officer, create_node
from tearline.config import Settings
from tearline.service.records import PersonRecord

POSTGRES = os.environ.get("TEARLINE_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
BACKENDS = ("sqlite", "postgres")


@dataclass
class Clock:
    """A clock the test moves by hand."""

    now: datetime = field(default_factory=lambda: datetime(2026, 11, 30, 9, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        """Move the clock forward."""
        self.now += timedelta(**delta)


def _postgres_or_skip() -> None:
    import psycopg

    try:
        psycopg.connect(POSTGRES, connect_timeout=3).close()
    except psycopg.Error as problem:
        message = f"PostgreSQL at {POSTGRES} does not answer ({type(problem).__name__})"
        if os.environ.get("TEARLINE_REQUIRE_POSTGRES"):
            pytest.fail(message + " and TEARLINE_REQUIRE_POSTGRES is set")
        pytest.skip(message + "; set TEARLINE_TEST_POSTGRES to run these tests")


@contextmanager
def database_url(backend: str, home: Path) -> Iterator[str]:
    """A fresh, empty database of ``backend`` for one test."""
    if backend == "sqlite":
        yield f"sqlite:///{home / 'node.db'}"
        return
    import psycopg

    _postgres_or_skip()
    schema = "t_" + secrets.token_hex(6)
    with psycopg.connect(POSTGRES, autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {schema}")
    separator = "&" if "?" in POSTGRES else "?"
    try:
        yield f"{POSTGRES}{separator}options={quote(f'-csearch_path={schema}')}"
    finally:
        with psycopg.connect(POSTGRES, autocommit=True) as admin:
            admin.execute(f"DROP SCHEMA {schema} CASCADE")


@dataclass
class Cast:
    """A node and the people on it."""

    node: Node
    clock: Clock
    officer: PersonRecord
    us_analyst: PersonRecord
    jp_analyst: PersonRecord
    releaser: PersonRecord


def cast(
    home: Path, url: str, clock: Clock | None = None, *, checkpoint_every: int = 1000,
    placeholders: bool = False,
) -> Cast:  # fmt: skip
    """A US node with a security officer, a US analyst (SECRET, SI until 2027-01-01), a
    Japanese analyst (極秘) and a releasing officer (TOP SECRET, SI, TK)."""
    clock = clock or Clock()
    node, officer = create_node(
        Settings(home, url, checkpoint_every, placeholders), nation="USA",
        officer=Officer("Ann Officer", "TS"), clock=clock,
    )  # fmt: skip
    people = node.people
    us = people.add(officer.id, name="Bob Analyst", nationalities=["USA"], clearance="S",
                    authorizations=[("SI", datetime(2027, 1, 1).date())])  # fmt: skip
    jp = people.add(officer.id, name="Sato Taro", nationalities=["JPN"], clearance="極秘")
    releaser = people.add(officer.id, name="Rita Releaser", nationalities=["USA"],
                          clearance="TS", roles=("analyst", "releasing-officer"),
                          authorizations=[("SI", None), ("TK", None)])  # fmt: skip
    return Cast(node, clock, officer, us, jp, releaser)
