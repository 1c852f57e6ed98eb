"""The TAXII 2.1 client a node syncs with its peers through (httpx): discovery (§4.1), the
API root's collections (§5.1), objects pages (§5.4: ``added_after``, ``limit``, ``next``)
and add-objects (§5.5). Each request carries ``Authorization: Bearer`` with the credential
the peer gave this node and ``Accept: application/taxii+json;version=2.1``.

A request that cannot be made, or that the peer answers 429 or 5xx, is tried again after an
exponentially growing pause (bounded: a few tries, a few seconds); then it fails with
:class:`PeerUnavailable`. Nothing a peer sends is trusted: answers that are not what the
specification says are :class:`PeerProtocolError`, and an API root elsewhere than the
peer's own origin is refused (the credential is never sent to another server).
"""

from __future__ import annotations

import json
import ssl
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final
from urllib.parse import urljoin, urlsplit

import httpx

from tearline.errors import Conflict, DataFault, TearlineError, Unauthenticated
from tearline.federation.stix import parse_time, stix_time

__all__ = ["Collection", "Page", "PeerConflict", "PeerProtocolError", "PeerRefused",
           "PeerUnavailable", "TaxiiClient"]  # fmt: skip

MEDIA_TYPE: Final = "application/taxii+json;version=2.1"
_RETRIED: Final = frozenset({429, 500, 502, 503, 504})


class PeerUnavailable(TearlineError):
    """The peer did not answer, or answered only with errors, after every try."""

    code = "peer-unavailable"
    category = "internal"


class PeerRefused(Unauthenticated):
    """The peer refused the credential this node presents there (401 or 403)."""

    code = "peer-refused"


class PeerConflict(Conflict):
    """The peer refused what this node sent as contradicting what it holds (409)."""

    code = "peer-conflict"


class PeerProtocolError(DataFault):
    """The peer answered something TAXII 2.1 does not allow."""

    code = "peer-protocol"


@dataclass(frozen=True, slots=True)
class Collection:
    """A peer's collection: its objects URL and whether this node may read or add."""

    objects_url: str
    can_read: bool
    can_write: bool


@dataclass(frozen=True, slots=True)
class Page:
    """One objects page: the objects, whether more follow, the token to continue, and the
    latest ``date_added`` on it (``X-TAXII-Date-Added-Last``, §5.4)."""

    objects: list[Any]
    more: bool
    next: str | None
    last_added: datetime | None


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    return parts.scheme, (parts.hostname or "").lower(), parts.port


class TaxiiClient:
    """One peer's TAXII 2.1 server, as this node reaches it."""

    def __init__(
        self, name: str, base_url: str, token: str, *,
        transport: httpx.BaseTransport | None = None, tries: int = 4, pause: float = 0.2,
        timeout: float = 10.0, sleep: Callable[[float], None] = time.sleep,
        tls: ssl.SSLContext | None = None, basic: bool = False,
    ) -> None:  # fmt: skip
        """``tls``: the verifying TLS context to use (httpx's default, made again for each
        client, otherwise: a verifying context is tens of milliseconds to make). ``basic``:
        ``token`` is ``USER:PASSWORD`` for HTTP basic authentication (an unsigned feed such
        as medallion), not a Bearer credential."""
        self._name = name
        self._base = base_url.rstrip("/") + "/"
        headers = {"Accept": MEDIA_TYPE}
        auth = None
        if basic:
            user, _, password = token.partition(":")
            auth = httpx.BasicAuth(user, password)
        else:
            headers["Authorization"] = f"Bearer {token}"
        self._http = httpx.Client(headers=headers, transport=transport, auth=auth,
                                  timeout=httpx.Timeout(timeout, connect=3.0),
                                  follow_redirects=False,
                                  verify=True if tls is None else tls)  # fmt: skip
        self._tries, self._pause, self._sleep = max(1, tries), pause, sleep

    def close(self) -> None:
        """Close the connections."""
        self._http.close()

    def __enter__(self) -> TaxiiClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _send(self, method: str, url: str, **options: Any) -> httpx.Response:
        why = ""
        for attempt in range(self._tries):
            if attempt:
                self._sleep(min(self._pause * 2 ** (attempt - 1), 5.0))
            try:
                response = self._http.request(method, url, **options)
            except httpx.TransportError as problem:
                why = type(problem).__name__
                continue
            if response.status_code not in _RETRIED:
                return response
            why = f"HTTP {response.status_code}"
        raise PeerUnavailable(f"peer {self._name} did not answer after {self._tries} tries "
                              f"({why}); it is tried again later")  # fmt: skip

    def _json(self, response: httpx.Response, what: str) -> dict[str, Any]:
        if response.status_code in (401, 403):
            raise PeerRefused(
                f"peer {self._name} refused this node's credential ({response.status_code}): "
                f"give the one its administrator printed with `tearline peer add {self._name} "
                "… --token TOKEN`"
            )
        if response.status_code not in (200, 202):
            raise PeerProtocolError(f"peer {self._name} answered {what} with HTTP "
                                    f"{response.status_code}")  # fmt: skip
        try:
            body = response.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            body = None
        if not isinstance(body, dict):
            raise PeerProtocolError(f"peer {self._name} answered {what} with no JSON object")
        return body

    def _get(self, url: str, what: str, params: Any = None) -> tuple[dict[str, Any], httpx.Headers]:
        response = self._send("GET", url, params=params)
        return self._json(response, what), response.headers

    def collection(self) -> Collection:
        """The peer's collection (discovery → API root → collections: the first readable).

        Raises:
            PeerUnavailable, PeerRefused, PeerProtocolError.
        """
        found, _ = self._get(urljoin(self._base, "taxii2/"), "discovery")
        roots = found.get("api_roots")
        root = found.get("default") or (roots[0] if isinstance(roots, list) and roots else None)
        if not isinstance(root, str):
            raise PeerProtocolError(f"peer {self._name} lists no API root")
        root = urljoin(self._base, root).rstrip("/") + "/"
        if _origin(root) != _origin(self._base):
            raise PeerProtocolError(f"peer {self._name} names an API root on another server; "
                                    "this node's credential is not sent there")  # fmt: skip
        listed, _ = self._get(root + "collections/", "collections")
        for each in listed.get("collections") or []:
            if (
                isinstance(each, Mapping)
                and each.get("can_read")
                and isinstance(each.get("id"), str)
            ):
                url = f"{root}collections/{each['id']}/objects/"
                return Collection(url, True, bool(each.get("can_write")))
        raise PeerProtocolError(f"peer {self._name} offers this node no readable collection")

    def objects(
        self, collection: Collection, *, added_after: datetime | None, next_: str | None,
        limit: int, types: Iterable[str] | None = None,
    ) -> Page:  # fmt: skip
        """A page of the collection's objects (§5.4), of ``types`` only if given
        (``match[type]``, §3.5)."""
        params: dict[str, str] = {"limit": str(limit)}
        if types is not None:
            params["match[type]"] = ",".join(sorted(types))
        if added_after is not None:
            params["added_after"] = stix_time(added_after)
        if next_ is not None:
            params["next"] = next_
        body, headers = self._get(collection.objects_url, "an objects request", params)
        objects = body.get("objects", [])
        more, token = body.get("more", False), body.get("next")
        if (
            not isinstance(objects, list)
            or not isinstance(more, bool)
            or not (token is None or isinstance(token, str))
        ):
            raise PeerProtocolError(f"peer {self._name} sent a malformed envelope")
        last = headers.get("X-TAXII-Date-Added-Last")
        try:
            added = None if last is None else parse_time(last, "X-TAXII-Date-Added-Last")
        except TearlineError:
            raise PeerProtocolError(f"peer {self._name} sent a malformed date_added") from None
        return Page(objects, more, token, added)

    def add(self, collection: Collection, objects: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
        """Add ``objects`` to the collection (§5.5); the status resource (§4.3.1)."""
        body = json.dumps({"objects": list(objects)}, ensure_ascii=False).encode()
        response = self._send("POST", collection.objects_url, content=body,
                              headers={"Content-Type": MEDIA_TYPE})  # fmt: skip
        status = self._json(response, "add-objects")
        if not isinstance(status.get("successes", []), list) or not isinstance(
            status.get("failure_count", 0), int
        ):
            raise PeerProtocolError(f"peer {self._name} sent a malformed status")
        return status

    # ------------------------------------------------------------------ audit anchors
    def _anchors_answer(self, response: httpx.Response, what: str) -> dict[str, Any]:
        if response.status_code == 409:  # the peer holds other checkpoints of the same entries
            try:
                message = str(response.json()["error"]["message"])[:500]
            except (ValueError, KeyError, TypeError):
                message = "it holds other checkpoints for the same entries"
            raise PeerConflict(f"peer {self._name} refused {what}: {message}")
        body = self._json(response, what)
        anchors, held = body.get("anchors", []), body.get("held", 0)
        if not isinstance(anchors, list) or not isinstance(held, int):
            raise PeerProtocolError(f"peer {self._name} answered {what} malformed")
        return body

    def send_anchors(self, node_id: str, anchors: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
        """Give the peer this node's signed audit checkpoints to keep
        (``POST /api/v1/peers/anchors``); its answer: ``{"held", "accepted", "anchors"}``."""
        body = json.dumps({"node": node_id, "anchors": list(anchors)}).encode()
        response = self._send("POST", urljoin(self._base, "api/v1/peers/anchors"),
                              content=body, headers={"Content-Type": "application/json",
                                                     "Accept": "application/json"})  # fmt: skip
        return self._anchors_answer(response, "this node's audit checkpoints")

    def held_anchors(self, after: int, limit: int = 1000) -> dict[str, Any]:
        """The checkpoints of this node the peer holds after ``after``
        (``GET /api/v1/peers/anchors``): ``{"anchors": [...], "held"}``."""
        response = self._send("GET", urljoin(self._base, "api/v1/peers/anchors"),
                              params={"after": str(after), "limit": str(limit)},
                              headers={"Accept": "application/json"})  # fmt: skip
        return self._anchors_answer(response, "a request for this node's checkpoints")
