"""The API, in-process, over a node on each backend, with a token for each person."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from support.node import BACKENDS, Cast, cast, database_url
from tearline.api import create_app


@dataclass
class Api:
    """A client of the node's API and a token for each of its people."""

    client: TestClient
    world: Cast
    tokens: dict[str, str]

    def as_(self, who: str) -> dict[str, str]:
        """The headers of a request made by ``who`` (officer, us, jp, releaser)."""
        return {"Authorization": f"Bearer {self.tokens[who]}"}


def make_api(world: Cast) -> Api:
    people = {"officer": world.officer, "us": world.us_analyst, "jp": world.jp_analyst,
              "releaser": world.releaser}  # fmt: skip
    tokens = {
        key: world.node.tokens.create(world.officer.id, person.id)[1]
        for key, person in people.items()
    }
    client = TestClient(create_app(world.node), raise_server_exceptions=False)
    return Api(client, world, tokens)


@pytest.fixture(params=BACKENDS)
def api(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Api]:
    with database_url(request.param, tmp_path) as url:
        world = cast(tmp_path / "home", url)
        try:
            yield make_api(world)
        finally:
            world.node.close()
