"""``create_app(node)``: the HTTP API over one node's services.

Every route authenticates the caller by API token (``Authorization: Bearer``), calls one
service use case (which decides and audits) and renders the answer in the caller's own
scheme. Handlers (and the authentication dependency) are plain functions that FastAPI runs
in its thread pool, so the event loop keeps reading and writing HTTP while a request waits
for the database (a commit's fsync above all). The node's one connection serves one
transaction at a time (``store/database.py`` holds a lock for each): threads take turns,
the audit chain stays one chain, and a statement can never land in another thread's
transaction.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse, Response

from tearline import __version__
from tearline.api import errors
from tearline.api.auth import Caller, FailureLimiter
from tearline.api.schemas import (
    ERRORS,
    DocumentIn,
    DocumentOut,
    ItemIn,
    ItemListOut,
    ItemOut,
    ReleaseIn,
    ReleaseOut,
    StoredDocumentOut,
    StoredItemOut,
    answers,
)
from tearline.api.vetting import vetting_routes
from tearline.bootstrap import Node
from tearline.errors import TearlineError
from tearline.labels.codec import to_dict
from tearline.service import Draft, ItemKind, ItemView
from tearline.service import Query as Listing
from tearline.service.items import marking, rendered

__all__ = ["create_app"]


def _validation(request: Request, problem: Exception) -> Response:
    detail = problem.errors() if isinstance(problem, RequestValidationError) else []
    where = ".".join(str(p) for p in detail[0]["loc"]) if detail else "request"
    message = detail[0]["msg"] if detail else "malformed request"
    body = errors.shape("invalid-input", "invalid-input", f"{where}: {message}", field=where)
    return Response(body, 422, media_type="application/json")


def _tearline(request: Request, problem: Exception) -> Response:
    if not isinstance(problem, TearlineError):  # pragma: no cover - registered for it only
        return Response(errors.INTERNAL, 500, media_type="application/json")
    return errors.error_response(problem)


def _http(request: Request, problem: Exception) -> Response:
    if isinstance(problem, HTTPException) and problem.status_code == 405:
        return Response(errors.NOT_FOUND, 404, media_type="application/json")
    return Response(errors.NOT_FOUND, 404, media_type="application/json")


def create_app(
    node: Node, *, limiter: FailureLimiter | None = None, bare_route: bool = False
) -> FastAPI:
    """The API of ``node`` (the caller keeps the node open for the app's lifetime).

    ``limiter`` counts failed authentications per client (default: 10 a minute).
    ``bare_route`` adds ``GET /bench/bare/items/{id}`` for ``bench/api_load.py`` only: it
    returns the stored row with no authentication, policy or audit, the ceiling the real
    routes are measured against. It is never on unless asked for (see ``tearline serve``)."""
    app = FastAPI(
        title="Tearline node API", version=__version__, docs_url=None, redoc_url=None,
        openapi_url="/openapi.json", responses=ERRORS,
        description="Share classified information between allies: every answer is decided "
        "for the caller by their clearance, in their own marking scheme.",
    )  # fmt: skip
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(TearlineError, _tearline)
    app.add_exception_handler(HTTPException, _http)
    app.add_exception_handler(Exception, errors.internal)

    app.state.node = node
    app.state.limiter = limiter or FailureLimiter()
    _routes(app, node)
    vetting_routes(app, node)
    if bare_route:
        _bare_route(app, node)
    return app


def _bare_route(app: FastAPI, node: Node) -> None:
    @app.get("/bench/bare/items/{item_id}", include_in_schema=False)
    def bare_item(item_id: str) -> Response:
        with node.store.transaction(write=False):
            row = node.store.db.one(
                "SELECT id, kind, title, content, at, version FROM items WHERE id = ?",
                (item_id,),
            )
        if row is None:
            return Response(errors.NOT_FOUND, 404, media_type="application/json")
        keys = ("id", "kind", "title", "content", "at", "version")
        return JSONResponse(dict(zip(keys, row, strict=True)))


def _summary(node: Node, summary: Any, scheme: str) -> dict[str, Any]:
    shown, written_in = rendered(summary.label, scheme, node.registry)
    return {
        "id": summary.id, "kind": str(summary.kind), "title": summary.title, "marking": shown,
        "scheme": written_in, "label": to_dict(summary.label), "at": summary.at.isoformat(),
        "version": summary.version, "lat": summary.lat, "lon": summary.lon,
    }  # fmt: skip


def _item(node: Node, view: ItemView) -> dict[str, Any]:
    item = view.item
    shown, written_in = rendered(view.label, view.reader_scheme, node.registry)
    return {
        "id": item.id, "kind": str(item.kind), "title": item.title, "marking": shown,
        "scheme": written_in, "canonical": marking(view.label, node.registry),
        "label": to_dict(view.label), "content": None if item.portions else item.content,
        "at": item.at.isoformat(), "version": item.version, "lat": item.lat, "lon": item.lon,
        "originator": {"nation": item.originator_nation, "organisation": item.originator_org},
    }  # fmt: skip


def _document(node: Node, view: ItemView) -> dict[str, Any]:
    scheme = view.reader_scheme
    return {
        "id": view.item.id, "title": view.item.title,
        "banner": rendered(view.label, scheme, node.registry)[0], "label": to_dict(view.label),
        "portions": [
            {"marking": rendered(p.label, scheme, node.registry)[0], "text": p.text}
            for p in view.portions
        ],
        "version": view.item.version,
    }  # fmt: skip


def _routes(app: FastAPI, node: Node) -> None:
    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/api/v1/items", summary="Items the caller may read, newest first",
             **answers(ItemListOut))  # fmt: skip
    def list_items(
        who: Caller,
        kind: Annotated[ItemKind | None, Query()] = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 50,
        cursor: Annotated[str | None, Query(max_length=64)] = None,
    ) -> dict[str, Any]:
        page, reader = node.items.page(who.id, Listing(kind, limit, cursor))
        rows = [_summary(node, s, reader.clearance_scheme) for s in page.items]
        return {"items": rows, "next": page.next}

    @app.get("/api/v1/items/{item_id}", summary="One item, as the caller may see it",
             **answers(ItemOut))  # fmt: skip
    def get_item(item_id: str, who: Caller) -> dict[str, Any]:
        return _item(node, node.items.show(who.id, item_id))

    @app.post("/api/v1/items", summary="Store a report or observation",
              **answers(StoredItemOut, 201, 403))  # fmt: skip
    def post_item(body: ItemIn, who: Caller) -> JSONResponse:
        draft = Draft(
            ItemKind(body.kind), body.title, body.content, marking=body.marking,
            scheme=body.scheme, at=body.at, lat=body.lat, lon=body.lon,
        )  # fmt: skip
        record = node.items.add(who.id, draft)
        data = {"id": record.id, "marking": marking(record.label, node.registry),
                "label": to_dict(record.label), "version": record.version}  # fmt: skip
        return JSONResponse(data, 201)

    @app.post("/api/v1/documents", summary="Store a portion-marked document",
              **answers(StoredDocumentOut, 201, 403))  # fmt: skip
    def post_document(body: DocumentIn, who: Caller) -> JSONResponse:
        portions = tuple((p.marking, p.text) for p in body.portions)
        draft = Draft(ItemKind.DOCUMENT, body.title, "", scheme=body.scheme, portions=portions)
        record = node.items.add(who.id, draft)
        data = {"id": record.id, "banner": marking(record.label, node.registry),
                "label": to_dict(record.label), "version": record.version}  # fmt: skip
        return JSONResponse(data, 201)

    @app.post("/api/v1/documents/{item_id}/releases",
              summary="Release a document to an audience (releasing officers)",
              **answers(ReleaseOut, 201, 403, 409))  # fmt: skip
    def post_release(item_id: str, body: ReleaseIn, who: Caller) -> JSONResponse:
        made = node.releases.release(who.id, item_id, body.audience, relido=body.relido)
        view = ItemView(made.document, made.document.label, made.document.portions,
                        who.clearance_scheme)  # fmt: skip
        data = {**_document(node, view), "source": made.source_id,
                "audience": sorted(made.audience),
                "withheld": [{"position": p, "reason": r} for p, r in made.withheld]}  # fmt: skip
        return JSONResponse(data, 201)

    @app.get("/api/v1/documents/{item_id}", summary="A document: only the caller's portions",
             **answers(DocumentOut))  # fmt: skip
    def get_document(item_id: str, who: Caller) -> dict[str, Any]:
        return _document(node, node.items.document(who.id, item_id))
