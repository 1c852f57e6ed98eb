"""The release filter on its own: why a label may not leave for a nation, including a label
carried into this node's scheme from another (each label it came from is filtered too)."""

from __future__ import annotations

import pytest

from federation.items import REGISTRY
from tearline.federation.outbox import withheld_because
from tearline.labels.parse import parse
from tearline.labels.translate import translate

JPN = frozenset({"JPN"})


@pytest.mark.parametrize(
    ("marking", "reason"),
    [
        ("SECRET//REL TO USA, JPN", None),
        ("UNCLASSIFIED", None),
        ("SECRET//ORCON/REL TO USA, JPN", "ORCON"),
        ("SECRET//REL TO USA, JPN/RELIDO", "RELIDO"),
        ("SECRET//NOFORN", "NOFORN"),
        ("SECRET//REL TO USA, GBR/DISPLAY ONLY JPN", "DISPLAY ONLY"),
        ("SECRET//REL TO USA, GBR", "not releasable to JPN"),
    ],
)
def test_why_a_us_label_may_not_go_to_japan(marking: str, reason: str | None) -> None:
    found = withheld_because(parse(marking, "us", registry=REGISTRY), JPN)
    if reason is None:
        assert found is None
    else:
        assert found is not None
        assert found.startswith(reason)


def test_a_translated_label_is_filtered_by_the_label_it_came_from() -> None:
    original = parse("秘//REL TO JPN, USA", "jp", registry=REGISTRY)
    carried = translate(original, "us", registry=REGISTRY).label
    assert carried.origins
    assert withheld_because(carried, JPN) is None
    reason = withheld_because(carried, frozenset({"GBR"}))
    assert reason is not None
    assert "GBR" in reason
