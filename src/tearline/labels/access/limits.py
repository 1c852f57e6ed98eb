"""The limits that keep every access-expression operation bounded in time and memory."""

from __future__ import annotations

from typing import Final

#: Deepest parenthesis nesting :meth:`AccessExpression.parse` accepts.
_MAX_DEPTH: Final = 100
#: Most terms a normal form may have.
_MAX_TERMS: Final = 4096
#: Most terms a product or union may have before absorption shrinks it.
_MAX_RAW_TERMS: Final = 4 * _MAX_TERMS
#: Work units (set unions and subset tests) one normal-form computation may spend.
_WORK_BUDGET: Final = 2_000_000
#: Most token sets :meth:`AccessExpression.implies` enumerates exhaustively (2**16 sets).
_MAX_TRUTH_TABLE_TOKENS: Final = 16
#: Longest text whose parse result is kept in the cache.
_CACHE_MAX_CHARS: Final = 1024
