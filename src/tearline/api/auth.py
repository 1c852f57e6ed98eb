"""Who is asking: the person an API token or a browser session speaks for, or a peer node
(401 otherwise); and the CSRF check of requests signed in by cookie."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, Request

from tearline.errors import Denied, Unauthenticated
from tearline.service import PersonRecord
from tearline.service.principals import PEER_PREFIX

if TYPE_CHECKING:
    from tearline.bootstrap import Node

__all__ = [
    "Caller", "FailureLimiter", "PersonOnly", "RateLimited", "Reader", "authenticate",
    "reader_of",
]  # fmt: skip


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


#: Methods that change nothing; every other method signed in by cookie needs the CSRF token.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_HEADER = "x-csrf-token"


class PersonOnly(Denied):
    """A peer node's credential on a route for people (vetting, audit, writing, releases)."""

    code = "person-only"


def secure_cookie(request: Request) -> bool:
    """Whether the session cookie is ``Secure`` (and named ``__Host-``): by the node's
    ``cookie_secure`` setting, or, by default, when the request came over https."""
    node: Node = request.app.state.node
    mode = node.settings.cookie_secure
    return mode == "always" or (mode == "auto" and request.url.scheme == "https")


def cookie_name(request: Request) -> str:
    """The session cookie's name: ``__Host-tearline-session`` when it is ``Secure``."""
    return "__Host-tearline-session" if secure_cookie(request) else "tearline-session"


def client_of(request: Request) -> str:
    """Whom failed authentications are counted against."""
    return request.client.host if request.client else "unknown"


def _principal(request: Request, node: Node) -> PersonRecord:
    header = request.headers.get("authorization")
    if header is not None:  # a bearer token: no cookie is looked at, no CSRF is needed
        scheme, _, token = header.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise Unauthenticated("a valid API token is required: Authorization: Bearer TOKEN")
        if token.startswith("tlp_"):
            return node.peers.authenticate(token).as_reader()
        return node.tokens.authenticate(token)
    session_id = request.cookies.get(cookie_name(request))
    if session_id is None:
        raise Unauthenticated(
            "a valid API token is required: Authorization: Bearer TOKEN (or sign in: "
            "POST /api/v1/session)"
        )
    person, session = node.sessions.authenticate(session_id)
    request.state.session = session
    return person


def authenticate(request: Request) -> PersonRecord:
    """Who the request speaks for now, by bearer token or session cookie, with no rate limit
    and no CSRF check: how an open stream checks, every second, that its caller still may
    read.

    Raises:
        Unauthenticated: no credential, or one that is malformed, unknown, expired, revoked
            or ended.
    """
    return _principal(request, request.app.state.node)


def _reader(request: Request) -> PersonRecord:
    """Who asks, by bearer token (a person's or a peer node's) or by session cookie; an
    unsafe request by cookie must carry the session's CSRF token."""
    limiter: FailureLimiter = request.app.state.limiter
    client = client_of(request)
    limiter.check(client)
    node: Node = request.app.state.node
    try:
        who = _principal(request, node)
    except Unauthenticated:
        limiter.failed(client)
        raise
    session = getattr(request.state, "session", None)
    if session is not None and request.method not in SAFE_METHODS:
        node.sessions.check_csrf(session, request.headers.get(CSRF_HEADER))
    return who


def reader_of(request: Request) -> PersonRecord:
    """Who asks (as the ``Reader`` dependency), for a handler that reads its own body."""
    return _reader(request)


def _caller(request: Request) -> PersonRecord:
    """The person asking (a peer node's credential is refused: 403 ``person-only``)."""
    who = _reader(request)
    if who.id.startswith(PEER_PREFIX):
        problem = "a peer node's credential reads items and documents only; this route is for "
        problem += "people"
        raise PersonOnly(problem, (problem,))
    return who


#: A route parameter typed ``Caller`` is the authenticated person.
Caller = Annotated[PersonRecord, Depends(_caller)]
#: A route parameter typed ``Reader`` is a person or a peer node (read as a person of its
#: nation at its agreement's ceiling): only routes that read items take it.
Reader = Annotated[PersonRecord, Depends(_reader)]
