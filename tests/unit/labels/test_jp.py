"""The Japanese scheme: native script canonical, romanised input, SDS and CESI designations."""

from __future__ import annotations

import pytest

from tearline.errors import LabelError
from tearline.labels.model import Tier
from tearline.labels.parse import normalize, parse, render

VALID = {
    # marking: (canonical, tier, releasable_to, controls, level inferred)
    "極秘//REL TO JPN, USA": (
        "極秘//REL TO JPN, USA",
        Tier.SECRET,
        ["JPN", "USA"],
        ("REL",),
        False,
    ),
    "極秘//JPN ONLY": ("極秘//JPN ONLY", Tier.SECRET, ["JPN"], ("ONLY",), False),
    "(極秘//JPN ONLY)": ("極秘//JPN ONLY", Tier.SECRET, ["JPN"], ("ONLY",), False),
    "機密//REL TO JPN, FVEY": (
        "機密//REL TO JPN, FVEY",
        Tier.TOP_SECRET,
        ["AUS", "CAN", "GBR", "JPN", "NZL", "USA"],
        ("REL",),
        False,
    ),
    "秘": ("秘", Tier.CONFIDENTIAL, ["JPN"], (), False),
    "注意": ("注意", Tier.CONTROLLED, None, (), False),
    "部内限り": ("部内限り", Tier.CONTROLLED, None, (), False),
    "極秘//特定秘密//JPN ONLY": (
        "極秘//特定秘密//JPN ONLY",
        Tier.SECRET,
        ["JPN"],
        ("SDS", "ONLY"),
        False,
    ),
    "特定秘密//REL TO JPN, USA": (
        "特定秘密//REL TO JPN, USA",
        Tier.TOP_SECRET,
        ["JPN", "USA"],
        ("SDS", "REL"),
        True,
    ),
    "秘//重要経済安保情報": ("秘//重要経済安保情報", Tier.CONFIDENTIAL, ["JPN"], ("CESI",), False),
    "重要経済安保情報": ("重要経済安保情報", Tier.CONFIDENTIAL, ["JPN"], ("CESI",), True),
    # romanised spellings, any case, with or without macrons
    "Gokuhi//REL TO JPN, USA": (
        "極秘//REL TO JPN, USA",
        Tier.SECRET,
        ["JPN", "USA"],
        ("REL",),
        False,
    ),
    "GOKUHI//JPN ONLY": ("極秘//JPN ONLY", Tier.SECRET, ["JPN"], ("ONLY",), False),
    "kimitsu": ("機密", Tier.TOP_SECRET, ["JPN"], (), False),
    "Chūi": ("注意", Tier.CONTROLLED, None, (), False),
    "CHUI": ("注意", Tier.CONTROLLED, None, (), False),
    "Tokutei Himitsu": ("特定秘密", Tier.TOP_SECRET, ["JPN"], ("SDS",), True),
    "Gokuhi//TOKUTEI HIMITSU//JPN ONLY": (
        "極秘//特定秘密//JPN ONLY",
        Tier.SECRET,
        ["JPN"],
        ("SDS", "ONLY"),
        False,
    ),
    # foreign owners in Japanese
    "//USA 極秘//REL TO JPN, USA": (
        "//USA 極秘//REL TO JPN, USA",
        Tier.SECRET,
        ["JPN", "USA"],
        ("REL",),
        False,
    ),
    "//USA 極秘//USA ONLY": ("//USA 極秘//USA ONLY", Tier.SECRET, ["USA"], ("ONLY",), False),
}


@pytest.mark.parametrize("marking", sorted(VALID))
def test_japanese_markings(marking: str) -> None:
    canonical, tier, releasable, controls, inferred = VALID[marking]
    label = parse(marking, "jp")
    assert render(label) == canonical
    assert label.tier is tier
    assert (sorted(label.releasable_to) if label.releasable_to is not None else None) == releasable
    assert label.controls == controls
    assert label.level_inferred is inferred
    assert parse(canonical, "jp") == label


INVALID = {
    "極秘//REL TO USA, JPN": "order",  # the owner comes first in a Japanese list
    "極秘//JPN ONLY/REL TO JPN, USA": "conflict",
    "秘//特定秘密": "level",  # SDS covers the SECRET and TOP SECRET grades
    "極秘//重要経済安保情報": "level",
    "極秘//REL TO JPN": "missing-requirement",
    "極秘//NOFORN": "unknown-token",
    "ゴクヒ": "unknown-token",
}


@pytest.mark.parametrize("marking", sorted(INVALID))
def test_invalid_japanese_markings(marking: str) -> None:
    with pytest.raises(LabelError) as caught:
        parse(marking, "jp")
    assert caught.value.kind == INVALID[marking], caught.value.message


def test_normalize_writes_native_script() -> None:
    result = normalize("gokuhi//rel to usa, jpn", "jp")
    assert result.marking == "極秘//REL TO JPN, USA"
    assert "wrote 'gokuhi' as 極秘" in result.changes
    assert normalize("tokutei himitsu//jpn only", "jp").marking == "特定秘密//JPN ONLY"
