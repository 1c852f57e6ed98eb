"""CUI banners and the US non-IC dissemination controls: parsed like any US marking, on the
CONTROLLED tier unless a classification is present, with their rules, roll-up and decisions."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tearline.errors import LabelError
from tearline.labels.model import Tier
from tearline.labels.parse import normalize, parse, render
from tearline.labels.rollup import rollup
from tearline.policy.decide import decide
from tearline.policy.model import Authorization, Clearance, Outcome, Person

AT = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
US = Person(frozenset({"USA"}), Clearance("U", "us"))
JP = Person(frozenset({"JPN"}), Clearance("HI", "jp"))


@pytest.mark.parametrize(
    ("marking", "tier", "releasable", "access", "portion"),
    [
        ("CUI", Tier.CONTROLLED, None, "", "(CUI)"),
        ("CUI//SP-PRVCY", Tier.CONTROLLED, None, "", "(CUI//SP-PRVCY)"),
        ("CUI//SP-CTI/SP-PRVCY//NOFORN", Tier.CONTROLLED, {"USA"}, "",
         "(CUI//SP-CTI/SP-PRVCY//NF)"),
        ("CUI//FED ONLY", Tier.CONTROLLED, {"USA"}, "", "(CUI//FED ONLY)"),
        ("CUI//FEDCON", Tier.CONTROLLED, {"USA"}, "", "(CUI//FEDCON)"),
        ("CUI//NOCON", Tier.CONTROLLED, {"USA"}, "", "(CUI//NOCON)"),
        ("CUI//DL ONLY", Tier.CONTROLLED, None, "DL-ONLY", "(CUI//DL ONLY)"),
        ("CUI//REL TO USA, JPN", Tier.CONTROLLED, {"USA", "JPN"}, "", "(CUI//REL TO USA, JPN)"),
        ("CUI//DISPLAY ONLY JPN", Tier.CONTROLLED, {"USA"}, "", "(CUI//DISPLAY ONLY JPN)"),
        ("UNCLASSIFIED//SBU", Tier.CONTROLLED, None, "", "(U//SBU)"),
        ("UNCLASSIFIED//SBU NOFORN", Tier.CONTROLLED, {"USA"}, "", "(U//SBU-NF)"),
        ("UNCLASSIFIED//LES", Tier.CONTROLLED, None, "", "(U//LES)"),
        ("UNCLASSIFIED//LES NOFORN", Tier.CONTROLLED, {"USA"}, "", "(U//LES-NF)"),
        ("UNCLASSIFIED//SSI", Tier.CONTROLLED, None, "", "(U//SSI)"),
        ("UNCLASSIFIED//NOFORN//LIMDIS", Tier.CONTROLLED, {"USA"}, "", "(U//NF//DS)"),
        ("UNCLASSIFIED//NOFORN//EXDIS", Tier.CONTROLLED, {"USA"}, "", "(U//NF//XD)"),
        ("SECRET//NOFORN//EXDIS", Tier.SECRET, {"USA"}, "", "(S//NF//XD)"),
        ("TOP SECRET//NOFORN//NODIS", Tier.TOP_SECRET, {"USA"}, "", "(TS//NF//ND)"),
    ],
)  # fmt: skip
def test_cui_and_non_ic_markings(
    marking: str, tier: Tier, releasable: set[str] | None, access: str, portion: str
) -> None:
    label = parse(marking, "us")
    assert label.tier is tier
    assert label.releasable_to == (None if releasable is None else frozenset(releasable))
    assert label.access.text == access
    assert (render(label), render(label, form="portion")) == (marking, portion)
    assert parse(portion, "us") == label


@pytest.mark.parametrize(
    ("marking", "kind", "message"),
    [
        ("SECRET//EXDIS", "missing-requirement", "EXDIS at column 9 requires NOFORN"),
        ("SECRET//NODIS", "missing-requirement", "NODIS at column 9 requires NOFORN"),
        ("SECRET//SBU", "level", "only on UNCLASSIFIED"),
        ("SECRET//SP-PRVCY", "level", "only on CUI"),
        ("UNCLASSIFIED//FED ONLY", "level", "only on CUI"),
        ("CUI//ORCON", "level", "needs a classified marking"),
        ("CUI//SI", "level", "needs a classified marking"),
        ("CUI//REL TO USA, JPN/FED ONLY", "conflict", "FED ONLY .* conflicts with REL TO"),
        ("UNCLASSIFIED//NOFORN//SBU NOFORN", "conflict", "SBU NOFORN"),
        ("CUI//SP-PRVCY/SP-CTI", "order", "SP-CTI"),
        ("CUI//SP-", "unknown-token", "unknown control"),
        ("CUI//PRVCY", "unknown-token", "unknown control"),
    ],
)
def test_cui_and_non_ic_rules(marking: str, kind: str, message: str) -> None:
    with pytest.raises(LabelError, match=message) as caught:
        parse(marking, "us")
    assert caught.value.kind == kind


def test_controlled_is_read_as_cui_and_sloppy_cui_is_normalized() -> None:
    assert render(parse("CONTROLLED//NOFORN", "us")) == "CUI//NOFORN"
    assert normalize("cui//sp-prvcy//noforn", "us").marking == "CUI//SP-PRVCY//NOFORN"


@pytest.mark.parametrize(
    ("portions", "banner"),
    [
        (["(U)", "(CUI//SP-PRVCY)"], "CUI//SP-PRVCY"),
        (["(CUI//SP-PRVCY)", "(S//REL TO USA, JPN)"], "SECRET//REL TO USA, JPN"),
        (["(U)", "(U//SBU-NF)"], "UNCLASSIFIED//SBU NOFORN"),
        (["(U//LES-NF)", "(U//SBU-NF)"], "UNCLASSIFIED//SBU NOFORN/LES NOFORN"),
        (["(S//NF)", "(U//SBU-NF)"], "SECRET//NOFORN"),  # ISM-ID-00087: a classified banner is NF
        (["(CUI//FED ONLY)", "(U)"], "CUI//FED ONLY"),
        (["(CUI//SP-PRVCY//NF)", "(U//SBU-NF)"], "CUI//SP-PRVCY//NOFORN"),
        (["(U//SBU)", "(U//FOUO)"], "UNCLASSIFIED//FOUO//SBU"),
    ],
)
def test_roll_up(portions: list[str], banner: str) -> None:
    rolled = rollup([parse(p, "us") for p in portions])
    assert render(rolled) == banner
    assert parse(banner, "us") == rolled


def test_decisions_on_cui() -> None:
    assert decide(JP, parse("CUI//SP-PRVCY", "us"), "read", AT).outcome is Outcome.PERMIT
    assert decide(JP, parse("CUI//FED ONLY", "us"), "read", AT).outcome is Outcome.DENY
    assert decide(US, parse("CUI//FED ONLY", "us"), "read", AT).outcome is Outcome.PERMIT
    listed = parse("CUI//DL ONLY", "us")
    assert decide(US, listed, "read", AT).outcome is Outcome.DENY
    on_list = Person(frozenset({"USA"}), Clearance("U", "us"), (Authorization("DL-ONLY"),))
    assert decide(on_list, listed, "read", AT).outcome is Outcome.PERMIT
    assert decide(JP, parse("UNCLASSIFIED//LES NOFORN", "us"), "read", AT).outcome is Outcome.DENY
