"""The one error tree of Tearline, and the one shape every error is reported in.

Every error Tearline raises on purpose hangs from :class:`TearlineError`::

    TearlineError                           code            category
    ├── InvalidInput (also ValueError)      invalid-input   invalid-input  the caller's input
    │   ├── LabelError                      invalid-marking invalid-input  a marking that does
    │   │                                                                  not parse or validate;
    │   │                                                                  ``kind`` in ERROR_KINDS
    │   ├── AccessExpressionError           invalid-expression             an access expression
    │   ├── InvalidPerson                   invalid-person                 person data
    │   └── TranslationError                untranslatable                 a label that cannot be
    │       │                                                              carried into a scheme
    │       └── NoAgreement                 no-agreement                   no agreement connects
    │                                                                      the two schemes
    ├── NotFound                            not-found       not-found      a named thing is absent
    │   └── UnknownScheme                   unknown-scheme  invalid-input  no scheme has that id
    ├── Unauthenticated                     unauthenticated unauthenticated who is asking is unknown
    ├── Denied                              denied          forbidden      the policy refused
    ├── Conflict                            conflict        conflict       contradicts the state
    └── DataFault                           data-fault      internal       Tearline's own data is
        └── SchemeError                     scheme-data     internal       broken (a scheme file)

``code`` is a stable identifier for scripts; ``category`` is what an HTTP layer maps to a
status (invalid-input → 422, not-found → 404, unauthenticated → 401, forbidden → 403 or 404,
conflict → 409, internal → 500). :meth:`TearlineError.as_dict` is the one error shape the CLI
and the API print: ``{"code", "category", "message", ...}`` with the error's own fields (a
marking error adds ``class`` and ``position``). Errors carry structured fields (what, where,
how to fix) so nobody parses messages, and nobody needs a traceback.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing is not imported at run time (the command line starts faster)
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import ClassVar, Final

__all__ = [
    "CATEGORIES",
    "ERROR_KINDS",
    "AccessExpressionError",
    "Conflict",
    "DataFault",
    "Denied",
    "InvalidInput",
    "InvalidPerson",
    "LabelError",
    "NoAgreement",
    "NotFound",
    "SchemeError",
    "TearlineError",
    "TranslationError",
    "Unauthenticated",
    "UnknownScheme",
]

#: The classes of marking errors, as the CLI and API report them.
ERROR_KINDS: Final = frozenset(
    {"syntax", "unknown-token", "order", "conflict", "missing-requirement", "level"}
)
#: The categories an error falls in; each maps to one HTTP status.
CATEGORIES: Final = (
    "invalid-input", "not-found", "unauthenticated", "forbidden", "conflict", "internal",
)  # fmt: skip


class TearlineError(Exception):
    """Root of every error Tearline raises on purpose.

    Attributes:
        code: a stable identifier of the kind of error (class attribute).
        category: one of :data:`CATEGORIES` (class attribute).
        message: what is wrong and how to fix it.
    """

    code: ClassVar[str] = "error"
    category: ClassVar[str] = "internal"

    def __init__(self, message: str = "") -> None:
        super().__init__(message)
        self.message = message

    def as_dict(self) -> dict[str, object]:
        """The error as the CLI and API report it: ``{"code", "category", "message", ...}``."""
        return {"code": self.code, "category": self.category, "message": self.message}


class InvalidInput(TearlineError, ValueError):
    """The caller supplied malformed input; the message says what, where and how to fix it."""

    code = "invalid-input"
    category = "invalid-input"


class LabelError(InvalidInput):
    """A marking that does not parse or does not satisfy its scheme's rules.

    Attributes:
        kind: one of :data:`ERROR_KINDS`.
        message: what is wrong and how to fix it.
        position: 1-based character column of the offending text (0 when it has none).
        errors: every problem found, leftmost first; ``self`` is ``errors[0]``.
    """

    code = "invalid-marking"

    def __init__(
        self,
        kind: str,
        message: str,
        position: int,
        errors: tuple[LabelError, ...] = (),
    ) -> None:
        if kind not in ERROR_KINDS:
            raise ValueError(f"unknown label error kind {kind!r}")
        super().__init__(message)
        self.kind = kind
        self.position = position
        self.errors: tuple[LabelError, ...] = errors or (self,)

    def __str__(self) -> str:
        where = f" (column {self.position})" if self.position else ""
        return f"{self.kind}: {self.message}{where}"

    def as_dict(self) -> dict[str, object]:
        """The shared shape plus ``class`` (the kind) and ``position``."""
        return {**super().as_dict(), "class": self.kind, "position": self.position}


class AccessExpressionError(InvalidInput):
    """An access expression that is not valid in the Accumulo grammar.

    Attributes:
        message: what is wrong and how to fix it.
        position: 1-based character column of the problem.
    """

    code = "invalid-expression"

    def __init__(self, message: str, position: int) -> None:
        super().__init__(message)
        self.position = position

    def __str__(self) -> str:
        return f"{self.message} (column {self.position})"

    def as_dict(self) -> dict[str, object]:
        """The shared shape plus ``class`` (always ``syntax``) and ``position``."""
        return {**super().as_dict(), "class": "syntax", "position": self.position}


class InvalidPerson(InvalidInput):
    """Person data that is malformed, ambiguous or names what the register does not know."""

    code = "invalid-person"


class TranslationError(InvalidInput):
    """A label or clearance cannot be carried into another scheme without losing protection."""

    code = "untranslatable"


class NoAgreement(TranslationError):
    """No agreement connects the two schemes: nothing is translated, access is denied."""

    code = "no-agreement"


class NotFound(TearlineError):
    """A named thing (scheme, person, item) does not exist."""

    code = "not-found"
    category = "not-found"


class UnknownScheme(NotFound):
    """No marking scheme has that id (the caller named one that does not exist)."""

    code = "unknown-scheme"
    category = "invalid-input"  # the caller named a scheme that is not there: a 422, not a 404


class Unauthenticated(TearlineError):
    """The caller could not be identified (no, an expired or a revoked credential)."""

    code = "unauthenticated"
    category = "unauthenticated"


class Denied(TearlineError):
    """The policy refused the action; ``reasons`` says why."""

    code = "denied"
    category = "forbidden"

    def __init__(
        self, message: str, reasons: tuple[str, ...] = (),
        translated: Mapping[str, tuple[str, ...]] | None = None,
    ) -> None:  # fmt: skip
        super().__init__(message)
        self.reasons = reasons
        self.translated: Mapping[str, tuple[str, ...]] = translated or {}

    def reasons_in(self, language: str) -> tuple[str, ...]:
        """The reasons in ``language`` when they were written in it, else as given."""
        return self.translated.get(language, self.reasons)


class Conflict(TearlineError):
    """The request contradicts the current state."""

    code = "conflict"
    category = "conflict"


class DataFault(TearlineError):
    """Tearline's own data is inconsistent: not the caller's mistake, and not recoverable."""

    code = "data-fault"
    category = "internal"


class SchemeError(DataFault):
    """A packaged scheme, agreement or nation table is inconsistent."""

    code = "scheme-data"
