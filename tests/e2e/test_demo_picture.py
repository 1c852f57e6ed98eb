"""The main job's last part (``scripts/demo_picture.py``, run by ``scripts/demo``): a US
node and a Japan node, two ``tearline serve`` processes peered with the CLI, each fed its
own nation's scenario reports, share one picture — each viewer sees both nations' releasable
reports fused, nothing NOFORN crosses, both audit chains verify — in well under 2 minutes."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

SCRIPT = Path(__file__).parents[2] / "scripts" / "demo_picture.py"


def test_the_two_node_picture_demo_runs_and_holds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    started = time.monotonic()
    done = subprocess.run([sys.executable, str(SCRIPT), "--dir", str(tmp_path)],
                          capture_output=True, text=True, timeout=240, check=False)  # fmt: skip
    taken = time.monotonic() - started
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    out = done.stdout
    assert "NOT AS EXPECTED" not in out
    assert out.count('{"valid": true') == 2
    assert "peer add us-node" in out
    assert "--token tlp_…" in out
    assert "tlp_" not in out.replace("tlp_…", "")  # credentials are never printed
    assert "US-only (NOFORN) ones stayed home" in out
    with capsys.disabled():
        print(f"\ntwo-node picture demo: {taken:.1f} s")
    assert taken < 120
