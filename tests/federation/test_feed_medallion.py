"""Tearline pulls from an unsigned feed: a real ``medallion`` process (the OASIS reference
TAXII 2.1 server, memory backend, basic authentication), registered with ``tearline peer
add NAME --feed`` and pulled with ``tearline sync --peer NAME`` — objects labelled only from
a TLP marking (2.0, or 1.0 as FIRST maps it) or the feed's default marking, the rest
rejected and audited, the cursor kept (``added_after``), idempotent on id + ``modified``,
provenance "unsigned feed", and nothing from it shared on (the third-party rule)."""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from cli.test_cli_node import Shell
from support.node import BACKENDS, database_url
from tearline.bootstrap import Node, open_node
from tearline.config import Settings
from tearline.federation.feed import TLP1_MARKINGS
from tearline.federation.inbox import HELD
from tearline.federation.outbox import Filters
from tearline.federation.stix import TLP_MARKINGS

MEDIA = "application/taxii+json;version=2.1"
COLLECTION = "365fed99-08fa-fdcd-a1b3-fb247eb41d01"
TLP1_GREEN = TLP1_MARKINGS["GREEN"]
TLP1_WHITE = TLP1_MARKINGS["CLEAR"]
MEDALLION = Path(sys.executable).with_name("medallion")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Medallion:
    """A ``medallion`` server process on loopback with one empty, writable collection."""

    def __init__(self, base: Path) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.password = base64.urlsafe_b64encode(os.urandom(12)).decode()
        root = f"{self.url}/api1/"
        data = {
            "/discovery": {"title": "feed", "description": "", "contact": "",
                           "default": root, "api_roots": [root]},
            "api1": {"information": {"title": "api1", "description": "", "versions": [MEDIA],
                                     "max_content_length": 10_000_000},
                     "status": [],
                     "collections": [{"id": COLLECTION, "title": "feed", "description": "",
                                      "can_read": True, "can_write": True,
                                      "media_types": ["application/stix+json;version=2.1"],
                                      "objects": [], "manifest": []}]},
        }  # fmt: skip
        (base / "medallion-data.json").write_text(json.dumps(data))
        config = {"backend": {"module": "medallion.backends.memory_backend",
                              "module_class": "MemoryBackend",
                              "filename": str(base / "medallion-data.json")},
                  "users": {"tearline": self.password}, "taxii": {"max_page_size": 2}}  # fmt: skip
        (base / "medallion.json").write_text(json.dumps(config))
        self._process = subprocess.Popen(
            [str(MEDALLION), "--host", "127.0.0.1", "--port", str(self.port),
             str(base / "medallion.json")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        self.http = httpx.Client(auth=("tearline", self.password), headers={"Accept": MEDIA})
        deadline = time.monotonic() + 30
        while True:
            assert self._process.poll() is None, "medallion exited"
            try:
                if self.http.get(f"{self.url}/taxii2/").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "medallion did not start"
            time.sleep(0.1)

    @property
    def objects_url(self) -> str:
        return f"{self.url}/api1/collections/{COLLECTION}/objects/"

    def add(self, *objects: dict[str, Any]) -> None:
        body = json.dumps({"objects": list(objects)})
        answer = self.http.post(self.objects_url, content=body, headers={"Content-Type": MEDIA})
        assert answer.status_code == 202, answer.text
        assert answer.json()["failure_count"] == 0, answer.text

    def count(self) -> int:
        """How many objects the collection holds (read page by page)."""
        held, params = 0, {"limit": "2"}
        while True:
            page = self.http.get(self.objects_url, params=params).json()
            held += len(page.get("objects", []))
            if not page.get("more"):
                return held
            params = {"limit": "2", "next": page["next"]}

    def stop(self) -> None:
        self.http.close()
        self._process.terminate()
        self._process.wait(20)


def report(n: int, title: str, refs: list[str] | None, modified: str = "") -> dict[str, Any]:
    made = "2026-03-01T10:00:00.000Z"
    obj: dict[str, Any] = {
        "type": "report", "spec_version": "2.1", "id": f"report--{n:08d}-0000-4000-8000-{n:012d}",
        "created": made, "modified": modified or made, "name": title,
        "description": f"{title}: text", "published": made, "object_refs": [],
    }  # fmt: skip
    if refs is not None:
        obj["object_marking_refs"] = refs
    return obj


GREEN, AMBER, CLEAR = TLP_MARKINGS["GREEN"], TLP_MARKINGS["AMBER"], TLP_MARKINGS["CLEAR"]
NOTE = {
    "type": "note", "spec_version": "2.1", "id": "note--00000005-0000-4000-8000-000000000005",
    "created": "2026-03-01T11:00:00.000Z", "modified": "2026-03-01T11:00:00.000Z",
    "abstract": "Feed amber note", "content": "Seen at the port", "object_refs": [
        "report--00000001-0000-4000-8000-000000000001"], "object_marking_refs": [AMBER],
}  # fmt: skip
INDICATOR = {
    "type": "indicator", "spec_version": "2.1",
    "id": "indicator--00000006-0000-4000-8000-000000000006",
    "created": "2026-03-01T10:00:00.000Z", "modified": "2026-03-01T10:00:00.000Z",
    "name": "Feed indicator", "pattern": "[ipv4-addr:value = '198.51.100.1']",
    "pattern_type": "stix", "valid_from": "2026-03-01T10:00:00Z", "object_marking_refs": [GREEN],
}  # fmt: skip
GRANULAR = {**report(7, "Feed granular report", [GREEN]),
            "granular_markings": [{"marking_ref": AMBER, "selectors": ["name"]}]}  # fmt: skip


@dataclass
class Here:
    sh: Shell
    node: Node
    officer: str
    analyst: str
    feed: Medallion

    def titles(self) -> dict[str, dict[str, Any]]:
        code, listed = self.sh.run("item", "list", "--as", self.analyst, "--limit", "200")
        assert code == 0, listed
        return {row["title"]: row for row in listed["items"]}

    def add_feed(self, name: str, *extra: str) -> Any:
        code, added = self.sh.run(
            "peer", "add", name, "--feed", "--url", self.feed.url, "--nation", "USA",
            "--basic-auth", f"tearline:{self.feed.password}", "--as", self.officer, *extra,
        )  # fmt: skip
        assert code == 0, added
        return added

    def sync(self, name: str) -> tuple[int, int, int]:
        code, result = self.sh.run("sync", "--peer", name)
        assert code == 0, result
        ((peer),) = result["peers"]
        assert "error" not in peer, peer
        return peer["pulled"], peer["pushed"], peer["rejected"]

    def rejections(self) -> list[dict[str, Any]]:
        code, audit = self.sh.run("audit", "search", "--as", self.officer, "--action",
                                  "stix.reject")  # fmt: skip
        assert code == 0, audit
        return [e["detail"] for e in audit["entries"]]


@pytest.fixture(params=BACKENDS)
def here(
    request: pytest.FixtureRequest, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> Iterator[Here]:
    with database_url(request.param, tmp_path / "us") as url:
        sh = Shell(tmp_path / "us", capsys)
        database = ["--database", url] if request.param == "postgres" else []
        code, made = sh.run("init", "--nation", "USA", "--officer", "Officer",
                            "--officer-clearance", "TS", *database)  # fmt: skip
        assert code == 0, made
        officer = made["officer"]["id"]
        # TLP is not a classification: a US clearance reaches TLP:CLEAR only, so the
        # reader of a feed's TLP:GREEN and AMBER objects is cleared in TLP, with their
        # audiences (the node's TLP community, TLP:AMBER's organisation).
        code, added = sh.run("person", "add", "--as", officer, "--name", "Reader",
                             "--nationality", "USA", "--clearance", "AMBER",
                             "--clearance-scheme", "tlp", "--role=analyst",
                             "--authorization", "community:cyber-defence",
                             "--authorization", "tlp:amber")  # fmt: skip
        assert code == 0, added
        feed = Medallion(tmp_path)
        node = open_node(Settings.load(sh.home))
        try:
            yield Here(sh, node, officer, added["id"], feed)
        finally:
            feed.stop()
            node.close()


def test_a_medallion_feed_is_pulled_labelled_and_never_shared_on(here: Here) -> None:
    feed = here.feed
    feed.add(report(1, "Feed green report", [GREEN]), report(2, "Feed unmarked report", None),
             report(3, "Feed TLP 1.0 report", [TLP1_GREEN]),
             report(4, "Feed TLP 1.0 white report", [TLP1_WHITE]),
             report(5, "Feed twice-marked report", [GREEN, TLP1_GREEN]),
             INDICATOR, NOTE, GRANULAR)  # fmt: skip
    added = here.add_feed("open-feed", "--default-marking", "TLP:AMBER")
    assert (added["token"], added["kind"], added["default_marking"]) == (None, "feed", "TLP:AMBER")
    assert here.sync("open-feed") == (5, 0, 3)  # pages of two (medallion's page size)
    titles = here.titles()
    assert set(titles) == {"Feed green report", "Feed unmarked report", "Feed amber note",
                           "Feed TLP 1.0 report", "Feed TLP 1.0 white report"}  # fmt: skip
    assert titles["Feed green report"]["marking"] == "TLP:GREEN"
    assert titles["Feed TLP 1.0 report"]["marking"] == "TLP:GREEN"  # TLP 1.0, as FIRST maps it
    assert titles["Feed TLP 1.0 white report"]["marking"] == "TLP:CLEAR"  # WHITE is CLEAR
    assert titles["Feed unmarked report"]["marking"] == "TLP:AMBER"  # the feed's default
    assert titles["Feed amber note"]["marking"] == "TLP:AMBER"
    assert titles["Feed green report"]["originator_nation"] == "USA"
    for left_out in ("Feed twice-marked report", "Feed indicator", "Feed granular report"):
        assert left_out not in titles
    reasons = sorted(r["reason"] for r in here.rejections())
    assert reasons == ["unrecognised-marking", "unrecognised-marking", "unsupported"]
    code, audit = here.sh.run("audit", "search", "--as", here.officer, "--action", "stix.receive")
    assert code == 0, audit
    assert {e["detail"]["provenance"] for e in audit["entries"]} == {"unsigned feed"}
    assert here.sync("open-feed") == (0, 0, 0)  # the cursor (added_after): nothing new
    assert feed.count() == 8  # nothing was pushed to the feed
    # A new version of a report and a new report: pulled from the cursor on.
    feed.add(report(1, "Feed green report, revised", [GREEN], "2026-03-02T10:00:00.000Z"),
             report(8, "Feed clear report", [CLEAR]))  # fmt: skip
    assert here.sync("open-feed") == (2, 0, 0)
    titles = here.titles()
    assert "Feed green report" not in titles
    assert titles["Feed green report, revised"]["version"] == 2
    assert titles["Feed clear report"]["marking"] == "TLP:CLEAR"
    with here.node.store.transaction():
        here.node.store.forget_sync("open-feed")  # pull it all again: every version held
    assert here.sync("open-feed") == (0, 0, 3)  # (medallion serves the latest versions)


def test_a_feed_version_is_taken_once_and_never_replaced(here: Here) -> None:
    here.add_feed("open-feed")
    with here.node.store.transaction(write=False):
        feed = here.node.store.peer("open-feed")
    assert feed is not None
    assert feed.is_feed
    take = here.node.sync.feeds.add
    first = report(1, "Feed green report", [GREEN], "2026-03-02T10:00:00.000Z")
    assert take(feed, [first])["success_count"] == 1
    again = take(feed, [first, {"type": "identity", "id": "identity--x"}])
    assert again["successes"][0]["message"] == HELD  # the very version: skipped
    other = {**first, "description": "other text"}
    older = report(1, "Feed green report", [GREEN], "2026-03-01T10:00:00.000Z")
    status = take(feed, [other, older, "not an object", {**first, "id": "report--2", "name": ""}])
    messages = [f["message"] for f in status["failures"]]
    assert messages[0].startswith("replayed")
    assert "other content" in messages[0]
    assert messages[1].startswith("replayed")
    assert "newer" in messages[1]
    assert messages[2] == "not a STIX object (a JSON object)"
    assert "needs a name" in messages[3]
    assert [r["reason"] for r in here.rejections()] == ["malformed", "malformed", "replayed",
                                                        "replayed"]  # fmt: skip
    assert here.titles()["Feed green report"]["version"] == 1


def test_a_feed_without_a_default_rejects_unmarked_objects(here: Here) -> None:
    here.feed.add(report(1, "Feed green report", [GREEN]), report(2, "Feed unmarked", None))
    here.add_feed("strict-feed")
    (outcome,) = here.node.sync.due()  # serve's loop pulls a feed too
    assert (outcome.name, outcome.pulled, outcome.rejected) == ("strict-feed", 1, 1)
    (again,) = here.node.sync.due()  # the next round: nothing new
    assert (again.pulled, again.rejected, again.error) == (0, 0, None)
    assert [r["reason"] for r in here.rejections()] == ["unmarked"]
    assert "Feed unmarked" not in here.titles()
    # The same objects through another feed, with a default: an id held from elsewhere is
    # refused; the unmarked one (held from nowhere) is taken at that feed's default.
    here.add_feed("other-feed", "--default-marking", "TLP:GREEN")
    assert here.sync("other-feed") == (1, 0, 1)
    assert sorted(r["reason"] for r in here.rejections()) == ["foreign", "unmarked"]
    assert here.titles()["Feed unmarked"]["marking"] == "TLP:GREEN"


def test_what_came_from_a_feed_is_never_given_to_a_peer(here: Here) -> None:
    here.feed.add(report(1, "Feed clear report", [CLEAR]))
    here.add_feed("open-feed")
    code, made = here.sh.run(
        "item", "add", "--as", here.officer, "--title", "Local clear", "--marking",
        "TLP:CLEAR", "--scheme", "tlp", stdin="local text",
    )  # fmt: skip
    assert code == 0, made
    key = base64.b64encode(bytes(32)).decode()
    code, peer = here.sh.run("peer", "add", "jp-node", "--url", "http://127.0.0.1:9",
                             "--nation", "JPN", "--agreement", "us-jp", "--public-key", key,
                             "--as", here.officer)  # fmt: skip
    assert code == 0, peer
    assert here.sync("open-feed") == (1, 0, 0)
    given = here.node.outbox.objects("peer:jp-node", Filters(limit=100)).wire()
    names = {o.get("name") for o in given}
    assert "Local clear" in names  # TLP:CLEAR goes to a peer when it is a local item…
    assert "Feed clear report" not in names  # …but not when it came from a feed
    assert "Feed clear report" in here.titles()
    # A Tearline peer sending an id a feed gave is refused before its signature is read.
    status = here.node.inbox.add("peer:jp-node", [report(1, "Forged", [GREEN])])
    assert status["failure_count"] == 1
    assert status["failures"][0]["message"].startswith("foreign")


def test_a_wrong_password_is_refused(here: Here) -> None:
    code, added = here.sh.run("peer", "add", "bad-feed", "--feed", "--url", here.feed.url,
                              "--nation", "USA", "--basic-auth", "tearline:wrong-password",
                              "--as", here.officer)  # fmt: skip
    assert code == 0, added
    code, result = here.sh.run("sync", "--peer", "bad-feed")
    assert result["peers"][0]["error"]["code"] == "peer-refused"
