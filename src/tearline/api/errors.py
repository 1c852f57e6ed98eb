"""The one mapping of Tearline's errors to HTTP: status by category, one JSON shape.

A 404 is the same bytes whatever was asked for — missing, forbidden or malformed — and never
echoes the id or the path (one body per language). A 500 carries no exception text. Messages
and a refusal's reasons follow ``Accept-Language`` (see :mod:`.language`): in Japanese the
message comes from the catalogue and the error's own English text is kept as ``detail``.
"""

from __future__ import annotations

import json
from typing import Final

from starlette.requests import Request
from starlette.responses import Response

from tearline.api.language import DEFAULT, message, preferred
from tearline.errors import Denied, TearlineError

__all__ = [
    "NOT_FOUND", "STATUS", "error_response", "fixed", "language_of", "localised_shape", "shape",
]  # fmt: skip

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


def language_of(request: Request) -> str:
    """The language ``request`` prefers (``Accept-Language``)."""
    return preferred(request.headers.get("accept-language"))


def _headers(language: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    return {**(extra or {}), "Content-Language": language, "Vary": "Accept-Language"}


def shape(code: str, category: str, message: str, **extra: object) -> bytes:
    """The error body: ``{"error": {"code", "category", "message", ...}}``."""
    error = {"code": code, "category": category, "message": message, **extra}
    return json.dumps({"error": error}, ensure_ascii=False).encode()


def _localised(error: dict[str, object], language: str) -> dict[str, object]:
    if language == DEFAULT:
        return error
    own = str(error["message"])
    words = message(language, str(error["code"]), str(error["category"]), own, error)
    return {**error, "message": words, "detail": own}


def fixed(status: int, language: str = DEFAULT) -> Response:
    """The one 404 or 500 of ``language``: the same bytes whatever caused it."""
    body = NOT_FOUND if status == 404 else INTERNAL
    if language != DEFAULT:
        error = json.loads(body)["error"]
        body = shape(**{**error, "message": message(language, error["code"], error["code"],
                                                    error["message"], {})})  # fmt: skip
    return Response(body, status, headers=_headers(language), media_type=_JSON)


def error_response(problem: TearlineError, language: str = DEFAULT) -> Response:
    """The response for ``problem`` in ``language`` (a not-found is always the one fixed
    body of that language)."""
    status = STATUS.get(problem.category, 500)
    if status in (404, 500):
        return fixed(status, language)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    if status == 429:
        headers = {"Retry-After": "60"}
    error = problem.as_dict()
    if isinstance(problem, Denied) and problem.reasons:
        error["reasons"] = list(problem.reasons_in(language))
    error = _localised(error, language)
    body = json.dumps({"error": error}, ensure_ascii=False).encode()
    return Response(body, status, headers=_headers(language, headers), media_type=_JSON)


def localised_shape(language: str, code: str, category: str, own: str, **extra: object
                    ) -> bytes:  # fmt: skip
    """:func:`shape` in ``language``."""
    error = _localised({"code": code, "category": category, "message": own, **extra}, language)
    return json.dumps({"error": error}, ensure_ascii=False).encode()


async def not_found(request: Request, problem: Exception) -> Response:
    """Any unknown route or method: the one 404."""
    return fixed(404, language_of(request))


async def internal(request: Request, problem: Exception) -> Response:
    """Anything unexpected: a 500 without a word of the exception."""
    return fixed(500, language_of(request))
