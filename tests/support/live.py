"""A real server in a thread, and Server-Sent Events read as a browser would."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from support.node import Cast, cast, database_url
from tearline.api import create_app
from tearline.bootstrap import Node, open_node

__all__ = ["Events", "Served", "served_app", "served_node"]


@contextmanager
def served_app(app: Any) -> Iterator[str]:
    """Serve ``app`` with uvicorn on a free loopback port; yields its base URL."""
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning",
                            access_log=False, lifespan="off")  # fmt: skip
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(20)


class Events:
    """The events of one open stream, parsed as a browser's EventSource would."""

    def __init__(self, answer: httpx.Response) -> None:
        self._lines = answer.iter_lines()

    def next(self) -> dict[str, Any]:
        """The next event: ``{"event", "id"?, "data"}`` (``data`` decoded from JSON)."""
        event: dict[str, Any] = {}
        for line in self._lines:
            if not line:
                if "event" in event:
                    return event
                continue
            if line.startswith(":"):
                continue
            field, _, value = line.partition(": ")
            event[field] = json.loads(value) if field == "data" else value
        raise EOFError("the stream ended")


@dataclass
class Served:
    """A node served by a real server, its people's tokens, and a second connection to its
    database through which a test makes changes as another process would (another
    ``tearline serve``, or a command on the node's terminal)."""

    url: str
    world: Cast
    other: Node
    tokens: dict[str, str]

    def headers(self, who: str, **extra: str) -> dict[str, str]:
        """``Authorization`` for ``who`` (``jp``, ``us`` or ``officer``), and ``extra``."""
        return {"Authorization": f"Bearer {self.tokens[who]}", **extra}

    def cut_off_jp(self, how: str) -> None:
        """End the Japanese analyst's access through the other connection: their clearance
        ``suspended`` or ``revoked``, or (``token``) their API token revoked."""
        world = self.world
        if how == "token":
            created = self.other.oversight.search(world.officer.id, action="token.create",
                                                  subject=world.jp_analyst.id)  # fmt: skip
            self.other.tokens.revoke(world.officer.id, json.loads(created[0].detail)["token"])
        else:
            self.other.people.set_status(world.officer.id, world.jp_analyst.id, how,
                                         reason="test")  # fmt: skip


@contextmanager
def served_node(backend: str, tmp_path: Path) -> Iterator[Served]:
    """A node of ``backend`` with its cast, served, with tokens for the Japanese and US
    analysts and the officer."""
    with database_url(backend, tmp_path) as url:
        world = cast(tmp_path / "home", url)
        people = {"jp": world.jp_analyst, "us": world.us_analyst, "officer": world.officer}
        tokens = {k: world.node.tokens.create(world.officer.id, p.id)[1] for k, p in people.items()}
        other = open_node(world.node.settings, clock=world.clock)
        try:
            with served_app(create_app(world.node)) as base:
                yield Served(base, world, other, tokens)
        finally:
            other.close()
            world.node.close()
