"""Group commit of the audit records of reads (tearline.service.committer), through the API on
both backends: concurrent readers leave one unbroken chain with exactly one entry per read
(refusals too), a batch really holds several requests, and a failing commit fails every
request of its batch with nothing half-written and nothing answered unaudited."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from fastapi.testclient import TestClient

from api.conftest import Api
from tearline.api import create_app
from tearline.service import Draft, ItemKind

READERS = 8
EACH = 5
MISSING = "it-" + "0" * 32


def _item(api: Api, marking: str) -> str:
    draft = Draft(ItemKind.REPORT, "Group commit", "read concurrently", marking=marking)
    return api.world.node.items.add(api.world.releaser.id, draft).id


def _entries(api: Api) -> list[tuple[int, str, str, str, str]]:
    with api.world.node.store.transaction(write=False):
        return [(e.seq, e.actor, e.action, e.subject, e.outcome)
                for e in api.world.node.store.audit_entries()]  # fmt: skip


def _clients(api: Api, count: int) -> list[TestClient]:
    # one app and client each (building FastAPI apps is not itself thread-safe)
    return [TestClient(create_app(api.world.node), raise_server_exceptions=False)
            for _ in range(count)]  # fmt: skip


@contextmanager
def _writers_held(api: Api) -> Iterator[None]:
    """Hold the writers' turn on a connection of the test's own: the committer cannot commit
    until it ends, so the requests arriving meanwhile wait together for the next batch."""
    other = api.world.node.store.db.sibling()
    try:
        with other.transaction():
            yield
    finally:
        other.close()


def _until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 30
    while not condition():
        assert time.monotonic() < deadline, "the requests never queued up"
        time.sleep(0.01)


def test_concurrent_readers_leave_one_chain_with_one_entry_per_read(api: Api) -> None:
    readable = _item(api, "SECRET//REL TO USA, JPN")
    secret = _item(api, "TOP SECRET//REL TO USA, GBR")
    before = _entries(api)
    who = ["us", "jp", "releaser", "officer"]
    asked = [readable, secret, MISSING, "not an id"]
    clients = _clients(api, READERS)

    def work(number: int) -> list[int]:
        headers = api.as_(who[number % len(who)])
        return [clients[number].get(f"/api/v1/items/{asked[(number + step) % len(asked)]}",
                                    headers=headers).status_code
                for step in range(EACH)]  # fmt: skip

    with ThreadPoolExecutor(READERS) as pool:
        statuses = [s for r in pool.map(work, range(READERS)) for s in r]
    assert set(statuses) <= {200, 404}
    assert statuses.count(200) >= READERS
    after = _entries(api)
    fresh = after[len(before) :]
    assert after[: len(before)] == before
    assert [e[0] for e in after] == list(range(1, len(after) + 1))  # one chain, no gap
    assert all(e[2] == "item.read" for e in fresh)
    assert len(fresh) == READERS * EACH  # one entry per read, granted or refused
    people = {k: getattr(api.world, v).id for k, v in
              (("us", "us_analyst"), ("jp", "jp_analyst"), ("releaser", "releaser"),
               ("officer", "officer"))}  # fmt: skip
    expected = Counter(
        people[who[n % len(who)]] for n in range(READERS) for _ in range(EACH)
    )  # fmt: skip
    assert Counter(e[1] for e in fresh) == expected
    assert Counter(e[4] for e in fresh)["permit"] == statuses.count(200)
    verified = api.client.get("/api/v1/audit/verify", headers=api.as_("officer")).json()
    assert verified == {"valid": True, "entries": len(after) + 1}


def test_a_batch_holds_several_requests_and_answers_each_after_its_commit(api: Api) -> None:
    item = _item(api, "SECRET//REL TO USA, JPN")
    committer = api.world.node.committer
    clients = _clients(api, READERS)
    answered: list[int] = []
    batches = committer.stats.batches

    def read(number: int) -> int:
        got = clients[number].get(f"/api/v1/items/{item}", headers=api.as_("us"))
        status: int = got.status_code
        answered.append(status)
        return status

    with ThreadPoolExecutor(READERS) as pool, _writers_held(api):
        futures = [pool.submit(read, n) for n in range(READERS)]
        # the first batch waits for the writers' turn, every other request behind it
        _until(lambda: committer.pending() == READERS)
        time.sleep(0.05)
        assert answered == []  # nobody is answered before the commit holding its record
    assert [f.result() for f in futures] == [200] * READERS
    assert committer.stats.batches - batches <= 2
    assert committer.stats.largest >= READERS // 2
    assert f"largest batch: {committer.stats.largest} requests" in str(committer.stats)
    reads = [e for e in _entries(api) if e[2] == "item.read" and e[3] == item]
    assert len(reads) == READERS


_FAIL = {
    "sqlite": ["CREATE TRIGGER refuse_audit BEFORE INSERT ON audit "
               "BEGIN SELECT RAISE(ABORT, 'injected fault'); END"],
    "postgres": [
        "CREATE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'injected fault'; END $$",
        "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit "
        "FOR EACH ROW EXECUTE FUNCTION refuse_audit()",
    ],
}  # fmt: skip
_HEAL = {
    "sqlite": ["DROP TRIGGER refuse_audit"],
    "postgres": ["DROP TRIGGER refuse_audit ON audit", "DROP FUNCTION refuse_audit()"],
}


def test_a_failing_commit_fails_every_request_of_its_batch(api: Api) -> None:
    item = _item(api, "SECRET//REL TO USA, JPN")
    node = api.world.node
    dialect = node.store.db.dialect
    committer = node.committer
    clients = _clients(api, READERS)
    before = _entries(api)
    failures = committer.stats.failures
    for statement in _FAIL[dialect]:
        node.store.db.execute(statement)
    asked = [item, MISSING]  # a refusal's record is in the batch too

    def read(number: int) -> tuple[int, bytes]:
        got = clients[number].get(f"/api/v1/items/{asked[number % 2]}", headers=api.as_("us"))
        return got.status_code, got.content

    with ThreadPoolExecutor(READERS) as pool, _writers_held(api):
        futures = [pool.submit(read, n) for n in range(READERS)]
        _until(lambda: committer.pending() == READERS)
    answers = [f.result() for f in futures]
    # not the item, not the 404: the one 500, which says nothing of the fault
    assert {status for status, _ in answers} == {500}
    assert all(b"injected" not in body and b"audit" not in body for _, body in answers)
    assert 1 <= committer.stats.failures - failures <= 2
    assert _entries(api) == before  # nothing of the batch was kept
    for statement in _HEAL[dialect]:
        node.store.db.execute(statement)
    again = api.client.get(f"/api/v1/items/{item}", headers=api.as_("us"))
    assert again.status_code == 200  # the committer goes on with the next batch
    verified = api.client.get("/api/v1/audit/verify", headers=api.as_("officer")).json()
    assert verified == {"valid": True, "entries": len(before) + 2}


def test_a_closed_node_answers_no_read_unaudited(api: Api) -> None:
    item = _item(api, "SECRET//REL TO USA, JPN")
    node = api.world.node
    before = _entries(api)
    node.committer.close()
    got = api.client.get(f"/api/v1/items/{item}", headers=api.as_("us"))
    assert got.status_code == 500
    assert b"Group commit" not in got.content
    assert _entries(api) == before
