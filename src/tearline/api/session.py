"""Browser sign-in: ``POST /api/v1/session`` with a person's API token sets an HttpOnly,
SameSite=Strict session cookie and answers the session's CSRF token; ``DELETE`` signs out.

The cookie is ``Secure`` and named ``__Host-tearline-session`` over https (or as the node's
``cookie_secure`` setting says). Every unsafe request signed in by the cookie carries the
CSRF token in ``X-CSRF-Token`` (see :mod:`tearline.api.auth`). A failed sign-in counts in the
same rate limit as any failed authentication.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from pydantic import Field
from starlette.responses import JSONResponse, Response

from tearline.api.auth import Caller, FailureLimiter, client_of, cookie_name, secure_cookie
from tearline.api.schemas.answers import ErrorOut, answers
from tearline.api.schemas.bodies import _Strict
from tearline.api.schemas.people import SessionOut
from tearline.bootstrap import Node
from tearline.errors import InvalidInput, Unauthenticated

__all__ = ["SessionIn", "session_routes"]

_NO_STORE = {"Cache-Control": "no-store"}


class SessionIn(_Strict):
    """A sign-in: the person's API token (as ``tearline token create`` printed it)."""

    token: str = Field(max_length=200)


_SIGN_OUT: dict[int | str, dict[str, Any]] = {
    204: {"description": "Signed out"},
    403: {"model": ErrorOut, "description": "No valid CSRF token"},
}


def session_routes(app: FastAPI, node: Node) -> None:
    """Mount the sign-in and sign-out routes."""

    @app.post("/api/v1/session",
              summary="Sign in with an API token: a session cookie and its CSRF token",
              **answers(SessionOut, 201))  # fmt: skip
    def sign_in(body: SessionIn, request: Request) -> JSONResponse:
        limiter: FailureLimiter = request.app.state.limiter
        client = client_of(request)
        limiter.check(client)
        if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
            raise InvalidInput("send the sign-in as JSON: Content-Type: application/json")
        name = cookie_name(request)
        try:
            opened = node.sessions.open(body.token, replacing=request.cookies.get(name))
        except Unauthenticated:
            limiter.failed(client)
            raise
        data = {"person": opened.person.id, "csrf": opened.csrf,
                "expires": opened.expires.isoformat(),
                "idle_minutes": int(node.sessions.idle.total_seconds() // 60)}  # fmt: skip
        response = JSONResponse(data, 201, headers=_NO_STORE)
        lifetime = opened.expires - node.sessions.now()
        response.set_cookie(
            name, opened.session_id, max_age=max(int(lifetime.total_seconds()), 1),
            path="/", secure=secure_cookie(request), httponly=True, samesite="strict",
        )  # fmt: skip
        return response

    @app.delete("/api/v1/session", status_code=204,
                summary="Sign out: the session ends at once (needs its CSRF token)",
                responses=_SIGN_OUT)  # fmt: skip
    def sign_out(request: Request, who: Caller) -> Response:
        session = getattr(request.state, "session", None)
        if session is None:
            raise InvalidInput("no session to sign out of: this request was not signed in by "
                               "the session cookie")  # fmt: skip
        node.sessions.end(who.id, session)
        response = Response(status_code=204, headers=_NO_STORE)
        response.delete_cookie(cookie_name(request), path="/", secure=secure_cookie(request),
                               httponly=True, samesite="strict")  # fmt: skip
        return response
