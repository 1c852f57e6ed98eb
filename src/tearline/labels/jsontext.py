"""JSON read and written without importing :mod:`json`: the interpreter's C accelerator, direct.

``import json`` imports ``re`` (and with it ``enum``, ``functools`` and ``collections``): about a
fifth of the work ``tearline label parse`` did over the bare interpreter. The label data files
and the command's answers are read and written here with ``_json``'s scanner and encoder, the
ones ``json.loads`` and ``json.dumps(..., ensure_ascii=False)`` use themselves. Whatever they
would not treat exactly alike — no ``_json``, data after the document, a value that is not
JSON — is handed to :mod:`json`, so the results and the errors are the same
(``tests/unit/labels/test_jsontext.py`` compares the two).
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing is not imported at run time (the command line starts faster)
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

__all__ = ["dumps", "loads"]

_WHITESPACE = " \t\n\r"  # what JSON allows around a document (json.decoder.WHITESPACE)


class _Decoding:
    """What ``_json.make_scanner`` reads off ``json.JSONDecoder()``: its default settings."""

    __slots__ = ()
    strict = True
    object_hook = None
    object_pairs_hook = None
    parse_float = float
    parse_int = int

    @staticmethod
    def parse_constant(name: str) -> float:
        return {"-Infinity": float("-inf"), "Infinity": float("inf"), "NaN": float("nan")}[name]


def _refuse(value: object) -> object:
    """The encoder's ``default``: a value JSON has no form for goes to :mod:`json`."""
    raise TypeError(value)


def _tools() -> tuple[Callable[[str, int], tuple[object, int]], Callable[[object], str]] | None:
    try:
        from _json import encode_basestring, make_encoder, make_scanner
    except ImportError:  # pragma: no cover - CPython always has it
        return None
    scanner = make_scanner(_Decoding())  # type: ignore[arg-type]  # it reads the attributes

    def encode(data: object) -> str:
        chunks = make_encoder({}, _refuse, encode_basestring, None, ": ", ", ", False, False, True)
        return "".join(chunks(data, 0))

    return scanner, encode


_TOOLS = _tools()


def loads(text: str) -> Any:
    """``json.loads(text)``."""
    if _TOOLS is not None and text and text[0] not in _WHITESPACE:
        try:
            found, end = _TOOLS[0](text, 0)
        except (StopIteration, ValueError):
            pass  # json reports it, with its own message
        else:
            if not text[end:].strip(_WHITESPACE):
                return found
    import json

    return json.loads(text)


def dumps(data: object) -> str:
    """``json.dumps(data, ensure_ascii=False)``."""
    if _TOOLS is not None and not isinstance(data, str):
        try:
            return _TOOLS[1](data)
        except (TypeError, ValueError, RecursionError):
            pass  # json reports it, with its own message
    import json

    return json.dumps(data, ensure_ascii=False)
