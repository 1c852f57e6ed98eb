"""``Accept-Language``: which language an answer's messages and reasons are written in.

English is the default; Japanese (``ja``) when the caller prefers it (RFC 9110 §12.5.4:
language ranges with quality values, ``*`` for any, ``q=0`` for "not this one"). A header
that cannot be read is English. Error messages in other languages are data, one TOML file
per language in ``api/languages/`` (English is the errors' own text).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from functools import lru_cache
from importlib import resources
from typing import Any, Final

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["DEFAULT", "SUPPORTED", "LanguageHeaders", "catalogue", "message", "preferred"]

DEFAULT: Final = "en"
SUPPORTED: Final = ("en", "ja")
_RANGE = re.compile(r"\*|[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*")
_QUALITY = re.compile(r"0(?:\.[0-9]{0,3})?|1(?:\.0{0,3})?")
_MAX_HEADER = 1000


def preferred(header: str | None) -> str:
    """The supported language ``header`` prefers (the first listed wins a tie)."""
    if not header or len(header) > _MAX_HEADER:
        return DEFAULT
    best, best_q = DEFAULT, 0.0
    for part in header.split(",")[:32]:
        tag, *params = (piece.strip() for piece in part.split(";"))
        quality = _quality(params)
        if quality is None or not _RANGE.fullmatch(tag):
            continue
        language = DEFAULT if tag == "*" else tag.split("-")[0].lower()
        if language in SUPPORTED and quality > best_q:
            best, best_q = language, quality
    return best


def _quality(params: list[str]) -> float | None:
    """The ``q`` of a language range (1 without one; ``None``: unreadable)."""
    quality = 1.0
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() != "q":
            return None
        if not _QUALITY.fullmatch(value.strip()):
            return None
        quality = float(value)
    return quality


@lru_cache(maxsize=4)
def catalogue(language: str) -> Mapping[str, Mapping[str, str]]:
    """The error messages of ``language`` (``{}`` for English: the errors' own text)."""
    if language == DEFAULT:
        return {}
    text = resources.files("tearline.api.languages").joinpath(f"{language}.toml")
    data: dict[str, Any] = tomllib.loads(text.read_text("utf-8"))
    return {part: dict(data[part]) for part in ("codes", "fields", "categories")}


def message(language: str, code: str, category: str, own: str, fields: Mapping[str, object]
            ) -> str:  # fmt: skip
    """The message of an error in ``language``: its own (English) text, or the catalogue's
    message for its code (or, failing that, its category) filled from its ``fields``."""
    table = catalogue(language)
    if not table:
        return own
    named = table["fields"].get(code) if "field" in fields else None
    template = named or table["codes"].get(code) or table["categories"].get(category)
    if template is None:
        return own
    try:
        return template.format_map(dict(fields))
    except (KeyError, IndexError, ValueError):
        return table["categories"].get(category, own)


class LanguageHeaders:
    """Every answer says which language it is in (``Content-Language``) and that it depends
    on ``Accept-Language`` (``Vary``), unless the answer set them itself."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        header = ""
        for name, value in scope["headers"]:
            if name == b"accept-language":
                header = value.decode("latin-1")
                break
        language = preferred(header).encode()

        async def send_with(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                if b"content-language" not in names:
                    headers.append((b"content-language", language))
                if b"vary" not in names:
                    headers.append((b"vary", b"Accept-Language"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with)
