"""How long the ``tearline`` command takes to start and answer, against the bare interpreter.

Run ``.venv/bin/python bench/start.py`` (``--runs 21`` by default). Each command is run that
many times in a fresh process, alternating with the others so that a busy machine weighs on
all of them alike; it prints, per command, the median and the minimum wall-clock time and the
median CPU time (user + system) of the child process, and for ``label parse`` the difference
from the bare interpreter. ``python -X importtime`` shows where the import time goes.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

BIN = Path(sys.executable).parent
PARSE = [str(BIN / "tearline"), "label", "parse", "SECRET//NOFORN", "--json"]
COMMANDS: dict[str, list[str]] = {
    "bare interpreter (python -c pass)": [sys.executable, "-c", "pass"],
    "bare interpreter (python -I -S -c pass)": [sys.executable, "-I", "-S", "-c", "pass"],
    "import click": [sys.executable, "-c", "import click"],
    "tearline label parse SECRET//NOFORN --json": PARSE,
    "the same through click (no fast path)": [
        sys.executable,
        "-c",
        "import sys, tearline.cli, tearline.cli.fast as fast; "
        "fast.run_fast = lambda args, commands: None; sys.exit(tearline.cli.main())",
        *PARSE[1:],
    ],
}


def _once(command: list[str]) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one run of ``command``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, capture_output=True, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    runs = parser.parse_args().runs
    walls: dict[str, list[float]] = {name: [] for name in COMMANDS}
    cpus: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for command in COMMANDS.values():  # one warm-up each: the bytecode caches are written
        _once(command)
    for _ in range(runs):
        for name, command in COMMANDS.items():
            wall, cpu = _once(command)
            walls[name].append(wall * 1000)
            cpus[name].append(cpu * 1000)
    for name in COMMANDS:
        print(
            f"{name:45} median {statistics.median(walls[name]):6.1f} ms  "
            f"min {min(walls[name]):6.1f} ms  cpu {statistics.median(cpus[name]):6.1f} ms"
        )
    bare = statistics.median(walls["bare interpreter (python -c pass)"])
    parse = statistics.median(walls["tearline label parse SECRET//NOFORN --json"])
    print(f"label parse over the bare interpreter (medians): {parse - bare:.1f} ms")


if __name__ == "__main__":
    main()
