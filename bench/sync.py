"""Node to node sync, and medallion read by taxii2-client on the same 1,000 objects.

Run ``.venv/bin/python bench/sync.py`` (``--sizes 1000,100000`` by default; ``--quick`` for
1,000 only). For each size N it makes a US node and a Japan node (SQLite, in a temporary
directory), imports N ``SECRET//REL TO USA, JPN`` reports into the US node and besides
them one ``SECRET//NOFORN`` report for every nine (which must not leave), serves the US
node with ``tearline serve`` (a process of its own), peers the two in both directions and times one
``Sync.run`` on the Japan node: discovery, every objects page (1,000 a page), each object
signed once by the US node on its first release (Ed25519), verified, translated, stored
with provenance and audited on the Japan node. The rate is objects received per second.

Then, for the 1,000-object case, the same 1,000 objects as the US node gives them out are
loaded into a ``medallion`` server (the OASIS reference TAXII 2.1 server, memory backend,
``max_page_size`` 100, served by werkzeug in a thread) and read in full by
``taxii2-client`` (``as_pages``, 100 a request), timed the same way.

Client and servers share the machine's cores (two, shared with other work here): take the
absolute figures as lower bounds and read the ratio.

The last line is ``objects/s: N; medallion objects/s: M; ratio: R`` (the 1,000-object case).
"""

from __future__ import annotations

import argparse
import base64
import json
import logging
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tearline.bootstrap import Node, Officer, create_node
from tearline.config import Settings
from tearline.service.peers import PeerSpec

SHARED = "SECRET//REL TO USA, JPN"
KEPT = "SECRET//NOFORN"
MEDIA = "application/taxii+json;version=2.1"


def _node(home: Path, nation: str, clearance: str) -> tuple[Node, str]:
    node, officer = create_node(Settings(home, f"sqlite:///{home / 'node.db'}"),
                                nation=nation, officer=Officer("Officer", clearance))  # fmt: skip
    return node, officer.id


def _seed(node: Node, officer: str, count: int) -> int:
    """``count`` reports that may go to Japan and, besides them, one NOFORN report for every
    nine of those (which must not go)."""
    author = node.people.add(officer, name="Author", nationalities=["USA"], clearance="TS",
                             roles=("analyst", "releasing-officer"))  # fmt: skip
    kept = count // 9
    lines = (
        json.dumps({"title": f"report {n}", "content": f"contact {n} at 04{n % 60:02d}Z",
                    "marking": KEPT if n % 10 == 9 and n // 10 < kept else SHARED})
        for n in range(count + kept)
    )  # fmt: skip
    node.bulk.import_lines(author.id, lines)
    return count


def _public(node: Node) -> str:
    return base64.b64encode(bytes.fromhex(node.key.public_hex)).decode()


def _cpu_of(pid: int) -> float:
    """CPU seconds (user and system) process ``pid`` has used so far (Linux's /proc; 0 where
    there is none)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def _served(home: Path, log: Path) -> Iterator[tuple[str, int]]:
    tearline = Path(sys.executable).with_name("tearline")
    with log.open("w") as errors:
        process = subprocess.Popen([str(tearline), "serve", "--home", str(home), "--port", "0"],
                                   stdout=subprocess.PIPE, stderr=errors, text=True)  # fmt: skip
    try:
        assert process.stdout is not None
        line = process.stdout.readline().strip()
        if not line.startswith("http://"):
            raise SystemExit(f"tearline serve did not start (it printed {line!r})")
        yield line, process.pid
    finally:
        process.terminate()
        process.wait(30)


def node_to_node(count: int, base: Path) -> tuple[float, list[dict[str, Any]]]:
    """Objects/s of one sync of ``count`` reports from a US node to a Japan node, and the
    objects the US node gives out (for medallion)."""
    us, us_officer = _node(base / f"us-{count}", "USA", "TS")
    jp, jp_officer = _node(base / f"jp-{count}", "JPN", "極秘")
    try:
        started = time.perf_counter()
        expected = _seed(us, us_officer, count)
        print(f"{count}: seeded in {time.perf_counter() - started:.1f} s", flush=True)
        spec = PeerSpec("http://127.0.0.1:9", "JPN", "us-jp", _public(jp))
        token = us.peers.add(us_officer, "jp-node", spec)[1]
        us.close()
        with _served(base / f"us-{count}", base / f"us-{count}.log") as (url, pid):
            spec = PeerSpec(url, "USA", "us-jp", _public_of(base / f"us-{count}"), token)
            jp.peers.add(jp_officer, "us-node", spec)
            jp.sync._page = 1000
            started, cpu, server = time.perf_counter(), time.process_time(), _cpu_of(pid)
            (outcome,) = jp.sync.run("us-node")
            took = time.perf_counter() - started
            cpu, server = time.process_time() - cpu, _cpu_of(pid) - server
            if outcome.error is not None or outcome.pulled != expected or outcome.rejected:
                raise SystemExit(f"sync failed: {outcome.as_dict()} (expected {expected})")
            print(f"{count}: {outcome.pulled} objects in {took:.2f} s: "
                  f"{outcome.pulled / took:,.0f} objects/s; CPU: receiving node {cpu:.2f} s, "
                  f"sending node {server:.2f} s", flush=True)  # fmt: skip
            given = _given(url, token) if count <= 1000 else []
        return outcome.pulled / took, given
    finally:
        jp.close()


def _public_of(home: Path) -> str:
    from tearline.keys import NodeKey

    return base64.b64encode(bytes.fromhex(NodeKey.load(home / "node.key").public_hex)).decode()


def _given(url: str, token: str) -> list[dict[str, Any]]:
    """Every object the US node gives the Japan node (reports and their markings)."""
    from tearline.federation.taxii_client import TaxiiClient

    found: dict[str, dict[str, Any]] = {}
    with TaxiiClient("us-node", url, token) as client:
        collection = client.collection()
        next_: str | None = None
        while True:
            page = client.objects(collection, added_after=None, next_=next_, limit=1000)
            found.update({o["id"]: o for o in page.objects})
            if not page.more or page.next is None:
                return list(found.values())
            next_ = page.next


def medallion_rate(objects: list[dict[str, Any]], base: Path) -> tuple[float, int]:
    """Objects/s at which taxii2-client reads ``objects`` from a medallion server."""
    from medallion import load_app
    from medallion.common import get_timestamp
    from taxii2client.v21 import Server, as_pages
    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.ERROR)

    collection = "91a7b528-80eb-42ed-a74d-c6fbd5a26116"
    data: dict[str, dict[str, Any]] = {
        "/discovery": {"title": "bench", "description": "", "contact": "",
                       "default": "PLACEHOLDER", "api_roots": ["PLACEHOLDER"]},
        "api1": {"information": {"title": "api1", "description": "",
                                 "versions": [MEDIA], "max_content_length": 100_000_000},
                 "status": [],
                 "collections": [{"id": collection, "title": "bench", "description": "",
                                  "can_read": True, "can_write": True,
                                  "media_types": ["application/stix+json;version=2.1"],
                                  "objects": [], "manifest": []}]},
    }  # fmt: skip
    secret = base64.b64encode(os.urandom(12)).decode()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    root = f"http://127.0.0.1:{port}/api1/"
    data["/discovery"].update({"default": root, "api_roots": [root]})
    (base / "medallion-data.json").write_text(json.dumps(data))
    config = {"backend": {"module": "medallion.backends.memory_backend",
                          "module_class": "MemoryBackend",
                          "filename": str(base / "medallion-data.json")},
              "users": {"bench": secret}, "taxii": {"max_page_size": 100}}  # fmt: skip
    (base / "medallion.json").write_text(json.dumps(config))
    app = load_app(str(base / "medallion.json"))
    app.medallion_backend.add_objects("api1", collection, {"objects": objects}, get_timestamp())
    http = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    try:
        server = Server(f"http://127.0.0.1:{port}/taxii2/", user="bench", password=secret)
        (coll,) = server.api_roots[0].collections
        started = time.perf_counter()
        got = 0
        for page in as_pages(coll.get_objects, per_request=100):
            got += len(page.get("objects", []))
        took = time.perf_counter() - started
    finally:
        http.shutdown()
    print(f"medallion: {got} objects in {took:.2f} s: {got / took:,.1f} objects/s", flush=True)
    return got / took, got


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,100000", help="Comma-separated counts.")
    parser.add_argument("--quick", action="store_true", help="1,000 objects only.")
    args = parser.parse_args()
    sizes = [1000] if args.quick else [int(s) for s in args.sizes.split(",")]
    if 1000 not in sizes:
        sizes.insert(0, 1000)
    rates: dict[int, float] = {}
    given: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="tearline-sync-bench-") as tmp:
        for count in sizes:
            rates[count], objects = node_to_node(count, Path(tmp))
            given = objects or given
        medallion, _ = medallion_rate(given, Path(tmp))
    for count, rate in rates.items():
        print(f"node to node, {count:,} objects: {rate:,.0f} objects/s")
    rate = rates[1000]
    print(f"objects/s: {rate:.0f}; medallion objects/s: {medallion:.1f}; "
          f"ratio: {rate / medallion:.1f}")  # fmt: skip


if __name__ == "__main__":
    main()
