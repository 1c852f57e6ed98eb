"""The CLI contract holds with --scheme for every scheme; render and translate across them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tearline.cli import main

EXAMPLES = {
    "us": ("SECRET//REL TO USA, JPN", "SECRET", "S"),
    "jp": ("極秘//REL TO JPN, USA", "SECRET", "GOKUHI"),
    "gb": ("SECRET//UK EYES ONLY", "SECRET", "SECRET"),
    "au": ("PROTECTED//AUSTEO", "CONFIDENTIAL", "PROTECTED"),
    "ca": ("SECRET//CEO", "SECRET", "SECRET"),
    "nz": ("RESTRICTED", "RESTRICTED", "RESTRICTED"),
    "nato": ("NATO SECRET//RELEASABLE TO JPN", "SECRET", "NS"),
    "kr": ("군사II급비밀//REL TO KOR, JPN", "SECRET", "II"),
    "tlp": ("TLP:AMBER//ORG:JMOD", "CONTROLLED", "AMBER"),
}


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, object]]:
    code = main([*args, "--json"])
    return code, json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("scheme", sorted(EXAMPLES))
def test_parse_contract_in_every_scheme(capsys: pytest.CaptureFixture[str], scheme: str) -> None:
    marking, tier, level = EXAMPLES[scheme]
    code, data = _run(capsys, "label", "parse", "--scheme", scheme, marking)
    assert code == 0
    assert data["valid"] is True
    assert data["scheme"] == scheme
    assert data["marking"] == marking
    assert (data["tier"], data["level"]) == (tier, level)


@pytest.mark.parametrize("scheme", sorted(EXAMPLES))
def test_invalid_input_in_every_scheme(capsys: pytest.CaptureFixture[str], scheme: str) -> None:
    code, data = _run(capsys, "label", "parse", "--scheme", scheme, "NOT A MARKING//X")
    assert code == 2
    assert data["valid"] is False


def test_render_for_a_japanese_reader(capsys: pytest.CaptureFixture[str]) -> None:
    code, data = _run(capsys, "label", "render", "--scheme", "jp", "SECRET//REL TO USA, JPN")
    assert code == 0
    assert data["marking"] == "//USA 極秘//REL TO JPN, USA"


def test_translate_reports_inferred_and_mapped_up(capsys: pytest.CaptureFixture[str]) -> None:
    code, data = _run(capsys, "label", "translate", "--from", "jp", "--to", "us", "特定秘密")
    assert code == 0
    assert data["marking"] == "//JPN TOP SECRET//SDS"
    assert data["inferred"] is True
    code, data = _run(capsys, "label", "translate", "--from", "us", "--to", "gb", "CONFIDENTIAL")
    assert code == 0
    assert (data["marking"], data["mapped_up"]) == ("//USA SECRET", True)


def test_translate_without_agreement_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    code, data = _run(capsys, "label", "translate", "--from", "kr", "--to", "us", "군사II급비밀")
    assert code == 2
    assert "no agreement connects kr and us" in str(data["error"])


def test_access_check_across_nations_in_japanese(capsys: pytest.CaptureFixture[str]) -> None:
    person = json.dumps({"nationality": "JPN", "clearance": "極秘", "clearance_scheme": "jp"})
    code, data = _run(capsys, "access", "check", "--person", person, "SECRET//NOFORN")
    assert code == 0
    assert data["decision"] == "deny"
    assert data["reasons_ja"] == ["NOFORN: USAのみ。JPNは閲覧できません"]


def test_stanag_4774_round_trip_through_the_cli(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, data = _run(
        capsys, "label", "to-4774", "--scheme", "nato", "--created", "2026-11-29T09:00:00Z",
        "NATO SECRET//ATOMAL//RELEASABLE TO JPN",
    )  # fmt: skip
    assert code == 0
    path = tmp_path / "label.xml"
    path.write_text(str(data["xml"]), "utf-8")
    code, data = _run(capsys, "label", "from-4774", str(path))
    assert code == 0
    assert (data["marking"], data["access"]) == ("NATO SECRET//ATOMAL//RELEASABLE TO JPN", "ATOMAL")
    path.write_text("<x/>", "utf-8")
    code, data = _run(capsys, "label", "from-4774", str(path))
    assert code == 2
    assert data["valid"] is False


def test_a_4774_context_category_is_read_as_a_condition_with_no_text_marking(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    ns = "urn:nato:stanag:4774:confidentialitymetadatalabel:1:0"
    path = tmp_path / "context.xml"
    path.write_text(
        f'<originatorConfidentialityLabel xmlns="{ns}"><ConfidentialityInformation>'
        '<PolicyIdentifier URI="urn:oid:1.3.26.1.3.1">NATO</PolicyIdentifier>'
        "<Classification>NATO SECRET</Classification>"
        '<Category TagName="Context" Type="PERMISSIVE"><GenericValue>NATO</GenericValue>'
        "<GenericValue>EAPC</GenericValue></Category></ConfidentialityInformation>"
        "<CreationDateTime>2026-11-29T09:00:00Z</CreationDateTime>"
        "</originatorConfidentialityLabel>",
        "utf-8",
    )
    code, data = _run(capsys, "label", "from-4774", str(path))
    assert code == 0
    assert (data["marking"], data["access"]) == (None, "context:EAPC|context:NATO")
