"""Killing a bulk import mid-way (SIGKILL) leaves no half-written item and no item without
its audit entry; the chain still verifies, and running the import again finishes it."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

LINES = 40_000


def tearline(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tearline", *args, "--home", str(home), "--json"],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


def counts(db: Path) -> tuple[int, int, int]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        items = conn.execute("SELECT COUNT(*) FROM items").fetchone()[0]
        created = conn.execute(
            "SELECT COUNT(*) FROM audit WHERE action = 'item.create'"
        ).fetchone()[0]
        orphans = conn.execute(
            "SELECT COUNT(*) FROM items WHERE id NOT IN "
            "(SELECT subject FROM audit WHERE action = 'item.create')"
        ).fetchone()[0]
    return int(items), int(created), int(orphans)


def test_a_killed_import_leaves_whole_batches_and_resumes(tmp_path: Path) -> None:
    home = tmp_path / "node"
    made = tearline(home, "init", "--nation", "USA", "--officer", "A", "--officer-clearance", "S")
    officer = json.loads(made.stdout)["officer"]["id"]
    source = tmp_path / "items.jsonl"
    markings = ["SECRET//REL TO USA, JPN", "SECRET//NOFORN", "UNCLASSIFIED"]
    source.write_text(
        "".join(json.dumps({"title": f"r{n}", "marking": markings[n % 3], "content": "c" * 100})
                + "\n" for n in range(LINES)),
        "utf-8",
    )  # fmt: skip
    command = [sys.executable, "-m", "tearline", "item", "import", str(source), "--as", officer,
               "--batch", "400", "--home", str(home), "--json"]  # fmt: skip
    running = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    db = home / "node.db"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and counts(db)[0] == 0:
        time.sleep(0.01)
    running.send_signal(signal.SIGKILL)
    running.wait(timeout=30)
    items, created, orphans = counts(db)
    assert 0 < items < LINES, "the kill should land mid-import"
    assert items % 400 == 0  # whole batches only
    assert (created, orphans) == (items, 0)
    verified = tearline(home, "audit", "verify")
    assert verified.returncode == 0, verified.stdout
    again = tearline(home, "item", "import", str(source), "--as", officer)
    assert json.loads(again.stdout) == {"lines": LINES, "added": LINES - items, "skipped": items}
    assert counts(db) == (LINES, LINES, 0)
    assert tearline(home, "audit", "verify").returncode == 0
