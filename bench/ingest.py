"""Bulk import with audit, alone: items/s through ``Bulk.import_lines`` on SQLite and PostgreSQL.

Run ``.venv/bin/python bench/ingest.py`` (50,000 items into each backend; ``--items N``,
``--preload N`` items loaded first through ``Repository.add_items`` so the import writes into
a populated table, ``--rounds R`` imports each of a fresh batch of lines, ``--backend``
``sqlite``/``postgres``/``both``, ``--profile FILE`` to write a cProfile of the first SQLite
import). The lines and labels are ``query.py``'s (2,000 distinct US labels; an importer who
may read every label written). Each import is checked afterwards: every line added, one
``item.create`` entry per item, and the audit chain verified. Prints wall seconds, CPU
seconds of this process and items/s per round, and the median.
"""

from __future__ import annotations

import argparse
import cProfile
import random
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from query import (
    POSTGRES,
    SEED,
    Backend,
    add_people,
    build_mix,
    import_lines,
    item_batches,
    load,
    open_backend,
    postgres_place,
    readers,
)


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def one_import(backend: Backend, lines: Sequence[str], importer_id: str, batch: int,
               profile: str | None) -> tuple[float, float]:  # fmt: skip
    node = backend.node
    before = node.store.audit_head()[0]
    profiler = cProfile.Profile() if profile else None
    wall, cpu = time.perf_counter(), _cpu()
    if profiler is not None:
        profiler.enable()
    result = node.bulk.import_lines(importer_id, lines, batch=batch)
    if profiler is not None and profile is not None:
        profiler.disable()
        profiler.dump_stats(profile)
    wall, cpu = time.perf_counter() - wall, _cpu() - cpu
    entries = node.store.audit_head()[0] - before
    if result.added != len(lines) or entries < len(lines):
        raise SystemExit(f"{backend.name}: imported {result.added}, audited {entries}")
    return wall, cpu


def run(args: argparse.Namespace) -> int:
    rng = random.Random(SEED)
    people = readers()
    mix = build_mix(rng, 2_000, people)
    names = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    print(f"Python {sys.version.split()[0]}; {args.items:,} items per import in batches of "
          f"{args.batch}, {args.preload:,} preloaded, {args.rounds} rounds")  # fmt: skip
    with (
        tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp,
        postgres_place(args.postgres) as place,
    ):
        home = Path(tmp)
        urls = {"sqlite": f"sqlite:///{home / 'node.db'}", "postgres": place.url}
        backends = [open_backend(n, urls[n], home / n) for n in names]
        try:
            add_people(backends, [r.record for r in people])
            if args.preload:
                load(backends, item_batches(rng, mix, args.preload, people[0].record.id))
            importer, _ = import_lines(random.Random(SEED + 1), mix, 0)
            add_people(backends, [importer])
            results: dict[str, list[tuple[float, float]]] = {n: [] for n in names}
            for number in range(args.rounds):
                _, lines = import_lines(random.Random(SEED + 1 + number), mix, args.items)
                lines = [line.replace('"feed-', f'"feed-{number}-') for line in lines]
                for backend in backends:
                    profile = args.profile if number == 0 and backend.name == "sqlite" else None
                    batch = args.batch[number % len(args.batch)]
                    wall, cpu = one_import(backend, lines, importer.id, batch, profile)
                    results[backend.name].append((wall, cpu))
                    print(f"  {backend.name} round {number + 1} (batch {batch:,}): "
                          f"{wall:.2f} s wall, {cpu:.2f} s CPU, "
                          f"{args.items / wall:,.0f} items/s")  # fmt: skip
            for backend in backends:
                finding = backend.node.audit.verify()
                if not finding.valid:
                    raise SystemExit(f"{backend.name}: audit chain broken: {finding}")
            for name, runs in results.items():
                wall = statistics.median(w for w, _ in runs)
                cpu = statistics.median(c for _, c in runs)
                print(f"{name}: median {args.items / wall:,.0f} items/s "
                      f"({wall:.2f} s wall, {cpu:.2f} s CPU; chain verified)")  # fmt: skip
        finally:
            for backend in backends:
                backend.node.close()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--items", type=int, default=50_000, help="items per import")
    parser.add_argument("--preload", type=int, default=0, help="items loaded first")
    parser.add_argument("--rounds", type=int, default=3, help="imports per backend")
    parser.add_argument(
        "--batch",
        default="20000",
        help="lines per transaction (a comma-separated list: one per round in turn)",
    )
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--postgres", default=POSTGRES, help=f"server (default {POSTGRES})")
    parser.add_argument("--profile", help="write a cProfile of the first SQLite import here")
    args = parser.parse_args(argv)
    args.batch = [int(size) for size in args.batch.split(",")]
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
