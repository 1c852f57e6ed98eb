"""`tearline serve` as a user starts it: the URL once listening, /healthz, a clear refusal
when there is no node."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest


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
        # the benchmark's unauthenticated bare route is not there unless asked for
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"{url}/bench/bare/items/i-0", timeout=10)
        refused.value.close()
        assert refused.value.code == 404
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


@pytest.mark.parametrize(
    ("route", "change", "before"),
    [("/api/v1/items/stream", "suspend", []), ("/api/v1/cop/stream", "revoke", ["snapshot"])],
)
def test_a_stream_closes_within_a_second_of_a_change_made_on_the_terminal(
    tmp_path: Path, route: str, change: str, before: list[str]
) -> None:
    """``tearline person suspend`` (or ``revoke``) in another process, on the embedded SQLite
    default, ends the person's open stream on the running server within a second."""
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
            with httpx.stream("GET", f"{url}{route}", headers=headers,
                              timeout=10) as answer:  # fmt: skip
                assert answer.status_code == 200
                lines = answer.iter_lines()
                opened = [next(e for e in lines if e.startswith("event:")) for _ in before]
                run("person", change, analyst, "--as", officer_id, "--reason", "inquiry")
                changed = time.monotonic()
                rest = [line for line in lines if line.startswith("event:")]
                took = time.monotonic() - changed
            assert opened == [f"event: {e}" for e in before]
            assert rest == ["event: close"]
            assert took < 1.0
        finally:
            server.terminate()
            server.wait(timeout=30)


def test_the_bare_route_is_refused_off_loopback(tmp_path: Path) -> None:
    env = {**os.environ, "TEARLINE_BENCH_BARE_ROUTE": "1"}
    done = subprocess.run([sys.executable, "-m", "tearline", "serve", "--home",
                           str(tmp_path / "none"), "--host", "0.0.0.0", "--port", "0"],
                          capture_output=True, text=True, timeout=60, check=False,
                          env=env)  # fmt: skip
    assert done.returncode == 2
    assert "TEARLINE_BENCH_BARE_ROUTE=1" in done.stderr
    assert "loopback" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_bare_route_is_wanted_only_when_asked_and_only_on_loopback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from tearline.cli.serve import BARE_ROUTE_VARIABLE, _bare_route_wanted
    from tearline.errors import InvalidInput

    monkeypatch.delenv(BARE_ROUTE_VARIABLE, raising=False)
    assert _bare_route_wanted("127.0.0.1") is False
    monkeypatch.setenv(BARE_ROUTE_VARIABLE, "yes")  # only "1" turns it on
    assert _bare_route_wanted("127.0.0.1") is False
    monkeypatch.setenv(BARE_ROUTE_VARIABLE, "1")
    assert _bare_route_wanted("::1") is True
    assert "unauthenticated bare route" in capsys.readouterr().err
    for host in ("0.0.0.0", "192.0.2.1", "::"):
        with pytest.raises(InvalidInput, match="loopback"):
            _bare_route_wanted(host)
