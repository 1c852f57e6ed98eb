"""Every test here runs against both backends: the embedded SQLite file and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from support.node import BACKENDS, Cast, cast, database_url


@pytest.fixture(params=BACKENDS)
def backend_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of each backend."""
    with database_url(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def world(backend_url: str, tmp_path: Path) -> Iterator[Cast]:
    """A node with its people, on each backend."""
    made = cast(tmp_path / "home", backend_url)
    try:
        yield made
    finally:
        made.node.close()
