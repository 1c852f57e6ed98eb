"""Two ``tearline serve`` processes on one PostgreSQL database share the live picture: an
observation posted to one reaches the picture streams of the other, and a revocation made
through one closes the stream open on the other within a second (PostgreSQL
``LISTEN``/``NOTIFY`` wakes each server's follower of the audit log)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from support.node import database_url

BASE = [sys.executable, "-m", "tearline"]


@contextmanager
def _serving(home: Path) -> Iterator[str]:
    command = [*BASE, "serve", "--home", str(home), "--port", "0"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                          text=True) as server:  # fmt: skip
        try:
            assert server.stdout is not None
            url = server.stdout.readline().strip()
            assert url.startswith("http://127.0.0.1:"), url
            yield url
        finally:
            server.terminate()
            server.wait(timeout=30)


def _events(answer: httpx.Response) -> Iterator[tuple[str, Any]]:
    event = ""
    for line in answer.iter_lines():
        if line.startswith("event: "):
            event = line.removeprefix("event: ")
        elif line.startswith("data: "):
            yield event, json.loads(line.removeprefix("data: "))


def test_two_servers_on_one_postgresql_share_the_picture_and_the_revocations(
    tmp_path: Path,
) -> None:
    home = tmp_path / "node"

    def run(*args: str) -> Any:
        done = subprocess.run([*BASE, *args, "--home", str(home), "--json"],
                              capture_output=True, text=True, check=True)  # fmt: skip
        return json.loads(done.stdout)

    with database_url("postgres", tmp_path) as url:
        officer = run("init", "--nation", "USA", "--officer", "A", "--officer-clearance", "TS",
                      "--database", url)["officer"]["id"]  # fmt: skip
        analyst = run("person", "add", "--as", officer, "--name", "Sato", "--nationality",
                      "JPN", "--clearance", "極秘")["id"]  # fmt: skip
        writer = run("person", "add", "--as", officer, "--name", "Bob", "--nationality", "USA",
                     "--clearance", "S")["id"]  # fmt: skip
        tokens = {who: run("token", "create", who, "--as", officer)["token"]
                  for who in (officer, analyst, writer)}  # fmt: skip
        with _serving(home) as first, _serving(home) as second:
            watch = {"Authorization": f"Bearer {tokens[analyst]}"}
            with httpx.stream("GET", f"{second}/api/v1/cop/stream", headers=watch,
                              timeout=20) as answer:  # fmt: skip
                assert answer.status_code == 200
                events = _events(answer)
                assert next(events) == ("snapshot", {"tracks": []})
                observed = {
                    "time": (datetime.now(UTC) - timedelta(minutes=1)).isoformat(),
                    "lat": 34.5, "lon": 129.5, "kind": "vessel", "source_nation": "USA",
                    "sensor": "P-8A radar", "marking": "SECRET//REL TO USA, JPN",
                }  # fmt: skip
                posted = time.monotonic()
                made = httpx.post(
                    f"{first}/api/v1/observations",
                    json=observed,
                    headers={"Authorization": f"Bearer {tokens[writer]}"},
                )
                assert made.status_code == 201, made.text
                event, data = next(events)
                arrived = time.monotonic() - posted
                # the label is new to the node: the picture comes as a fresh snapshot
                tracks = data["tracks"] if event == "snapshot" else [data]
                assert [t["observations"] for t in tracks] == [[made.json()["id"]]]
                assert tracks[0]["marking"] == "//USA 極秘//REL TO JPN, USA"
                revoked = httpx.post(
                    f"{first}/api/v1/persons/{analyst}/revoke",
                    json={"reason": "inquiry"},
                    headers={"Authorization": f"Bearer {tokens[officer]}"},
                )
                assert revoked.status_code == 200, revoked.text
                changed = time.monotonic()
                closing = next(events)
                took = time.monotonic() - changed
    assert closing == ("close", {"reason": "unauthorized"})
    print(
        f"observation on one server → stream on the other: {arrived * 1000:.0f} ms; "
        f"revocation → stream closed: {took * 1000:.0f} ms"
    )
    assert arrived < 2.0
    assert took < 1.0
