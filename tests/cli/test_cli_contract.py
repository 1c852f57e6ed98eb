"""The ``tearline`` command's JSON contract, checked field by field.

Most tests run the CLI in-process through :func:`tearline.cli.main` (it never raises and returns
the exit code) and read its stdout with ``capsys``; a few run the installed console script in a
real subprocess to prove that ``pip install -e .`` gives a working command.

Contract (from the issue): ``label parse`` → ``{"valid": true, "scheme", "marking", "portion",
"tier", "level", "owner", "releasable_to", "controls", "access"}``; invalid input → exit 2 and
``{"valid": false, "error": {"class", "message", "position"}}``; ``label rollup`` →
``{"banner"}``; ``label normalize`` → ``{"marking", "changes"}``; ``label render`` →
``{"marking"}``; ``access check`` → exit 0 for every decision and ``{"decision", "reasons"}``;
``access eval`` → ``{"result"}``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tearline.cli import main
from tearline.errors import ERROR_KINDS

# --------------------------------------------------------------------------------- helpers

EXIT_OK = 0
EXIT_INVALID = 2


TIERS = {"UNCLASSIFIED", "CONTROLLED", "RESTRICTED", "CONFIDENTIAL", "SECRET", "TOP SECRET"}

NATO = sorted(
    [
        "ALB", "BEL", "BGR", "CAN", "CZE", "DEU", "DNK", "ESP", "EST", "FIN", "FRA",
        "GBR", "GRC", "HRV", "HUN", "ISL", "ITA", "LTU", "LUX", "LVA", "MKD", "MNE",
        "NLD", "NOR", "POL", "PRT", "ROU", "SVK", "SVN", "SWE", "TUR", "USA",
    ]
)  # fmt: skip
NATO_USA_FIRST = ["USA", *(code for code in NATO if code != "USA")]
FVEY_USA_FIRST = ["USA", "AUS", "CAN", "GBR", "NZL"]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, Any]:
    """Run the CLI in-process; return the exit code and the parsed JSON on stdout."""
    code = main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in out
    assert "Traceback" not in err
    out.encode("utf-8")
    err.encode("utf-8")
    return code, json.loads(out)


def parse_json(capsys: pytest.CaptureFixture[str], marking: str, *options: str) -> Any:
    code, data = run(capsys, "label", "parse", *options, marking, "--json")
    assert data.get("valid") is True, data
    assert code == EXIT_OK
    return data


def person(**fields: object) -> str:
    """A person as the --person JSON: a US SECRET holder unless ``fields`` say otherwise."""
    data: dict[str, object] = {"nationality": "USA", "clearance": "S", "clearance_scheme": "us"}
    data.update(fields)
    return json.dumps(data)


def assert_json_error(data: Any, kinds: set[str] | frozenset[str] | None = None) -> None:
    """The ``{"valid": false, "error": {"class", "message", "position"}}`` shape."""
    assert data["valid"] is False
    error = data["error"]
    assert set(error) >= {"class", "message", "position"}
    assert isinstance(error["message"], str)
    assert error["message"].strip()
    assert isinstance(error["position"], int)
    if kinds is not None:
        assert error["class"] in kinds


# ------------------------------------------------------------------------- label parse: valid

# marking -> (banner, portion, tier, level, owner, releasable_to, controls, access)
Expected = tuple[str, str, str, str, str, list[str] | None, list[str], str]

VALID: dict[str, Expected] = {
    # US levels
    "UNCLASSIFIED": ("UNCLASSIFIED", "(U)", "UNCLASSIFIED", "U", "USA", None, [], ""),
    "(U)": ("UNCLASSIFIED", "(U)", "UNCLASSIFIED", "U", "USA", None, [], ""),
    "CONFIDENTIAL": ("CONFIDENTIAL", "(C)", "CONFIDENTIAL", "C", "USA", ["USA"], [], ""),
    "(C)": ("CONFIDENTIAL", "(C)", "CONFIDENTIAL", "C", "USA", ["USA"], [], ""),
    "SECRET": ("SECRET", "(S)", "SECRET", "S", "USA", ["USA"], [], ""),
    "(S)": ("SECRET", "(S)", "SECRET", "S", "USA", ["USA"], [], ""),
    "TOP SECRET": ("TOP SECRET", "(TS)", "TOP SECRET", "TS", "USA", ["USA"], [], ""),
    "(TS)": ("TOP SECRET", "(TS)", "TOP SECRET", "TS", "USA", ["USA"], [], ""),
    # FOUO raises UNCLASSIFIED to CONTROLLED; the long title is a banner spelling
    "UNCLASSIFIED//FOUO": (
        "UNCLASSIFIED//FOUO", "(U//FOUO)", "CONTROLLED", "U", "USA", None, ["FOUO"], "",
    ),
    "(U//FOUO)": (
        "UNCLASSIFIED//FOUO", "(U//FOUO)", "CONTROLLED", "U", "USA", None, ["FOUO"], "",
    ),
    "UNCLASSIFIED//FOR OFFICIAL USE ONLY": (
        "UNCLASSIFIED//FOUO", "(U//FOUO)", "CONTROLLED", "U", "USA", None, ["FOUO"], "",
    ),
    "UNCLASSIFIED//NOFORN": (
        "UNCLASSIFIED//NOFORN", "(U//NF)", "UNCLASSIFIED", "U", "USA", ["USA"], ["NF"], "",
    ),
    "(U//REL TO USA, JPN)": (
        "UNCLASSIFIED//REL TO USA, JPN", "(U//REL TO USA, JPN)", "UNCLASSIFIED", "U", "USA",
        ["USA", "JPN"], ["REL"], "",
    ),
    # dissemination controls
    "SECRET//NOFORN": ("SECRET//NOFORN", "(S//NF)", "SECRET", "S", "USA", ["USA"], ["NF"], ""),
    "(S//NF)": ("SECRET//NOFORN", "(S//NF)", "SECRET", "S", "USA", ["USA"], ["NF"], ""),
    "S//NF": ("SECRET//NOFORN", "(S//NF)", "SECRET", "S", "USA", ["USA"], ["NF"], ""),
    "SECRET//ORCON/NOFORN": (
        "SECRET//ORCON/NOFORN", "(S//OC/NF)", "SECRET", "S", "USA", ["USA"], ["OC", "NF"], "",
    ),
    "(S//OC/NF)": (
        "SECRET//ORCON/NOFORN", "(S//OC/NF)", "SECRET", "S", "USA", ["USA"], ["OC", "NF"], "",
    ),
    "SECRET//RSEN/ORCON/NOFORN": (
        "SECRET//RSEN/ORCON/NOFORN", "(S//RS/OC/NF)", "SECRET", "S", "USA", ["USA"],
        ["RS", "OC", "NF"], "",
    ),
    "(S//OC/IMC/NF/PR)": (
        "SECRET//ORCON/IMCON/NOFORN/PROPIN", "(S//OC/IMC/NF/PR)", "SECRET", "S", "USA",
        ["USA"], ["OC", "IMC", "NF", "PR"], "",
    ),
    "CONFIDENTIAL//NOFORN/FISA": (
        "CONFIDENTIAL//NOFORN/FISA", "(C//NF/FISA)", "CONFIDENTIAL", "C", "USA", ["USA"],
        ["NF", "FISA"], "",
    ),
    # REL TO: USA first, then trigraphs A-Z; tetragraphs expanded
    "SECRET//REL TO USA, JPN": (
        "SECRET//REL TO USA, JPN", "(S//REL TO USA, JPN)", "SECRET", "S", "USA",
        ["USA", "JPN"], ["REL"], "",
    ),
    "(S//REL TO USA, JPN)": (
        "SECRET//REL TO USA, JPN", "(S//REL TO USA, JPN)", "SECRET", "S", "USA",
        ["USA", "JPN"], ["REL"], "",
    ),
    "SECRET//REL TO USA, GBR, JPN, KOR": (
        "SECRET//REL TO USA, GBR, JPN, KOR", "(S//REL TO USA, GBR, JPN, KOR)", "SECRET", "S",
        "USA", ["USA", "GBR", "JPN", "KOR"], ["REL"], "",
    ),
    "SECRET//REL TO USA, FVEY": (
        "SECRET//REL TO USA, FVEY", "(S//REL TO USA, FVEY)", "SECRET", "S", "USA",
        FVEY_USA_FIRST, ["REL"], "",
    ),
    "(S//REL TO USA, JPN, FVEY)": (
        "SECRET//REL TO USA, JPN, FVEY", "(S//REL TO USA, JPN, FVEY)", "SECRET", "S", "USA",
        ["USA", "AUS", "CAN", "GBR", "JPN", "NZL"], ["REL"], "",
    ),
    "SECRET//REL TO USA, TEYE": (
        "SECRET//REL TO USA, TEYE", "(S//REL TO USA, TEYE)", "SECRET", "S", "USA",
        ["USA", "CAN", "GBR"], ["REL"], "",
    ),
    "CONFIDENTIAL//REL TO USA, NATO": (
        "CONFIDENTIAL//REL TO USA, NATO", "(C//REL TO USA, NATO)", "CONFIDENTIAL", "C", "USA",
        NATO_USA_FIRST, ["REL"], "",
    ),
    # RELIDO, DISPLAY ONLY
    "SECRET//RELIDO": (
        "SECRET//RELIDO", "(S//RELIDO)", "SECRET", "S", "USA", ["USA"], ["RELIDO"], "",
    ),
    "(S//REL TO USA, JPN/RELIDO)": (
        "SECRET//REL TO USA, JPN/RELIDO", "(S//REL TO USA, JPN/RELIDO)", "SECRET", "S", "USA",
        ["USA", "JPN"], ["REL", "RELIDO"], "",
    ),
    "SECRET//DISPLAY ONLY JPN": (
        "SECRET//DISPLAY ONLY JPN", "(S//DISPLAY ONLY JPN)", "SECRET", "S", "USA", ["USA"],
        ["DISPLAYONLY"], "",
    ),
    "(S//REL TO USA, GBR/DISPLAY ONLY AFG)": (
        "SECRET//REL TO USA, GBR/DISPLAY ONLY AFG", "(S//REL TO USA, GBR/DISPLAY ONLY AFG)",
        "SECRET", "S", "USA", ["USA", "GBR"], ["REL", "DISPLAYONLY"], "",
    ),
    # SCI: access expression, nations never in it
    "TOP SECRET//SI/TK//NOFORN": (
        "TOP SECRET//SI/TK//NOFORN", "(TS//SI/TK//NF)", "TOP SECRET", "TS", "USA", ["USA"],
        ["NF"], "SI&TK",
    ),
    "(TS//SI/TK//NF)": (
        "TOP SECRET//SI/TK//NOFORN", "(TS//SI/TK//NF)", "TOP SECRET", "TS", "USA", ["USA"],
        ["NF"], "SI&TK",
    ),
    "TOP SECRET//SI//REL TO USA, FVEY": (
        "TOP SECRET//SI//REL TO USA, FVEY", "(TS//SI//REL TO USA, FVEY)", "TOP SECRET", "TS",
        "USA", FVEY_USA_FIRST, ["REL"], "SI",
    ),
    "TOP SECRET//HCS//NOFORN": (
        "TOP SECRET//HCS//NOFORN", "(TS//HCS//NF)", "TOP SECRET", "TS", "USA", ["USA"], ["NF"],
        "HCS",
    ),
    "(TS//SI-G//OC/NF)": (
        "TOP SECRET//SI-G//ORCON/NOFORN", "(TS//SI-G//OC/NF)", "TOP SECRET", "TS", "USA",
        ["USA"], ["OC", "NF"], "SI-G",
    ),
    "TOP SECRET//RSV-ABC/SI-G-ABCD//NOFORN": (
        "TOP SECRET//RSV-ABC/SI-G-ABCD//NOFORN", "(TS//RSV-ABC/SI-G-ABCD//NF)", "TOP SECRET",
        "TS", "USA", ["USA"], ["NF"], "RSV-ABC&SI-G-ABCD",
    ),
    "TOP SECRET//SI/TK//RELIDO": (
        "TOP SECRET//SI/TK//RELIDO", "(TS//SI/TK//RELIDO)", "TOP SECRET", "TS", "USA",
        ["USA"], ["RELIDO"], "SI&TK",
    ),
    # SAR and AEA
    "SECRET//SAR-BP//NOFORN": (
        "SECRET//SAR-BP//NOFORN", "(S//SAR-BP//NF)", "SECRET", "S", "USA", ["USA"], ["NF"],
        "SAR-BP",
    ),
    "(S//SAR-BP)": ("SECRET//SAR-BP", "(S//SAR-BP)", "SECRET", "S", "USA", ["USA"], [], "SAR-BP"),
    "SECRET//SPECIAL ACCESS REQUIRED-BUTTER": (
        "SECRET//SAR-BUTTER", "(S//SAR-BUTTER)", "SECRET", "S", "USA", ["USA"], [],
        "SAR-BUTTER",
    ),
    "SECRET//RD//NOFORN": (
        "SECRET//RD//NOFORN", "(S//RD//NF)", "SECRET", "S", "USA", ["USA"], ["NF"], "RD",
    ),
    "UNCLASSIFIED//UCNI": (
        "UNCLASSIFIED//UCNI", "(U//UCNI)", "CONTROLLED", "U", "USA", None, [], "UCNI",
    ),
    # FGI
    "SECRET//FGI GBR//NOFORN": (
        "SECRET//FGI GBR//NOFORN", "(S//FGI GBR//NF)", "SECRET", "S", "USA", ["USA"], ["NF"],
        "",
    ),
    "(S//FGI//NF)": (
        "SECRET//FGI//NOFORN", "(S//FGI//NF)", "SECRET", "S", "USA", ["USA"], ["NF"], "",
    ),
    "(S//FGI GBR JPN//REL TO USA, GBR, JPN)": (
        "SECRET//FGI GBR JPN//REL TO USA, GBR, JPN", "(S//FGI GBR JPN//REL TO USA, GBR, JPN)",
        "SECRET", "S", "USA", ["USA", "GBR", "JPN"], ["REL"], "",
    ),
    # NATO
    "//NATO SECRET": ("//NATO SECRET", "(//NS)", "SECRET", "S", "NATO", NATO, [], ""),
    "(//NS)": ("//NATO SECRET", "(//NS)", "SECRET", "S", "NATO", NATO, [], ""),
    "//COSMIC TOP SECRET": (
        "//COSMIC TOP SECRET", "(//CTS)", "TOP SECRET", "TS", "NATO", NATO, [], "",
    ),
    "//NATO CONFIDENTIAL": (
        "//NATO CONFIDENTIAL", "(//NC)", "CONFIDENTIAL", "C", "NATO", NATO, [], "",
    ),
    "(//NR)": ("//NATO RESTRICTED", "(//NR)", "RESTRICTED", "R", "NATO", NATO, [], ""),
    "//NATO UNCLASSIFIED": (
        "//NATO UNCLASSIFIED", "(//NU)", "CONTROLLED", "U", "NATO", None, [], "",
    ),
    "//NATO SECRET//ATOMAL": (
        "//NATO SECRET//ATOMAL", "(//NS//ATOMAL)", "SECRET", "S", "NATO", NATO, [], "ATOMAL",
    ),
    # foreign owners
    "//GBR SECRET": ("//GBR SECRET", "(//GBR S)", "SECRET", "S", "GBR", ["GBR"], [], ""),
    "//GBR S": ("//GBR SECRET", "(//GBR S)", "SECRET", "S", "GBR", ["GBR"], [], ""),
    "(//GBR S)": ("//GBR SECRET", "(//GBR S)", "SECRET", "S", "GBR", ["GBR"], [], ""),
    "//GBR RESTRICTED": (
        "//GBR RESTRICTED", "(//GBR R)", "RESTRICTED", "R", "GBR", ["GBR"], [], "",
    ),
    "//GBR SECRET//REL TO USA, GBR": (
        "//GBR SECRET//REL TO USA, GBR", "(//GBR S//REL TO USA, GBR)", "SECRET", "S", "GBR",
        ["GBR", "USA"], ["REL"], "",
    ),
    "//JOINT SECRET CAN GBR USA": (
        "//JOINT SECRET CAN GBR USA", "(//JOINT S CAN GBR USA)", "SECRET", "S",
        "JOINT CAN GBR USA", ["CAN", "GBR", "USA"], [], "",
    ),
    "(//JOINT S CAN GBR USA)": (
        "//JOINT SECRET CAN GBR USA", "(//JOINT S CAN GBR USA)", "SECRET", "S",
        "JOINT CAN GBR USA", ["CAN", "GBR", "USA"], [], "",
    ),
}  # fmt: skip


@pytest.mark.parametrize(("marking", "expected"), VALID.items(), ids=list(VALID))
def test_parse_contract_fields(
    capsys: pytest.CaptureFixture[str], marking: str, expected: Expected
) -> None:
    banner, portion, tier, level, owner, releasable_to, controls, access = expected
    data = parse_json(capsys, marking)
    assert data["scheme"] == "us"
    assert data["marking"] == banner
    assert data["portion"] == portion
    assert data["tier"] == tier
    assert data["tier"] in TIERS
    assert data["level"] == level
    assert data["owner"] == owner
    assert data["releasable_to"] == releasable_to
    assert data["controls"] == controls
    assert data["access"] == access


@pytest.mark.parametrize("marking", list(VALID))
def test_parse_canonical_output_parses_to_the_same_fields(
    capsys: pytest.CaptureFixture[str], marking: str
) -> None:
    first = parse_json(capsys, marking)
    again_banner = parse_json(capsys, first["marking"], "--form", "banner")
    again_portion = parse_json(capsys, first["portion"], "--form", "portion")
    assert again_banner == first
    assert again_portion == first


@pytest.mark.parametrize("marking", list(VALID))
def test_access_never_names_a_nation(capsys: pytest.CaptureFixture[str], marking: str) -> None:
    data = parse_json(capsys, marking)
    for nation in (data["releasable_to"] or []) + ["USA", "GBR", "JPN", "NATO", "FVEY"]:
        assert nation not in data["access"]


def test_parse_extra_fields_for_fgi_and_display_only(capsys: pytest.CaptureFixture[str]) -> None:
    assert parse_json(capsys, "SECRET//FGI GBR//NOFORN")["fgi"] == ["GBR"]
    assert parse_json(capsys, "(S//FGI//NF)")["fgi"] == []
    assert parse_json(capsys, "SECRET")["fgi"] is None
    shown = parse_json(capsys, "(S//REL TO USA, GBR/DISPLAY ONLY AFG)")
    assert shown["displayable_to"] == ["AFG"]
    joint = parse_json(capsys, "//JOINT SECRET CAN GBR USA")
    assert joint["owners"] == ["CAN", "GBR", "USA"]


def test_parse_with_explicit_scheme_and_form(capsys: pytest.CaptureFixture[str]) -> None:
    banner = parse_json(capsys, "SECRET//NOFORN", "--scheme", "us", "--form", "banner")
    portion = parse_json(capsys, "(S//NF)", "--scheme", "us", "--form", "portion")
    assert banner == portion
    assert banner["marking"] == "SECRET//NOFORN"


def test_parse_without_json_prints_lines(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["label", "parse", "(S//NF)"]) == EXIT_OK
    out, _ = capsys.readouterr()
    assert "marking: SECRET//NOFORN" in out
    assert "Traceback" not in out


# ----------------------------------------------------------------------- label parse: invalid

# marking -> (class, position of the leftmost error)
INVALID: dict[str, tuple[str, int]] = {
    # syntax
    "": ("syntax", 1),
    " ": ("syntax", 1),
    "//": ("syntax", 3),
    "SECRET//": ("syntax", 7),
    "SECRET////NOFORN": ("syntax", 7),
    "SECRET//NOFORN/": ("syntax", 16),
    "SECRET //NOFORN": ("syntax", 1),
    "SECRET// NOFORN": ("syntax", 9),
    "(S//NF": ("syntax", 1),
    "S//NF)": ("syntax", 6),
    "(S//NOFORN)": ("syntax", 5),
    "SECRET//NF": ("syntax", 9),
    "SECRET//REL TO  USA, JPN": ("syntax", 15),
    "SECRET//REL TO USA,,JPN": ("syntax", 16),
    "(S//REL TO USA,JPN)": ("syntax", 12),
    "SECRET//REL TO USA, JPN, JPN": ("syntax", 26),
    "SECRET//REL TO USA, GBR, FVEY": ("syntax", 21),
    "SECRET//NOFORN//NOFORN": ("syntax", 17),
    "SECRET//ORCON//NOFORN": ("syntax", 16),
    "SECRET\x01//NOFORN": ("syntax", 7),
    "NATO SECRET": ("syntax", 1),
    "//USA SECRET": ("syntax", 3),
    "//JOINT BOGUS CAN USA": ("syntax", 3),
    "A" * 5000: ("syntax", 4097),
    # unknown-token
    "secret": ("unknown-token", 1),
    "SECRT": ("unknown-token", 1),
    "RESTRICTED": ("unknown-token", 1),
    "SECRET//BOGUS": ("unknown-token", 9),
    "SECRET//noforn": ("unknown-token", 9),
    "SECRET//REL TO USA, JPN, XYZ": ("unknown-token", 26),
    "SECRET//REL TO USA, JPN, EFOR": ("unknown-token", 26),
    "//XYZ SECRET": ("unknown-token", 3),
    "//JOINT SECRET USA XYZ": ("unknown-token", 3),
    "'; DROP TABLE items; --": ("unknown-token", 1),
    # order
    "SECRET//NOFORN/ORCON": ("order", 16),
    "SECRET//REL TO JPN, USA": ("order", 16),
    "SECRET//REL TO USA, GBR, AUS": ("order", 21),
    "SECRET//REL TO USA, FVEY, JPN": ("order", 21),
    "SECRET//TK/SI": ("order", 12),
    "SECRET//NOFORN//SI": ("order", 17),
    "//JOINT SECRET USA CAN": ("order", 3),
    "SECRET//FGI JPN GBR//NOFORN": ("order", 13),
    # conflict
    "SECRET//NOFORN/REL TO USA, JPN": ("conflict", 16),
    "SECRET//ORCON/NOFORN/RELIDO": ("conflict", 22),
    "SECRET//NOFORN/DISPLAY ONLY JPN": ("conflict", 16),
    "SECRET//DISPLAY ONLY USA": ("conflict", 9),
    "SECRET//REL TO USA, JPN/DISPLAY ONLY JPN": ("conflict", 25),
    "SECRET//ATOMAL": ("conflict", 9),
    "//GBR SECRET//ATOMAL": ("conflict", 15),
    # missing-requirement
    "SECRET//REL TO": ("missing-requirement", 9),
    "SECRET//REL TO USA": ("missing-requirement", 9),
    "SECRET//REL TO JPN": ("missing-requirement", 9),
    "SECRET//DISPLAY ONLY": ("missing-requirement", 9),
    "TOP SECRET//HCS": ("missing-requirement", 13),
    "SECRET//KDK": ("missing-requirement", 9),
    "//JOINT SECRET USA": ("missing-requirement", 3),
    # level
    "UNCLASSIFIED//ORCON": ("level", 15),
    "UNCLASSIFIED//SI": ("level", 15),
    "UNCLASSIFIED//RD": ("level", 15),
    "SECRET//FOUO": ("level", 9),
    "SECRET//DCNI": ("level", 9),
    "(S//FOUO)": ("level", 5),
}


def _invalid_id(marking: str) -> str:
    return marking if len(marking) < 40 else marking[:20] + f"...({len(marking)})"


@pytest.mark.parametrize(
    ("marking", "expected"), INVALID.items(), ids=[_invalid_id(m) for m in INVALID]
)
def test_parse_invalid_class_and_position(
    capsys: pytest.CaptureFixture[str], marking: str, expected: tuple[str, int]
) -> None:
    kind, position = expected
    code, data = run(capsys, "label", "parse", marking, "--json")
    assert code == EXIT_INVALID
    assert_json_error(data, ERROR_KINDS)
    assert (data["error"]["class"], data["error"]["position"]) == (kind, position), data
    assert set(data) == {"valid", "error"}


def test_every_error_class_is_in_the_invalid_grid() -> None:
    assert {kind for kind, _ in INVALID.values()} == set(ERROR_KINDS)


def test_parse_form_mismatch_is_syntax_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, banner = run(capsys, "label", "parse", "--form", "banner", "(S)", "--json")
    assert code == EXIT_INVALID
    assert_json_error(banner, {"syntax"})
    assert banner["error"]["position"] == 1
    code, portion = run(capsys, "label", "parse", "--form", "portion", "SECRET", "--json")
    assert code == EXIT_INVALID
    assert_json_error(portion, {"syntax"})
    assert portion["error"]["position"] == 1


@pytest.mark.parametrize(
    "args",
    [
        ["label", "parse", "--scheme", "xx", "SECRET", "--json"],
        ["label", "parse", "--form", "sideways", "SECRET", "--json"],
        ["label", "parse", "--bogus", "SECRET", "--json"],
        ["label", "parse", "--json"],
        ["label", "parse", "SECRET", "extra", "--json"],
        ["label", "nosuchcommand", "--json"],
    ],
    ids=["unknown-scheme", "bad-form", "unknown-option", "missing-arg", "extra-arg", "no-cmd"],
)
def test_usage_errors_exit_2_with_json(capsys: pytest.CaptureFixture[str], args: list[str]) -> None:
    code, data = run(capsys, *args)
    assert code == EXIT_INVALID
    assert_json_error(data)
    assert data["error"]["position"] == 0


# ----------------------------------------------------------------------------- label rollup

ROLLUPS: list[tuple[list[str], str]] = [
    (["(U)", "(S//NF)"], "SECRET//NOFORN"),
    (["(U)", "(TS//SI//NF)"], "TOP SECRET//SI//NOFORN"),
    (["(U)", "(U//FOUO)"], "UNCLASSIFIED//FOUO"),
    (["(U)", "(U)"], "UNCLASSIFIED"),
    (["(U)", "(U//REL TO USA, JPN)"], "UNCLASSIFIED//REL TO USA, JPN"),
    (["(S//REL TO USA, JPN)", "(C//REL TO USA, JPN)"], "SECRET//REL TO USA, JPN"),
    (["(S//REL TO USA, GBR, JPN)", "(S//REL TO USA, FVEY)"], "SECRET//REL TO USA, GBR"),
    (["(S//REL TO USA, JPN)", "(S//REL TO USA, FVEY)", "(U)"], "SECRET//NOFORN"),
    (["(S//REL TO USA, JPN)", "(C)"], "SECRET//NOFORN"),
    (["(S//REL TO USA, JPN)", "(S//NF)"], "SECRET//NOFORN"),
    (["(S//OC/NF)", "(TS//SI/TK//NF)"], "TOP SECRET//SI/TK//ORCON/NOFORN"),
    (["(//NS)", "(//NC)"], "//NATO SECRET"),
]


@pytest.mark.parametrize(("portions", "banner"), ROLLUPS, ids=[" + ".join(p) for p, _ in ROLLUPS])
def test_rollup_banner(
    capsys: pytest.CaptureFixture[str], portions: list[str], banner: str
) -> None:
    code, data = run(capsys, "label", "rollup", "--scheme", "us", *portions, "--json")
    assert code == EXIT_OK
    assert data["valid"] is True
    assert data["banner"] == banner
    assert data["marking"] == banner
    assert parse_json(capsys, banner)["portion"] == data["portion"]


def test_rollup_of_mixed_owners_names_the_foreign_source(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, data = run(capsys, "label", "rollup", "(//GBR S)", "(S//REL TO USA, GBR)", "--json")
    assert data["banner"].startswith("SECRET//FGI GBR//")
    assert data["owner"] == "USA"
    assert data["fgi"] == ["GBR"]
    assert data["releasable_to"] is not None
    assert data["releasable_to"][0] == "USA"


def test_rollup_single_portion_is_its_own_banner(capsys: pytest.CaptureFixture[str]) -> None:
    _, data = run(capsys, "label", "rollup", "(TS//SI/TK//NF)", "--json")
    assert data["banner"] == "TOP SECRET//SI/TK//NOFORN"
    assert data["access"] == "SI&TK"
    assert data["controls"] == ["NF"]


def test_rollup_invalid_portion_names_it(capsys: pytest.CaptureFixture[str]) -> None:
    code, data = run(capsys, "label", "rollup", "(S)", "(S//BOGUS)", "--json")
    assert code == EXIT_INVALID
    assert_json_error(data, {"unknown-token"})
    assert data["portion"] == 2
    assert data["error"]["position"] == 5


def test_rollup_without_portions_is_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, data = run(capsys, "label", "rollup", "--json")
    assert code == EXIT_INVALID
    assert_json_error(data)


# -------------------------------------------------------------------------- label normalize

NORMALIZE: dict[str, str] = {
    "s//rel to jpn, usa": "SECRET//REL TO USA, JPN",
    "secret // nf/oc": "SECRET//ORCON/NOFORN",
    "SECRET//REL TO JPN": "SECRET//REL TO USA, JPN",
    "top secret//tk/si//noforn": "TOP SECRET//SI/TK//NOFORN",
    "nato secret": "//NATO SECRET",
    "Secret//Rel To USA, GBR, JPN, GBR": "SECRET//REL TO USA, GBR, JPN",
    "SECRET//NOFORN/ORCON": "SECRET//ORCON/NOFORN",
    "(s//nf)": "(S//NF)",
    "(S//NOFORN)": "(S//NF)",
    "SECRET//NF": "SECRET//NOFORN",
    "SECRET//ORCON//NOFORN": "SECRET//ORCON/NOFORN",
    "  secret  ": "SECRET",
}


@pytest.mark.parametrize(("sloppy", "canonical"), NORMALIZE.items(), ids=list(NORMALIZE))
def test_normalize_lists_changes_and_gives_canonical_marking(
    capsys: pytest.CaptureFixture[str], sloppy: str, canonical: str
) -> None:
    code, data = run(capsys, "label", "normalize", sloppy, "--json")
    assert code == EXIT_OK
    assert data["valid"] is True
    assert data["marking"] == canonical
    assert isinstance(data["changes"], list)
    assert data["changes"], "a sloppy marking is rewritten, so the changes list is not empty"
    assert all(isinstance(change, str) and change for change in data["changes"])
    strict = parse_json(capsys, canonical)
    assert strict["marking"] == data["banner"]
    assert strict["portion"] == data["portion"]
    assert strict["marking"] == canonical or strict["portion"] == canonical


def test_normalize_example_from_the_issue(capsys: pytest.CaptureFixture[str]) -> None:
    _, data = run(capsys, "label", "normalize", "s//rel to jpn, usa", "--json")
    assert data["marking"] == "SECRET//REL TO USA, JPN"
    assert data["portion"] == "(S//REL TO USA, JPN)"
    assert "put REL TO in register order" in data["changes"]


@pytest.mark.parametrize(
    ("sloppy", "changes"),
    [
        (
            "secret // nf/oc",
            [
                "removed spaces around '//'",
                "wrote 'secret' as SECRET",
                "wrote 'nf' as NOFORN",
                "wrote 'oc' as ORCON",
                "put the controls in register order",
            ],
        ),
        ("(S// NF)", ["removed spaces around '//'"]),
        (
            "SECRET//NF /OC",
            [
                "removed spaces around '/'",
                "wrote 'NF' as NOFORN",
                "wrote 'OC' as ORCON",
                "put the controls in register order",
            ],
        ),
    ],
    ids=["issue-6", "after-separator", "before-separator"],
)
def test_normalize_names_the_separator_whose_spaces_it_removed(
    capsys: pytest.CaptureFixture[str], sloppy: str, changes: list[str]
) -> None:
    """Each change happened, and a space change names its separator (never ``''``)."""
    code, data = run(capsys, "label", "normalize", sloppy, "--json")
    assert code == EXIT_OK
    assert data["changes"] == changes


@pytest.mark.parametrize("marking", ["SECRET//REL TO USA, JPN", "(TS//SI/TK//NF)", "//NATO SECRET"])
def test_normalize_canonical_marking_changes_nothing(
    capsys: pytest.CaptureFixture[str], marking: str
) -> None:
    _, data = run(capsys, "label", "normalize", marking, "--json")
    assert data["marking"] == marking
    assert data["changes"] == []


@pytest.mark.parametrize(
    ("marking", "kind"),
    [
        ("SECRET//NOFORN/REL TO USA, JPN", "conflict"),
        ("SECRET//BOGUS", "unknown-token"),
        ("", "syntax"),
        ("unclassified//orcon", "level"),
        ("top secret//hcs", "missing-requirement"),
    ],
)
def test_normalize_refuses_what_it_cannot_fix(
    capsys: pytest.CaptureFixture[str], marking: str, kind: str
) -> None:
    code, data = run(capsys, "label", "normalize", marking, "--json")
    assert code == EXIT_INVALID
    assert_json_error(data, {kind})


# ----------------------------------------------------------------------------- label render

RENDER: list[tuple[list[str], str, str]] = [
    ([], "(S//REL TO USA, JPN)", "SECRET//REL TO USA, JPN"),
    ([], "SECRET//REL TO USA, JPN", "SECRET//REL TO USA, JPN"),
    (["--form", "portion"], "SECRET//REL TO USA, JPN", "(S//REL TO USA, JPN)"),
    (["--form", "banner"], "(TS//SI/TK//NF)", "TOP SECRET//SI/TK//NOFORN"),
    (["--from", "us"], "(//NS)", "//NATO SECRET"),
    (["--form", "portion"], "//JOINT SECRET CAN GBR USA", "(//JOINT S CAN GBR USA)"),
]


@pytest.mark.parametrize(("options", "marking", "written"), RENDER)
def test_render(
    capsys: pytest.CaptureFixture[str], options: list[str], marking: str, written: str
) -> None:
    code, data = run(capsys, "label", "render", "--scheme", "us", *options, marking, "--json")
    assert code == EXIT_OK
    assert data["marking"] == written
    assert data["scheme"] == "us"


def test_render_unknown_scheme_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, data = run(capsys, "label", "render", "--scheme", "gbr", "SECRET", "--json")
    assert code == EXIT_INVALID
    assert_json_error(data)


def test_render_invalid_marking_is_json_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, data = run(capsys, "label", "render", "--scheme", "us", "SECRET//BOGUS", "--json")
    assert code == EXIT_INVALID
    assert_json_error(data, {"unknown-token"})
    assert data["error"]["position"] == 9


# ------------------------------------------------------------------------------ access check


def check(
    capsys: pytest.CaptureFixture[str], who: str, marking: str, *options: str
) -> tuple[int, Any]:
    return run(capsys, "access", "check", "--person", who, *options, marking, "--json")


DECISIONS: list[tuple[str, str, list[str], str, list[str]]] = [
    # (person, marking, options, decision, reasons that must appear)
    (person(), "SECRET//NOFORN", [], "permit", ["clearance SECRET covers SECRET"]),
    (person(clearance="C"), "SECRET", [], "deny", ["clearance CONFIDENTIAL is below SECRET"]),
    (
        person(nationality="JPN"),
        "SECRET//REL TO USA, GBR",
        [],
        "deny",
        ["JPN is not in REL TO USA, GBR"],
    ),
    (
        person(nationality=["JPN", "KOR"]),
        "SECRET//REL TO USA, GBR",
        [],
        "deny",
        ["none of JPN, KOR is in REL TO USA, GBR"],
    ),
    (person(nationality="JPN"), "SECRET//REL TO USA, JPN", [], "permit", []),
    (person(nationality=["USA", "JPN"]), "SECRET//NOFORN", [], "permit", []),
    (person(nationality="JPN"), "SECRET//NOFORN", [], "deny", []),
    (person(nationality="JPN"), "SECRET", [], "deny", []),
    (person(nationality="JPN"), "SECRET//RELIDO", [], "deny", []),
    (person(nationality="GBR"), "SECRET//REL TO USA, FVEY", [], "permit", []),
    (person(nationality="GBR"), "//NATO SECRET", [], "permit", []),
    (person(nationality="JPN"), "//NATO SECRET", [], "deny", []),
    (
        person(nationality="JPN"),
        "SECRET//DISPLAY ONLY JPN",
        [],
        "display-only",
        ["JPN may be shown it but not given it (DISPLAY ONLY JPN)"],
    ),
    (
        person(nationality="JPN"),
        "SECRET//REL TO USA, GBR/DISPLAY ONLY JPN",
        [],
        "display-only",
        [],
    ),
    (person(nationality="JPN"), "SECRET//DISPLAY ONLY JPN", ["--action", "export"], "deny", []),
    (person(clearance="U"), "UNCLASSIFIED//FOUO", [], "permit", []),
    (person(clearance="U", nationality="JPN"), "UNCLASSIFIED", [], "permit", []),
    (person(clearance="TS", authorizations=["SI"]), "TOP SECRET//SI/TK//NOFORN", [], "deny", []),
    (
        person(clearance="TS", authorizations=["SI", "TK"]),
        "TOP SECRET//SI/TK//NOFORN",
        [],
        "permit",
        [],
    ),
    (person(status="suspended"), "SECRET", [], "deny", ["clearance is suspended"]),
    (person(status="revoked"), "SECRET", [], "deny", ["clearance is revoked"]),
    (person(status="active"), "SECRET", [], "permit", []),
    (
        person(clearance_expires="2026-03-01"),
        "SECRET",
        ["--at", "2026-02-28T23:59:59Z"],
        "permit",
        [],
    ),
    (
        person(clearance_expires="2026-03-01"),
        "SECRET",
        ["--at", "2026-03-01T00:00:00Z"],
        "deny",
        ["clearance expired 2026-03-01"],
    ),
    (
        person(clearance_expires="2026-03-01"),
        "SECRET",
        ["--at", "2027-01-01"],
        "deny",
        ["clearance expired 2026-03-01"],
    ),
    (
        person(clearance="TS", authorizations=[{"token": "SI", "expires": "2026-01-01"}, "TK"]),
        "TOP SECRET//SI/TK//NOFORN",
        ["--at", "2026-06-01T00:00:00Z"],
        "deny",
        ["authorization SI expired 2026-01-01"],
    ),
    (
        person(clearance="TS", authorizations=[{"token": "SI", "expires": "2026-01-01"}, "TK"]),
        "TOP SECRET//SI/TK//NOFORN",
        ["--at", "2025-12-31T12:00:00Z"],
        "permit",
        [],
    ),
]


@pytest.mark.parametrize(
    ("who", "marking", "options", "decision", "reasons"),
    DECISIONS,
    ids=[f"{i}-{d[3]}-{d[1]}" for i, d in enumerate(DECISIONS)],
)
def test_access_check_decisions(
    capsys: pytest.CaptureFixture[str],
    who: str,
    marking: str,
    options: list[str],
    decision: str,
    reasons: list[str],
) -> None:
    code, data = check(capsys, who, marking, *options)
    assert code == EXIT_OK, "every decision, deny included, exits 0"
    assert data["decision"] == decision
    assert isinstance(data["reasons"], list)
    assert data["reasons"], "every decision gives its reasons"
    assert all(isinstance(reason, str) and reason for reason in data["reasons"])
    for reason in reasons:
        assert reason in data["reasons"]


def test_access_check_deny_lists_every_failing_check(capsys: pytest.CaptureFixture[str]) -> None:
    who = person(nationality="JPN", clearance="C", clearance_expires="2026-03-01")
    _, data = check(capsys, who, "SECRET//REL TO USA, GBR", "--at", "2026-04-01T00:00:00Z")
    assert data["decision"] == "deny"
    assert "clearance expired 2026-03-01" in data["reasons"]
    assert "clearance CONFIDENTIAL is below SECRET" in data["reasons"]
    assert "JPN is not in REL TO USA, GBR" in data["reasons"]


def test_access_check_with_explicit_scheme(capsys: pytest.CaptureFixture[str]) -> None:
    code, data = check(capsys, person(), "(S//NF)", "--scheme", "us")
    assert code == EXIT_OK
    assert data["decision"] == "permit"


INVALID_PERSONS: dict[str, str] = {
    "not-json": "not json",
    "empty": "",
    "list": "[]",
    "null": "null",
    "string": '"JPN"',
    "no-clearance": '{"nationality": "JPN"}',
    "no-nationality": '{"clearance": "S"}',
    "unknown-field": person(bogus=1),
    "unknown-level": person(clearance="Q"),
    "bad-status": person(status="frozen"),
    "bad-expiry": person(clearance_expires="2026-13-01"),
    "expiry-not-string": person(clearance_expires=5),
    "auths-not-list": person(authorizations="SI"),
    "auth-not-token": person(authorizations=[5]),
    "auth-bad-expiry": person(authorizations=[{"token": "SI", "expires": "soon"}]),
    "no-nations": person(nationality=[]),
    "long-nation": person(nationality="JAPAN"),
    "japanese-nation": person(nationality="日本人"),
    "scheme-not-string": person(clearance_scheme=5),
}


@pytest.mark.parametrize("who", INVALID_PERSONS.values(), ids=list(INVALID_PERSONS))
def test_access_check_invalid_person_is_json_error(
    capsys: pytest.CaptureFixture[str], who: str
) -> None:
    code, data = check(capsys, who, "SECRET")
    assert code == EXIT_INVALID
    assert_json_error(data)
    assert data["error"]["class"] == "invalid-person"
    assert "decision" not in data


def test_access_check_invalid_marking_is_json_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, data = check(capsys, person(), "SECRET//BOGUS")
    assert code == EXIT_INVALID
    assert_json_error(data, {"unknown-token"})
    assert data["error"]["position"] == 9


@pytest.mark.parametrize(
    ("who", "options"),
    [
        (person(), ["--at", "yesterday"]),
        (person(), ["--at", "2026-02-30T00:00:00Z"]),
        (person(), ["--scheme", "xx"]),
        (person(clearance_scheme="xx"), []),
        (person(), ["--action", "destroy"]),
    ],
    ids=["at-words", "at-no-such-day", "unknown-scheme", "unknown-clearance-scheme", "bad-action"],
)
def test_access_check_bad_options_exit_2(
    capsys: pytest.CaptureFixture[str], who: str, options: list[str]
) -> None:
    code, data = check(capsys, who, "SECRET", *options)
    assert code == EXIT_INVALID
    assert_json_error(data)


# ------------------------------------------------------------------------------- access eval

EVALS: list[tuple[str, list[str], str]] = [
    ("A&B", ["A,B"], "accessible"),
    ("A&B", ["A"], "inaccessible"),
    ("A|B", ["B"], "accessible"),
    ("A|B", ["C"], "inaccessible"),
    ("(A|B)&C", ["B,C"], "accessible"),
    ("(A|B)&C", ["A,B"], "inaccessible"),
    ('"a b"&C', ["a b,C"], "accessible"),
    ("SI&TK", ["SI,TK,HCS"], "accessible"),
    # several sets: the expression must hold for every one
    ("A|B", ["A", "B"], "accessible"),
    ("A&B", ["A,B", "A"], "inaccessible"),
    ("A", ["A", "A,B", "A,C"], "accessible"),
    ("A", ["A", "B"], "inaccessible"),
    # the empty set, given as '' or by giving no set at all
    ("", [""], "accessible"),
    ("A", [""], "inaccessible"),
    ("A", [], "inaccessible"),
    ("", [], "accessible"),
    ("A", ["A", ""], "inaccessible"),
]


@pytest.mark.parametrize(
    ("expression", "auth_sets", "result"),
    EVALS,
    ids=[f"{e or 'empty'}-{'|'.join(a) or 'none'}" for e, a, _ in EVALS],
)
def test_access_eval(
    capsys: pytest.CaptureFixture[str], expression: str, auth_sets: list[str], result: str
) -> None:
    args = [arg for text in auth_sets for arg in ("--auths", text)]
    code, data = run(capsys, "access", "eval", expression, *args, "--json")
    assert code == EXIT_OK
    assert data["result"] == result


EVAL_ERRORS: dict[str, int] = {
    "A&": 2,
    "A&&B": 3,
    "&A": 1,
    "(A": 1,
    "A)": 2,
    "A|B&C": 4,
    "A B": 2,
    '"abc': 1,
    "()": 2,
}


@pytest.mark.parametrize(("expression", "position"), EVAL_ERRORS.items(), ids=list(EVAL_ERRORS))
def test_access_eval_error(
    capsys: pytest.CaptureFixture[str], expression: str, position: int
) -> None:
    code, data = run(capsys, "access", "eval", expression, "--auths", "A,B", "--json")
    assert code == EXIT_INVALID
    assert data["result"] == "error"
    assert data["error"]["class"] == "syntax"
    assert data["error"]["position"] == position
    assert data["error"]["message"]


@pytest.mark.parametrize(
    "args",
    [
        ["label", "normalize", "SECRET//BOGUS", "--json"],
        ["label", "render", "--scheme", "us", "SECRET//BOGUS", "--json"],
        ["label", "rollup", "(S)", "(S//BOGUS)", "--json"],
    ],
    ids=["normalize", "render", "rollup"],
)
def test_other_label_commands_exit_2_on_invalid_marking(
    capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    code, data = run(capsys, *args)
    assert code == EXIT_INVALID
    assert_json_error(data, {"unknown-token"})


# ---------------------------------------------------------------- the installed console script


@pytest.fixture(scope="module")
def tearline_command() -> Path:
    """The console script ``pip install -e .`` put beside the interpreter running the tests."""
    beside = Path(sys.executable).parent / "tearline"
    if beside.is_file():
        return beside
    found = shutil.which("tearline")
    if found is None:
        pytest.fail("the tearline command is not installed: run `pip install -e .` in the venv")
    return Path(found)


def run_installed(command: Path, *args: str) -> tuple[int, Any]:
    done = subprocess.run(
        [str(command), *args], capture_output=True, text=True, timeout=60, check=False
    )
    assert "Traceback" not in done.stdout + done.stderr
    return done.returncode, json.loads(done.stdout)


def test_installed_command_parses(tearline_command: Path) -> None:
    code, data = run_installed(tearline_command, "label", "parse", "(S//REL TO USA, JPN)", "--json")
    assert code == EXIT_OK
    assert data["marking"] == "SECRET//REL TO USA, JPN"
    assert data["releasable_to"] == ["USA", "JPN"]
    assert data["controls"] == ["REL"]


def test_installed_command_normalizes(tearline_command: Path) -> None:
    code, data = run_installed(
        tearline_command, "label", "normalize", "s//rel to jpn, usa", "--json"
    )
    assert code == EXIT_OK
    assert data["marking"] == "SECRET//REL TO USA, JPN"
    assert data["changes"]


def test_installed_command_denies_with_exit_0(tearline_command: Path) -> None:
    code, data = run_installed(
        tearline_command,
        "access", "check", "--person", person(clearance="C"), "SECRET", "--json",
    )  # fmt: skip
    assert code == EXIT_OK
    assert data == {
        "decision": "deny",
        "reasons": ["clearance CONFIDENTIAL is below SECRET"],
        "reasons_ja": ["クリアランス CONFIDENTIAL はSECRET（極秘相当）に達していません"],
        "rules": ["clearance.level"],
    }


def test_installed_command_evaluates_and_reports_usage_errors(tearline_command: Path) -> None:
    code, data = run_installed(
        tearline_command, "access", "eval", "A|B", "--auths", "A", "--auths", "B", "--json"
    )
    assert (code, data["result"]) == (EXIT_OK, "accessible")
    code, data = run_installed(tearline_command, "label", "parse", "--scheme", "xx", "S", "--json")
    assert code == EXIT_INVALID
    assert_json_error(data)


def test_installed_command_exits_2_on_invalid_marking(tearline_command: Path) -> None:
    code, data = run_installed(tearline_command, "label", "parse", "SECRET//BOGUS", "--json")
    assert_json_error(data, {"unknown-token"})
    assert code == EXIT_INVALID
