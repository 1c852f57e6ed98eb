"""The HTTP API under load: a real ``tearline serve`` process on loopback, 50 clients.

Run ``.venv/bin/python bench/api_load.py`` (60 s a phase; ``--duration S`` for another
length, ``--quick`` for 5 s; ``--clients N``; ``--postgres URL`` to put the node on
PostgreSQL instead of SQLite; ``--phases 404`` for some phases only). It seeds a US node
(on SQLite by default) with people of several nations and clearances and items under a
spread of markings, creates an API token for each client's person, starts ``tearline
serve`` on a free loopback port with ``TEARLINE_BENCH_BARE_ROUTE=1``, and runs phases of
the same length, each with every client (one ``httpx.AsyncClient`` task each, keep-alive)
sending one request after another:

1. **mixed**: 70% ``GET /api/v1/items/{id}`` (an item the client's person may read), 20%
   ``GET /api/v1/items?limit=20`` (a listing), 10% ``POST /api/v1/items``;
2. **reads**: only the reads of phase 1, through the real route (token, policy, audit);
3. **bare**: the same reads against ``GET /bench/bare/items/{id}``, which returns the stored
   row with no authentication, policy or audit: the ceiling of the stack.

Any answer other than 200 (201 for a write) counts as an error; a transport failure too.
A fourth phase of the same length times the one 404 (issue #9: indistinguishable in timing
too): every client asks in turn for a missing id (well-formed, never stored), an item
nobody's person may read (``forbidden``) and a malformed id; any answer but the 404 counts
as an error. Run it with ``--clients 1`` to compare the three without queueing. For each
phase the server's CPU time per request (user + system, from ``/proc``) is shown too: on a
loaded machine it varies far less than the rates. Afterwards the audit chain is verified (one
chain, no fork). Client and server share the machine's cores: read the ratio, and take
absolute figures as lower bounds.

The last line is ``requests/s: N; bare route requests/s: M; ratio: R; p99 ms: P; errors: E``:
N and P are those of the mixed phase, R is the bare route's reads/s over the real reads/s
(phase 3 over phase 2), E the errors of all four phases.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import httpx
import psycopg

from tearline.bootstrap import Officer, create_node, open_node
from tearline.config import Settings
from tearline.service import Draft, ItemKind

SEED = 2026
MARKINGS = (
    "UNCLASSIFIED",
    "CONFIDENTIAL//REL TO USA, JPN",
    "SECRET//REL TO USA, JPN",
    "SECRET//REL TO USA, FVEY",
    "SECRET//NOFORN",
    "TOP SECRET//REL TO USA, GBR",
)
#: The people the clients act for: (nationality, clearance, its scheme).
PEOPLE = (("USA", "TS", "us"), ("USA", "S", "us"), ("JPN", "極秘", "jp"), ("GBR", "S", "gb"))
#: Items no client's person may read (none holds SI): the forbidden ids of the 404 phase.
FORBIDDEN_MARKING = "TOP SECRET//SI//NOFORN"
#: Well-formed (``i-`` and 20 hex digits) but never stored; the malformed one is not an id.
MISSING_ID = "i-" + "0" * 20
MALFORMED_ID = "not-an-item-id"
WRITE_MARKING = {"USA": "SECRET//REL TO USA, JPN", "JPN": "秘", "GBR": "OFFICIAL"}
SERVE_TIMEOUT = 30.0


@dataclass
class Phase:
    """What one phase measured."""

    name: str
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    cpu: float = 0.0  # the server's CPU seconds during the phase
    #: the 404 phase: latencies per kind of id asked for
    kinds: dict[str, list[float]] = field(default_factory=dict)

    @property
    def cpu_ms(self) -> float:
        """The server's CPU milliseconds per request."""
        return 1000 * self.cpu / len(self.latencies) if self.latencies else 0.0

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def quantile(self, q: float, latencies: list[float] | None = None) -> float:
        """The ``q`` quantile of the latencies (or of ``latencies``), in milliseconds."""
        latencies = self.latencies if latencies is None else latencies
        if len(latencies) < 2:
            return 1000 * (latencies[0] if latencies else 0.0)
        return 1000 * statistics.quantiles(latencies, n=100, method="inclusive")[int(q) - 1]


@dataclass
class Client:
    """One client: its token and the items its person may read."""

    token: str
    nation: str
    readable: list[str] = field(default_factory=list)
    forbidden: list[str] = field(default_factory=list)


@contextmanager
def database(postgres: str | None, home: Path) -> Iterator[str]:
    """The node's database URL: SQLite in ``home``, or a schema of its own on PostgreSQL."""
    if postgres is None:
        yield f"sqlite:///{home / 'node.db'}"
        return
    schema = "bench_" + secrets.token_hex(4)
    with psycopg.connect(postgres, autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {schema}")
    separator = "&" if "?" in postgres else "?"
    try:
        yield f"{postgres}{separator}options={quote(f'-csearch_path={schema}')}"
    finally:
        with psycopg.connect(postgres, autocommit=True) as admin:
            admin.execute(f"DROP SCHEMA {schema} CASCADE")


def seed(home: Path, url: str, clients: int, items: int) -> list[Client]:
    """A node with ``clients`` people (one token each) and ``items`` items."""
    rng = random.Random(SEED)
    node, officer = create_node(Settings(home, url), nation="USA", database_given=True,
                                officer=Officer("Bench Officer", "TS"))  # fmt: skip
    made = []
    with node:
        authors = []
        for number in range(clients):
            nation, clearance, scheme = PEOPLE[number % len(PEOPLE)]
            person = node.people.add(
                officer.id, name=f"Client {number}", nationalities=[nation],
                clearance=clearance, clearance_scheme=scheme,
            )  # fmt: skip
            _, token = node.tokens.create(officer.id, person.id)
            made.append(Client(token, nation))
            if nation == "USA" and clearance == "TS":
                authors.append(person.id)
        for number in range(items):
            draft = Draft(ItemKind.REPORT, f"Report {number}", "text " * 40,
                          marking=rng.choice(MARKINGS))  # fmt: skip
            node.items.add(rng.choice(authors), draft)
        holder = node.people.add(officer.id, name="Holder", nationalities=["USA"],
                                 clearance="TS", authorizations=[("SI", None)]).id  # fmt: skip
        forbidden = [
            node.items.add(holder, Draft(ItemKind.REPORT, f"Withheld {number}", "text",
                                             marking=FORBIDDEN_MARKING)).id
            for number in range(20)
        ]  # fmt: skip
    for client in made:
        client.forbidden = forbidden
    return made


def cpu_seconds(pid: int) -> float:
    """The user + system CPU seconds process ``pid`` has used (Linux ``/proc``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def server(home: Path, log: Path) -> Iterator[tuple[str, int]]:
    """``tearline serve`` on a free loopback port, with the bench's bare route: its URL and
    process id; what it writes to stderr goes to ``log``."""
    env = {**os.environ, "TEARLINE_BENCH_BARE_ROUTE": "1"}
    tearline = Path(sys.executable).with_name("tearline")
    with log.open("w") as errors:
        process = subprocess.Popen(
            [str(tearline), "serve", "--home", str(home), "--port", "0"],
            stdout=subprocess.PIPE, stderr=errors, text=True, env=env,
        )  # fmt: skip
    try:
        assert process.stdout is not None
        line = process.stdout.readline().strip()
        if not line.startswith("http://"):
            raise SystemExit(f"tearline serve did not start (it printed {line!r})")
        yield line, process.pid
    finally:
        process.terminate()
        process.wait(SERVE_TIMEOUT)


async def readable(base: str, client: Client) -> None:
    """Fill in the ids ``client`` may read, from its own listing."""
    headers = {"Authorization": f"Bearer {client.token}"}
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=300) as http:
        answer = await http.get("/api/v1/items", params={"limit": 200})
        answer.raise_for_status()
        client.readable = [row["id"] for row in answer.json()["items"]]
    if not client.readable:
        raise SystemExit("a client's person may read no item: the seed is wrong")


async def one_client(
    base: str, client: Client, phase: Phase, until: float, number: int
) -> None:  # fmt: skip
    """Send requests one after another until ``until`` (time.perf_counter)."""
    rng = random.Random(SEED + number)
    headers = {"Authorization": f"Bearer {client.token}"}
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30) as http:
        turn = number
        while time.perf_counter() < until:
            roll = rng.random() if phase.name == "mixed" else 0.0
            item = rng.choice(client.readable)
            started = time.perf_counter()
            try:
                if phase.name == "404":
                    kind = ("missing", "forbidden", "malformed")[turn % 3]
                    turn += 1
                    asked = {"missing": MISSING_ID, "malformed": MALFORMED_ID,
                             "forbidden": rng.choice(client.forbidden)}[kind]  # fmt: skip
                    answer = await http.get(f"/api/v1/items/{asked}")
                    ok = answer.status_code == 404
                    phase.kinds.setdefault(kind, []).append(time.perf_counter() - started)
                elif roll < 0.7:
                    path = f"/bench/bare/items/{item}" if phase.name == "bare" else (
                        f"/api/v1/items/{item}")  # fmt: skip
                    answer = await http.get(path)
                    ok = answer.status_code == 200
                elif roll < 0.9:
                    answer = await http.get("/api/v1/items", params={"limit": 20})
                    ok = answer.status_code == 200
                else:
                    body = {"marking": WRITE_MARKING[client.nation], "title": "Load report",
                            "content": "written under load"}  # fmt: skip
                    answer = await http.post("/api/v1/items", json=body)
                    ok = answer.status_code == 201
            except httpx.HTTPError:
                ok = False
            phase.latencies.append(time.perf_counter() - started)
            phase.errors += not ok


async def run_phase(
    base: str, pid: int, clients: list[Client], name: str, seconds: float
) -> Phase:  # fmt: skip
    """Every client at once for ``seconds``."""
    phase = Phase(name)
    cpu = cpu_seconds(pid)
    started = time.perf_counter()
    until = started + seconds
    await asyncio.gather(*(one_client(base, c, phase, until, n) for n, c in enumerate(clients)))
    phase.seconds = time.perf_counter() - started
    phase.cpu = cpu_seconds(pid) - cpu
    return phase


PHASES = ("mixed", "reads", "bare", "404")


async def load(
    base: str, pid: int, clients: list[Client], seconds: float, names: tuple[str, ...] = PHASES
) -> list[Phase]:  # fmt: skip
    """The phases ``names`` (all four unless told), one after another, on the same server."""
    await asyncio.gather(*(readable(base, c) for c in clients))
    phases = [await run_phase(base, pid, clients, name, seconds) for name in names]
    async with httpx.AsyncClient(base_url=base) as http:
        grouped = await http.get("/bench/committer")  # a server before group commit: 404
    if grouped.status_code == 200:
        done = grouped.json()
        print(f"audit records of reads: {done['records']} in {done['commits']} commits "
              f"(largest batch {done['largest']} requests, {done['failed']} failed)")  # fmt: skip
    return phases


def verify_chain(home: Path) -> str:
    """The audit chain after the run: ``valid, N entries`` or the problem."""
    with open_node(Settings.load(home)) as node:
        found = node.audit.verify()
    if found.valid:
        return f"valid, {found.entries} entries"
    return f"BROKEN at {found.first_bad}: {found.problem}"


def report(phases: list[Phase], chain: str) -> str:
    """The table and the last line."""
    print(f"{'phase':<8}{'requests':>10}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}"
          f"{'cpu ms/req':>12}")  # fmt: skip
    for p in phases:
        print(f"{p.name:<8}{len(p.latencies):>10}{p.rate:>10.1f}{p.quantile(50):>9.1f}"
              f"{p.quantile(99):>9.1f}{p.errors:>8}{p.cpu_ms:>12.2f}")  # fmt: skip
    by_name = {p.name: p for p in phases}
    missing = by_name.get("404", Phase("404"))
    for kind, latencies in missing.kinds.items():
        p50, p99 = missing.quantile(50, latencies), missing.quantile(99, latencies)
        print(f"404 {kind:<10}{len(latencies):>8} asked  p50 ms {p50:7.2f}  p99 ms {p99:7.2f}")
    print(f"audit chain after the run: {chain}")
    mixed, reads, bare = (by_name.get(name, Phase(name)) for name in PHASES[:3])
    ratio = bare.rate / reads.rate if reads.rate else float("inf")
    errors = sum(p.errors for p in phases) + (0 if chain.startswith("valid") else 1)
    return (
        f"requests/s: {mixed.rate:.0f}; bare route requests/s: {bare.rate:.0f}; "
        f"ratio: {ratio:.2f}; p99 ms: {mixed.quantile(99):.1f}; errors: {errors}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=60.0, help="seconds a phase")
    parser.add_argument("--quick", action="store_true", help="5 s a phase")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--items", type=int, default=2000, help="items seeded")
    parser.add_argument("--postgres", default=None, help="put the node on this PostgreSQL")
    parser.add_argument("--phases", default=",".join(PHASES),
                        help="the phases to run, comma-separated (e.g. 404)")  # fmt: skip
    args = parser.parse_args(argv)
    names = tuple(name.strip() for name in args.phases.split(",") if name.strip())
    if not names or set(names) - set(PHASES):
        parser.error(f"--phases: choose from {', '.join(PHASES)}")
    seconds = 5.0 if args.quick else args.duration
    with tempfile.TemporaryDirectory(prefix="tearline-load-") as tmp:
        home = Path(tmp) / "node"
        with database(args.postgres, home) as url:
            started = time.perf_counter()
            clients = seed(home, url, args.clients, args.items)
            print(f"seeded {args.clients} people and {args.items} items on "
                  f"{url.split(':', 1)[0]} in {time.perf_counter() - started:.1f} s")  # fmt: skip
            log = Path(tmp) / "serve.log"
            with server(home, log) as (base, pid):
                print(f"{args.clients} clients, {seconds:.0f} s a phase, against {base}")
                phases = asyncio.run(load(base, pid, clients, seconds, names))
            line = report(phases, verify_chain(home))
            if any(p.errors for p in phases):
                print("the server's log:", log.read_text()[-3000:], sep="\n")
    print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
