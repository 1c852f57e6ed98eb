"""``create_app(node)``: the HTTP API over one node's services.

Every route authenticates the caller by API token (``Authorization: Bearer``) or by a
browser session cookie (unsafe requests then carry its CSRF token); routes that read items
also take a peer node's credential (read as a person of its nation at its agreement's
ceiling). Each calls one service use case (which decides and audits) and renders the answer
in the caller's own scheme. Handlers (and the authentication dependency) are plain functions
that FastAPI runs in its thread pool, so the event loop keeps reading and writing HTTP while a
request waits for the database (a commit's fsync above all). The node's one connection serves
one transaction at a time (``store/database.py`` holds a lock for each): threads take turns,
the audit chain stays one chain, and a statement can never land in another thread's
transaction. Live streams are written from the event loop (``api/stream.py``).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse, Response, StreamingResponse

from tearline import __version__
from tearline.api import errors
from tearline.api.auth import Caller, FailureLimiter, Reader
from tearline.api.changes import change_routes
from tearline.api.cop import cop_routes
from tearline.api.cop_stream import CopStreams, cop_stream_routes
from tearline.api.exchange import exchange_routes
from tearline.api.language import DEFAULT, LanguageHeaders
from tearline.api.schemas.answers import ERRORS, answers
from tearline.api.schemas.bodies import DocumentIn, ItemIn, ReleaseIn
from tearline.api.schemas.items import (
    DocumentOut,
    ItemListOut,
    ItemOut,
    ReleaseOut,
    StoredDocumentOut,
    StoredItemOut,
)
from tearline.api.session import session_routes
from tearline.api.stream import event_stream, stream_routes
from tearline.api.taxii import taxii_app
from tearline.api.ui import ui_routes
from tearline.api.vetting import vetting_routes
from tearline.bootstrap import Node
from tearline.errors import TearlineError
from tearline.feed import Follower
from tearline.labels.codec import to_dict
from tearline.policy.reasons import languages as reason_languages
from tearline.service import Draft, ItemKind, ItemView, PersonRecord
from tearline.service import Query as Listing
from tearline.service.fields import printable_text
from tearline.service.principals import PEER_PREFIX
from tearline.service.views import marking, portions, rendered

__all__ = ["create_app"]


def _validation(request: Request, problem: Exception) -> Response:
    detail = problem.errors() if isinstance(problem, RequestValidationError) else []
    where = ".".join(str(p) for p in detail[0]["loc"]) if detail else "request"
    message = detail[0]["msg"] if detail else "malformed request"
    language = errors.language_of(request)
    body = errors.localised_shape(language, "invalid-input", "invalid-input",
                                  f"{where}: {message}", field=where)  # fmt: skip
    headers = {"Content-Language": language, "Vary": "Accept-Language"}
    return Response(body, 422, headers=headers, media_type="application/json")


def _tearline(request: Request, problem: Exception) -> Response:
    if not isinstance(problem, TearlineError):  # pragma: no cover - registered for it only
        return errors.fixed(500, errors.language_of(request))
    return errors.error_response(problem, errors.language_of(request))


def _http(request: Request, problem: Exception) -> Response:
    return errors.fixed(404, errors.language_of(request))


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
    app.add_middleware(LanguageHeaders)

    app.state.node = node
    app.state.limiter = limiter or FailureLimiter()
    app.state.follower = Follower(node)
    # before the item routes: "/items/stream" is not an item id
    app.state.streams = stream_routes(app, node, app.state.follower)
    app.state.cop_streams = cop_stream_routes(app, node, app.state.follower)
    _routes(app, node)
    app.mount("/taxii2", taxii_app(node, app.state.limiter))
    vetting_routes(app, node)
    change_routes(app, node)
    session_routes(app, node)
    cop_routes(app, node)
    ui_routes(app, node)
    exchange_routes(app, node)
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

    @app.get("/bench/bare/cop/stream", include_in_schema=False)
    async def bare_cop_stream(who: Caller) -> StreamingResponse:
        # the picture with filtering off, for bench/feed.py: every stored label to every
        # subscriber (the caller's token only names the stream), nothing audited
        streams: CopStreams = app.state.cop_streams

        def reauth() -> PersonRecord:
            return who

        subscription = await streams.open(who, reauth, None, None, None, broadcast=True)
        return event_stream(subscription, streams.close)

    @app.get("/bench/committer", include_in_schema=False)
    def committer() -> dict[str, int]:
        # how the reads' audit records were grouped (tearline.service.committer)
        done = node.committer.stats
        return {"commits": done.batches, "records": done.records, "largest": done.largest,
                "failed": done.failures}  # fmt: skip


def _summary(node: Node, summary: Any, scheme: str, display_only: bool) -> dict[str, Any]:
    shown, written_in = rendered(summary.label, scheme, node.registry)
    return {
        "display_only": display_only,
        "id": summary.id, "kind": str(summary.kind), "title": summary.title, "marking": shown,
        "scheme": written_in, "label": to_dict(summary.label), "at": summary.at.isoformat(),
        "version": summary.version, "lat": summary.lat, "lon": summary.lon,
        "partial": summary.partial, "snippet": summary.snippet,
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
        "display_only": view.display_only,
    }  # fmt: skip


def _document(node: Node, view: ItemView) -> dict[str, Any]:
    scheme = view.reader_scheme
    return {
        "id": view.item.id, "title": view.item.title,
        "banner": rendered(view.label, scheme, node.registry)[0], "label": to_dict(view.label),
        "portions": portions(view, node.registry),
        "version": view.item.version, "display_only": view.display_only,
    }  # fmt: skip


def _reasons_language(language: str) -> str:
    """``language`` if reasons are written in it, else English."""
    return language if language in reason_languages() else DEFAULT


def _shown(who: PersonRecord) -> bool:
    """Whether DISPLAY ONLY material may be shown to ``who``: to people viewing it, never to
    a peer node (federation takes copies)."""
    return not who.id.startswith(PEER_PREFIX)


def _routes(app: FastAPI, node: Node) -> None:
    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/api/v1/items", summary="Items the caller may read, newest first",
             **answers(ItemListOut))  # fmt: skip
    def list_items(
        who: Reader,
        kind: Annotated[ItemKind | None, Query()] = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 50,
        cursor: Annotated[str | None, Query(max_length=64)] = None,
        q: Annotated[
            str | None,
            Query(
                min_length=1,
                max_length=200,
                description="Text to search for in what the caller "
                "may read (titles, content, readable portions)",
            ),
        ] = None,
    ) -> dict[str, Any]:
        if q is not None:
            printable_text(q, "query parameter q", 200)
        listing = Listing(kind, limit, cursor, text=q)
        page, reader = node.items.page(who.id, listing, display=_shown(who), count=True)
        rows = [_summary(node, s, reader.clearance_scheme, s.id in page.display_only)
                for s in page.items]  # fmt: skip
        facets = page.facets
        if facets is None:  # pragma: no cover - asked for above
            raise TearlineError("facets missing")
        return {"items": rows, "next": page.next, "total": facets.total,
                "facets": {"kind": facets.kinds, "tier": facets.tiers}}  # fmt: skip

    @app.get("/api/v1/items/{item_id}", summary="One item, as the caller may see it",
             **answers(ItemOut))  # fmt: skip
    def get_item(item_id: str, who: Reader) -> dict[str, Any]:
        return _item(node, node.items.show(who.id, item_id, display=_shown(who)))

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
    def post_release(
        item_id: str, body: ReleaseIn, who: Caller, request: Request
    ) -> JSONResponse:  # fmt: skip
        made = node.releases.release(who.id, item_id, body.audience, relido=body.relido)
        view = ItemView(made.document, made.document.label, made.document.portions,
                        who.clearance_scheme)  # fmt: skip
        language = _reasons_language(errors.language_of(request))
        withheld = [{"position": p, "rule": r.rule, "reason": r.text(language)}
                    for p, r in made.withheld]  # fmt: skip
        data = {**_document(node, view), "source": made.source_id,
                "audience": sorted(made.audience), "withheld": withheld}  # fmt: skip
        return JSONResponse(data, 201)

    @app.get("/api/v1/documents/{item_id}", summary="A document: only the caller's portions",
             **answers(DocumentOut))  # fmt: skip
    def get_document(item_id: str, who: Reader) -> dict[str, Any]:
        return _document(node, node.items.document(who.id, item_id, display=_shown(who)))
