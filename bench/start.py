"""How long the ``tearline`` command takes to start and answer, against the bare interpreter.

Run ``.venv/bin/python bench/start.py`` (``--runs 21`` by default). Each command is run that
many times in a fresh process, alternating with the others so that a busy machine weighs on
all of them alike; it prints, per command, the median and the minimum wall-clock time and the
median CPU time (user + system) of the child process, and for ``label parse`` the difference
from the bare interpreter. ``python -X importtime`` shows where the import time goes.

``--compare SRC`` also runs ``label parse`` from another version's source tree (``SRC`` is its
``src`` directory, e.g. ``git archive <commit> src | tar -x -C /tmp/base`` then
``--compare /tmp/base/src``), alternating with this one; both are then run with their ``src``
first on ``PYTHONPATH``. The children may write bytecode caches (``PYTHONDONTWRITEBYTECODE`` is
dropped from their environment), as an installed command has them.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

BIN = Path(sys.executable).parent
PARSE_NAME = "tearline label parse SECRET//NOFORN --json"
PARSE = [str(BIN / "tearline"), "label", "parse", "SECRET//NOFORN", "--json"]
COMMANDS: dict[str, list[str]] = {
    "bare interpreter (python -c pass)": [sys.executable, "-c", "pass"],
    "bare interpreter (python -I -S -c pass)": [sys.executable, "-I", "-S", "-c", "pass"],
    "import click": [sys.executable, "-c", "import click"],
    PARSE_NAME: PARSE,
    "the same through click (no fast path)": [
        sys.executable,
        "-c",
        "import sys, tearline.cli, tearline.cli.fast as fast; "
        "fast.run_fast = lambda args, commands: None; sys.exit(tearline.cli.main())",
        *PARSE[1:],
    ],
}


HERE = Path(__file__).resolve().parent.parent / "src"
_ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}


def _once(command: list[str], source: Path | None = None) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one run of ``command`` (with ``source`` on the path)."""
    env = _ENV if source is None else {**_ENV, "PYTHONPATH": str(source)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, capture_output=True, check=True, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def _commands(compare: Path | None) -> dict[str, tuple[list[str], Path | None]]:
    """The commands to time, by name, each with the source tree it runs from (if forced)."""
    commands: dict[str, tuple[list[str], Path | None]] = {
        name: (command, None) for name, command in COMMANDS.items()
    }
    if compare is not None:
        commands[PARSE_NAME] = (PARSE, HERE)
        commands[f"the same from {compare}"] = (PARSE, compare.resolve())
    return commands


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--compare", type=Path, help="another version's src directory")
    options = parser.parse_args()
    commands = _commands(options.compare)
    walls: dict[str, list[float]] = {name: [] for name in commands}
    cpus: dict[str, list[float]] = {name: [] for name in commands}
    for command, source in commands.values():  # one warm-up each: bytecode caches are written
        _once(command, source)
    for _ in range(options.runs):
        for name, (command, source) in commands.items():
            wall, cpu = _once(command, source)
            walls[name].append(wall * 1000)
            cpus[name].append(cpu * 1000)
    for name in commands:
        print(
            f"{name:45} median {statistics.median(walls[name]):6.1f} ms  "
            f"min {min(walls[name]):6.1f} ms  cpu {statistics.median(cpus[name]):6.1f} ms"
            f" ({min(cpus[name]):.1f}-{max(cpus[name]):.1f})"
        )
    bare = "bare interpreter (python -c pass)"
    for name in commands:
        if name.startswith(("tearline label parse", "the same from")):
            over = statistics.median(walls[name]) - statistics.median(walls[bare])
            over_cpu = statistics.median(cpus[name]) - statistics.median(cpus[bare])
            print(
                f"{name} over the bare interpreter (medians): {over:.1f} ms, cpu {over_cpu:.1f} ms"
            )


if __name__ == "__main__":
    main()
