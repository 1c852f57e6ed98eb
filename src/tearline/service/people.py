"""Vetting: registering people and changing their clearances — security officers only.

Every change raises the person's version (which drops any cached decision about them), is
kept as a vetting event (who, when, why) and is audited in the same transaction.
"""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from tearline.audit import Record
from tearline.errors import Conflict, InvalidInput, NotFound
from tearline.policy.decide import day_of
from tearline.policy.model import Person, Status
from tearline.policy.reasons import Reason
from tearline.service.context import Context, Refusal, denied, scheme_of_nation
from tearline.service.fields import printable_text
from tearline.service.records import Grant, PersonRecord, Role, VettingEvent

__all__ = ["People", "new_person_id"]


def new_person_id() -> str:
    """A fresh random person id (``p-`` and 16 hex digits)."""
    return "p-" + secrets.token_hex(8)


def roles_from(values: list[str] | tuple[str, ...]) -> tuple[Role, ...]:
    """Role names as roles; an unknown one is refused, naming the known ones."""
    roles = []
    for value in values:
        try:
            roles.append(Role(value))
        except ValueError:
            known = ", ".join(r.value for r in Role)
            raise InvalidInput(f"unknown role {value!r}; roles are {known}") from None
    return tuple(dict.fromkeys(roles))


class People:
    """Use cases over the person registry."""

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    # ------------------------------------------------------------------ helpers
    def officer(self, actor_id: str, action: str, subject: str, at: datetime) -> PersonRecord:
        """The acting security officer; anyone else is refused (and the refusal audited)."""
        actor = self._ctx.actor(actor_id)
        reason = _officer_problem(actor, at)
        if reason is not None:
            problem = reason.text()
            raise Refusal(
                denied(f"{action} is refused: {problem}", reason),
                Record(at, actor.id, action, subject, "deny", {"reason": problem}),
            )
        return actor

    def _target(self, person_id: str) -> PersonRecord:
        found = self._ctx.store.person(person_id)
        if found is None:
            raise NotFound(f"no person {person_id[:40]!r} on this node")
        return found

    def _validated(self, data: dict[str, Any]) -> Person:
        return Person.from_data(data, registry=self._ctx.registry)

    def _record_change(
        self, actor: PersonRecord, before: PersonRecord, after: PersonRecord, event: str,
        reason: str, at: datetime, **detail: Any,
    ) -> PersonRecord:  # fmt: skip
        changed = replace(after, version=before.version + 1, created=before.created)
        self._ctx.store.update_person(changed, at)
        self._log(actor, changed.id, event, reason, at, detail)
        return changed

    def _log(
        self, actor: PersonRecord, person_id: str, event: str, reason: str, at: datetime,
        detail: dict[str, Any],
    ) -> None:  # fmt: skip
        self._ctx.store.add_vetting_event(
            VettingEvent(person_id, at, event, actor.id, reason, detail)
        )
        facts = {"event": event, "reason": reason, **detail}
        self._ctx.audit.write([Record(at, actor.id, f"person.{event}", person_id, "done", facts)])

    # ------------------------------------------------------------------ use cases
    def add(
        self,
        actor_id: str,
        *,
        name: str,
        nationalities: list[str],
        clearance: str,
        clearance_scheme: str | None = None,
        expires: date | None = None,
        roles: tuple[str, ...] = (Role.ANALYST,),
        authorizations: list[tuple[str, date | None]] | None = None,
        organisation: str = "",
        reason: str = "registered",
    ) -> PersonRecord:
        """Register a person (a security officer acting); returns the new record.

        Raises:
            InvalidPerson / InvalidInput: a field is malformed (named in the message).
            Denied: the actor is not an active security officer.
        """

        def work() -> PersonRecord:
            at = self._ctx.clock()
            actor = self.officer(actor_id, "person.add", "", at)
            person = self.build(
                name=name, nationalities=nationalities, clearance=clearance,
                clearance_scheme=clearance_scheme, expires=expires, roles=roles,
                authorizations=authorizations or [], organisation=organisation, at=at,
            )  # fmt: skip
            self._ctx.store.add_person(person, at)
            detail = {"level": person.clearance_level, "scheme": person.clearance_scheme}
            self._log(actor, person.id, "granted", reason, at, detail)
            return person

        return self._ctx.run(work)

    def build(
        self,
        *,
        name: str,
        nationalities: list[str],
        clearance: str,
        clearance_scheme: str | None,
        expires: date | None,
        roles: tuple[str, ...],
        authorizations: list[tuple[str, date | None]],
        organisation: str,
        at: datetime,
    ) -> PersonRecord:
        """A new person record, every field checked (used by ``add`` and by ``init``)."""
        if not name.strip():
            raise InvalidInput('a person needs a name: --name "Full Name"')
        printable_text(name, "the name", 200)
        printable_text(organisation, "the organisation", 200)
        scheme = clearance_scheme or _home_scheme(self._ctx, nationalities)
        data: dict[str, Any] = {
            "nationality": nationalities,
            "clearance": clearance,
            "clearance_scheme": scheme,
            "authorizations": [
                {"token": t} if e is None else {"token": t, "expires": e.isoformat()}
                for t, e in authorizations
            ],
        }
        if expires is not None:
            data["clearance_expires"] = expires.isoformat()
        checked = self._validated(data)
        today = day_of(at)
        _not_lapsed(expires, today, "--expires ")
        for token, until in authorizations:
            _not_lapsed(until, today, f"--authorization {token}@")
        return PersonRecord(
            id=new_person_id(), name=name.strip(), organisation=organisation.strip(),
            nationalities=tuple(dict.fromkeys(nationalities)), roles=roles_from(roles),
            clearance_level=checked.clearance.level, clearance_scheme=scheme,
            clearance_granted=today, clearance_expires=expires, status=Status.ACTIVE,
            authorizations=tuple(Grant(a.token, today, a.expires) for a in checked.authorizations),
            created=at, modified=at,
        )  # fmt: skip

    def grant(
        self, actor_id: str, person_id: str, *, clearance: str, clearance_scheme: str | None = None,
        expires: date | None = None, reason: str,
    ) -> PersonRecord:  # fmt: skip
        """Grant (or renew) a clearance: ``renewed`` when only the expiry changes."""

        def work() -> PersonRecord:
            at = self._ctx.clock()
            actor = self.officer(actor_id, "person.grant", person_id, at)
            before = self._target(person_id)
            _not_self(actor, before, "person.grant", at)
            _not_lapsed(expires, day_of(at), "--expires ")
            scheme = clearance_scheme or before.clearance_scheme
            data = {"nationality": list(before.nationalities), "clearance": clearance,
                    "clearance_scheme": scheme}  # fmt: skip
            level = self._validated(data).clearance.level
            same = level == before.clearance_level and scheme == before.clearance_scheme
            event = "renewed" if same and before.status is Status.ACTIVE else "granted"
            after = replace(
                before, clearance_level=level, clearance_scheme=scheme, clearance_expires=expires,
                clearance_granted=day_of(at), status=Status.ACTIVE,
            )  # fmt: skip
            detail = {"level": level, "scheme": scheme, "expires": _iso(expires)}
            return self._record_change(actor, before, after, event, reason, at, **detail)

        return self._ctx.run(work)

    def read_in(
        self, actor_id: str, person_id: str, token: str, *, expires: date | None = None,
        reason: str,
    ) -> PersonRecord:  # fmt: skip
        """Grant a compartment or community token (replacing the same token's expiry)."""

        def work() -> PersonRecord:
            at = self._ctx.clock()
            actor = self.officer(actor_id, "person.read-in", person_id, at)
            before = self._target(person_id)
            _not_self(actor, before, "person.read-in", at)
            auth = (
                {"token": token}
                if expires is None
                else {"token": token, "expires": expires.isoformat()}
            )
            checked = self._validated({"nationality": list(before.nationalities),
                                       "clearance": before.clearance_level,
                                       "clearance_scheme": before.clearance_scheme,
                                       "authorizations": [auth]})  # fmt: skip
            held = checked.authorizations[0]
            _not_lapsed(held.expires, day_of(at), f"{held.token}@")
            kept = tuple(g for g in before.authorizations if g.token != held.token)
            grants = (*kept, Grant(held.token, day_of(at), held.expires))
            after = replace(before, authorizations=tuple(sorted(grants, key=lambda g: g.token)))
            detail = {"token": held.token, "expires": _iso(expires)}
            return self._record_change(actor, before, after, "read-in", reason, at, **detail)

        return self._ctx.run(work)

    def read_out(self, actor_id: str, person_id: str, token: str, *, reason: str) -> PersonRecord:
        """Withdraw a compartment or community token."""

        def work() -> PersonRecord:
            at = self._ctx.clock()
            actor = self.officer(actor_id, "person.read-out", person_id, at)
            before = self._target(person_id)
            _not_self(actor, before, "person.read-out", at)
            kept = tuple(g for g in before.authorizations if g.token != token)
            if len(kept) == len(before.authorizations):
                raise InvalidInput(f"{person_id} does not hold {token[:40]!r}; nothing to read out")
            after = replace(before, authorizations=kept)
            return self._record_change(actor, before, after, "read-out", reason, at, token=token)

        return self._ctx.run(work)

    def set_status(self, actor_id: str, person_id: str, event: str, *, reason: str) -> PersonRecord:
        """``suspended``, ``revoked`` or ``reinstated``: takes effect on the next request."""
        target_status, allowed_from = _TRANSITIONS[event]

        def work() -> PersonRecord:
            at = self._ctx.clock()
            actor = self.officer(actor_id, f"person.{event}", person_id, at)
            before = self._target(person_id)
            _not_self(actor, before, f"person.{event}", at)
            if before.status not in allowed_from:
                raise Conflict(_transition_problem(before, event))
            after = replace(before, status=target_status)
            return self._record_change(actor, before, after, event, reason, at)

        if not reason.strip():
            raise InvalidInput("say why: --reason TEXT (it is kept in the person's history)")
        return self._ctx.run(work)

    def show(self, actor_id: str, person_id: str) -> tuple[PersonRecord, list[VettingEvent]]:
        """A person and their vetting history (security officers, or the person themself)."""

        def work() -> tuple[PersonRecord, list[VettingEvent]]:
            at = self._ctx.clock()
            actor = self._ctx.actor(actor_id)
            if actor.id != person_id:
                self.officer(actor_id, "person.show", person_id, at)
            person = self._target(person_id)
            self._ctx.audit.write([Record(at, actor.id, "person.show", person_id)])
            return person, self._ctx.store.vetting_history(person_id)

        return self._ctx.run(work)

    def everyone(self, actor_id: str) -> list[PersonRecord]:
        """Everyone registered (security officers only)."""

        def work() -> list[PersonRecord]:
            at = self._ctx.clock()
            actor = self.officer(actor_id, "person.list", "", at)
            people = self._ctx.store.people()
            self._ctx.audit.write([Record(at, actor.id, "person.list", "", "done",
                                          {"people": len(people)})])  # fmt: skip
            return people

        return self._ctx.run(work)


_TRANSITIONS = {
    "suspended": (Status.SUSPENDED, {Status.ACTIVE}),
    "revoked": (Status.REVOKED, {Status.ACTIVE, Status.SUSPENDED}),
    "reinstated": (Status.ACTIVE, {Status.SUSPENDED}),
}


def _transition_problem(person: PersonRecord, event: str) -> str:
    if event == "reinstated" and person.status is Status.REVOKED:
        return f"{person.id}'s clearance was revoked; grant it anew with `tearline person grant`"
    return f"{person.id}'s clearance is {person.status}; it cannot be {event}"


def _officer_problem(actor: PersonRecord, at: datetime) -> Reason | None:
    if not actor.has_role(Role.SECURITY_OFFICER):
        return Reason.not_in_role(actor.id, Role.SECURITY_OFFICER)
    if actor.status is not Status.ACTIVE:
        return Reason.person_status(actor.id, actor.status)
    if actor.clearance_expires is not None and day_of(at) >= actor.clearance_expires:
        return Reason.person_expired(actor.id, actor.clearance_expires)
    return None


def _not_self(actor: PersonRecord, target: PersonRecord, action: str, at: datetime) -> None:
    if actor.id == target.id:
        reason = Reason.own_vetting()
        problem = reason.text()
        raise Refusal(
            denied(problem, reason),
            Record(at, actor.id, action, target.id, "deny", {"reason": problem}),
        )


def _home_scheme(ctx: Context, nationalities: list[str]) -> str:
    first = nationalities[0] if nationalities else ctx.node.nation
    return scheme_of_nation(ctx.registry, first) or ctx.node.scheme


def _not_lapsed(expires: date | None, today: date, where: str) -> None:
    """A grant that has lapsed already is a mistake, not a grant: refuse it."""
    if expires is not None and expires <= today:
        raise InvalidInput(
            f"{where}{expires.isoformat()} is not after today ({today.isoformat()}): "
            "an expiry is the first day a grant no longer counts"
        )


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()
