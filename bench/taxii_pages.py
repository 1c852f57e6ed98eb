"""The TAXII collection's pages over a mix of items and observations: what a page costs.

Run ``.venv/bin/python bench/taxii_pages.py`` (``--count 5000`` reports and as many
observations by default; ``--database URL`` for PostgreSQL, a fresh schema given in the URL's
``search_path``; the embedded SQLite file otherwise). It makes a US node, imports ``count``
``SECRET//REL TO USA, JPN`` reports and files ``count`` observations (in batches of 1,000, the
same label), each kind with one ``SECRET//NOFORN`` for every nine (which must not appear),
registers a Japanese peer and reads the whole collection as that peer in pages of 1,000
through :class:`~tearline.federation.outbox.Outbox` (in process: no HTTP), following
``next``:

1. **first read**: every object signed (Ed25519) on its first release, recorded, audited;
2. **again**: the signatures kept are reused;
3. **observed-data only** and **reports only** (``match[type]``): one source is read.

Each read checks that every object it should give came exactly once, in ``date_added``
order. The last line is ``mixed objects/s: N (first read), K (again); observed-data only: O;
reports only: R``.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tearline.bootstrap import Node, Officer, create_node
from tearline.config import Settings
from tearline.federation.outbox import Filters
from tearline.service.observations import Report
from tearline.service.peers import PeerSpec

SHARED = "SECRET//REL TO USA, JPN"
KEPT = "SECRET//NOFORN"
PEER = "peer:jp-node"


def _marking(n: int) -> str:
    return KEPT if n % 10 == 9 else SHARED


def _seed(node: Node, officer: str, count: int) -> int:
    """About ``count`` reports and as many observations that may go (and a NOFORN for every
    nine of each, which may not); returns how many of each may go."""
    author = node.people.add(officer, name="Author", nationalities=["USA"], clearance="TS",
                             roles=("analyst", "releasing-officer"))  # fmt: skip
    total = count + count // 9
    lines = (json.dumps({"title": f"report {n}", "content": f"contact {n}",
                         "marking": _marking(n)}) for n in range(total))  # fmt: skip
    node.bulk.import_lines(author.id, lines)
    when = datetime.now(UTC) - timedelta(minutes=5)
    for start in range(0, total, 1000):
        reports = [Report(time=when, lat=30.0 + n / total, lon=135.0, kind="vessel",
                          source_nation="USA", sensor="radar", marking=_marking(n))
                   for n in range(start, min(start + 1000, total))]  # fmt: skip
        node.observations.add_many(author.id, reports)
    return sum(1 for n in range(total) if _marking(n) == SHARED)


def _read(node: Node, expected: int, types: frozenset[str] | None = None) -> float:
    """Objects/s of one read of the whole collection as the peer, in pages of 1,000."""
    seen: list[str] = []
    added: list[datetime] = []
    token = None
    started = time.perf_counter()
    while True:
        page = node.outbox.objects(PEER, Filters(limit=1000, next=token, types=types))
        seen += [str(s.obj["id"]) for s in page.objects]
        added += [s.added for s in page.objects]
        if not page.more:
            break
        token = page.next
    took = time.perf_counter() - started
    if len(seen) != expected or len(set(seen)) != expected or added != sorted(added):
        raise SystemExit(f"read {len(seen)} objects ({len(set(seen))} distinct), "
                         f"expected {expected} once each in date_added order")  # fmt: skip
    return expected / took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--database", help="a PostgreSQL URL (default: SQLite)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "us"
        url = args.database or f"sqlite:///{home / 'node.db'}"
        node, officer = create_node(Settings(home, url), nation="USA",
                                    officer=Officer("Officer", "TS"))  # fmt: skip
        try:
            started = time.perf_counter()
            given = _seed(node, officer.id, args.count)
            print(f"seeded {given} reports and {given} observations that may go "
                  f"in {time.perf_counter() - started:.1f} s", flush=True)  # fmt: skip
            key = base64.b64encode(os.urandom(32)).decode()
            node.peers.add(officer.id, "jp-node", PeerSpec("http://127.0.0.1:9", "JPN",
                                                           "us-jp", key))  # fmt: skip
            first = _read(node, 2 * given)
            again = _read(node, 2 * given)
            observed = _read(node, given, frozenset({"observed-data"}))
            reports = _read(node, given, frozenset({"report"}))
        finally:
            node.close()
    print(
        f"mixed objects/s: {first:,.0f} (first read), {again:,.0f} (again); "
        f"observed-data only: {observed:,.0f}; reports only: {reports:,.0f}"
    )


if __name__ == "__main__":
    main()
