"""Conversions between the records' values and what the database stores."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

from tearline.audit import micros

__all__ = ["day", "from_day", "from_list", "from_us", "to_list", "to_us"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def to_us(when: datetime) -> int:
    """Microseconds since the epoch (``when`` must be timezone-aware)."""
    return micros(when)


def from_us(value: int) -> datetime:
    """The UTC time ``value`` microseconds after the epoch."""
    return _EPOCH + timedelta(microseconds=value)


def day(value: date | None) -> str | None:
    """A date as ISO text."""
    return None if value is None else value.isoformat()


def from_day(value: str | None) -> date | None:
    """ISO text as a date."""
    return None if value is None else date.fromisoformat(value)


def to_list(values: tuple[str, ...]) -> str:
    """A tuple of strings as JSON text."""
    return json.dumps(list(values), ensure_ascii=False, separators=(",", ":"))


def from_list(text: str) -> tuple[str, ...]:
    """JSON text as a tuple of strings."""
    return tuple(json.loads(text))
