"""How a node's streams learn of writes: commit callbacks on every committed write, and (on
PostgreSQL) ``LISTEN``/``NOTIFY`` across connections and processes — on both backends."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from support.node import Cast, cast, database_url
from tearline.feed import Follower
from tearline.store.database import open_database


def test_a_committed_write_calls_back_and_a_read_or_a_rollback_does_not(world: Cast) -> None:
    db = world.node.store.db
    calls: list[int] = []
    db.on_commit(lambda: calls.append(1))
    with db.transaction(write=False):
        db.one("SELECT 1")
    assert calls == []
    try:
        with db.transaction():
            db.execute("UPDATE node SET nation = nation")
            raise RuntimeError("rolled back")
    except RuntimeError:
        pass
    assert calls == []
    with db.transaction():
        db.execute("UPDATE node SET nation = nation")
    assert calls == [1]
    sibling = db.sibling()  # the committer's connection shares the callbacks
    try:
        with sibling.transaction():
            pass
    finally:
        sibling.close()
    assert calls == [1, 1]


def test_another_connection_s_commit_is_heard_on_postgresql(world: Cast) -> None:
    db = world.node.store.db
    heard = threading.Event()
    watch = db.watch(heard.set)
    if db.dialect == "sqlite":
        assert watch is None  # SQLite cannot tell: followers poll the log's head
        return
    assert watch is not None
    try:
        other = open_database(db.url)  # as another process would
        with other.transaction():
            other.execute("UPDATE node SET nation = nation")
        assert heard.wait(5.0)
        other.close()
    finally:
        watch.close()


def test_the_follower_wakes_on_a_commit_rather_than_at_its_next_poll(world: Cast) -> None:
    node = world.node
    follower = Follower(node, interval=30.0)  # polling alone would take half a minute
    seen = threading.Event()
    follower.listen(lambda entries: seen.set())

    async def scenario() -> float:
        follower.ensure_running()
        await asyncio.sleep(0.2)  # its first round has run and it waits
        started = time.monotonic()
        await asyncio.to_thread(node.people.add, world.officer.id, name="New Person",
                                nationalities=["USA"], clearance="S")  # fmt: skip
        while not seen.is_set():
            assert time.monotonic() - started < 5.0, "the follower was not woken"
            await asyncio.sleep(0.01)
        took = time.monotonic() - started
        await follower.stop()
        return took

    assert asyncio.run(scenario()) < 5.0


@pytest.fixture
def other(world: Cast, tmp_path: Path) -> Iterator[Cast]:
    """A second node on the same backend as ``world`` (on PostgreSQL: the same database, a
    schema of its own)."""
    (tmp_path / "other").mkdir()
    with database_url(world.node.store.db.dialect, tmp_path / "other") as url:
        made = cast(tmp_path / "other-home", url)
        try:
            yield made
        finally:
            made.node.close()


def test_nodes_sharing_a_postgresql_server_neither_queue_nor_wake_each_other(
    world: Cast, other: Cast
) -> None:
    """Two nodes in two schemas of one database: a write transaction held open on one does
    not hold up the other's writes (each node's writers take turns on a lock of its own), a
    second writer of the same node waits for the first, and a commit wakes only the
    followers of its own node."""
    mine, theirs = world.node.store.db, other.node.store.db
    if mine.dialect == "sqlite":
        return  # one file each: nothing shared
    heard = threading.Event()
    watch = theirs.watch(heard.set)
    assert watch is not None
    same = open_database(mine.url)  # another process of the same node
    waited = threading.Event()
    try:
        with mine.transaction():
            mine.execute("UPDATE node SET nation = nation")

            def their_writer() -> None:
                with theirs.transaction():
                    theirs.execute("UPDATE node SET nation = nation")

            done = threading.Thread(target=their_writer)
            done.start()
            done.join(5.0)
            assert not done.is_alive()  # not held up by my open write transaction
            assert heard.wait(5.0)  # their own commit is heard …
            heard.clear()

            def second_writer() -> None:
                with same.transaction():
                    waited.set()

            writer = threading.Thread(target=second_writer)
            writer.start()
            assert not waited.wait(0.5)  # … and the same node's second writer waits
        writer.join(5.0)
        assert waited.is_set()
        assert not heard.wait(1.0)  # my commits do not wake their followers
    finally:
        watch.close()
        same.close()
