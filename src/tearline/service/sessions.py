"""Browser sessions: a person signs in with their API token and gets a session cookie and a
CSRF token.

The session id and the CSRF token are random (256 bits each) and kept only as hashes. A
session ends at its absolute expiry (at most the end of its token's life), after an idle
spell, at logout, and on the next request after its token is revoked or its person is
suspended or revoked. Signing in never reuses a session id the browser already holds (no
session fixation): a new one is drawn, and the one presented is ended.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from tearline.audit import Record
from tearline.errors import Denied, Unauthenticated
from tearline.policy.decide import day_of
from tearline.policy.model import Status
from tearline.service.context import Context
from tearline.service.principals import SessionRecord
from tearline.service.records import PersonRecord
from tearline.service.tokens import Tokens

__all__ = ["CsrfRefused", "Opened", "Sessions"]

#: A session lives at most this long, and ends after this long unused (defaults).
SESSION_LIFE = timedelta(hours=8)
IDLE_LIMIT = timedelta(minutes=30)
#: The last use is written at most this often (so a session may idle this much longer).
_TOUCH_EVERY = timedelta(seconds=60)
_SHAPE = re.compile(r"ts_[A-Za-z0-9_-]{43}")
_SIGN_IN = "sign in again: POST /api/v1/session with your API token"


class CsrfRefused(Denied):
    """An unsafe request authenticated by a session cookie without that session's CSRF
    token in ``X-CSRF-Token``."""

    code = "csrf-token-required"


@dataclass(frozen=True, slots=True)
class Opened:
    """A session just opened: its id (for the cookie), its CSRF token, whose it is, and
    when it ends at the latest. Both secrets are shown this once."""

    session_id: str
    csrf: str
    person: PersonRecord
    expires: datetime


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class Sessions:
    """Use cases over browser sessions."""

    def __init__(
        self,
        ctx: Context,
        tokens: Tokens,
        *,
        life: timedelta = SESSION_LIFE,
        idle: timedelta = IDLE_LIMIT,
    ) -> None:
        self._ctx = ctx
        self._tokens = tokens
        self.life = life
        self.idle = idle

    def open(self, token: str, *, replacing: str | None = None) -> Opened:
        """Sign in with an API token: a new session. ``replacing`` is a session id the
        browser already held; it is ended, never adopted.

        Raises:
            Unauthenticated: the token does not count, or its person is not active.
        """
        token_id, person, token_expires = self._tokens.identify(token)
        if person.status is not Status.ACTIVE:
            raise Unauthenticated(f"{person.id}'s clearance is {person.status}; no session")

        def work() -> Opened:
            at = self._ctx.clock()
            if replacing is not None and _SHAPE.fullmatch(replacing):
                self._ctx.store.end_session(_digest(replacing), at)
            token_end = datetime.combine(token_expires, time(0), UTC)
            expires = min(at + self.life, token_end)
            session_id, csrf = "ts_" + secrets.token_urlsafe(32), secrets.token_urlsafe(32)
            record = SessionRecord(_digest(session_id), person.id, token_id, _digest(csrf),
                                   at, at, expires)  # fmt: skip
            self._ctx.store.add_session(record)
            detail = {"token": token_id, "expires": expires.isoformat()}
            self._ctx.audit.write([Record(at, person.id, "session.open", "", "done", detail)])
            return Opened(session_id, csrf, person, expires)

        return self._ctx.run(work)

    def authenticate(self, session_id: str) -> tuple[PersonRecord, SessionRecord]:
        """The person a live session speaks for, and the session.

        Raises:
            Unauthenticated: no such session, or it has ended, expired or idled out, or its
                token or person no longer counts.
        """
        if not _SHAPE.fullmatch(session_id):
            raise Unauthenticated(f"no valid session; {_SIGN_IN}")
        digest = _digest(session_id)
        at = self._ctx.clock()
        with self._ctx.store.transaction(write=False):
            found = self._ctx.store.session(digest)
            person = None if found is None else self._ctx.store.person(found[0].person_id)
        if found is None or person is None:
            raise Unauthenticated(f"no valid session; {_SIGN_IN}")
        session, token_expires, token_revoked = found
        problem = _ended(session, at, self.idle)
        if problem is None and (token_revoked or day_of(at) >= token_expires):
            problem = "its API token no longer counts"
        if problem is None and person.status is not Status.ACTIVE:
            problem = f"{person.id}'s clearance is {person.status}"
        if problem is not None:
            raise Unauthenticated(f"the session has ended ({problem}); {_SIGN_IN}")
        if at - session.last_seen >= _TOUCH_EVERY:
            with self._ctx.store.transaction():
                self._ctx.store.touch_session(digest, at)
        return person, session

    @staticmethod
    def check_csrf(session: SessionRecord, presented: str | None) -> None:
        """Refuse an unsafe request whose ``X-CSRF-Token`` is not the session's (compared
        in constant time).

        Raises:
            CsrfRefused: the header is missing or wrong.
        """
        given = _digest(presented) if presented else ""
        if not hmac.compare_digest(given.encode(), session.csrf_hash.encode()):
            problem = "a request signed in by cookie carries its session's X-CSRF-Token header"
            raise CsrfRefused(problem, (problem,))

    def now(self) -> datetime:
        """The node's time now."""
        return self._ctx.clock()

    def end(self, person_id: str, session: SessionRecord) -> None:
        """Sign out of ``session`` (as :meth:`authenticate` returned it): it ends at once,
        and its cookie is refused from then on."""

        def work() -> None:
            at = self._ctx.clock()
            self._ctx.store.end_session(session.hash, at)
            detail = {"token": session.token_id}
            self._ctx.audit.write([Record(at, person_id, "session.close", "", "done", detail)])

        self._ctx.run(work)


def _ended(session: SessionRecord, at: datetime, idle: timedelta) -> str | None:
    if session.ended is not None:
        return "signed out"
    if at >= session.expires:
        return "expired"
    if at - session.last_seen >= idle:
        return "idle too long"
    return None
