"""The limits that keep every access-expression operation bounded in time and memory."""

from __future__ import annotations

TYPE_CHECKING = False  # typing is not imported at run time (the command line starts faster)
if TYPE_CHECKING:
    from typing import Final


#: Deepest parenthesis nesting :meth:`AccessExpression.parse` accepts.
MAX_DEPTH: Final = 100
#: Most terms a normal form may have.
MAX_TERMS: Final = 4096
#: Most terms a product or union may have before absorption shrinks it.
MAX_RAW_TERMS: Final = 4 * MAX_TERMS
#: Work units (set unions and subset tests) one normal-form computation may spend.
WORK_BUDGET: Final = 2_000_000
#: Most token sets :meth:`AccessExpression.implies` enumerates exhaustively (2**16 sets).
MAX_TRUTH_TABLE_TOKENS: Final = 16
#: Longest text whose parse result is kept in the cache.
CACHE_MAX_CHARS: Final = 1024
