"""The one mapping of Tearline's errors to HTTP: status by category, one JSON shape.

A 404 is the same bytes whatever was asked for — missing, forbidden or malformed — and never
echoes the id or the path. A 500 carries no exception text.
"""

from __future__ import annotations

import json
from typing import Final

from starlette.requests import Request
from starlette.responses import Response

from tearline.errors import TearlineError

__all__ = ["NOT_FOUND", "STATUS", "error_response", "shape"]

STATUS: Final = {
    "invalid-input": 422,
    "not-found": 404,
    "unauthenticated": 401,
    "forbidden": 403,
    "conflict": 409,
    "rate-limited": 429,
    "internal": 500,
}

_JSON = "application/json"
NOT_FOUND: Final = json.dumps(
    {"error": {"code": "not-found", "category": "not-found", "message": "not found"}}
).encode()
INTERNAL: Final = json.dumps(
    {"error": {"code": "internal", "category": "internal",
               "message": "internal error; nothing was changed"}}
).encode()  # fmt: skip


def shape(code: str, category: str, message: str, **extra: object) -> bytes:
    """The error body: ``{"error": {"code", "category", "message", ...}}``."""
    error = {"code": code, "category": category, "message": message, **extra}
    return json.dumps({"error": error}, ensure_ascii=False).encode()


def error_response(problem: TearlineError) -> Response:
    """The response for ``problem`` (a not-found is always the one fixed body)."""
    status = STATUS.get(problem.category, 500)
    if status == 404:
        return Response(NOT_FOUND, 404, media_type=_JSON)
    if status == 500:
        return Response(INTERNAL, 500, media_type=_JSON)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    if status == 429:
        headers = {"Retry-After": "60"}
    body = json.dumps({"error": problem.as_dict()}, ensure_ascii=False).encode()
    return Response(body, status, headers=headers, media_type=_JSON)


async def not_found(request: Request, problem: Exception) -> Response:
    """Any unknown route or method: the one 404."""
    return Response(NOT_FOUND, 404, media_type=_JSON)


async def internal(request: Request, problem: Exception) -> Response:
    """Anything unexpected: a 500 without a word of the exception."""
    return Response(INTERNAL, 500, media_type=_JSON)
