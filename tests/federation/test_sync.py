"""Two real nodes — a US node and a Japan node, each with its own home, database and HTTP
server — peered with the CLI in three commands each way and synced with ``tearline sync``
and ``tearline serve``'s background loop: items flow both ways and read in each side's own
scheme, nothing unreleasable crosses, a tampered object is rejected, a second sync moves
nothing, a peer that was down is caught up, and an item reaches the other side in time."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from cli.test_cli_node import Shell
from support.node import BACKENDS, database_url
from tearline.api import create_app
from tearline.bootstrap import Node, open_node
from tearline.config import Settings
from tearline.federation.signing import sign
from tearline.federation.sync import SyncLoop
from tearline.service.ports import Signer

SHARED = "SECRET//REL TO USA, JPN"
# "REL TO USA" alone is not a marking (the parser says: write NOFORN); not-to-Japan is GBR.
KEPT = ["SECRET//NOFORN", "SECRET//ORCON/REL TO USA, JPN", "SECRET//REL TO USA, GBR"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Served:
    """A node's API on a fixed loopback port, which can be stopped and started again."""

    def __init__(self, node: Node) -> None:
        self.node = node
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        config = uvicorn.Config(create_app(self.node), host="127.0.0.1", port=self.port,
                                log_level="warning", access_log=False, lifespan="off")  # fmt: skip
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 20
        while not self._server.started:
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.01)

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(20)
            self._server = self._thread = None


@dataclass
class Side:
    """One node: its shell (the CLI on its home), its served node and its people."""

    sh: Shell
    served: Served
    officer: str
    analyst: str
    author: str

    @property
    def node(self) -> Node:
        return self.served.node

    def add(self, title: str, marking: str) -> None:
        code, made = self.sh.run("item", "add", "--as", self.author, "--title", title,
                                 "--marking", marking, stdin=f"{title}: text")  # fmt: skip
        assert code == 0, made

    def titles(self) -> dict[str, dict[str, Any]]:
        """What the analyst reads here, by title (``tearline item list --as``)."""
        code, listed = self.sh.run("item", "list", "--as", self.analyst, "--limit", "200")
        assert code == 0, listed
        return {row["title"]: row for row in listed["items"]}

    def sync(self, *extra: str) -> tuple[int, Any]:
        return self.sh.run("sync", *extra)


def _side(sh: Shell, url: str | None, nation: str, officer: str, clearance: str) -> Side:
    database = [] if url is None else ["--database", url]
    code, made = sh.run("init", "--nation", nation, "--officer", "Officer",
                        "--officer-clearance", officer, *database)  # fmt: skip
    assert code == 0, made
    boss = made["officer"]["id"]
    ids = []
    for roles in (["analyst"], ["analyst", "releasing-officer"]):
        code, added = sh.run("person", "add", "--as", boss, "--name", "Reader",
                             "--nationality", nation, "--clearance", clearance,
                             *[f"--role={r}" for r in roles])  # fmt: skip
        assert code == 0, added
        ids.append(added["id"])
    node = open_node(Settings.load(sh.home))
    return Side(sh, Served(node), boss, ids[0], ids[1])


def _peer(here: Side, name: str, there: Side, *token: str) -> str:
    code, shown = there.sh.run("node", "show")
    assert code == 0
    code, added = here.sh.run(
        "peer", "add", name, "--url", there.served.base, "--nation", shown["nation"],
        "--public-key", shown["public_key"], "--agreement", "us-jp", "--as", here.officer,
        *token,
    )  # fmt: skip
    assert code == 0, added
    return str(added["token"])


@pytest.fixture(params=BACKENDS)
def pair(
    request: pytest.FixtureRequest, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> Iterator[tuple[Side, Side]]:
    postgres = request.param == "postgres"
    with database_url(request.param, tmp_path / "us") as us_url, \
            database_url(request.param, tmp_path / "jp") as jp_url:  # fmt: skip
        us = _side(Shell(tmp_path / "us", capsys), us_url if postgres else None, "USA", "TS", "TS")
        jp = _side(Shell(tmp_path / "jp", capsys), jp_url if postgres else None, "JPN", "極秘",
                   "極秘")  # fmt: skip
        try:
            us.served.start()
            jp.served.start()
            # Peered in three commands each way: `node show` on the other, `peer add` (which
            # prints the credential the other presents here), `peer add --token` with the
            # credential the other printed.
            for_jp = _peer(us, "jp-node", jp)
            for_us = _peer(jp, "us-node", us, "--token", for_jp)
            assert _peer(us, "jp-node", jp, "--token", for_us) == for_jp
            yield us, jp
        finally:
            for side in (us, jp):
                side.served.stop()
                side.node.close()


def _counts(result: Any) -> list[tuple[str, int, int, int]]:
    return [(p["name"], p["pulled"], p["pushed"], p["rejected"]) for p in result["peers"]]


def test_items_flow_both_ways_each_read_in_its_own_scheme(pair: tuple[Side, Side]) -> None:
    us, jp = pair
    us.add("Alpha from Washington", SHARED)
    for n, marking in enumerate(KEPT):
        us.add(f"Kept {n}", marking)
    jp.add("東京からの報告", "秘//REL TO JPN, USA")
    jp.add("国内限り", "秘")  # a Japanese SECRET with no release marking stays home
    code, result = us.sync("--json")
    assert code == 0, result
    assert set(result) == {"peers"}
    assert [set(p) for p in result["peers"]] == [{"name", "pulled", "pushed", "rejected"}]
    assert _counts(result) == [("jp-node", 1, 1, 0)]
    code, result = jp.sync("--peer", "us-node")
    assert code == 0, result
    assert _counts(result) == [("us-node", 0, 0, 0)]  # held already: counted in neither
    for side in (us, jp):
        code, again = side.sync()
        assert code == 0
        assert [c[1:] for c in _counts(again)] == [(0, 0, 0)]
    at_jp = jp.titles()
    assert "Alpha from Washington" in at_jp
    assert at_jp["Alpha from Washington"]["scheme"] == "jp"
    assert at_jp["Alpha from Washington"]["originator_nation"] == "USA"
    # SECRET maps up to 極秘 through the agreement, marked as the United States' own
    assert at_jp["Alpha from Washington"]["marking"] == "//USA 極秘//REL TO JPN, USA"
    assert not any(title.startswith("Kept") for title in at_jp)
    at_us = us.titles()
    assert at_us["東京からの報告"]["scheme"] == "us"
    assert at_us["東京からの報告"]["marking"] == "//JPN CONFIDENTIAL//REL TO USA, JPN"  # 秘
    assert at_us["東京からの報告"]["originator_nation"] == "JPN"
    assert "国内限り" not in at_us
    code, text, _ = us.sh.text("item", "list", "--as", us.analyst)
    assert code == 0
    assert "東京からの報告" in text


class Tampering(httpx.BaseTransport):
    """A wire that alters every report in the objects pages it carries (and signs it again
    with ``signer``, if given: the same version sent with other content, validly signed)."""

    def __init__(self, signer: Signer | None = None) -> None:
        self._inner = httpx.HTTPTransport()
        self._signer = signer

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self._inner.handle_request(request)
        if request.method != "GET" or not request.url.path.endswith("/objects/"):
            return response
        body = json.loads(response.read())
        response.close()
        objects = body.get("objects", [])
        markings = [o for o in objects if o.get("type") == "marking-definition"]
        for n, obj in enumerate(objects):
            if obj.get("type") == "report":
                obj["name"] = "altered on the wire"
                if self._signer is not None:
                    objects[n] = sign(obj, markings, self._signer)
        return httpx.Response(response.status_code, headers=response.headers,
                              content=json.dumps(body).encode())  # fmt: skip

    def close(self) -> None:
        self._inner.close()


def test_a_tampered_object_is_rejected_and_audited(pair: tuple[Side, Side]) -> None:
    us, jp = pair
    us.add("Bravo", SHARED)
    node = jp.node
    wired = node.sync.through(Tampering())
    (outcome,) = wired.run("us-node")
    assert (outcome.pulled, outcome.rejected, outcome.error) == (0, 1, None)
    code, audit = jp.sh.run("audit", "search", "--as", jp.officer, "--action", "stix.reject")
    assert code == 0, audit
    assert "altered" in json.dumps(audit)
    assert "altered on the wire" not in jp.titles()
    code, result = us.sync()  # the untouched object still arrives (pushed)
    assert _counts(result) == [("jp-node", 0, 1, 0)]
    assert "Bravo" in jp.titles()
    with node.store.transaction():
        node.store.forget_sync("us-node")  # pull everything again
    resigned = node.sync.through(Tampering(us.node.key))
    (outcome,) = resigned.run("us-node")
    assert (outcome.pulled, outcome.rejected, outcome.error) == (0, 1, None)
    code, audit = jp.sh.run("audit", "search", "--as", jp.officer, "--action", "stix.reject")
    assert "replayed" in json.dumps(audit)  # same id and modified, another signature
    assert "altered on the wire" not in jp.titles()
    (outcome,) = jp.node.sync.run("us-node")  # the genuine version again: held, skipped
    assert (outcome.pulled, outcome.pushed, outcome.rejected) == (0, 0, 0)


def test_a_peer_that_was_down_is_caught_up(pair: tuple[Side, Side]) -> None:
    us, jp = pair
    us.add("Before", SHARED)
    assert _counts(us.sync()[1]) == [("jp-node", 0, 1, 0)]
    jp.served.stop()
    us.add("While down 1", SHARED)
    us.add("While down 2", SHARED)
    code, result = us.sync()
    assert code == 1
    (failed,) = result["peers"]
    assert failed["error"]["code"] == "peer-unavailable"
    assert "Traceback" not in json.dumps(result)
    with us.node.store.transaction(write=False):
        state = us.node.store.sync_state("jp-node")
    assert state is not None
    assert state.attempts == 1
    assert state.last_error is not None
    jp.served.start()
    code, result = us.sync()
    assert code == 0, result
    assert _counts(result) == [("jp-node", 0, 2, 0)]
    assert {"Before", "While down 1", "While down 2"} <= set(jp.titles())


def test_removing_a_peer_revokes_it_at_once(pair: tuple[Side, Side]) -> None:
    us, jp = pair
    assert us.sync()[0] == 0
    code, removed = jp.sh.run("peer", "remove", "us-node", "--as", jp.officer)
    assert (code, removed) == (0, {"removed": "us-node"})
    code, result = us.sync()  # the running Japanese server refuses the US node's credential
    assert code == 2
    (entry,) = result["peers"]
    assert entry["error"]["code"] == "peer-refused"
    with us.node.store.transaction(write=False):
        state = us.node.store.sync_state("jp-node")
    assert state is not None
    assert state.attempts == 1


def test_the_serve_loop_delivers_within_seconds(
    pair: tuple[Side, Side], capsys: pytest.CaptureFixture[str]
) -> None:
    us, jp = pair
    loops = [SyncLoop(side.node.sync, side.node.settings.sync_interval_seconds)
             for side in (us, jp)]  # fmt: skip
    for loop in loops:
        loop.start()
    try:
        time.sleep(1.5)  # both loops have run a round over nothing
        started = time.monotonic()
        us.add("Charlie", SHARED)
        while "Charlie" not in jp.titles():
            assert time.monotonic() - started < 10, "not delivered"
            time.sleep(0.05)
        taken = time.monotonic() - started
        jp.add("応答", "秘//REL TO JPN, USA")
        while "応答" not in us.titles():
            assert time.monotonic() - started < 20, "not delivered back"
            time.sleep(0.05)
        back = time.monotonic() - started - taken
        with capsys.disabled():
            print(f"\nsync loop delivery: US->JP {taken:.2f} s, JP->US {back:.2f} s")
        assert taken < 5
        assert back < 5
        code, result = us.sync("--peer", "jp-node")  # runs beside the loop, one at a time
        assert code == 0, result
        assert [c[1:] for c in _counts(result)] == [(0, 0, 0)]
    finally:
        for loop in loops:
            loop.stop()
