"""A Hypothesis oracle: whatever items a node holds, a peer of Japan under us-jp is given
exactly those an independent reading of their markings says may go to it — nothing
unreleasable (NOFORN, ORCON, RELIDO, DISPLAY ONLY, another nation's release list, a
compartment it does not hold), nothing releasable withheld."""

from __future__ import annotations

import base64
import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from support.node import Cast, cast, database_url
from tearline.federation.outbox import Filters
from tearline.service import Draft, ItemKind
from tearline.service.peers import PeerSpec

#: (dissemination field, whether it lets the item go to a Japanese peer)
DISSEMINATION = [
    ("REL TO USA, JPN", True),
    ("REL TO USA, AUS, JPN", True),
    ("REL TO USA, GBR", False),
    ("REL TO USA, FVEY", False),
    ("NOFORN", False),
    ("ORCON/REL TO USA, JPN", False),
    ("REL TO USA, JPN/RELIDO", False),
    ("REL TO USA, GBR/DISPLAY ONLY JPN", False),
]
LEVELS = ["CONFIDENTIAL", "SECRET", "TOP SECRET"]


@st.composite
def markings(draw: st.DrawFn) -> tuple[str, bool]:
    if draw(st.booleans()) and draw(st.booleans()):
        return "UNCLASSIFIED", True
    level = draw(st.sampled_from(LEVELS))
    compartment = draw(st.sampled_from([None, None, "SI", "TK"]))
    field, goes = draw(st.sampled_from(DISSEMINATION))
    if compartment is None:
        return f"{level}//{field}", goes
    return f"{level}//{compartment}//{field}", False  # the peer holds no compartment


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cast]:
    tmp: Path = tmp_path_factory.mktemp("oracle")
    with database_url("sqlite", tmp) as url:
        made = cast(tmp / "home", url)
        spec = PeerSpec("http://127.0.0.1:8401", "JPN", "us-jp",
                        base64.b64encode(bytes(32)).decode())  # fmt: skip
        made.node.peers.add(made.officer.id, "jp-node", spec)
        try:
            yield made
        finally:
            made.node.close()


_ROUND = itertools.count()


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(markings(), min_size=1, max_size=8))
def test_a_peer_is_given_exactly_the_releasable_set(
    world: Cast, chosen: list[tuple[str, bool]]
) -> None:
    node = world.node
    tag = f"round-{next(_ROUND)}"
    expected = set()
    for n, (marking, goes) in enumerate(chosen):
        title = f"{tag} {n} {marking}"
        node.items.add(world.releaser.id, Draft(ItemKind.REPORT, title, "text", marking=marking))
        if goes:
            expected.add(title)
    given_titles: set[str] = set()
    page = node.outbox.objects("peer:jp-node", Filters(limit=1000))
    for shared in page.objects:
        name = str(shared.obj["name"])
        if name.startswith(tag + " "):
            given_titles.add(name)
    assert given_titles == expected
