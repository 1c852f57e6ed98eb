"""The picture in a browser: a static page at ``/`` that signs in with an API token (the
session cookie of ``POST /api/v1/session``) and draws ``GET /api/v1/cop/stream`` on a map —
an offline outline of the coasts, no tiles fetched — with each track's mark and the page's
banner above and below: the roll-up of every mark shown, worked out by the node
(``POST /api/v1/labels/rollup``).

The page and its two files hold no data: every datum comes from the API under the signed-in
person's session, decided there. They are served with a strict Content-Security-Policy (no
inline script or style, nothing from elsewhere, never framed).
"""

from __future__ import annotations

from importlib.resources import files
from typing import Final

from fastapi import FastAPI
from starlette.responses import Response

from tearline.api.auth import Caller
from tearline.api.errors import NOT_FOUND
from tearline.api.schemas.answers import answers
from tearline.api.schemas.bodies import RollupIn
from tearline.api.schemas.items import RollupOut
from tearline.bootstrap import Node
from tearline.errors import InvalidInput, TearlineError
from tearline.labels.model import Label
from tearline.labels.parse import parse
from tearline.picture import marking
from tearline.service.views import rendered

__all__ = ["ui_routes"]

_FILES: Final = {
    "picture.js": "text/javascript; charset=utf-8",
    "picture.css": "text/css; charset=utf-8",
}
_HEADERS: Final = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
        "img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
#: Most characters in one marking given to roll up.
_MARKING_MAX: Final = 500


def _asset(name: str) -> bytes:
    return files("tearline.api").joinpath("ui", name).read_bytes()


def _labels(markings: list[str], scheme: str, node: Node) -> list[Label]:
    """Every marking parsed: in ``scheme``, or TLP; a track's mark joins several with " + "."""
    labels: list[Label] = []
    for index, text in enumerate(markings):
        if len(text) > _MARKING_MAX:
            raise InvalidInput(f"markings[{index}]: at most {_MARKING_MAX} characters")
        for part in text.split(" + "):
            written = "tlp" if part.strip().upper().startswith("TLP:") else scheme
            try:
                labels.append(parse(part, written, registry=node.registry))
            except TearlineError as problem:
                raise InvalidInput(
                    f"markings[{index}]: {part[:80]!r} is not a marking of scheme "
                    f"{written!r}: {problem}"
                ) from None
    return labels


def ui_routes(app: FastAPI, node: Node) -> None:
    """Add the page, its two files and the banner roll-up to ``app``."""

    @app.get("/", include_in_schema=False)
    def page() -> Response:
        return Response(_asset("index.html"), media_type="text/html; charset=utf-8",
                        headers=_HEADERS)  # fmt: skip

    @app.get("/ui/{name}", include_in_schema=False)
    def asset(name: str) -> Response:
        media = _FILES.get(name)
        if media is None:
            return Response(NOT_FOUND, 404, media_type="application/json")
        return Response(_asset(name), media_type=media, headers=_HEADERS)

    @app.post("/api/v1/labels/rollup",
              summary="The banner covering markings (a page's banner over the marks it shows)",
              **answers(RollupOut))  # fmt: skip
    def rollup(body: RollupIn, who: Caller) -> dict[str, str]:
        scheme = who.clearance_scheme
        rolled = marking(_labels(body.markings, scheme, node), scheme, registry=node.registry)
        banner = " + ".join(rendered(label, scheme, node.registry)[0] for label in rolled)
        tier = max(label.tier for label in rolled)
        return {"banner": banner, "tier": tier.title.lower().replace(" ", "-")}
