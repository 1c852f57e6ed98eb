"""Routes that change what the node holds: edits (a lower marking is a downgrade, releasing
officers only), the originator's ORCON consents, spills and their incidents (security
officers only).

Each calls the same service as the command line, which decides, writes and audits in one
transaction; an item the caller may not read is the one 404.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import FastAPI, Query
from starlette.responses import JSONResponse

from tearline.api.auth import Caller
from tearline.api.schemas.answers import answers
from tearline.api.schemas.bodies import ConsentIn, DocumentEdit, ItemEdit, SpillIn
from tearline.api.schemas.items import (
    ConsentOut,
    ConsentsOut,
    IncidentOut,
    IncidentsOut,
    StoredItemOut,
)
from tearline.bootstrap import Node
from tearline.labels.codec import to_dict
from tearline.service import Draft, ItemKind, ItemRecord
from tearline.service.consents import consent_data
from tearline.service.spills import incident_data
from tearline.service.views import marking

__all__ = ["change_routes"]


def _edited(node: Node, record: ItemRecord) -> dict[str, Any]:
    return {"id": record.id, "marking": marking(record.label, node.registry),
            "label": to_dict(record.label), "version": record.version}  # fmt: skip


def change_routes(app: FastAPI, node: Node) -> None:
    """Add the edit, consent, spill and incident routes to ``app``."""
    _edit_routes(app, node)
    _spill_routes(app, node)


def _edit_routes(app: FastAPI, node: Node) -> None:
    @app.put("/api/v1/items/{item_id}", summary="A new version of an item (a downgrade: "
             "releasing officers)", **answers(StoredItemOut, 200, 403))  # fmt: skip
    def put_item(item_id: str, body: ItemEdit, who: Caller) -> dict[str, Any]:
        draft = Draft(
            ItemKind(body.kind), body.title, body.content, marking=body.marking,
            scheme=body.scheme, at=body.at, lat=body.lat, lon=body.lon,
        )  # fmt: skip
        return _edited(node, node.items.edit(who.id, item_id, draft, reason=body.reason))

    @app.put("/api/v1/documents/{item_id}", summary="A new version of a document (a "
             "downgrade: releasing officers)", **answers(StoredItemOut, 200, 403))  # fmt: skip
    def put_document(item_id: str, body: DocumentEdit, who: Caller) -> dict[str, Any]:
        portions = tuple((p.marking, p.text) for p in body.portions)
        draft = Draft(ItemKind.DOCUMENT, body.title, "", scheme=body.scheme, portions=portions)
        return _edited(node, node.items.edit(who.id, item_id, draft, reason=body.reason))

    @app.post("/api/v1/documents/{item_id}/consents",
              summary="Record the originator's consent to release ORCON portions",
              **answers(ConsentOut, 201, 403, 409))  # fmt: skip
    def post_consent(item_id: str, body: ConsentIn, who: Caller) -> JSONResponse:
        consent = node.consents.give(who.id, item_id, body.audience, body.reference,
                                     body.portions)  # fmt: skip
        return JSONResponse(consent_data(consent), 201)

    @app.get("/api/v1/documents/{item_id}/consents",
             summary="The ORCON consents recorded for a document",
             **answers(ConsentsOut))  # fmt: skip
    def get_consents(item_id: str, who: Caller) -> dict[str, Any]:
        return {"consents": [consent_data(c) for c in node.consents.of(who.id, item_id)]}


def _spill_routes(app: FastAPI, node: Node) -> None:
    @app.post("/api/v1/items/{item_id}/spill",
              summary="Declare an item spilled (security officers)",
              **answers(IncidentOut, 201, 403, 409))  # fmt: skip
    def post_spill(item_id: str, body: SpillIn, who: Caller) -> JSONResponse:
        return JSONResponse(incident_data(node.spills.declare(who.id, item_id, body.reason)), 201)

    @app.get("/api/v1/incidents", summary="Spill incidents, newest first (security officers)",
             **answers(IncidentsOut, 200, 403))  # fmt: skip
    def list_incidents(
        who: Caller, limit: Annotated[int, Query(ge=1, le=1000)] = 100
    ) -> dict[str, Any]:
        return {"incidents": [incident_data(i) for i in node.spills.incidents(who.id, limit)]}

    @app.get("/api/v1/incidents/{incident_id}", summary="One spill incident (security officers)",
             **answers(IncidentOut, 200, 403))  # fmt: skip
    def get_incident(incident_id: str, who: Caller) -> dict[str, Any]:
        return incident_data(node.spills.incident(who.id, incident_id))
