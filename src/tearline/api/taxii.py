"""TAXII 2.1 (OASIS, 2021): the door a peer node reads this node's shared objects from,
mounted at ``/taxii2`` on the API's own server.

Endpoints (TAXII 2.1 section numbers):

- ``GET /taxii2/`` — server discovery (§4.1), listing the one API root by absolute URL;
- ``GET /taxii2/api/`` — the API root's information (§4.2);
- ``GET /taxii2/api/status/{id}/`` — status (§4.3): this node takes no ``POST`` yet, so no
  status exists and every id is not found;
- ``GET /taxii2/api/collections/`` and ``…/collections/{id}/`` — collections (§5.1, §5.2):
  one collection, ``can_read`` only;
- ``GET …/manifest/`` (§5.3), ``…/objects/`` (§5.4), ``…/objects/{object_id}/`` (§5.6),
  ``…/objects/{object_id}/versions/`` (§5.8), with ``limit``/``next`` paging (§3.4),
  ``added_after`` (§3.4.2), ``match[id]`` and ``match[type]`` (§3.5).

The collection holds the node's items (``report``, ``note``) and its live picture's
observations (``observed-data``) in one order — ``date_added`` (§3.4.2: the time of the
object's current version), then the local id — so ``added_after`` and one ``next`` token
cover both, and a retracted observation leaves the pages as an item that may no longer be
given does.

Every request is authenticated (``Authorization: Bearer``, a peer's ``tlp_`` credential or a
person's token: §1.6.5 leaves the scheme to the server) and carries ``Accept:
application/taxii+json;version=2.1`` (§1.6.8.1; otherwise 406). Answers are
``application/taxii+json;version=2.1``; errors have the TAXII error shape (§3.6.1) with the
Tearline error inside ``details``, and a collection or object the caller may not be given is
the same bytes as one that does not exist. What a caller is given, and its audit, is decided
by :class:`tearline.federation.outbox.Outbox`.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Final

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.responses import Response

from tearline.api.auth import FailureLimiter, Reader, reader_of
from tearline.bootstrap import Node
from tearline.errors import InvalidInput, NotFound, TearlineError
from tearline.federation.outbox import Envelope, Filters, added_after
from tearline.federation.stix import stix_time
from tearline.service.principals import PEER_PREFIX
from tearline.service.records import PersonRecord

__all__ = ["MEDIA_TYPE", "taxii_app"]

MEDIA_TYPE: Final = "application/taxii+json;version=2.1"
#: The largest add-objects request taken (the API root's ``max_content_length``).
MAX_CONTENT: Final = 10_485_760
STIX_MEDIA_TYPE: Final = "application/stix+json;version=2.1"
_STATUS: Final = {"invalid-input": 400, "not-found": 404, "unauthenticated": 401,
                  "forbidden": 403, "conflict": 409, "rate-limited": 429,
                  "too-large": 413, "unsupported-media": 415}  # fmt: skip
_TITLES: Final = {400: "Bad request", 401: "Unauthenticated", 403: "Forbidden",
                  404: "Not found", 406: "Not acceptable", 409: "Conflict", 413: "Too large",
                  415: "Unsupported media type", 429: "Too many requests",
                  500: "Internal error"}  # fmt: skip


class TooLarge(InvalidInput):
    """An add-objects request over the API root's ``max_content_length`` (413)."""

    code = "too-large"
    category = "too-large"


class UnsupportedMedia(InvalidInput):
    """An add-objects request that is not ``application/taxii+json;version=2.1`` (415)."""

    code = "unsupported-media"
    category = "unsupported-media"


def _objects_of(body: bytes) -> list[Any]:
    try:
        envelope = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        raise InvalidInput("the body is not JSON: send a TAXII envelope") from None
    objects = envelope.get("objects") if isinstance(envelope, dict) else None
    if not isinstance(objects, list) or not objects:
        raise InvalidInput('send a TAXII envelope: {"objects": [STIX objects]}')
    return objects


def _error(status: int, code: str, category: str, message: str) -> bytes:
    body = {
        "title": _TITLES[status],
        "description": message,
        "http_status": str(status),
        "details": {"error": {"code": code, "category": category, "message": message}},
    }
    return json.dumps(body, ensure_ascii=False).encode()


#: The one not-found of the TAXII door: the same bytes for anything missing or withheld.
NOT_FOUND: Final = _error(404, "not-found", "not-found", "not found")
INTERNAL: Final = _error(500, "internal", "internal", "internal error; nothing was changed")


def _answer(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    body = data if isinstance(data, bytes) else json.dumps(data, ensure_ascii=False).encode()
    return Response(body, status, headers=headers, media_type=MEDIA_TYPE)


def _tearline(request: Request, problem: Exception) -> Response:
    if not isinstance(problem, TearlineError):  # pragma: no cover - registered for it only
        return _answer(INTERNAL, 500)
    status = _STATUS.get(problem.category, 500)
    if status in (404, 500):
        return _answer(NOT_FOUND if status == 404 else INTERNAL, status)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    if status == 429:
        headers = {"Retry-After": "60"}
    return _answer(_error(status, problem.code, problem.category, str(problem)), status, headers)


def _validation(request: Request, problem: Exception) -> Response:
    detail = problem.errors() if isinstance(problem, RequestValidationError) else []
    where = ".".join(str(p) for p in detail[0]["loc"]) if detail else "request"
    message = f"{where}: {detail[0]['msg']}" if detail else "malformed request"
    return _answer(_error(400, "invalid-input", "invalid-input", message), 400)


def _missing(request: Request, problem: Exception) -> Response:
    return _answer(NOT_FOUND, 404)


def _internal(request: Request, problem: Exception) -> Response:
    return _answer(INTERNAL, 500)


def _is_taxii(content_type: str | None) -> bool:
    return _acceptable(content_type)


def _acceptable(accept: str | None) -> bool:
    for part in (accept or "").split(","):
        kind, *params = (p.strip().lower().replace(" ", "") for p in part.split(";"))
        if kind == "application/taxii+json" and all(
            not p.startswith("version=") or p == "version=2.1" for p in params
        ):
            return True
    return False


def _envelope(page: Envelope) -> tuple[dict[str, Any], dict[str, str]]:
    objects: dict[str, dict[str, Any]] = {}
    for shared in page.objects:
        for definition in shared.markings:
            objects.setdefault(str(definition["id"]), definition)
        objects[str(shared.obj["id"])] = shared.obj
    body: dict[str, Any] = {"more": page.more, "objects": list(objects.values())}
    if page.next is not None:
        body["next"] = page.next
    return body, _added_headers(page)


def _added_headers(page: Envelope) -> dict[str, str]:
    if not page.objects:
        return {}
    added = sorted(s.added for s in page.objects)
    return {"X-TAXII-Date-Added-First": stix_time(added[0]),
            "X-TAXII-Date-Added-Last": stix_time(added[-1])}  # fmt: skip


def taxii_app(node: Node, limiter: FailureLimiter) -> FastAPI:
    """The TAXII 2.1 application of ``node``, to mount at ``/taxii2``."""
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None, redirect_slashes=False)
    app.state.node = node
    app.state.limiter = limiter
    app.add_exception_handler(TearlineError, _tearline)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(HTTPException, _missing)
    app.add_exception_handler(Exception, _internal)

    @app.middleware("http")
    async def media_type(request: Request, call_next: Any) -> Response:
        if not _acceptable(request.headers.get("accept")):
            message = f"send Accept: {MEDIA_TYPE}"
            return _answer(_error(406, "not-acceptable", "invalid-input", message), 406)
        response: Response = await call_next(request)
        return response

    _server_routes(app, node)
    _collection_routes(app, node)
    _intake_routes(app, node)
    return app


def _root_url(request: Request) -> str:
    return str(request.base_url).rstrip("/") + "/taxii2/api/"


def _server_routes(app: FastAPI, node: Node) -> None:
    @app.get("/")
    def discovery(request: Request, who: Reader) -> Response:
        """Server discovery (TAXII 2.1 §4.1)."""
        url = _root_url(request)
        return _answer({"title": f"Tearline node {node.info.id}",
                        "description": "TAXII 2.1 over this node's shared items",
                        "default": url, "api_roots": [url]})  # fmt: skip

    @app.get("/api/")
    def api_root(who: Reader) -> Response:
        """API root information (TAXII 2.1 §4.2)."""
        return _answer({"title": f"Tearline node {node.info.id}",
                        "description": "What this node releases to its peers",
                        "versions": [MEDIA_TYPE], "max_content_length": MAX_CONTENT})  # fmt: skip

    @app.get("/api/status/{status_id}/")
    def status(status_id: str, who: Reader) -> Response:
        """Status (TAXII 2.1 §4.3): of an add-objects request the caller made."""
        found = node.inbox.status(who.id, status_id)
        if found is None:
            raise NotFound("not found")
        return _answer(found)


def _filters(
    limit: int, next_: str | None, after: str | None, ids: list[str] | None,
    types: list[str] | None,
) -> Filters:  # fmt: skip
    ids, types = _split(ids), _split(types)
    return Filters(added_after(after), limit, next_, frozenset(ids) if ids else None,
                   frozenset(types) if types else None)  # fmt: skip


_Limit = Annotated[int, Query(ge=1, le=1000)]
_Text = Annotated[str | None, Query(max_length=200)]
_Ids = Annotated[list[str] | None, Query(alias="match[id]", max_length=100)]
_Types = Annotated[list[str] | None, Query(alias="match[type]", max_length=20)]


def _resource(collection: str, who: PersonRecord) -> dict[str, Any]:
    return {
        "id": collection,
        "title": "Items released to you",
        "description": "Reports, documents and observations this node may give you, "
        "each signed, with its Tearline label as a marking-definition",
        "can_read": True,
        "can_write": who.id.startswith(PEER_PREFIX),
        "media_types": [STIX_MEDIA_TYPE],
    }


def _collection_routes(app: FastAPI, node: Node) -> None:
    outbox = node.outbox
    collection = outbox.collection_id

    def check(collection_id: str) -> None:
        if collection_id != collection:
            raise NotFound("not found")

    @app.get("/api/collections/")
    def collections(who: Reader) -> Response:
        """Collections (TAXII 2.1 §5.1)."""
        return _answer({"collections": [_resource(collection, who)]})

    @app.get("/api/collections/{collection_id}/")
    def one_collection(collection_id: str, who: Reader) -> Response:
        """A collection (TAXII 2.1 §5.2)."""
        check(collection_id)
        return _answer(_resource(collection, who))

    @app.get("/api/collections/{collection_id}/objects/")
    def objects(
        collection_id: str, who: Reader, limit: _Limit = 100, next: _Text = None,
        added_after: _Text = None, match_id: _Ids = None, match_type: _Types = None,
    ) -> Response:  # fmt: skip
        """Objects (TAXII 2.1 §5.4) — items and observations, oldest version first — each
        with the marking-definitions it refers to."""
        check(collection_id)
        page = outbox.objects(who.id, _filters(limit, next, added_after, match_id, match_type))
        body, headers = _envelope(page)
        return _answer(body, headers=headers)

    @app.get("/api/collections/{collection_id}/manifest/")
    def manifest(
        collection_id: str, who: Reader, limit: _Limit = 100, next: _Text = None,
        added_after: _Text = None, match_id: _Ids = None, match_type: _Types = None,
    ) -> Response:  # fmt: skip
        """The manifest (TAXII 2.1 §5.3): ids, versions, when added; no content."""
        check(collection_id)
        page = outbox.manifest(who.id, _filters(limit, next, added_after, match_id, match_type))
        rows = [{"id": s.obj["id"], "date_added": stix_time(s.added), "version": s.version,
                 "media_type": STIX_MEDIA_TYPE} for s in page.objects]  # fmt: skip
        body: dict[str, Any] = {"more": page.more, "objects": rows}
        if page.next is not None:
            body["next"] = page.next
        return _answer(body, headers=_added_headers(page))

    @app.get("/api/collections/{collection_id}/objects/{object_id}/")
    def one_object(collection_id: str, object_id: str, who: Reader) -> Response:
        """An object by id (TAXII 2.1 §5.6): its current version, as the caller is given it."""
        check(collection_id)
        page = outbox.objects(who.id, Filters(ids=frozenset({object_id[:200]})))
        if not page.objects:
            raise NotFound("not found")
        body, headers = _envelope(page)
        return _answer(body, headers=headers)

    @app.get("/api/collections/{collection_id}/objects/{object_id}/versions/")
    def versions(collection_id: str, object_id: str, who: Reader) -> Response:
        """An object's versions (TAXII 2.1 §5.8): a node gives only an item's or an
        observation's current version, so the one version listed is that (earlier versions
        are superseded)."""
        check(collection_id)
        page = outbox.manifest(who.id, Filters(ids=frozenset({object_id[:200]})))
        if not page.objects:
            raise NotFound("not found")
        return _answer({"more": False, "versions": [s.version for s in page.objects]},
                       headers=_added_headers(page))  # fmt: skip


def _split(values: list[str] | None) -> list[str] | None:
    """``match[x]=a,b`` and ``match[x]=a&match[x]=b`` alike (TAXII 2.1 §3.5)."""
    if values is None:
        return None
    found = [v.strip() for value in values for v in value.split(",") if v.strip()]
    if not found:
        raise InvalidInput("match: give at least one value")
    return found


def _intake_routes(app: FastAPI, node: Node) -> None:
    collection = node.outbox.collection_id

    @app.post("/api/collections/{collection_id}/objects/")
    async def add_objects(collection_id: str, request: Request) -> Response:
        """Add objects (TAXII 2.1 §5.5): a peer's signed objects, verified, translated and
        stored; answers 202 with the request's status (§4.3.1)."""
        who = await run_in_threadpool(reader_of, request)
        if collection_id != collection:
            raise NotFound("not found")
        if not _is_taxii(request.headers.get("content-type")):
            raise UnsupportedMedia(f"send Content-Type: {MEDIA_TYPE}")
        size = request.headers.get("content-length")
        if size is None or not size.isdigit() or int(size) > MAX_CONTENT:
            raise TooLarge(f"send Content-Length, at most {MAX_CONTENT} bytes")
        body = await request.body()
        if len(body) > MAX_CONTENT:
            raise TooLarge(f"send at most {MAX_CONTENT} bytes")
        objects = _objects_of(body)
        status = await run_in_threadpool(node.inbox.add, who.id, objects)
        return _answer(status, 202)
