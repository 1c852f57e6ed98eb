"""RFC 8785 JSON Canonicalization Scheme (JCS), fast for what Tearline signs.

:func:`canonical` gives the same bytes as ``rfc8785.dumps`` (the reference, pure Python, about
ten times slower) and raises what it raises. The standard library's encoder
(``json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False)``) writes exactly
the JCS form of a value when:

- every number is an integer within ±(2**53 - 1), or a float with a fractional part and a
  magnitude in [1e-4, 1e16) (RFC 8785 §3.2.2.3 writes numbers the ECMAScript way: for these
  integers that is Python's; for these floats both write the shortest digits that round-trip
  in plain decimal notation — an observation's position, a speed. Other floats differ —
  ``1e+21``, ``1e-7``, ``35`` for ``35.0``, ``0`` for ``-0.0`` — and go to the reference);
- no object key holds a character beyond U+FFFF (§3.2.3 sorts keys by UTF-16 code units,
  Python by code points: the two differ only between such a character and U+E000–U+FFFF);
- strings encode to UTF-8 (a lone surrogate is an error, §3.2.2.2), and the escapes are
  JSON.stringify's: ``\\b \\f \\n \\r \\t \\" \\\\``, other controls as lowercase ``\\u00xx``,
  nothing else (DEL, U+2028 and U+2029 are written as they are), as the encoder writes them;
- every container is exactly a ``dict`` with ``str`` keys, a ``list`` or a ``tuple`` and every
  scalar exactly ``str``, ``int``, ``bool`` or ``None`` (a subclass may serialise itself
  otherwise).

Anything else goes to ``rfc8785``, which writes it or raises. ``tests/federation/test_jcs.py``
holds the two to the same bytes over random JSON values.
"""

from __future__ import annotations

import json
import re
from typing import Any, Final

import rfc8785

__all__ = ["canonical"]

_LIMIT: Final = 2**53 - 1
_ASTRAL: Final = re.compile("[\U00010000-\U0010ffff]")
_encode = json.JSONEncoder(
    ensure_ascii=False, allow_nan=False, sort_keys=True, separators=(",", ":")
).encode


def canonical(value: Any) -> bytes:
    """The RFC 8785 canonical JSON bytes of ``value`` (``rfc8785.dumps``'s, byte for byte).

    Raises:
        rfc8785.CanonicalizationError: ``value`` has no JCS form (a float that is not finite,
            an integer beyond ±(2**53 - 1), a key that is not a string, a lone surrogate, a
            type JSON has not).
        UnicodeEncodeError: a lone surrogate in an object key (as ``rfc8785`` raises it).
    """
    try:
        if _plain(value):
            return _encode(value).encode("utf-8")
    except (RecursionError, UnicodeEncodeError):
        pass
    return rfc8785.dumps(value)


def _plain(value: Any) -> bool:
    """Whether the standard encoder writes ``value`` exactly as JCS does (see above)."""
    kind = type(value)
    if kind is dict:
        try:
            keys = "".join(value)  # a TypeError if a key is not a str
        except TypeError:
            return False
        if not keys.isascii() and _ASTRAL.search(keys):
            return False
        items = value.values()
    elif kind is list or kind is tuple:
        items = value
    else:
        return _scalar(value)
    for item in items:
        kind = type(item)
        if kind is str or item is None or kind is bool:
            continue
        if kind is int:
            if -_LIMIT <= item <= _LIMIT:
                continue
            return False
        if kind is float:
            if _plain_float(item):
                continue
            return False
        if not _plain(item):
            return False
    return True


def _plain_float(value: float) -> bool:
    """Whether ``repr(value)`` is its ECMAScript form: fixed notation (Python's for
    magnitudes in [1e-4, 1e16), ECMAScript's in [1e-6, 1e21)) with a fractional part
    (ECMAScript writes ``35`` for ``35.0``)."""
    return 1e-4 <= abs(value) < 1e16 and not value.is_integer()


def _scalar(value: Any) -> bool:
    kind = type(value)
    if kind is int:
        return bool(-_LIMIT <= value <= _LIMIT)
    if kind is float:
        return _plain_float(value)
    return kind is str or value is None or kind is bool
