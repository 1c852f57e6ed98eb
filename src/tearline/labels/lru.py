"""``functools.lru_cache`` without importing :mod:`functools` (which imports ``collections``).

:func:`lru_cache` wraps a function in the interpreter's own C LRU cache — the one
``functools.lru_cache`` wraps — so the label core's caches behave as before (bounded, least
recently used first out, exceptions not cached, ``cache_clear``, ``cache_info``) while parsing a
marking imports neither ``functools`` nor ``collections``.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing is not imported at run time (the command line starts faster)
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import TypeVar

    F = TypeVar("F", bound=Callable[..., object])

__all__ = ["lru_cache"]


def _cache_info(hits: int, misses: int, maxsize: int, currsize: int) -> tuple[int, ...]:
    """``cache_info()``: ``(hits, misses, maxsize, currsize)``, as a plain tuple."""
    return hits, misses, maxsize, currsize


def lru_cache(maxsize: int) -> Callable[[F], F]:
    """``functools.lru_cache(maxsize=maxsize)``."""

    def wrap(function: F) -> F:
        try:
            from _functools import _lru_cache_wrapper  # type: ignore[import-not-found]
        except ImportError:  # pragma: no cover - CPython always has it
            from functools import lru_cache as python_cache

            return python_cache(maxsize=maxsize)(function)  # type: ignore[return-value]
        cached = _lru_cache_wrapper(function, maxsize, False, _cache_info)
        for name in ("__module__", "__name__", "__qualname__", "__doc__"):
            setattr(cached, name, getattr(function, name))
        cached.__wrapped__ = function
        return cached  # type: ignore[no-any-return]

    return wrap
