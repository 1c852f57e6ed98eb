"""A page of the node's TAXII collection (TAXII 2.1 §3.4, §5.3, §5.4): what a request asks
for (:class:`Filters`), the objects given (:class:`Shared`), the page (:class:`Envelope`) and
the opaque ``next`` token that continues it — a position in the collection's one order
(version time, then the local id of the item or observation), for items and observations
alike (:class:`~tearline.federation.outbox.Outbox`)."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from tearline.errors import InvalidInput
from tearline.federation.stix import parse_time

__all__ = ["MAX_PAGE", "Envelope", "Filters", "Shared", "added_after", "position_of", "token_of"]

#: The most objects one page holds (TAXII 2.1 §3.4: the server may cap ``limit``).
MAX_PAGE: Final = 1000


@dataclass(frozen=True, slots=True)
class Filters:
    """What a TAXII request asks for (TAXII 2.1 §3.4, §5.3): objects added after a time,
    at most ``limit`` of them, continuing from ``next``, of these ids or types only."""

    added_after: datetime | None = None
    limit: int = 100
    next: str | None = None
    ids: frozenset[str] | None = None
    types: frozenset[str] | None = None


@dataclass(frozen=True, slots=True)
class Shared:
    """One object given out: the signed STIX object, its marking-definitions, when it was
    added to the collection (the time of its version) and its version (``modified``)."""

    obj: dict[str, Any]
    markings: list[dict[str, Any]]
    added: datetime
    version: str


@dataclass(frozen=True, slots=True)
class Envelope:
    """A page: the objects, whether more follow, and the token that continues it."""

    objects: list[Shared]
    more: bool
    next: str | None

    def wire(self) -> list[dict[str, Any]]:
        """The page's STIX objects as a TAXII envelope lists them: each marking-definition
        once, ahead of the objects that refer to it."""
        found: dict[str, dict[str, Any]] = {}
        for shared in self.objects:
            for definition in shared.markings:
                found.setdefault(str(definition["id"]), definition)
            found[str(shared.obj["id"])] = shared.obj
        return list(found.values())


def token_of(position: tuple[datetime, str]) -> str:
    """The opaque ``next`` token (TAXII 2.1 §3.4) of a position in the collection: the
    version time and local id of the last object given (read back by :func:`position_of`)."""
    text = f"{position[0].isoformat()}|{position[1]}"
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def position_of(token: str) -> tuple[datetime, str]:
    """The position a ``next`` token names.

    Raises:
        InvalidInput: not a token this node made.
    """
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        when, local_id = text.split("|", 1)
        at = datetime.fromisoformat(when)
        if at.tzinfo is None:
            raise ValueError("no time zone")
        return at, local_id
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise InvalidInput(
            "next: give the `next` value of the previous page as it was returned"
        ) from None


def added_after(text: str | None) -> datetime | None:
    """The ``added_after`` of a request (TAXII 2.1 §3.4.2), if given.

    Raises:
        InvalidInput: not a timestamp.
    """
    return None if text is None else parse_time(text, "added_after")
