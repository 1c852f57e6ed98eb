"""Fault test: either node killed (SIGKILL) in the middle of a sync of 10,000 objects; after
a restart the receiving node holds each object exactly once.

The US node serves 10,000 releasable reports (``tearline serve``, a process of its own); the
Japan node pulls them with ``tearline sync`` (another process). First the Japan node's sync
is killed once it has taken some pages, then run again; then — after more reports — the US
server is killed mid-sync, the sync fails and says so, the server is started again on the
same port and the sync run again. Each time the Japan node ends holding every report once:
one item per STIX id, no id twice, none missing."""

from __future__ import annotations

import base64
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tearline.bootstrap import Officer, create_node
from tearline.config import Settings

BASE = [sys.executable, "-m", "tearline"]
COUNT = 10_000
MORE = 3_000


def _run(home: Path, *args: str, check: bool = True) -> tuple[int, Any]:
    done = subprocess.run([*BASE, *args, "--home", str(home), "--json"], capture_output=True,
                          text=True, timeout=600, check=False)  # fmt: skip
    assert "Traceback" not in done.stdout + done.stderr
    if check:
        assert done.returncode == 0, done.stdout + done.stderr
    return done.returncode, json.loads(done.stdout) if done.stdout.strip() else None


def _seed(home: Path, author: str, start: int, count: int) -> None:
    from tearline.bootstrap import open_node

    with open_node(Settings.load(home)) as node:
        lines = (json.dumps({"title": f"report {n}", "content": f"text {n}",
                             "marking": "SECRET//REL TO USA, JPN"})
                 for n in range(start, start + count))  # fmt: skip
        node.bulk.import_lines(author, lines)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def _serving(home: Path, port: int) -> Iterator[subprocess.Popen[str]]:
    with subprocess.Popen([*BASE, "serve", "--home", str(home), "--port", str(port)],
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                          text=True) as server:  # fmt: skip
        try:
            assert server.stdout is not None
            assert server.stdout.readline().strip() == f"http://127.0.0.1:{port}"
            yield server
        finally:
            if server.poll() is None:
                server.kill()
            server.wait(timeout=30)


def _held(home: Path) -> tuple[int, int, int]:
    """(objects received, distinct STIX ids received, items) on the node in ``home``."""
    with sqlite3.connect(home / "node.db") as db:
        received, distinct = db.execute(
            "SELECT count(*), count(DISTINCT stix_id) FROM stix_received"
        ).fetchone()
        (items,) = db.execute("SELECT count(*) FROM items").fetchone()
    return int(received), int(distinct), int(items)


def _until_taken(home: Path, process: subprocess.Popen[Any], at_least: int) -> None:
    deadline = time.monotonic() + 300
    while _held(home)[0] < at_least:
        assert process.poll() is None, "the sync ended before it could be interrupted"
        assert time.monotonic() < deadline
        time.sleep(0.02)


def test_killed_in_the_middle_each_object_is_held_exactly_once(tmp_path: Path) -> None:
    us, jp = tmp_path / "us", tmp_path / "jp"
    officers, keys = {}, {}
    for home, nation, level in ((us, "USA", "TS"), (jp, "JPN", "極秘")):
        node, officer = create_node(Settings(home, f"sqlite:///{home / 'node.db'}"),
                                    nation=nation, officer=Officer("Officer", level))  # fmt: skip
        officers[home] = officer.id
        keys[home] = base64.b64encode(bytes.fromhex(node.key.public_hex)).decode()
        if home == us:
            author = node.people.add(officer.id, name="Author", nationalities=["USA"],
                                     clearance="TS").id  # fmt: skip
        node.close()
    _seed(us, author, 0, COUNT)
    port = _free_port()
    token = _run(us, "peer", "add", "jp-node", "--url", "http://127.0.0.1:9", "--nation", "JPN",
                 "--agreement", "us-jp", "--public-key", keys[jp], "--as",
                 officers[us])[1]["token"]  # fmt: skip
    _run(jp, "peer", "add", "us-node", "--url", f"http://127.0.0.1:{port}", "--nation", "USA",
         "--agreement", "us-jp", "--public-key", keys[us], "--token", token, "--as",
         officers[jp])  # fmt: skip
    sync = [*BASE, "sync", "--home", str(jp), "--json"]
    with _serving(us, port):
        # 1. the receiving node's sync killed after some pages
        with subprocess.Popen(sync, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) as run:
            _until_taken(jp, run, 1000)
            os.kill(run.pid, signal.SIGKILL)
            run.wait(30)
        taken = _held(jp)[0]
        assert 1000 <= taken < COUNT
        code, result = _run(jp, "sync")
        assert code == 0
        assert result["peers"][0]["pulled"] == COUNT - taken
        assert _held(jp)[:2] == (COUNT, COUNT)
    _seed(us, author, COUNT, MORE)
    with (
        _serving(us, port) as server,
        subprocess.Popen(sync, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True) as run,
    ):
        # 2. the serving node killed in the middle of the next sync
        _until_taken(jp, run, COUNT + 500)
        os.kill(server.pid, signal.SIGKILL)
        out, _ = run.communicate(timeout=120)
        assert run.returncode != 0
        assert json.loads(out)["peers"][0]["error"]["code"] == "peer-unavailable"
    with _serving(us, port):
        code, result = _run(jp, "sync")
        assert code == 0, result
    received, distinct, items = _held(jp)
    assert (received, distinct) == (COUNT + MORE, COUNT + MORE)
    assert items >= COUNT + MORE
    with sqlite3.connect(jp / "node.db") as db:
        titles = db.execute("SELECT title, count(*) FROM items WHERE created_by = 'peer:us-node'"
                            " GROUP BY title HAVING count(*) > 1").fetchall()  # fmt: skip
        (from_us,) = db.execute(
            "SELECT count(*) FROM items WHERE created_by = 'peer:us-node'"
        ).fetchone()
    assert titles == []
    assert from_us == COUNT + MORE
