"""Who is asking: the person an API token speaks for (401 otherwise)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, Request

from tearline.errors import Unauthenticated
from tearline.service import PersonRecord

if TYPE_CHECKING:
    from tearline.bootstrap import Node

__all__ = ["Caller"]


def _caller(request: Request) -> PersonRecord:
    """The person the request's ``Authorization: Bearer`` token speaks for."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthenticated("a valid API token is required: Authorization: Bearer TOKEN")
    node: Node = request.app.state.node
    return node.tokens.authenticate(token.strip())


#: A route parameter typed ``Caller`` is the authenticated person.
Caller = Annotated[PersonRecord, Depends(_caller)]
