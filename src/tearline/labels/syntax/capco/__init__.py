"""The CAPCO-style marking syntax (``CLASSIFICATION//CATEGORY//CATEGORY``, portions in ``( )``).

Used by every scheme whose data file says ``syntax = "capco"``; the vocabulary comes from the
scheme file, the grammar from here. Each name is imported from its module on first use
(PEP 562): reading a canonical marking needs neither the full reader nor the writer.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing is not imported at run time (the command line starts faster)
if TYPE_CHECKING:
    from typing import Any

__all__ = [
    "display_list",
    "read_full",
    "read_marking",
    "release_list",
    "release_words",
    "write_marking",
]

_EXPORTS = {
    "display_list": "write",
    "read_full": "read",
    "read_marking": "read",
    "release_list": "write",
    "release_words": "write",
    "write_marking": "write",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module  # on first use: importlib imports warnings

    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])


if TYPE_CHECKING:
    from tearline.labels.syntax.capco.read import read_full, read_marking
    from tearline.labels.syntax.capco.write import (
        display_list,
        release_list,
        release_words,
        write_marking,
    )
