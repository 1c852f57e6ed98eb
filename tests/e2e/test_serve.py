"""`tearline serve` as a user starts it: the URL once listening, /healthz, a clear refusal
when there is no node."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from pathlib import Path


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
            listed = json.loads(answer.read())
            assert (listed["items"], listed["next"], listed["total"]) == ([], None, 0)
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
