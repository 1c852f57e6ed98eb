"""Translation through agreements: labels map up, clearances map down, nothing without one."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from support.strategies import us_labels
from tearline.errors import (
    NoAgreement,
    TearlineError,
    TranslationError,
)
from tearline.labels.model import Label
from tearline.labels.parse import parse, render
from tearline.labels.schemes import default_registry
from tearline.labels.translate import translate, translate_clearance

DIRECTIONS = sorted(
    {(a, b) for agreement in default_registry().agreements for a in agreement.schemes
     for b in agreement.schemes if agreement.connects(a, b)}
)  # fmt: skip


def _level_labels(scheme_id: str) -> list[Label]:
    scheme = default_registry().scheme(scheme_id)
    return [parse(level.banner, scheme_id) for level in scheme.levels if not level.foreign_only]


@pytest.mark.parametrize(("source", "target"), DIRECTIONS)
def test_labels_map_up_over_every_agreement(source: str, target: str) -> None:
    for label in _level_labels(source):
        try:
            carried = translate(label, target)
        except TranslationError:
            continue  # refused (no level high enough) rather than weakened
        assert carried.label.tier >= label.tier, (label.level, carried.label.level)
        assert _within(carried.label.releasable_to, label.releasable_to)
        assert carried.label.scheme == target


def _within(inner: frozenset[str] | None, outer: frozenset[str] | None) -> bool:
    return outer is None or (inner is not None and inner <= outer)


@pytest.mark.parametrize(("source", "target"), DIRECTIONS)
def test_clearances_map_down_over_every_agreement(source: str, target: str) -> None:
    scheme = default_registry().scheme(source)
    for level in scheme.levels:
        for confirmed in (True, False):
            carried = translate_clearance(level.token, source, target, confirmed_only=confirmed)
            if carried is not None:
                assert carried.tier <= level.clearance_tier, (level.token, carried.level)


@settings(max_examples=200, deadline=None)
@given(us_labels())
def test_us_labels_never_lose_protection_in_japanese(label: Label) -> None:
    try:
        carried = translate(label, "jp")
    except TranslationError:
        return  # refused rather than weakened
    assert carried.label.tier >= label.tier
    assert carried.label.releasable_to == label.releasable_to
    assert carried.label.access == label.access
    back = translate(carried.label, "us").label
    assert back.tier >= label.tier


GSOMIA = [
    ("us", "SECRET//REL TO USA, JPN", "jp", "//USA 極秘//REL TO JPN, USA", False, False),
    ("us", "TOP SECRET//NOFORN", "jp", "//USA 機密//USA ONLY", False, False),
    ("us", "CONFIDENTIAL//ORCON/REL TO USA, JPN", "jp", "//USA 秘//ORCON/REL TO JPN, USA",
     False, False),
    ("us", "UNCLASSIFIED//FOUO", "jp", "//USA 注意", True, False),
    ("jp", "極秘//REL TO JPN, USA", "us", "//JPN SECRET//REL TO USA, JPN", False, False),
    ("jp", "極秘//特定秘密//JPN ONLY", "us", "//JPN SECRET//SDS//NOFORN", False, False),
    ("jp", "特定秘密//REL TO JPN, USA", "us", "//JPN TOP SECRET//SDS//REL TO USA, JPN", True,
     False),
    ("jp", "注意", "us", "//JPN UNCLASSIFIED//FOUO", True, False),
]  # fmt: skip


@pytest.mark.parametrize(("source", "marking", "target", "expected", "inferred", "up"), GSOMIA)
def test_us_japan_translations(
    source: str, marking: str, target: str, expected: str, inferred: bool, up: bool
) -> None:
    carried = translate(parse(marking, source), target)
    assert render(carried.label) == expected
    assert (carried.inferred, carried.mapped_up) == (inferred, up)
    assert carried.agreement == "us-jp"
    assert render(parse(marking, source), target) == expected


def test_no_agreement_means_nothing_is_translated() -> None:
    with pytest.raises(NoAgreement, match="no agreement connects"):
        translate_clearance("S", "us", "xx")


def test_what_the_target_cannot_write_is_refused_not_dropped() -> None:
    label = parse("TOP SECRET//SI//NOFORN", "us")
    with pytest.raises(TearlineError):
        render(label, "jp")


@pytest.mark.parametrize("other", ["nato", "gb", "au", "fr", "in"])
def test_japans_unread_agreements_are_inferred_throughout(other: str) -> None:
    agreement = default_registry().agreement("jp", other)
    assert agreement is not None
    assert agreement.inferred_between("jp", other)
    assert all(e.source for e in agreement.equivalences)
    assert translate_clearance("GOKUHI", "jp", other) is None  # never grants access
    assert translate_clearance("GOKUHI", "jp", other, confirmed_only=False) is not None


def test_every_equivalence_names_its_source_and_basis() -> None:
    for agreement in default_registry().agreements:
        assert agreement.source, agreement.id
        for equivalence in agreement.equivalences:
            assert equivalence.basis in ("treaty-text", "secondary", "convention", "inferred")


# ---------------------------------------------------------- schemes and translation: edge cases


def test_scheme_category_lookup() -> None:
    us = default_registry().scheme("us")
    assert us.category("sci").title == "SCI controls"
    with pytest.raises(KeyError):
        us.category("no-such-category")


def test_translating_into_the_labels_own_scheme_changes_nothing() -> None:
    label = parse("SECRET//REL TO USA, JPN", "us")
    same = translate(label, "us")
    assert same.label == label
    assert (same.inferred, same.mapped_up, same.basis, same.agreement) == (
        False,
        False,
        "same scheme",
        None,
    )
    # an inferred level stays flagged as inferred
    designated = translate(parse("特定秘密", "jp"), "jp")
    assert designated.inferred
    assert designated.label.level_inferred
