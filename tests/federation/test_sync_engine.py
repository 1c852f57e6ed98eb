"""The sync engine against a scripted peer (httpx's MockTransport): retries with backoff,
what a failing peer leaves behind, the pause before the loop tries it again, one sync per
peer at a time, the credential kept to the peer's own origin, and the CLI's error shapes."""

from __future__ import annotations

import base64
import os
import ssl
import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from cli.test_cli_node import Shell
from support.node import BACKENDS, Cast, cast, database_url
from tearline.config import Settings
from tearline.errors import DataFault
from tearline.federation.sync import Sync
from tearline.service.peers import PeerSpec

KEY = base64.b64encode(os.urandom(32)).decode()
TOKEN = "tlp_" + "T" * 43
URL = "http://jp.example:8400"


@pytest.fixture(params=BACKENDS)
def world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Cast]:
    with database_url(request.param, tmp_path) as url:
        made = cast(tmp_path / "home", url)
        made.node.peers.add(made.officer.id, "jp-node",
                            PeerSpec(URL, "JPN", "us-jp", KEY, TOKEN))  # fmt: skip
        try:
            yield made
        finally:
            made.node.close()


Answer = Callable[[httpx.Request], httpx.Response]


def _sync(world: Cast, answer: Answer) -> tuple[Sync, list[float]]:
    pauses: list[float] = []
    return world.node.sync.through(httpx.MockTransport(answer), sleep=pauses.append), pauses


def test_a_peer_answering_503_is_tried_with_backoff_then_paused(world: Cast) -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(503)

    engine, pauses = _sync(world, answer)
    (outcome,) = engine.run()
    assert outcome.error is not None
    assert outcome.error.code == "peer-unavailable"
    assert len(seen) == 4
    assert pauses == [0.2, 0.4, 0.8]
    assert seen[0].headers["authorization"] == f"Bearer {TOKEN}"
    assert seen[0].headers["accept"] == "application/taxii+json;version=2.1"
    store = world.node.store
    with store.transaction(write=False):
        state = store.sync_state("jp-node")
    assert state is not None
    assert (state.attempts, state.next_attempt) == (1, world.clock() + timedelta(seconds=1))
    assert engine.due() == []  # paused: the loop does not try it yet
    world.clock.advance(seconds=2)
    (again,) = engine.due()
    assert again.error is not None
    with store.transaction(write=False):
        state = store.sync_state("jp-node")
    assert state is not None
    assert (state.attempts, state.next_attempt) == (2, world.clock() + timedelta(seconds=2))


def test_the_credential_never_goes_to_another_server(world: Cast) -> None:
    hosts: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        hosts.append(request.url.host)
        return httpx.Response(200, json={"api_roots": ["http://elsewhere.example/taxii2/api/"]})

    engine, _ = _sync(world, answer)
    (outcome,) = engine.run()
    assert outcome.error is not None
    assert outcome.error.code == "peer-protocol"
    assert "another server" in str(outcome.error)
    assert hosts == ["jp.example"]


def test_a_refused_credential_is_reported_not_retried(world: Cast) -> None:
    calls: list[int] = []

    def answer(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return httpx.Response(401, json={"title": "Unauthenticated"})

    engine, _ = _sync(world, answer)
    (outcome,) = engine.run("jp-node")
    assert outcome.error is not None
    assert outcome.error.code == "peer-refused"
    assert "--token" in str(outcome.error)
    assert len(calls) == 1
    assert TOKEN not in str(outcome.as_dict())


def test_one_sync_per_peer_at_a_time(world: Cast) -> None:
    def answer(request: httpx.Request) -> httpx.Response:  # pragma: no cover - never reached
        raise AssertionError("a busy peer is not contacted")

    engine, _ = _sync(world, answer)
    store, at = world.node.store, world.clock()
    with store.transaction():
        assert store.claim_sync("jp-node", "another-process", at, at + timedelta(seconds=60))
    (outcome,) = engine.run(wait=0.2)
    assert outcome.error is not None
    assert outcome.error.code == "conflict"
    assert engine.due() == []  # the loop leaves it to the holder
    with store.transaction():
        store.release_sync("jp-node", "another-process")
        assert store.claim_sync("jp-node", "x", at, at + timedelta(seconds=60))
        store.release_sync("jp-node", "x")


def test_a_peer_without_a_credential_is_skipped_by_the_loop(world: Cast) -> None:
    world.node.peers.add(world.officer.id, "gb-node",
                         PeerSpec("http://gb.example", "JPN", "us-jp", KEY))  # fmt: skip

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(503)

    engine, _ = _sync(world, answer)
    names = [o.name for o in engine.due()]
    assert names == ["jp-node"]
    outcome = engine.run("gb-node")[0]
    assert outcome.error is not None
    assert "--token" in str(outcome.error)


def test_sync_cli_errors_have_the_one_shape(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sh = Shell(tmp_path / "node", capsys)
    code, made = sh.run("init", "--nation", "USA", "--officer", "Ann", "--officer-clearance", "TS")
    assert code == 0
    assert sh.run("sync") == (0, {"peers": []})
    code, missing = sh.run("sync", "--peer", "nope")
    assert code == 3
    assert missing["error"]["code"] == "not-found"
    code, _ = sh.run("peer", "add", "jp-node", "--url", "http://127.0.0.1:9", "--nation",
                         "JPN", "--agreement", "us-jp", "--public-key", KEY, "--as",
                         made["officer"]["id"])  # fmt: skip
    assert code == 0
    code, result = sh.run("sync")
    assert code == 2
    (entry,) = result["peers"]
    assert (entry["pulled"], entry["pushed"], entry["rejected"]) == (0, 0, 0)
    assert entry["error"]["code"] == "invalid-input"
    code, text, _ = sh.text("sync")
    assert code == 2
    assert text.startswith("jp-node: pulled 0, pushed 0, rejected 0; error: invalid-input")


@pytest.mark.parametrize("value", ["0", "true", '"1"', "4000"])
def test_a_bad_sync_interval_refuses_to_start(tmp_path: Path, value: str) -> None:
    (tmp_path / "node.toml").write_text(f"sync_interval_seconds = {value}\n")
    with pytest.raises(DataFault, match="sync_interval_seconds"):
        Settings.load(tmp_path)


def test_the_sync_interval_is_read_and_kept(tmp_path: Path) -> None:
    assert Settings(tmp_path, "sqlite://").sync_interval_seconds == 1.0
    (tmp_path / "node.toml").write_text("sync_interval_seconds = 0.5\n")
    settings = Settings.load(tmp_path)
    assert settings.sync_interval_seconds == 0.5
    settings.save(remember_database=False)
    assert Settings.load(tmp_path).sync_interval_seconds == 0.5


def test_tls_verifies_https_peers_and_trusts_nothing_for_http_ones(world: Cast) -> None:
    sync = world.node.sync
    secure = sync._tls_for("https://jp.example:8400")
    assert secure.verify_mode is ssl.CERT_REQUIRED
    assert secure.check_hostname
    assert secure.cert_store_stats()["x509_ca"] > 0  # certifi's CAs
    assert sync._tls_for("HTTPS://kr.example") is secure  # made once, kept
    plain = sync._tls_for(URL)
    assert plain.verify_mode is ssl.CERT_REQUIRED
    assert plain.check_hostname
    assert plain.cert_store_stats()["x509_ca"] == 0  # would refuse every server


def test_a_round_syncs_its_peers_at_the_same_time(world: Cast) -> None:
    # The first peer's first request waits for the second peer's: one after another, it
    # would wait in vain (until the guard's timeout) and the second would be asked later.
    world.node.peers.add(world.officer.id, "kr-node",
                         PeerSpec("http://kr.example", "JPN", "us-jp", KEY, TOKEN))  # fmt: skip
    second_asked = threading.Event()
    waited: list[bool] = []

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.host == "kr.example":
            second_asked.set()
        elif not waited:
            waited.append(second_asked.wait(timeout=20))
        return httpx.Response(503)

    engine, _ = _sync(world, answer)
    outcomes = engine.run()
    assert waited == [True]
    assert [o.name for o in outcomes] == ["jp-node", "kr-node"]
    assert all(o.error is not None and o.error.code == "peer-unavailable" for o in outcomes)
    second_asked.clear()
    waited.clear()
    world.clock.advance(seconds=2)  # past both pauses: the loop's round does the same
    assert [o.name for o in engine.due()] == ["jp-node", "kr-node"]
    assert waited == [True]


def test_the_pull_asks_a_peer_for_its_items_only(world: Cast) -> None:
    # A Tearline peer's observations come by push (with their revocations); pulling them too
    # would take each twice, so the pull asks for the item types (TAXII 2.1 §3.5).
    asked: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/taxii2/":
            return httpx.Response(200, json={"api_roots": [f"{URL}/taxii2/api/"]})
        if path == "/taxii2/api/collections/":
            return httpx.Response(200, json={"collections": [
                {"id": "c-1", "can_read": True, "can_write": False}]})  # fmt: skip
        asked.append(request)
        return httpx.Response(200, json={"more": False, "objects": []})

    engine, _ = _sync(world, answer)
    (outcome,) = engine.run()
    assert outcome.error is None, outcome.error
    (pull,) = asked
    assert pull.url.path == "/taxii2/api/collections/c-1/objects/"
    assert pull.url.params["match[type]"] == "note,report"
