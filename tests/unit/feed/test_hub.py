"""The pieces of a live stream: a subscription's bounded buffer, its chunks, and the follower
of the audit log (over a real node on SQLite)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from pathlib import Path

import pytest

from support.node import cast
from tearline.audit import Entry
from tearline.feed import Follower, Subscription, frame
from tearline.service import Draft, ItemKind


def test_a_frame_is_one_server_sent_event() -> None:
    assert frame("item", {"a": "秘"}, 7) == 'id: 7\nevent: item\ndata: {"a":"秘"}\n\n'.encode()
    assert frame("close", {"reason": "x"}) == b'event: close\ndata: {"reason":"x"}\n\n'


def test_queued_frames_go_out_in_one_chunk_then_the_close() -> None:
    async def scenario() -> list[bytes]:
        subscription = Subscription("p-1", cursor=0, capacity=10)
        subscription.push([b"a\n\n", b"b\n\n"])
        subscription.close("ended")
        return [chunk async for chunk in subscription.chunks()]

    chunks = asyncio.run(scenario())
    assert chunks == [b"a\n\nb\n\n" + frame("close", {"reason": "ended"})]


def test_a_consumer_that_falls_behind_is_closed_not_waited_for() -> None:
    async def scenario() -> tuple[str | None, list[bytes]]:
        subscription = Subscription("p-1", cursor=0, capacity=2)
        subscription.push([b"1\n\n", b"2\n\n"])
        subscription.push([b"3\n\n"])  # over capacity: lagged
        subscription.push([b"4\n\n"])  # ignored once closed
        return subscription.closed, [chunk async for chunk in subscription.chunks()]

    closed, chunks = asyncio.run(scenario())
    assert closed == "lagged"
    assert chunks == [b"1\n\n2\n\n" + frame("close", {"reason": "lagged"})]


def test_an_idle_stream_sends_keepalive_comments() -> None:
    async def scenario() -> bytes:
        subscription = Subscription("p-1", cursor=0)
        chunks = subscription.chunks(keepalive=0.01)
        first = await anext(chunks)
        await chunks.aclose()
        return first

    assert asyncio.run(scenario()) == b": keepalive\n\n"


def test_the_follower_hands_on_what_the_log_gained_and_survives_a_fault(tmp_path: Path) -> None:
    world = cast(tmp_path / "home", f"sqlite:///{tmp_path / 'node.db'}")
    seen: list[str] = []
    faults = [RuntimeError("a passing fault")]
    ticks: list[int] = []

    def listener(entries: Sequence[Entry]) -> None:
        if faults:
            raise faults.pop()
        seen.extend(e.action for e in entries)

    async def scenario() -> None:
        follower = Follower(world.node, interval=0.01)
        follower.listen(listener)
        follower.every(0.01, lambda: ticks.append(1))
        follower.ensure_running()
        follower.ensure_running()  # once is enough
        draft = Draft(ItemKind.REPORT, "t", "c", marking="SECRET//REL TO USA, JPN")
        world.node.items.add(world.releaser.id, draft)  # the first batch meets the fault
        for _ in range(300):
            if not faults:
                break
            await asyncio.sleep(0.01)
        world.node.items.add(world.releaser.id, draft)
        for _ in range(300):
            if "item.create" in seen and ticks:
                break
            await asyncio.sleep(0.01)
        await follower.stop()
        await follower.stop()

    try:
        asyncio.run(scenario())
    finally:
        world.node.close()
    assert seen == ["item.create"]  # the faulted batch is not handed on again
    assert ticks


@pytest.mark.parametrize("capacity", [1, 3])
def test_pushing_nothing_changes_nothing(capacity: int) -> None:
    async def scenario() -> Subscription:
        subscription = Subscription("p-1", cursor=5, capacity=capacity)
        subscription.push([])
        return subscription

    subscription = asyncio.run(scenario())
    assert subscription.closed is None
    assert subscription.cursor == 5


def test_frames_pushed_from_another_thread_reach_the_writer() -> None:
    async def scenario() -> list[bytes]:
        subscription = Subscription("p-1", cursor=0)
        chunks = subscription.chunks(keepalive=5)
        worker = threading.Thread(target=subscription.push, args=([b"x\n\n"],))
        worker.start()
        first = await anext(chunks)
        await asyncio.to_thread(subscription.close, "ended")
        rest = [chunk async for chunk in chunks]
        worker.join()
        return [first, *rest]

    assert asyncio.run(scenario()) == [b"x\n\n", frame("close", {"reason": "ended"})]


def test_a_stream_whose_loop_has_closed_takes_frames_quietly() -> None:
    async def opened() -> Subscription:
        return Subscription("p-1", cursor=0)

    subscription = asyncio.run(opened())  # its loop is closed once run() returns
    subscription.push([b"late\n\n"])
    subscription.close("ended")
    assert subscription.closed == "ended"
