"""The canonical label value: built only through the gate, its invariants, its text."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tearline.errors import LabelError
from tearline.labels.gate import admit
from tearline.labels.model import Label, Tier
from tearline.labels.parse import parse

# ---------------------------------------------------------- model: edge cases


def test_a_label_is_not_built_field_by_field_outside_the_core() -> None:
    with pytest.raises(TypeError, match="not built field by field"):
        Label("us", "S", Tier.SECRET, ("USA",), frozenset({"USA"}))
    with pytest.raises(TypeError, match="not built field by field"):
        replace(
            parse("SECRET//REL TO USA, JPN", "us"), releasable_to=frozenset({"USA", "JPN", "RUS"})
        )


def test_a_label_needs_an_owner() -> None:
    with pytest.raises(LabelError, match="needs an owner"):
        admit(scheme="us", level="S", tier=Tier.SECRET, owner=(), releasable_to=frozenset({"USA"}))


def test_a_classified_label_cannot_be_unrestricted() -> None:
    with pytest.raises(LabelError, match="SECRET label cannot be unrestricted"):
        admit(scheme="us", level="S", tier=Tier.SECRET, owner=("USA",), releasable_to=None)
    # up to CONTROLLED an unrestricted label is fine
    fouo = admit(
        scheme="us", level="U", tier=Tier.CONTROLLED, owner=("USA",), releasable_to=None,
        controls=("FOUO",),
    )  # fmt: skip
    assert fouo.readers is None
    assert fouo == parse("UNCLASSIFIED//FOUO", "us")
    assert str(fouo) == "UNCLASSIFIED//FOUO"


def test_has_control() -> None:
    label = parse("SECRET//ORCON/NOFORN", "us")
    assert label.has_control("OC")
    assert label.has_control("NF")
    assert not label.has_control("REL")
