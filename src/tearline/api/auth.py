"""Who is asking: the person an API token speaks for (401 otherwise)."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, Request

from tearline.errors import Unauthenticated
from tearline.service import PersonRecord

if TYPE_CHECKING:
    from tearline.bootstrap import Node

__all__ = ["Caller", "FailureLimiter", "RateLimited"]


class RateLimited(Unauthenticated):
    """Too many failed authentications from one client: it waits before trying again."""

    code = "rate-limited"
    category = "rate-limited"


class FailureLimiter:
    """Counts failed authentications per client; past ``limit`` in ``window`` seconds the
    client is refused (429) until the window has passed — a valid token included, so that
    guessing cannot continue by mixing in a known one."""

    def __init__(
        self, limit: int = 10, window: float = 60.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._limit = limit
        self._window = window
        self._clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()  # requests are answered in a thread pool

    def _recent(self, client: str) -> deque[float]:
        now = self._clock()
        failures = self._failures.setdefault(client, deque())
        while failures and now - failures[0] > self._window:
            failures.popleft()
        if not failures:
            del self._failures[client]
        return failures

    def check(self, client: str) -> None:
        """Refuse ``client`` while it is over the limit."""
        with self._lock:
            over = len(self._recent(client)) >= self._limit
        if over:
            raise RateLimited(
                f"too many failed authentications; try again in {int(self._window)} seconds"
            )

    def failed(self, client: str) -> None:
        """Count one failed authentication of ``client``."""
        with self._lock:
            self._failures.setdefault(client, deque()).append(self._clock())


def _caller(request: Request) -> PersonRecord:
    """The person the request's ``Authorization: Bearer`` token speaks for."""
    limiter: FailureLimiter = request.app.state.limiter
    client = request.client.host if request.client else "unknown"
    limiter.check(client)
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    node: Node = request.app.state.node
    try:
        if scheme.lower() != "bearer" or not token:
            raise Unauthenticated("a valid API token is required: Authorization: Bearer TOKEN")
        return node.tokens.authenticate(token.strip())
    except Unauthenticated:
        limiter.failed(client)
        raise


#: A route parameter typed ``Caller`` is the authenticated person.
Caller = Annotated[PersonRecord, Depends(_caller)]
