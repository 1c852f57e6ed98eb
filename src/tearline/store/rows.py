"""Conversions between the records' values and what the database stores."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

from tearline.audit import micros

__all__ = ["day", "from_day", "from_list", "from_us", "to_list", "to_us", "version_order"]

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


def version_order(
    since: datetime | None, after: tuple[datetime, str] | None
) -> tuple[str, list[object]]:
    """The conditions and parameters that continue a walk in version order — made after
    ``since``, past the position ``after`` (version time, id) — and its ``ORDER BY``: the
    federation's incremental reads of items and of observations."""
    sql, params = "", list[object]()
    if since is not None:
        sql += " AND modified > ?"
        params.append(to_us(since))
    if after is not None:  # a row value: an index range (the OR of its parts is a scan)
        sql += " AND (modified, id) > (?, ?)"
        params += [to_us(after[0]), after[1]]
    return sql + " ORDER BY modified, id LIMIT ?", params
