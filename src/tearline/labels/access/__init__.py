"""Apache Accumulo access expressions: parse, normalise, evaluate and reason about them.

An access expression says which authorizations a reader must hold, in the grammar of the Apache
accumulo-access ``SPECIFICATION.md``::

    access-expression = [expression]        ; the empty string is valid, always accessible
    expression        = (access-token / paren-expression) [and-expression / or-expression]
    paren-expression  = "(" expression ")"
    and-expression    = "&" (access-token / paren-expression) [and-expression]
    or-expression     = "|" (access-token / paren-expression) [or-expression]
    access-token      = 1*( ALPHA / DIGIT / "_" / "-" / "." / ":" / "/" )
    access-token      =/ DQUOTE 1*(unicode-subset / "\\" DQUOTE / "\\\\") DQUOTE

``&`` and ``|`` may not be mixed at one nesting level without parentheses, there is no
whitespace, and tokens compare after unquoting and unescaping.

Deliberate limits, all reported as :class:`~tearline.errors.AccessExpressionError`:

* Control characters (U+0000-U+001F, U+007F-U+009F) and lone surrogates are refused even inside
  quotes. The specification admits controls in quoted tokens but asks implementations to offer a
  way to limit authorizations to readable characters; invisible characters have no place in a
  security marking, and a lone surrogate (an undecodable byte) is not Unicode at all.
* Parentheses nest at most 100 deep, so no operation can exhaust the interpreter's stack.
* Normal forms (:meth:`AccessExpression.dnf`) are refused beyond 4096 terms, or when computing
  them would take unreasonable work.

Parsing is linear in the length of the text; results for texts up to 1024 characters are cached.

The module is pure: standard library only, no I/O.
"""

from tearline.errors import AccessExpressionError
from tearline.labels.access.expression import EMPTY, AccessExpression
from tearline.labels.access.nodes import And, Node, Or, Token, quote_token

__all__ = [
    "EMPTY",
    "AccessExpression",
    "AccessExpressionError",
    "And",
    "Node",
    "Or",
    "Token",
    "quote_token",
]
