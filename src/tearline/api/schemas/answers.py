"""How a route documents its answers: the one error shape, the errors every route may give,
and :func:`answers`, the route keywords naming its answer model and its errors.

The routes build their answers as plain dicts; the models of the sibling modules only
describe them in the OpenAPI document (``tests/api/test_api_schema.py`` checks every answer
against them).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

__all__ = [
    "ERRORS",
    "ErrorDetail",
    "ErrorOut",
    "Json",
    "answers",
]

#: A JSON object within an answer (a label, an audit detail).
Json = dict[str, Any]


class ErrorDetail(BaseModel):
    """One error: a stable code, its category (which fixes the HTTP status) and a message;
    some errors add fields (``field``, ``reasons``, ``position``…)."""

    model_config = ConfigDict(extra="allow")

    code: str
    category: str
    message: str


class ErrorOut(BaseModel):
    """The one error shape of every route."""

    error: ErrorDetail


def answers(model: type[BaseModel], status: int = 200, *errors: int) -> dict[str, Any]:
    """Route keywords documenting its answer ``model`` at ``status`` and the ``errors`` it may
    give besides those every route may (:data:`ERRORS`)."""
    responses: dict[int | str, dict[str, Any]] = {status: {"model": model}}
    for code in errors:
        responses[code] = {"model": ErrorOut, "description": _ERROR_TEXT[code]}
    return {"response_model": None, "status_code": status, "responses": responses}


_ERROR_TEXT = {
    401: "No valid API token (missing, malformed, expired or revoked)",
    403: "Refused by policy: the caller may not do this",
    404: "Not found: missing, forbidden or malformed, always the same bytes",
    409: "Conflict with the current state",
    422: "Invalid input: the message names the field and how to fix it",
    429: "Too many failed authentications from this client",
    500: "Internal error; nothing was changed (no detail is given)",
}

#: The errors every route may answer with.
ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorOut, "description": _ERROR_TEXT[code]}
    for code in (401, 404, 422, 429, 500)
}
