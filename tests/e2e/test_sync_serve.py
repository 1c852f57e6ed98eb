"""Two ``tearline serve`` processes, a US node and a Japan node, peered with the CLI in
three commands each way: each server's own sync loop carries an item released on one to
the other's readers within seconds, both ways, with no ``tearline sync`` run by hand."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tearline.bootstrap import open_node
from tearline.config import Settings
from tearline.service import Query

BASE = [sys.executable, "-m", "tearline"]


def _run(home: Path, *args: str, stdin: str = "") -> Any:
    done = subprocess.run([*BASE, *args, "--home", str(home), "--json"], input=stdin,
                          capture_output=True, text=True, timeout=60, check=False)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout)


@contextmanager
def _serve(home: Path) -> Iterator[str]:
    with subprocess.Popen([*BASE, "serve", "--home", str(home), "--port", "0"],
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                          text=True) as server:  # fmt: skip
        try:
            assert server.stdout is not None
            url = server.stdout.readline().strip()
            assert url.startswith("http://127.0.0.1:")
            yield url
        finally:
            server.terminate()
            server.wait(timeout=30)


def _node(home: Path, nation: str, clearance: str) -> tuple[str, str]:
    officer = _run(home, "init", "--nation", nation, "--officer", "Officer",
                   "--officer-clearance", clearance)["officer"]["id"]  # fmt: skip
    with (home / "node.toml").open("a") as settings:
        settings.write("sync_interval_seconds = 0.5\n")
    reader = _run(home, "person", "add", "--as", officer, "--name", "Reader", "--nationality",
                  nation, "--clearance", clearance)["id"]  # fmt: skip
    return officer, reader


def _titles(home: Path, reader: str) -> set[str]:
    with open_node(Settings.load(home)) as node:
        page, _ = node.items.page(reader, Query(limit=100))
    return {s.title for s in page.items}


def _delivery(there: Path, reader: str, here: Path, author: str, title: str,
              marking: str) -> float:  # fmt: skip
    """Seconds from an item's creation on ``here`` until ``reader`` on ``there`` reads it
    (an upper bound: the reader's listing is polled every 50 ms)."""
    made = _run(here, "item", "add", "--as", author, "--title", title, "--marking", marking,
                stdin="text")  # fmt: skip
    started = time.monotonic()
    while title not in _titles(there, reader):
        assert time.monotonic() - started < 15, f"{title!r} did not arrive"
        time.sleep(0.05)
    arrived = datetime.now(UTC)
    created = _run(here, "item", "show", made["id"], "--as", author)["created"]
    return (arrived - datetime.fromisoformat(created)).total_seconds()


def test_two_served_nodes_sync_on_their_own(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    us, jp = tmp_path / "us", tmp_path / "jp"
    us_officer, us_reader = _node(us, "USA", "TS")
    jp_officer, jp_reader = _node(jp, "JPN", "極秘")
    with ExitStack() as servers:
        urls = {home: servers.enter_context(_serve(home)) for home in (us, jp)}
        keys = {home: _run(home, "node", "show")["public_key"] for home in (us, jp)}

        def peer(here: Path, officer: str, name: str, there: Path, nation: str,
                 *token: str) -> str:  # fmt: skip
            return str(_run(here, "peer", "add", name, "--url", urls[there], "--nation", nation,
                            "--agreement", "us-jp", "--public-key", keys[there], "--as",
                            officer, *token)["token"])  # fmt: skip

        for_jp = peer(us, us_officer, "jp-node", jp, "JPN")
        for_us = peer(jp, jp_officer, "us-node", us, "USA", "--token", for_jp)
        peer(us, us_officer, "jp-node", jp, "JPN", "--token", for_us)
        there = _delivery(jp, jp_reader, us, us_reader, "Delta", "SECRET//REL TO USA, JPN")
        back = _delivery(us, us_reader, jp, jp_reader, "エコー", "秘//REL TO JPN, USA")
    with capsys.disabled():
        print(f"\ntwo served nodes, from the item's creation to its reader on the other node: "
          f"US->JP {there:.2f} s, JP->US {back:.2f} s")  # fmt: skip
    assert there < 5
    assert back < 5
