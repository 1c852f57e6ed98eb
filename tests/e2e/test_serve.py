"""`tearline serve` as a user starts it: the URL once listening, /healthz, a clear refusal
when there is no node."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any


def test_serve_prints_its_url_once_ready_and_answers(tmp_path: Path) -> None:
    home = tmp_path / "node"
    base = [sys.executable, "-m", "tearline"]
    made = subprocess.run([*base, "init", "--home", str(home), "--nation", "USA", "--officer",
                           "A", "--officer-clearance", "TS", "--json"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    officer = json.loads(made.stdout)["officer"]["id"]
    token = json.loads(subprocess.run(
        [*base, "token", "create", officer, "--as", officer, "--home", str(home), "--json"],
        capture_output=True, text=True, check=True).stdout)["token"]  # fmt: skip
    command = [*base, "serve", "--home", str(home), "--port", "0"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                          text=True) as server:  # fmt: skip
        _check_running(server, token)


def _check_running(server: subprocess.Popen[str], token: str) -> None:
    try:
        assert server.stdout is not None
        url = server.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(f"{url}/healthz", timeout=10) as answer:
            assert json.loads(answer.read()) == {"status": "ok"}
        request = urllib.request.Request(f"{url}/api/v1/items",
                                         headers={"Authorization": f"Bearer {token}"})  # fmt: skip
        with urllib.request.urlopen(request, timeout=10) as answer:
            listing = json.loads(answer.read())
            assert (listing["items"], listing["next"], listing["total"]) == ([], None, 0)
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_serve_without_a_node_says_so(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "tearline", "serve", "--home",
                           str(tmp_path / "none"), "--port", "0"],
                          capture_output=True, text=True, timeout=60, check=False)  # fmt: skip
    assert done.returncode == 2
    assert "tearline init" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_stream_closes_within_a_second_of_a_suspension_made_on_the_terminal(
    tmp_path: Path,
) -> None:
    """``tearline person suspend`` in another process, on the embedded SQLite default, ends
    the person's open stream on the running server within a second."""
    import time

    import httpx

    home = tmp_path / "node"
    base = [sys.executable, "-m", "tearline"]

    def run(*args: str) -> Any:
        done = subprocess.run([*base, *args, "--home", str(home), "--json"],
                              capture_output=True, text=True, check=True)  # fmt: skip
        return json.loads(done.stdout)

    init = ("init", "--nation", "USA", "--officer", "A", "--officer-clearance", "TS")
    officer_id = run(*init)["officer"]["id"]
    analyst = run("person", "add", "--as", officer_id, "--name", "Sato", "--nationality",
                  "JPN", "--clearance", "極秘")["id"]  # fmt: skip
    token = run("token", "create", analyst, "--as", officer_id)["token"]
    command = [*base, "serve", "--home", str(home), "--port", "0"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                          text=True) as server:  # fmt: skip
        try:
            assert server.stdout is not None
            url = server.stdout.readline().strip()
            headers = {"Authorization": f"Bearer {token}"}
            with httpx.stream("GET", f"{url}/api/v1/items/stream", headers=headers,
                              timeout=10) as answer:  # fmt: skip
                assert answer.status_code == 200
                run("person", "suspend", analyst, "--as", officer_id, "--reason", "inquiry")
                suspended = time.monotonic()
                lines = [line for line in answer.iter_lines() if line.startswith("event:")]
                took = time.monotonic() - suspended
            assert lines == ["event: close"]
            assert took < 1.0
        finally:
            server.terminate()
            server.wait(timeout=30)
