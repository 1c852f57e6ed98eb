"""The one error tree of Tearline.

Every error Tearline raises on purpose hangs from :class:`TearlineError`::

    TearlineError
    ├── InvalidInput (also ValueError)      the caller gave something malformed
    │   ├── LabelError                      a marking that does not parse or validate;
    │   │                                   ``kind`` is one of ERROR_KINDS
    │   ├── AccessExpressionError           an access expression that does not parse
    │   ├── SchemeError                     a scheme, agreement or nation file is inconsistent
    │   └── TranslationError                a label cannot be carried into another scheme
    │       └── NoAgreement                 no agreement connects the two schemes
    ├── NotFound                            a named thing does not exist (unknown scheme, person…)
    ├── Denied                              the policy refused an action
    └── Conflict                            the request contradicts the current state

Errors carry structured fields (what, where, how to fix) so that the CLI and the API can
render them without parsing messages, and never need to show a traceback.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "ERROR_KINDS",
    "AccessExpressionError",
    "Conflict",
    "Denied",
    "InvalidInput",
    "LabelError",
    "NoAgreement",
    "NotFound",
    "SchemeError",
    "TearlineError",
    "TranslationError",
]

#: The classes of marking errors, as the CLI and API report them.
ERROR_KINDS: Final = frozenset(
    {"syntax", "unknown-token", "order", "conflict", "missing-requirement", "level"}
)


class TearlineError(Exception):
    """Root of every error Tearline raises on purpose."""


class InvalidInput(TearlineError, ValueError):
    """The caller supplied malformed input; the message says what, where and how to fix it."""


class LabelError(InvalidInput):
    """A marking that does not parse or does not satisfy its scheme's rules.

    Attributes:
        kind: one of :data:`ERROR_KINDS`.
        message: what is wrong and how to fix it.
        position: 1-based character column of the offending text (0 when it has none).
        errors: every problem found, leftmost first; ``self`` is ``errors[0]``.
    """

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
        self.message = message
        self.position = position
        self.errors: tuple[LabelError, ...] = errors or (self,)

    def __str__(self) -> str:
        where = f" (column {self.position})" if self.position else ""
        return f"{self.kind}: {self.message}{where}"

    def as_dict(self) -> dict[str, object]:
        """The error as the CLI and API report it: ``{"class", "message", "position"}``."""
        return {"class": self.kind, "message": self.message, "position": self.position}


class AccessExpressionError(InvalidInput):
    """An access expression that is not valid in the Accumulo grammar.

    Attributes:
        message: what is wrong and how to fix it.
        position: 1-based character column of the problem.
    """

    def __init__(self, message: str, position: int) -> None:
        super().__init__(message)
        self.message = message
        self.position = position

    def __str__(self) -> str:
        return f"{self.message} (column {self.position})"


class SchemeError(InvalidInput):
    """A packaged scheme, agreement or nation table is inconsistent (a data error)."""


class TranslationError(InvalidInput):
    """A label or clearance cannot be carried into another scheme without losing protection."""


class NoAgreement(TranslationError):
    """No agreement connects the two schemes: nothing is translated, access is denied."""


class NotFound(TearlineError):
    """A named thing (scheme, person, item) does not exist."""


class Denied(TearlineError):
    """The policy refused the action; ``reasons`` says why."""

    def __init__(self, message: str, reasons: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.reasons = reasons


class Conflict(TearlineError):
    """The request contradicts the current state."""
