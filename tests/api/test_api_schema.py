"""The OpenAPI document is honest: schemathesis generates requests for every route and method
from ``/openapi.json`` and sends them to the app in-process (ASGI), as a cleared security
officer, as an analyst and as a caller without a token. No answer may be a 5xx, and every
answer (status, content type, body) must be one the document describes — the one error shape
included. Derandomized and bounded, so CI runs the same cases each time in well under a
minute."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from support.node import Cast, cast
from tearline.api import create_app
from tearline.api.auth import FailureLimiter
from tearline.service import Draft, ItemKind

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = 20  # per route, method and caller


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cast]:
    home = tmp_path_factory.mktemp("schema")
    world = cast(home / "home", f"sqlite:///{home / 'node.db'}")
    items = world.node.items
    items.add(world.us_analyst.id,
              Draft(ItemKind.REPORT, "shared", "c", marking="SECRET//REL TO USA, JPN"))  # fmt: skip
    items.add(world.releaser.id, Draft(ItemKind.DOCUMENT, "doc", "", portions=(
        ("(S//REL TO USA, JPN)", "one"), ("(TS//NF)", "two"))))  # fmt: skip
    try:
        yield world
    finally:
        world.node.close()


@pytest.fixture(scope="module")
def tokens(world: Cast) -> dict[str, str]:
    officer = world.officer.id
    return {
        "officer": world.node.tokens.create(officer, officer)[1],
        "analyst": world.node.tokens.create(officer, world.us_analyst.id)[1],
    }


@pytest.fixture(scope="module")
def app(world: Cast) -> Any:
    # The anonymous caller's guesses run into this limit and get the documented 429; the
    # cleared callers' valid tokens keep being accepted until then.
    return create_app(world.node, limiter=FailureLimiter(limit=20))


def _document() -> dict[str, Any]:
    """The OpenAPI document, read once at collection from an app over a throwaway node (the
    document does not depend on what a node holds)."""
    from fastapi.testclient import TestClient

    with tempfile.TemporaryDirectory() as home:
        node = cast(Path(home) / "home", f"sqlite:///{home}/node.db").node
        try:
            document: dict[str, Any] = TestClient(create_app(node)).get("/openapi.json").json()
        finally:
            node.close()
    return document


# The live stream never ends by itself: its answers are checked in test_api_stream.py.
schema = schemathesis.openapi.from_dict(_document()).exclude(
    path=["/api/v1/items/stream", "/api/v1/cop/stream"]
)


def _check(case: Any, app: Any, token: str | None) -> None:
    headers = {} if token is None else {"Authorization": f"Bearer {token}"}
    case.call_and_validate(app=app, headers=headers, checks=CHECKS)


RUNS = settings(max_examples=EXAMPLES, derandomize=True, deadline=None,
                suppress_health_check=list(HealthCheck))  # fmt: skip


@schema.parametrize()
@RUNS
def test_a_security_officer_gets_only_documented_answers(
    case: Any, app: Any, tokens: dict[str, str]
) -> None:
    _check(case, app, tokens["officer"])


@schema.parametrize()
@RUNS
def test_an_analyst_gets_only_documented_answers(
    case: Any, app: Any, tokens: dict[str, str]
) -> None:
    _check(case, app, tokens["analyst"])


@schema.parametrize()
@RUNS
def test_a_caller_without_a_token_gets_only_documented_answers(case: Any, app: Any) -> None:
    _check(case, app, None)


def test_the_document_names_the_one_error_shape_on_every_route(world: Cast) -> None:
    from fastapi.testclient import TestClient

    document = TestClient(create_app(world.node)).get("/openapi.json").json()
    error = {"$ref": "#/components/schemas/ErrorOut"}
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            for status in ("401", "404", "422", "429", "500"):
                answer = operation["responses"][status]["content"]["application/json"]
                assert answer["schema"] == error, (method, path, status)
            assert any(s.startswith("2") for s in operation["responses"]), (method, path)
    assert "HTTPValidationError" not in document["components"]["schemas"]


def test_the_bare_route_of_the_benchmark_is_absent_by_default(world: Cast) -> None:
    from fastapi.testclient import TestClient

    item = world.node.items.page(world.officer.id, _first())[0].items
    assert item
    plain = TestClient(create_app(world.node))
    missing = plain.get("/no/such/route")
    assert missing.status_code == 404
    for shown in item:
        answer = plain.get(f"/bench/bare/items/{shown.id}")
        assert (answer.status_code, answer.content) == (404, missing.content)
    assert "/bench" not in str(plain.get("/openapi.json").json()["paths"])
    bare = TestClient(create_app(world.node, bare_route=True))
    for shown in item:
        assert bare.get(f"/bench/bare/items/{shown.id}").json()["title"] == shown.title
    assert bare.get("/bench/bare/items/nothing").content == missing.content
    assert plain.get("/bench/committer").content == missing.content
    grouped = bare.get("/bench/committer").json()
    assert grouped["records"] >= 1
    assert grouped["failed"] == 0


def _first() -> Any:
    from tearline.service import Query

    return Query(None, 50, None)
