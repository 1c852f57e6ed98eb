"""Routes for security officers: people and their vetting, the audit log; and item versions.

Each calls the same service as the command line, which checks that the caller is an active
security officer (403 otherwise), records the vetting event and audits it.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any

from fastapi import FastAPI, Query
from pydantic import Field
from starlette.responses import JSONResponse

from tearline.api.auth import Caller
from tearline.api.schemas.answers import answers
from tearline.api.schemas.audit import AuditOut, VerifyOut
from tearline.api.schemas.bodies import _Strict
from tearline.api.schemas.items import VersionsOut
from tearline.api.schemas.people import PersonOut, PersonsOut
from tearline.bootstrap import Node
from tearline.labels.codec import to_dict
from tearline.service import PersonRecord, VettingEvent
from tearline.service.views import rendered

__all__ = ["vetting_routes"]


class PersonIn(_Strict):
    """A person to register."""

    name: str = Field(max_length=200)
    nationalities: list[str] = Field(min_length=1, max_length=8)
    clearance: str = Field(max_length=100)
    clearance_scheme: str | None = Field(default=None, max_length=20)
    expires: date | None = None
    roles: list[str] = Field(default_factory=lambda: ["analyst"], max_length=4)
    authorizations: list[tuple[str, date | None]] = Field(default_factory=list, max_length=100)
    organisation: str = Field(default="", max_length=200)
    reason: str = Field(default="registered", max_length=1000)


class Because(_Strict):
    """Why a vetting change is made (kept in the person's history)."""

    reason: str = Field(min_length=1, max_length=1000)


class GrantIn(Because):
    """A clearance granted or renewed."""

    clearance: str = Field(max_length=100)
    clearance_scheme: str | None = Field(default=None, max_length=20)
    expires: date | None = None


class TokenIn(Because):
    """A compartment or community token read in or out."""

    token: str = Field(max_length=200)
    expires: date | None = None


def person_data(record: PersonRecord, history: list[VettingEvent] | None = None) -> dict[str, Any]:
    """A person as the API shows them to a security officer."""
    data: dict[str, Any] = {
        "id": record.id, "name": record.name, "organisation": record.organisation,
        "nationalities": list(record.nationalities), "roles": [str(r) for r in record.roles],
        "clearance": {
            "level": record.clearance_level, "scheme": record.clearance_scheme,
            "granted": record.clearance_granted.isoformat(),
            "expires": record.clearance_expires.isoformat() if record.clearance_expires else None,
            "status": str(record.status),
        },
        "authorizations": [
            {"token": g.token, "expires": g.expires.isoformat() if g.expires else None}
            for g in record.authorizations
        ],
        "version": record.version,
    }  # fmt: skip
    if history is not None:
        data["history"] = [
            {"at": e.at.isoformat(), "event": e.event, "by": e.actor, "reason": e.reason}
            for e in history
        ]
    return data


def vetting_routes(app: FastAPI, node: Node) -> None:
    """Add the vetting, audit and versions routes to ``app``."""
    _people_routes(app, node)
    _change_routes(app, node)
    _audit_routes(app, node)


def _people_routes(app: FastAPI, node: Node) -> None:
    @app.get("/api/v1/persons", summary="Everyone registered (security officers)",
             **answers(PersonsOut, 200, 403))  # fmt: skip
    def list_persons(who: Caller) -> dict[str, Any]:
        return {"persons": [person_data(p) for p in node.people.everyone(who.id)]}

    @app.get("/api/v1/persons/{person_id}", summary="A person and their vetting history",
             **answers(PersonOut, 200, 403))  # fmt: skip
    def get_person(person_id: str, who: Caller) -> dict[str, Any]:
        record, history = node.people.show(who.id, person_id)
        return person_data(record, history)

    @app.post("/api/v1/persons", summary="Register a person", **answers(PersonOut, 201, 403))
    def post_person(body: PersonIn, who: Caller) -> JSONResponse:
        record = node.people.add(
            who.id, name=body.name, nationalities=body.nationalities, clearance=body.clearance,
            clearance_scheme=body.clearance_scheme, expires=body.expires,
            roles=tuple(body.roles), authorizations=list(body.authorizations),
            organisation=body.organisation, reason=body.reason,
        )  # fmt: skip
        return JSONResponse(person_data(record), 201)


def _change_routes(app: FastAPI, node: Node) -> None:
    @app.post("/api/v1/persons/{person_id}/suspend", summary="Suspend a clearance",
              **answers(PersonOut, 200, 403, 409))  # fmt: skip
    def suspend(person_id: str, body: Because, who: Caller) -> dict[str, Any]:
        return person_data(node.people.set_status(who.id, person_id, "suspended",
                                                  reason=body.reason))  # fmt: skip

    @app.post("/api/v1/persons/{person_id}/revoke", summary="Revoke a clearance",
              **answers(PersonOut, 200, 403, 409))  # fmt: skip
    def revoke(person_id: str, body: Because, who: Caller) -> dict[str, Any]:
        return person_data(node.people.set_status(who.id, person_id, "revoked",
                                                  reason=body.reason))  # fmt: skip

    @app.post("/api/v1/persons/{person_id}/reinstate", summary="Reinstate a suspended clearance",
              **answers(PersonOut, 200, 403, 409))  # fmt: skip
    def reinstate(person_id: str, body: Because, who: Caller) -> dict[str, Any]:
        return person_data(node.people.set_status(who.id, person_id, "reinstated",
                                                  reason=body.reason))  # fmt: skip

    @app.post("/api/v1/persons/{person_id}/grants", summary="Grant or renew a clearance",
              **answers(PersonOut, 200, 403, 409))  # fmt: skip
    def grant(person_id: str, body: GrantIn, who: Caller) -> dict[str, Any]:
        record = node.people.grant(
            who.id, person_id, clearance=body.clearance, clearance_scheme=body.clearance_scheme,
            expires=body.expires, reason=body.reason,
        )  # fmt: skip
        return person_data(record)

    @app.post("/api/v1/persons/{person_id}/read-ins", summary="Read into a compartment",
              **answers(PersonOut, 200, 403, 409))  # fmt: skip
    def read_in(person_id: str, body: TokenIn, who: Caller) -> dict[str, Any]:
        record = node.people.read_in(who.id, person_id, body.token, expires=body.expires,
                                     reason=body.reason)  # fmt: skip
        return person_data(record)

    @app.post("/api/v1/persons/{person_id}/read-outs", summary="Read out of a compartment",
              **answers(PersonOut, 200, 403, 409))  # fmt: skip
    def read_out(person_id: str, body: TokenIn, who: Caller) -> dict[str, Any]:
        return person_data(node.people.read_out(who.id, person_id, body.token,
                                                reason=body.reason))  # fmt: skip


def _audit_routes(app: FastAPI, node: Node) -> None:
    @app.get("/api/v1/audit", summary="Search the audit log (security officers)",
             **answers(AuditOut, 200, 403))  # fmt: skip
    def search_audit(
        who: Caller,
        actor: Annotated[str | None, Query(max_length=100)] = None,
        action: Annotated[str | None, Query(max_length=100)] = None,
        subject: Annotated[str | None, Query(max_length=100)] = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    ) -> dict[str, Any]:
        found = node.oversight.search(who.id, actor=actor, action=action, subject=subject,
                                      limit=limit)  # fmt: skip
        entries = [
            {"seq": e.seq, "at": e.at, "actor": e.actor, "action": e.action,
             "subject": e.subject, "outcome": e.outcome, "detail": json.loads(e.detail)}
            for e in found
        ]  # fmt: skip
        return {"entries": entries}

    @app.get("/api/v1/audit/verify", summary="Verify the audit chain",
             **answers(VerifyOut, 200, 403))  # fmt: skip
    def verify_audit(who: Caller) -> dict[str, Any]:
        node.oversight.search(who.id, limit=1)  # the same check: security officers only
        found = node.oversight.verify()
        if found.valid:
            return {"valid": True, "entries": found.entries}
        return {"valid": False, "first_bad": found.first_bad, "problem": found.problem}

    @app.get("/api/v1/items/{item_id}/versions", summary="An item's versions the caller may read",
             **answers(VersionsOut))  # fmt: skip
    def versions(item_id: str, who: Caller) -> dict[str, Any]:
        shown = node.items.versions(who.id, item_id)
        scheme = who.clearance_scheme
        return {"versions": [
            {"version": v["version"], "title": v["title"], "modified": v["modified"].isoformat(),
             "by": v["by"], "marking": rendered(v["label"], scheme, node.registry)[0],
             "label": to_dict(v["label"])}
            for v in shown
        ]}  # fmt: skip
