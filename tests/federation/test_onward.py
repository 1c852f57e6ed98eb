"""The third-party rule in full, with three real nodes (a US, a UK and an Australian node,
each with its own home, database and HTTP server, peered under the FVEY agreement): an item
the US node gave the UK goes on from the UK to Australia only when its marking allows it and
a US releasing officer consented (signed with the item); it arrives as the US node signed it
and is verified against the US key at the Australian node, which rejects it when it does not
know that key or when the consent does not name it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cli.test_cli_node import Shell
from federation.test_sync import Side, _side
from support.node import BACKENDS, database_url
from tearline.federation.outbox import Filters

ALLOWED = "SECRET//REL TO USA, AUS, GBR"


def _peer(here: Side, name: str, there: Side, agreement: str, *token: str) -> str:
    code, shown = there.sh.run("node", "show")
    assert code == 0
    code, added = here.sh.run(
        "peer", "add", name, "--url", there.served.base, "--nation", shown["nation"],
        "--public-key", shown["public_key"], "--agreement", agreement, "--as", here.officer,
        *token,
    )  # fmt: skip
    assert code == 0, added
    return str(added["token"])


def _pair(one: Side, one_name: str, other: Side, other_name: str, agreement: str) -> None:
    """Peer two nodes in three commands each way (``one`` knows ``other`` as ``other_name``)."""
    for_other = _peer(one, other_name, other, agreement)
    for_one = _peer(other, one_name, one, agreement, "--token", for_other)
    _peer(one, other_name, other, agreement, "--token", for_one)


@pytest.fixture(params=BACKENDS)
def trio(
    request: pytest.FixtureRequest, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> Iterator[tuple[Side, Side, Side]]:
    postgres = request.param == "postgres"
    with database_url(request.param, tmp_path / "us") as us_url, \
            database_url(request.param, tmp_path / "gb") as gb_url, \
            database_url(request.param, tmp_path / "au") as au_url:  # fmt: skip
        us = _side(Shell(tmp_path / "us", capsys), us_url if postgres else None, "USA", "TS", "TS")
        gb = _side(Shell(tmp_path / "gb", capsys), gb_url if postgres else None, "GBR",
                   "TOP SECRET", "TOP SECRET")  # fmt: skip
        au = _side(Shell(tmp_path / "au", capsys), au_url if postgres else None, "AUS",
                   "TOP SECRET", "TOP SECRET")  # fmt: skip
        sides = (us, gb, au)
        try:
            for side in sides:
                side.served.start()
            _pair(us, "us-node", gb, "gb-node", "fvey")
            _pair(gb, "gb-node", au, "au-node", "fvey")
            # The Australian node knows the US node's key (no credential: they do not sync).
            _peer(au, "us-node", us, "fvey")
            yield us, gb, au
        finally:
            for side in sides:
                side.served.stop()
                side.node.close()


def _item_id(side: Side, title: str) -> str:
    code, listed = side.sh.run("item", "list", "--as", side.author, "--search", title)
    assert code == 0, listed
    return str(next(i["id"] for i in listed["items"] if i["title"] == title))


def _counts(side: Side, peer: str) -> tuple[int, int, int]:
    code, result = side.sync("--peer", peer)
    assert code == 0, result
    ((found),) = result["peers"]
    return found["pulled"], found["pushed"], found["rejected"]


def _audit(side: Side, action: str) -> list[dict[str, Any]]:
    code, audit = side.sh.run("audit", "search", "--as", side.officer, "--action", action)
    assert code == 0, audit
    return [e["detail"] for e in audit["entries"]]


def test_an_item_goes_on_only_with_the_originators_signed_consent(
    trio: tuple[Side, Side, Side],
) -> None:
    us, gb, au = trio
    us.add("Onward to Canberra", ALLOWED)
    us.add("Stays in London", ALLOWED)  # the marking allows it, but no consent is given
    item = _item_id(us, "Onward to Canberra")
    code, refused = us.sh.run("release", "onward", item, "--to", "AUS", "--reason", "agreed",
                              "--as", us.analyst)  # fmt: skip
    assert code != 0, refused
    code, beyond = us.sh.run("release", "onward", item, "--to", "FRA", "--reason", "agreed",
                             "--as", us.author)  # fmt: skip
    assert code == 2
    assert "not releasable to FRA" in beyond["error"]["message"]
    code, given = us.sh.run("release", "onward", item, "--to", "aus", "--reason", "agreed",
                            "--as", us.author)  # fmt: skip
    assert code == 0, given
    assert given == {"item": item, "version": 2, "onward": ["AUS"]}
    assert _counts(us, "gb-node") == (0, 2, 0)
    assert {"Onward to Canberra", "Stays in London"} <= set(gb.titles())
    assert _counts(gb, "au-node") == (0, 1, 0)  # the consented one only
    at_au = au.titles()
    assert "Onward to Canberra" in at_au
    assert "Stays in London" not in at_au
    assert at_au["Onward to Canberra"]["originator_nation"] == "USA"
    assert at_au["Onward to Canberra"]["scheme"] == "au"
    (receipt,) = [d for d in _audit(au, "stix.receive") if d.get("signed_by")]
    assert (receipt["from"], receipt["signed_by"]) == ("gb-node", "us-node")
    released = [d for d in _audit(gb, "stix.release") if d.get("onward")]
    assert [(d["to"], d["from"]) for d in released] == [("peer:au-node", "us-node")]
    assert _counts(gb, "au-node") == (0, 0, 0)  # given once
    assert _counts(gb, "us-node") == (0, 0, 0)  # never back to where it came from
    # Received in Australia, it goes no further without a consent naming the next nation.
    with au.node.store.transaction(write=False):
        held = au.node.store.stix_onward()
    assert [c.nations for c in held] == [("AUS",)]


def test_a_copy_the_receiver_cannot_verify_or_was_not_consented_is_rejected(
    trio: tuple[Side, Side, Side],
) -> None:
    us, gb, au = trio
    us.add("Not consented", ALLOWED)
    # What the US node signed for the UK, with no consent, sent on by the UK by hand.
    given = us.node.outbox.objects("peer:gb-node", Filters()).wire()
    status = au.node.inbox.add("peer:gb-node", given)
    assert status["failure_count"] == 1
    assert status["failures"][0]["message"].startswith("no-consent")
    # A consent is for the version it made: a later edit goes on only with a new consent.
    us.add("Consented, then edited", ALLOWED)
    edited = _item_id(us, "Consented, then edited")
    code, text, _ = us.sh.text("release", "onward", edited, "--to", "AUS", "--reason", "agreed",
                               "--as", us.author)  # fmt: skip
    assert code == 0
    assert text.strip() == f"{edited} v2 may go on to AUS"
    assert _counts(us, "gb-node") == (0, 2, 0)  # with "Not consented"
    code, changed = us.sh.run("item", "edit", edited, "--title", "Edited after consent",
                              "--reason", "update", "--as", us.author)  # fmt: skip
    assert code == 0, changed
    assert _counts(us, "gb-node") == (0, 1, 0)
    # With a consent, but the Australian node no longer knows the US key: not verifiable.
    us.add("Consented, key unknown", ALLOWED)
    code, _ = us.sh.run("release", "onward", _item_id(us, "Consented, key unknown"), "--to",
                        "AUS", "--reason", "agreed", "--as", us.author)  # fmt: skip
    assert code == 0
    code, removed = au.sh.run("peer", "remove", "us-node", "--as", au.officer)
    assert code == 0, removed
    assert _counts(us, "gb-node") == (0, 1, 0)
    assert _counts(gb, "au-node") == (0, 0, 1)  # the edited one does not go at all
    reasons = [d["reason"] for d in _audit(au, "stix.reject")]
    assert sorted(reasons) == ["altered", "no-consent"]
    titles = au.titles()
    assert "Consented, key unknown" not in titles
    assert "Consented, then edited" not in titles
    assert "Edited after consent" not in titles
    # Consents refused: no such item, no reason, this node's own nation, no nation at all.
    for target, to, reason, code_wanted in [
        ("i-nothing", "AUS", "agreed", 3), (edited, "AUS", " ", 2), (edited, "USA", "agreed", 2),
        (edited, " ", "agreed", 2),
    ]:  # fmt: skip
        code, answer = us.sh.run("release", "onward", target, "--to", to, "--reason", reason,
                                 "--as", us.author)  # fmt: skip
        assert code == code_wanted, answer
    # A received item is consented to only by its originator.
    code, answer = gb.sh.run("release", "onward", _item_id(gb, "Not consented"), "--to", "AUS",
                             "--reason", "mine now", "--as", gb.author)  # fmt: skip
    assert code == 2
    assert "only its originating node consents" in json.dumps(answer)


def test_the_originators_revocation_follows_the_item_to_every_node_it_went_on_to(
    trio: tuple[Side, Side, Side],
) -> None:
    us, gb, au = trio
    us.add("Onward, then raised", ALLOWED)
    us.add("Never went on", ALLOWED)
    item = _item_id(us, "Onward, then raised")
    code, given = us.sh.run("release", "onward", item, "--to", "AUS", "--reason", "agreed",
                            "--as", us.author)  # fmt: skip
    assert code == 0, given
    assert _counts(us, "gb-node") == (0, 2, 0)
    assert _counts(gb, "au-node") == (0, 1, 0)
    assert "Onward, then raised" in au.titles()
    # Raised beyond both allies at the originator: a signed revocation, with the consent.
    for title in ("Onward, then raised", "Never went on"):
        code, edited = us.sh.run("item", "edit", _item_id(us, title), "--marking",
                                 "SECRET//NOFORN", "--scheme", "us", "--reason", "raised",
                                 "--as", us.author)  # fmt: skip
        assert code == 0, edited
    assert _counts(us, "gb-node") == (0, 2, 0)  # the two revocations
    assert not {"Onward, then raised", "Never went on"} & set(gb.titles())
    # The UK node sends on only the revocation of what it gave Australia, as the US signed it.
    assert _counts(gb, "au-node") == (0, 1, 0)
    assert "Onward, then raised" not in au.titles()
    (revoked,) = _audit(au, "item.revoke")
    assert revoked["reason"] == "revoked by gb-node"
    released = [d for d in _audit(gb, "stix.release") if d.get("onward")]
    assert [d["to"] for d in released] == ["peer:au-node"] * 2  # the item, then its revocation
    assert len({d["modified"] for d in released}) == 2
    assert _counts(gb, "au-node") == (0, 0, 0)  # once
    assert _counts(gb, "us-node") == (0, 0, 0)  # never back


def test_the_release_guard_of_the_node_giving_on_holds_a_copy_until_approved(
    trio: tuple[Side, Side, Side],
) -> None:
    us, gb, au = trio
    with (gb.sh.home / "node.toml").open("a", encoding="utf-8") as toml:
        toml.write('\n[release_guard]\nwords = ["BLUEFIN"]\n')
    us.add("Bluefin onward", ALLOWED)
    item = _item_id(us, "Bluefin onward")
    code, given = us.sh.run("release", "onward", item, "--to", "AUS", "--reason", "agreed",
                            "--as", us.author)  # fmt: skip
    assert code == 0, given
    assert _counts(us, "gb-node") == (0, 1, 0)
    assert _counts(gb, "au-node") == (0, 0, 0)  # held at the UK node, not sent on
    assert "Bluefin onward" not in au.titles()
    code, shown = gb.sh.run("release", "held", "--as", gb.author)
    assert code == 0, shown
    (held,) = shown["held"]
    assert (held["to"], held["reason"]) == ("peer:au-node", "word")
    code, approved = gb.sh.run("release", "approve", held["id"], "--as", gb.author,
                               "--reason", "the word is the originator's own")  # fmt: skip
    assert code == 0, approved
    assert _counts(gb, "au-node") == (0, 1, 0)
    assert "Bluefin onward" in au.titles()
