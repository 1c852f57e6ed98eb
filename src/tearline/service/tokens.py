"""API tokens: created for a person by a security officer, kept only as a hash, expiring,
revocable. Every use is checked against the store, so a revocation counts on the next
request."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import date, timedelta

from tearline.audit import Record
from tearline.errors import InvalidInput, NotFound, Unauthenticated
from tearline.policy.decide import day_of
from tearline.service.context import Context
from tearline.service.people import People
from tearline.service.records import PersonRecord

__all__ = ["Tokens"]

#: How long a token lives unless the officer says otherwise, and at most.
DEFAULT_LIFE = timedelta(days=90)
LONGEST_LIFE = timedelta(days=366)
_SHAPE = re.compile(r"tl_[A-Za-z0-9_-]{43}")
_NOT_AUTHENTICATED = "a valid API token is required: Authorization: Bearer TOKEN"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Tokens:
    """Use cases over API tokens."""

    def __init__(self, ctx: Context, people: People) -> None:
        self._ctx = ctx
        self._people = people

    def create(
        self, actor_id: str, person_id: str, *, expires: date | None = None
    ) -> tuple[str, str]:
        """A new token for ``person_id``: ``(token id, token)``. The token is shown once.

        Raises:
            Denied: the actor is not an active security officer.
            NotFound: no such person.
            InvalidInput: the expiry is not in the next year.
        """

        def work() -> tuple[str, str]:
            at = self._ctx.clock()
            actor = self._people.officer(actor_id, "token.create", person_id, at)
            if self._ctx.store.person(person_id) is None:
                raise NotFound(f"no person {person_id[:40]!r} on this node")
            today = day_of(at)
            until = expires or today + DEFAULT_LIFE
            if not today < until <= today + LONGEST_LIFE:
                raise InvalidInput("a token expires after today and within a year: --expires")
            token = "tl_" + secrets.token_urlsafe(32)
            token_id = "t-" + secrets.token_hex(8)
            self._ctx.store.add_token(token_id, person_id, _digest(token), at, actor.id, until)
            detail = {"token": token_id, "expires": until.isoformat()}
            self._ctx.audit.write([Record(at, actor.id, "token.create", person_id, "done", detail)])
            return token_id, token

        return self._ctx.run(work)

    def authenticate(self, token: str) -> PersonRecord:
        """The person a token speaks for.

        Raises:
            Unauthenticated: the token is malformed, unknown, expired or revoked, or its
                person is gone.
        """
        return self.identify(token)[1]

    def identify(self, token: str) -> tuple[str, PersonRecord, date]:
        """``(token id, person, expiry)`` of a live token (see :meth:`authenticate`)."""
        if not _SHAPE.fullmatch(token):
            raise Unauthenticated(_NOT_AUTHENTICATED)
        with self._ctx.store.transaction(write=False):
            found = self._ctx.store.token(_digest(token))
            person = None if found is None else self._ctx.store.person(found[1])
        if found is None or person is None:
            raise Unauthenticated(_NOT_AUTHENTICATED)
        token_id, _, expires, revoked = found
        if revoked or day_of(self._ctx.clock()) >= expires:
            raise Unauthenticated(_NOT_AUTHENTICATED)
        return token_id, person, expires

    def revoke(self, actor_id: str, token_id: str) -> None:
        """Revoke a token: the next request that carries it is refused.

        Raises:
            NotFound: no such token, or it is revoked already.
        """

        def work() -> None:
            at = self._ctx.clock()
            actor = self._people.officer(actor_id, "token.revoke", token_id, at)
            if not self._ctx.store.revoke_token(token_id, at):
                raise NotFound(f"no live token {token_id[:40]!r}")
            self._ctx.audit.write([Record(at, actor.id, "token.revoke", token_id)])

        self._ctx.run(work)
