"""A real server in a thread, and Server-Sent Events read as a browser would."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import uvicorn

__all__ = ["Events", "served_app"]


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
