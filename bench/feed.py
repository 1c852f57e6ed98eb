"""The live picture under load: a real ``tearline serve`` process, many subscribers, a steady
stream of observations — filtered per viewer, and as a plain broadcast in the same run.

Run ``.venv/bin/python bench/feed.py`` (200 subscribers, 1,000 observations/s, 60 s a phase;
``--subscribers N``, ``--rate R``, ``--seconds S``, ``--objects K``; ``--quick`` for 20
subscribers, 200/s, 10 s; ``--ramp`` adds short phases at rising rates to find the highest
the node sustains). It seeds a US node on the embedded SQLite default with a US and a
Japanese reporter and the subscribers — of mixed nationality and clearance (US C, S and TS,
some read into ``community:maritime``; Japanese 秘 and 極秘; British S), so they fall into
several visibility classes — starts ``tearline serve`` with the benchmark's routes, and runs
two phases of the same length and load:

1. **filtered**: every subscriber on ``GET /api/v1/cop/stream`` — fusion per visibility
   class, releasability per viewer, each delivery audited;
2. **broadcast**: every subscriber on ``GET /bench/bare/cop/stream`` — one picture of every
   label sent to everyone, nothing audited: the same fan-out with filtering off.

``K`` objects (vessels and aircraft) move on straight courses; each reports ``R / K`` times
a second, posted in batches of one 20th of a second to ``POST /api/v1/observations/batch``
under a label drawn per object (Japanese 秘 / 極秘 releasable to the US, US ``SECRET//REL
TO USA, JPN``, US-only ``SECRET//NOFORN``, ``TLP:GREEN`` for the maritime community). Each
observation's time is the moment it is posted, so a ``track`` event's latency is the time it
arrives at a subscriber minus its ``time`` (the track's newest observation): end to end,
through the batch post, the commit, the follower, fusion and the write. The subscribers are
raw asyncio sockets in a client process of their own, which keeps the last event of each
track and a latency histogram per subscriber; afterwards each subscriber's final picture is
checked against the policy: **delivered** counts, over every subscriber, the observations it
may read that its final picture holds (S: all it may read; a leak — one it may not read —
would be reported and fail the run). The server's CPU time comes from ``/proc``.

The last line is ``delivered: D of S; p99 ms: P; broadcast p99 ms: B; cost ratio: R``, where
D of S and P are those of the filtered phase, B the broadcast's p99 and R the server's CPU
time per observation posted, filtered over broadcast (per observation: when the machine cannot
keep up, the two phases may not post at the same rate). Client, producer and server share the
machine's cores: on a 2-core machine the subscribers' process can be the bottleneck, which
shows as a producer short of its rate and latencies that grow with the backlog.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

SEED = 2026
#: (marking, scheme, nation reporting it, weight)
LABELS = (
    ("秘//REL TO JPN, USA", "jp", "JPN", 0.25),
    ("極秘//REL TO JPN, USA", "jp", "JPN", 0.10),
    ("SECRET//REL TO USA, JPN", "us", "USA", 0.35),
    ("SECRET//NOFORN", "us", "USA", 0.15),
    ("TLP:GREEN//COMMUNITY:maritime", "tlp", "USA", 0.15),
)
#: (nationality, clearance, read into community:maritime, weight) of the subscribers
VIEWERS = (
    ("USA", "S", False, 0.30),
    ("USA", "TS", True, 0.15),
    ("USA", "C", False, 0.10),
    ("JPN", "秘", False, 0.20),
    ("JPN", "極秘", True, 0.15),
    ("GBR", "S", False, 0.10),
)
HISTOGRAM_MS = 0.5  # latency histogram bucket
HISTOGRAM_BUCKETS = 120_000  # up to 60 s


# ------------------------------------------------------------------ the client process
async def _subscribe(host: str, port: int, route: str, token: str, index: int,
                     state: dict[str, Any], stop: asyncio.Event) -> None:  # fmt: skip
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(f"GET {route} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n"
                 "Accept: text/event-stream\r\n\r\n".encode())  # fmt: skip
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    status = head.split(b"\r\n", 1)[0].decode()
    if " 200 " not in status:
        raise SystemExit(f"subscriber {index}: {status}")
    histogram = state["histograms"][index]
    last: dict[bytes, bytes] = state["last"][index]
    buffer = b""
    events = 0
    while not stop.is_set():
        try:
            chunk = await asyncio.wait_for(reader.read(1 << 20), 0.5)
        except TimeoutError:
            continue
        if not chunk:
            break
        arrived = time.time()
        buffer += chunk  # chunked transfer: sizes interleave, but events end in \n\n
        *blocks, buffer = buffer.split(b"\n\n")
        for block in blocks:
            events += _take(block, arrived, histogram, last, state["closed"], index)
    state["events"][index] = events
    writer.close()


def _take(block: bytes, arrived: float, histogram: list[int], last: dict[bytes, bytes],
          closed: list[str | None], index: int) -> int:  # fmt: skip
    """Apply one event to a subscriber's state; 1 for a ``track`` event."""
    start = block.find(b"data: ")
    if start < 0:
        return 0
    data = block[start + 6 :]
    if b"event: track" in block:
        last[data[7 : data.index(b'"', 7)]] = data  # decoded at the end: the client keeps up
        t = data.find(b'"time":"')
        if t >= 0:
            sent = datetime.fromisoformat(data[t + 8 : data.index(b'"', t + 8)].decode())
            bucket = int((arrived - sent.timestamp()) * 1000 / HISTOGRAM_MS)
            histogram[min(max(bucket, 0), HISTOGRAM_BUCKETS - 1)] += 1
        return 1
    if b"event: snapshot" in block:
        last.clear()
        for track in json.loads(data)["tracks"]:
            last[track["id"].encode()] = json.dumps(track).encode()
    elif b"event: withdraw" in block:
        last.pop(json.loads(data)["id"].encode(), None)
    elif b"event: close" in block:
        closed[index] = data.decode()
    return 0


async def _clients(url: str, route: str, tokens: list[str], seconds: float, out: Path) -> None:
    host, port = url.removeprefix("http://").split(":")
    state: dict[str, Any] = {
        "histograms": [[0] * HISTOGRAM_BUCKETS for _ in tokens],
        "last": [{} for _ in tokens], "events": [0] * len(tokens), "closed": [None] * len(tokens),
    }  # fmt: skip
    stop = asyncio.Event()
    tasks = [
        asyncio.create_task(_subscribe(host, int(port), route, t, i, state, stop))
        for i, t in enumerate(tokens)
    ]
    print("ready", flush=True)
    await asyncio.sleep(seconds)
    stop.set()
    await asyncio.gather(*tasks)
    histogram = [sum(h[b] for h in state["histograms"]) for b in range(HISTOGRAM_BUCKETS)]
    out.write_text(json.dumps({
        "histogram": {str(b): n for b, n in enumerate(histogram) if n},
        "events": state["events"], "closed": state["closed"],
        "pictures": [
            sorted({o for data in last.values() for o in json.loads(data)["observations"]})
            for last in state["last"]
        ],
    }))  # fmt: skip


def client_main(argv: list[str]) -> None:
    url, route, tokens_file, seconds, out = argv
    tokens = json.loads(Path(tokens_file).read_text())
    asyncio.run(_clients(url, route, tokens, float(seconds), Path(out)))


# ------------------------------------------------------------------ the node
@dataclass
class Seeded:
    home: Path
    viewers: list[Any]  # PersonRecord
    tokens: list[str]
    reporters: dict[str, tuple[str, str]]  # nation -> (person id, token)
    labels: list[Any]  # Label per LABELS entry


def _seed(home: Path, subscribers: int, rng: random.Random) -> Seeded:
    from tearline.bootstrap import Officer, create_node
    from tearline.config import Settings
    from tearline.labels.parse import parse
    from tearline.service.observations import Report

    node, officer = create_node(Settings(home, f"sqlite:///{home / 'node.db'}"), nation="USA",
                                officer=Officer("Bench Officer", "TS"))  # fmt: skip
    try:
        reporters = {}
        for nation, level in (("USA", "TS"), ("JPN", "極秘")):
            person = node.people.add(officer.id, name=f"{nation} reporter",
                                     nationalities=[nation], clearance=level,
                                     authorizations=[("community:maritime", None)])  # fmt: skip
            reporters[nation] = (person.id, node.tokens.create(officer.id, person.id)[1])
        viewers, tokens = [], []
        weights = [v[3] for v in VIEWERS]
        for n in range(subscribers):
            nation, level, community, _ = rng.choices(VIEWERS, weights)[0]
            grants: list[tuple[str, Any]] = [("community:maritime", None)] if community else []
            person = node.people.add(officer.id, name=f"viewer {n}", nationalities=[nation],
                                     clearance=level, authorizations=grants)  # fmt: skip
            viewers.append(person)
            tokens.append(node.tokens.create(officer.id, person.id)[1])
        # every label stored once (a label new to the node sends everyone a fresh snapshot)
        at = datetime.now(UTC) - timedelta(minutes=50)
        for marking, scheme, nation, _ in LABELS:
            report = Report(at, -40.0, -40.0, "event", nation, "seed", marking, scheme)
            record = node.observations.add(reporters[nation][0], report)
            node.observations.retract(reporters[nation][0], record.id, reason="seed")
        labels = [parse(m, s, registry=node.registry) for m, s, _, _ in LABELS]
    finally:
        node.close()
    return Seeded(home, viewers, tokens, reporters, labels)


def _readable(seeded: Seeded) -> list[list[bool]]:
    """For each subscriber, which of LABELS it may read (the policy decides)."""
    from tearline.labels.schemes.load import default_registry
    from tearline.policy.decide import decide
    from tearline.policy.model import Action

    now = datetime.now(UTC)
    registry = default_registry()
    return [
        [decide(v.as_person(), label, Action.READ, now, registry=registry).permitted
         for label in seeded.labels]
        for v in seeded.viewers
    ]  # fmt: skip


# ------------------------------------------------------------------ the producer
@dataclass
class Mover:
    kind: str
    lat: float
    lon: float
    course: float  # degrees
    speed: float  # m/s
    label: int  # index in LABELS


def _movers(count: int, rng: random.Random) -> list[Mover]:
    weights = [entry[3] for entry in LABELS]
    return [
        Mover("aircraft" if rng.random() < 0.3 else "vessel", rng.uniform(26.0, 40.0),
              rng.uniform(124.0, 145.0), rng.uniform(0, 360), rng.uniform(5.0, 12.0),
              rng.choices(range(len(LABELS)), weights)[0])
        for _ in range(count)
    ]  # fmt: skip


async def _produce(url: str, seeded: Seeded, movers: list[Mover], rate: float, seconds: float,
                   rng: random.Random) -> tuple[dict[str, int], float]:  # fmt: skip
    """Post ``rate`` observations a second for ``seconds``; the label index of each id, and
    the rate achieved."""
    filed: dict[str, int] = {}
    tick = 0.05
    per_tick = rate * tick
    owed = 0.0
    cursor = 0
    started = time.monotonic()
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        n = 0
        while time.monotonic() - started < seconds:
            n += 1
            owed += per_tick
            batch: dict[str, list[tuple[dict[str, Any], int]]] = {"USA": [], "JPN": []}
            now = datetime.now(UTC)
            while owed >= 1:
                owed -= 1
                mover = movers[cursor % len(movers)]
                cursor += 1
                marking, scheme, nation, _ = LABELS[mover.label]
                drift = mover.speed * tick * len(movers) / max(per_tick, 1)
                mover.lat += drift * math.cos(math.radians(mover.course)) / 111_000
                mover.lon += drift * math.sin(math.radians(mover.course)) / 91_000
                body = {
                    "time": now.isoformat(), "lat": mover.lat + rng.gauss(0, 0.0002),
                    "lon": mover.lon + rng.gauss(0, 0.0002), "kind": mover.kind,
                    "source_nation": nation, "sensor": f"{nation} bench radar",
                    "marking": marking, "scheme": scheme, "course": mover.course,
                    "speed": mover.speed,
                }  # fmt: skip
                batch[nation].append((body, mover.label))
            for nation, entries in batch.items():
                if not entries:
                    continue
                token = seeded.reporters[nation][1]
                answer = await client.post(
                    "/api/v1/observations/batch",
                    json={"observations": [b for b, _ in entries]},
                    headers={"Authorization": f"Bearer {token}"},
                )
                if answer.status_code != 201:
                    raise SystemExit(f"posting failed: {answer.status_code} {answer.text[:300]}")
                for obs_id, (_, label) in zip(answer.json()["ids"], entries, strict=True):
                    filed[obs_id] = label
            lag = started + n * tick - time.monotonic()
            if lag > 0:
                await asyncio.sleep(lag)
    return filed, len(filed) / (time.monotonic() - started)


# ------------------------------------------------------------------ one phase
def _cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _percentile(histogram: dict[str, int], share: float) -> float:
    total = sum(histogram.values())
    if not total:
        return float("nan")
    running = 0
    for bucket in sorted(histogram, key=int):
        running += histogram[bucket]
        if running >= share * total:
            return (int(bucket) + 1) * HISTOGRAM_MS
    return float("nan")  # pragma: no cover


def _phase(name: str, url: str, pid: int, route: str, seeded: Seeded, rate: float,
           seconds: float, objects: int, readable: list[list[bool]] | None,
           work: Path) -> dict[str, Any]:  # fmt: skip
    rng = random.Random(SEED)
    tokens = work / "tokens.json"
    tokens.write_text(json.dumps(seeded.tokens))
    out = work / f"{name}.json"
    settle = 3.0
    client = subprocess.Popen(
        [sys.executable, __file__, "--client", url, route, str(tokens),
         str(seconds + settle + 2), str(out)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert client.stdout is not None
    if client.stdout.readline().strip() != "ready":
        raise SystemExit("the client process did not start")
    time.sleep(1.5)  # every subscriber connected and sent its snapshot
    cpu = _cpu(pid)
    filed, achieved = asyncio.run(_produce(url, seeded, _movers(objects, rng), rate, seconds,
                                           rng))  # fmt: skip
    time.sleep(settle)
    used = _cpu(pid) - cpu
    client.wait(timeout=seconds + 120)
    result = json.loads(out.read_text())
    should = delivered = leaked = 0
    for index, picture in enumerate(result["pictures"]):
        held = set(picture)
        for obs_id, label in filed.items():
            may = readable is None or readable[index][label]
            if may:
                should += 1
                delivered += obs_id in held
            elif obs_id in held:
                leaked += 1
    events = sum(result["events"])
    return {
        "phase": name, "posted/s": achieved, "events": events, "events/s": events / seconds,
        "p50": _percentile(result["histogram"], 0.50), "p99": _percentile(result["histogram"],
                                                                        0.99),
        "cpu": used, "cpu/s": used / seconds, "delivered": delivered, "should": should,
        "leaked": leaked, "closed": sum(1 for c in result["closed"] if c),
    }  # fmt: skip


def _table(rows: list[dict[str, Any]]) -> None:
    print(f"{'phase':<12}{'posted/s':>10}{'events/s':>11}{'p50 ms':>9}{'p99 ms':>9}"
          f"{'server CPU s/s':>16}{'delivered':>22}{'leaked':>8}")  # fmt: skip
    for r in rows:
        delivered = f"{r['delivered']} of {r['should']}"
        print(f"{r['phase']:<12}{r['posted/s']:>10.0f}{r['events/s']:>11.0f}{r['p50']:>9.1f}"
              f"{r['p99']:>9.1f}{r['cpu/s']:>16.2f}{delivered:>22}{r['leaked']:>8}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, default=200)
    parser.add_argument("--rate", type=float, default=1000.0)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--objects", type=int, default=500)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--ramp", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.subscribers, args.rate, args.seconds, args.objects = 20, 200.0, 10.0, 100
    rng = random.Random(SEED)
    with tempfile.TemporaryDirectory(prefix="tearline-feed-") as tmp:
        work = Path(tmp)
        seeded = _seed(work / "node", args.subscribers, rng)
        readable = _readable(seeded)
        env = {**os.environ, "TEARLINE_BENCH_BARE_ROUTE": "1"}
        command = [sys.executable, "-m", "tearline", "serve", "--home", str(seeded.home),
                   "--port", "0"]  # fmt: skip
        with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                              text=True, env=env) as server:  # fmt: skip
            try:
                assert server.stdout is not None
                url = server.stdout.readline().strip()
                if not url.startswith("http://"):
                    raise SystemExit(f"tearline serve did not start: {url!r}")
                print(
                    f"{args.subscribers} subscribers, {args.rate:.0f} observations/s of "
                    f"{args.objects} objects, {args.seconds:.0f} s a phase; server {url}"
                )
                rows = [
                    _phase("filtered", url, server.pid, "/api/v1/cop/stream", seeded, args.rate,
                           args.seconds, args.objects, readable, work),
                    _phase("broadcast", url, server.pid, "/bench/bare/cop/stream", seeded,
                           args.rate, args.seconds, args.objects, None, work),
                ]  # fmt: skip
                if args.ramp:
                    for rate in (250.0, 500.0, 1000.0, 2000.0, 4000.0):
                        rows.append(_phase(f"ramp {rate:.0f}", url, server.pid,
                                           "/api/v1/cop/stream", seeded, rate, 10.0,
                                           args.objects, readable, work))  # fmt: skip
            finally:
                server.terminate()
                server.wait(timeout=30)
    _table(rows)
    filtered, broadcast = rows[0], rows[1]
    if any(r["leaked"] for r in rows):
        raise SystemExit("a subscriber's picture held an observation it may not read")
    # the server's CPU time per observation posted: the phases may not post at the same rate
    # when the machine cannot keep up with both
    per = [r["cpu"] / max(r["posted/s"] * args.seconds, 1.0) for r in (filtered, broadcast)]
    ratio = per[0] / per[1] if per[1] else float("nan")
    print(
        f"delivered: {filtered['delivered']} of {filtered['should']}; "
        f"p99 ms: {filtered['p99']:.1f}; broadcast p99 ms: {broadcast['p99']:.1f}; "
        f"cost ratio: {ratio:.2f}"
    )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--client":
        client_main(sys.argv[2:])
    else:
        main()
