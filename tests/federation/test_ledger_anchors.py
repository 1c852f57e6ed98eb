"""Two real nodes (a US node and a Japan node, each with its own home, database and HTTP
server) peered with the CLI: the ledger counts what crossed each way after a sync, and audit
anchoring catches a node that rewrote its own log — rehashed and signed again, so that its
own ``audit verify`` finds nothing — by comparison with the checkpoints its peer keeps."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cli.test_cli_node import Shell
from federation.test_sync import SHARED, Served, Side, _peer
from support.node import BACKENDS, database_url
from tearline.audit import Checkpoint, chain, checkpoint_message, head_message
from tearline.bootstrap import Node, open_node
from tearline.config import Settings

EVERY = 5  # a checkpoint every five audit entries, so a few are anchored in a short test


def _side(sh: Shell, url: str | None, nation: str, clearance: str, extra: str = "") -> Side:
    database = [] if url is None else ["--database", url]
    code, made = sh.run("init", "--nation", nation, "--officer", "Officer",
                        "--officer-clearance", clearance, *database)  # fmt: skip
    assert code == 0, made
    boss = made["officer"]["id"]
    ids = []
    for roles in (["analyst"], ["analyst", "releasing-officer"]):
        code, added = sh.run("person", "add", "--as", boss, "--name", "Reader",
                             "--nationality", nation, "--clearance", clearance,
                             *[f"--role={r}" for r in roles])  # fmt: skip
        assert code == 0, added
        ids.append(added["id"])
    settings = sh.home / "node.toml"
    text = settings.read_text("utf-8").replace("checkpoint_every = 1000",
                                                f"checkpoint_every = {EVERY}")  # fmt: skip
    settings.write_text(text + extra, "utf-8")
    return Side(sh, Served(open_node(Settings.load(sh.home))), boss, ids[0], ids[1])


@pytest.fixture(params=BACKENDS)
def pair(
    request: pytest.FixtureRequest, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> Iterator[tuple[Side, Side]]:
    postgres = request.param == "postgres"
    with database_url(request.param, tmp_path / "us") as us_url, \
            database_url(request.param, tmp_path / "jp") as jp_url:  # fmt: skip
        us = _side(Shell(tmp_path / "us", capsys), us_url if postgres else None, "USA", "TS")
        jp = _side(Shell(tmp_path / "jp", capsys), jp_url if postgres else None, "JPN", "極秘")
        try:
            us.served.start()
            jp.served.start()
            for_jp = _peer(us, "jp-node", jp)
            for_us = _peer(jp, "us-node", us, "--token", for_jp)
            assert _peer(us, "jp-node", jp, "--token", for_us) == for_jp
            yield us, jp
        finally:
            for side in (us, jp):
                side.served.stop()
                side.node.close()


def _ledger(side: Side, *extra: str) -> Any:
    code, shown = side.sh.run("ledger", "--as", side.officer, *extra)
    assert code == 0, shown
    return shown


# ---------------------------------------------------------------------------------- ledger
def test_the_ledger_counts_what_crossed_each_way(pair: tuple[Side, Side]) -> None:
    us, jp = pair
    us.add("Alpha", SHARED)
    us.add("Bravo", SHARED)
    us.add("Kept home", "SECRET//NOFORN")
    code, made = us.sh.run("item", "add", "--as", us.author, "--title", "Sighting",
                           "--kind", "observation", "--marking", "CONFIDENTIAL//REL TO USA, JPN",
                           "--lat", "34.6", "--lon", "129.4", stdin="a vessel")  # fmt: skip
    assert code == 0, made
    jp.add("東京からの報告", "秘//REL TO JPN, USA")
    jp.add("国内限り", "秘")  # stays home
    code, synced = us.sync("--json")
    assert code == 0, synced
    assert [(p["pulled"], p["pushed"]) for p in synced["peers"]] == [(1, 3)]

    at_us = _ledger(us)
    assert at_us["by"] == "day"
    assert at_us["since"] is None
    rows = {(r["peer"], r["tier"], r["kind"]): (r["given"], r["received"], r["balance"])
            for r in at_us["rows"]}  # fmt: skip
    assert rows == {
        ("jp-node", "CONFIDENTIAL", "observation"): (1, 0, 1),
        ("jp-node", "CONFIDENTIAL", "report"): (0, 1, -1),  # 秘, held here as CONFIDENTIAL
        ("jp-node", "SECRET", "report"): (2, 0, 2),
    }
    assert {r["bucket"] for r in at_us["rows"]} == {us.node.clock().date().isoformat()}
    assert at_us["peers"] == [{"peer": "jp-node", "given": 3, "received": 1, "balance": 2}]

    at_jp = _ledger(jp)  # the mirror image, at the labels as each side holds them
    assert at_jp["peers"] == [{"peer": "us-node", "given": 1, "received": 3, "balance": -2}]
    mirrored = {(r["tier"], r["kind"]): (r["given"], r["received"]) for r in at_jp["rows"]}
    assert mirrored == {
        ("CONFIDENTIAL", "report"): (1, 0),
        ("SECRET", "report"): (0, 2),  # SECRET maps to 極秘 (SECRET tier)
        ("CONFIDENTIAL", "observation"): (0, 1),
    }

    # a second sync moves nothing, and the ledger stays as it was
    assert us.sync()[0] == 0
    assert _ledger(us)["peers"] == at_us["peers"]
    # by month and week, filtered by peer and day
    month = _ledger(us, "--by", "month", "--peer", "jp-node", "--since", "2000-01-01")
    assert {r["bucket"] for r in month["rows"]} == {us.node.clock().strftime("%Y-%m")}
    assert month["peers"] == at_us["peers"]
    week = _ledger(us, "--by", "week")
    assert all("-W" in r["bucket"] for r in week["rows"])
    assert _ledger(us, "--since", "2999-01-01")["rows"] == []
    assert _ledger(us, "--peer", "nobody")["peers"] == []
    code, text, _ = us.sh.text("ledger", "--as", us.officer)
    assert code == 0
    assert "jp-node" in text
    assert "+2" in text  # the balance


def test_the_ledger_is_for_officers_and_is_audited(pair: tuple[Side, Side]) -> None:
    us, _ = pair
    code, refused = us.sh.run("ledger", "--as", us.analyst)
    assert code == 5, refused
    assert refused["error"]["code"] == "denied"
    code, shown = us.sh.run("ledger", "--as", us.author)  # a releasing officer
    assert code == 0, shown
    code, audit = us.sh.run("audit", "search", "--as", us.officer, "--action", "ledger.read")
    assert code == 0
    assert {(e["actor"], e["outcome"]) for e in audit["entries"]} == {
        (us.analyst, "deny"), (us.author, "permit"),
    }  # fmt: skip


def test_the_ledger_over_http(pair: tuple[Side, Side]) -> None:
    import httpx

    us, _ = pair
    us.add("Alpha", SHARED)
    assert us.sync()[0] == 0
    token = us.node.tokens.create(us.officer, us.officer)[1]
    answer = httpx.get(f"{us.served.base}/api/v1/ledger", params={"by": "month"},
                       headers={"Authorization": f"Bearer {token}"})  # fmt: skip
    assert answer.status_code == 200, answer.text
    assert answer.json()["peers"] == [{"peer": "jp-node", "given": 1, "received": 0,
                                       "balance": 1}]  # fmt: skip
    analyst = us.node.tokens.create(us.officer, us.analyst)[1]
    answer = httpx.get(f"{us.served.base}/api/v1/ledger",
                       headers={"Authorization": f"Bearer {analyst}"})  # fmt: skip
    assert answer.status_code == 403


# ---------------------------------------------------------------------------------- anchors
def _rewrite_history(node: Node, seq: int) -> None:
    """What an operator holding the node's key could do: change entry ``seq`` directly in
    the database, rehash every entry from there on, and sign the checkpoints again — so the
    node's own verification passes (its signed head re-signed too)."""
    db = node.store.db
    with node.store.transaction():
        if db.dialect == "sqlite":
            db.execute("DROP TRIGGER audit_no_update")
        else:
            db.execute("ALTER TABLE audit DISABLE TRIGGER audit_no_change")
        entries = list(node.store.audit_entries())
        before = entries[seq - 2].hash if seq > 1 else "0" * 64
        rows = [(e.at, e.actor, e.action, e.subject, e.outcome, e.detail)
                for e in entries[seq - 1:]]  # fmt: skip
        forged = rows[0]
        rows[0] = (forged[0], forged[1], forged[2], "nothing-happened", forged[4], forged[5])
        for entry in chain(before, seq - 1, rows):
            db.execute("UPDATE audit SET subject = ?, prev = ?, hash = ? WHERE seq = ?",
                       (entry.subject, entry.prev, entry.hash, entry.seq))  # fmt: skip
        for checkpoint in node.store.checkpoints():
            (entry,) = node.store.audit_after(checkpoint.seq - 1, 1)
            signature = node.key.sign(checkpoint_message(node.info.id, entry.seq, entry.hash))
            db.execute("UPDATE audit_checkpoints SET hash = ?, signature = ? WHERE seq = ?",
                       (entry.hash, signature, entry.seq))  # fmt: skip
        last, hash_ = node.store.audit_head()  # and the log's signed head
        assert hash_ is not None
        signature = node.key.sign(head_message(node.info.id, last, hash_))
        node.store.put_signed_head(Checkpoint(last, hash_, signature, node.key.key_id),
                                   node.clock())  # fmt: skip


def test_a_node_that_rewrites_its_log_is_caught_by_its_peer(pair: tuple[Side, Side]) -> None:
    us, jp = pair
    for n in range(EVERY):
        us.add(f"Alpha {n}", SHARED)
    assert us.sync()[0] == 0  # the US node's checkpoints go to the Japan node
    with us.node.store.transaction(write=False):
        ours = us.node.store.checkpoints()
    with jp.node.store.transaction(write=False):
        registered = jp.node.store.peer("us-node")
        assert registered is not None
        kept = [c for _, c in jp.node.store.anchors_held("us-node", registered.public_key)]
    assert len(ours) >= 2
    assert kept == ours
    code, audit = jp.sh.run("audit", "search", "--as", jp.officer, "--action", "audit.anchor")
    assert code == 0
    assert audit["entries"][0]["detail"]["count"] == len(ours)

    code, checked = us.sh.run("audit", "verify", "--with-peers")
    assert code == 0, checked
    assert checked["valid"] is True
    (peer,) = checked["peers"]
    assert (peer["name"], peer["valid"], peer["anchors"]) == ("jp-node", True, len(ours))

    _rewrite_history(us.node, 3)
    code, plain = us.sh.run("audit", "verify")
    assert (code, plain["valid"]) == (0, True)  # consistent: only the peer can tell
    code, checked = us.sh.run("audit", "verify", "--with-peers")
    assert code == 4, checked
    assert checked["valid"] is False
    (peer,) = checked["peers"]
    assert peer["problem"] == "rewritten"
    assert peer["first_bad"] == EVERY  # the first checkpoint at or after entry 3
    assert f"at or before entry {EVERY}" in peer["detail"]
    code, text, _ = us.sh.text("audit", "verify", "--with-peers")
    assert code == 4
    assert f"MISMATCH at entry {EVERY}" in text

    # the rewritten node's next checkpoints contradict what the peer holds: refused, audited
    with jp.node.store.transaction():
        jp.node.store.db.execute("DELETE FROM audit_anchors WHERE seq > ?", (EVERY,))
    with us.node.store.transaction():
        us.node.store.db.execute("DELETE FROM audit_anchors_sent")
    code, synced = us.sync()
    assert code != 0
    assert synced["peers"][0]["error"]["code"] == "peer-conflict"
    code, audit = jp.sh.run("audit", "search", "--as", jp.officer, "--action", "audit.anchor")
    denied = [e for e in audit["entries"] if e["outcome"] == "deny"]
    assert denied
    assert "rewritten" in json.dumps(denied[0]["detail"])


def test_anchors_must_be_signed_by_the_peer_and_come_from_peers(pair: tuple[Side, Side]) -> None:
    import httpx

    us, jp = pair
    with us.node.store.transaction(write=False):
        (token,) = [us.node.peers.outgoing_token(p) for p in us.node.store.peers()]
    forged = Checkpoint(1, "a" * 64, jp.node.key.sign(b"anything"), jp.node.key.key_id)
    body = {"node": us.node.info.id, "anchors": [
        {"seq": forged.seq, "hash": forged.hash, "signature": forged.signature,
         "key_id": forged.key_id}]}  # fmt: skip
    url = f"{jp.served.base}/api/v1/peers/anchors"
    answer = httpx.post(url, json=body, headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 422, answer.text
    assert "not signed" in answer.json()["error"]["message"]
    person = jp.node.tokens.create(jp.officer, jp.officer)[1]
    answer = httpx.get(url, headers={"Authorization": f"Bearer {person}"})
    assert answer.status_code == 403
    answer = httpx.get(url, headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200
    assert answer.json() == {"anchors": [], "held": 0}
