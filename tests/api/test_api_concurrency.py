"""Requests answered at once, in the thread pool: concurrent writers (and readers) through the
API leave one audit chain with no fork and no lost entry, on both backends."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from fastapi.testclient import TestClient

from api.conftest import Api
from tearline.api import create_app

WRITERS = 8
EACH = 6


def _work(api: Api, client: TestClient, who: str, number: int) -> list[int]:
    """``EACH`` writes, each read back, by one client of its own (its own event loop)."""
    statuses = []
    for step in range(EACH):
        body = {"marking": "SECRET//REL TO USA, JPN", "scheme": "us",
                "title": f"w{number}-{step}", "content": "concurrent"}  # fmt: skip
        made = client.post("/api/v1/items", json=body, headers=api.as_(who))
        statuses.append(made.status_code)
        if made.status_code == 201:
            shown = client.get(f"/api/v1/items/{made.json()['id']}", headers=api.as_(who))
            statuses.append(shown.status_code)
    return statuses


def test_concurrent_writers_leave_one_unbroken_chain(api: Api) -> None:
    before = api.client.get("/api/v1/audit/verify", headers=api.as_("officer")).json()
    assert before["valid"] is True
    who = ["us", "releaser", "officer", "jp"]
    # one app and client each, made here (building FastAPI apps is not itself thread-safe)
    clients = [TestClient(create_app(api.world.node), raise_server_exceptions=False)
               for _ in range(WRITERS)]  # fmt: skip
    with ThreadPoolExecutor(WRITERS) as pool:
        results = list(pool.map(lambda n: _work(api, clients[n], who[n % len(who)], n),
                                range(WRITERS)))  # fmt: skip
    statuses = [s for r in results for s in r]
    assert statuses.count(201) == WRITERS * EACH
    assert statuses.count(200) == WRITERS * EACH
    after = api.client.get("/api/v1/audit/verify", headers=api.as_("officer")).json()
    # each write and each read is one entry; the check before is one more (the search's)
    assert after == {"valid": True, "entries": before["entries"] + 2 * WRITERS * EACH + 1}
    seqs = [
        e["seq"]
        for e in api.client.get(
            "/api/v1/audit", params={"limit": 1000}, headers=api.as_("officer")
        ).json()["entries"]
    ]
    assert sorted(seqs) == list(range(min(seqs), min(seqs) + len(seqs)))
