"""Every language file says every reason, with the same parameters as English."""

from __future__ import annotations

import re
import tomllib
from datetime import date
from importlib import resources
from typing import Any

import pytest

from tearline.errors import NotFound
from tearline.labels.model import Tier
from tearline.policy.reasons import Reason, languages

PLACEHOLDER = re.compile(r"\{(\w+)(?:\|(\w+))?\}")


def _file(code: str) -> dict[str, Any]:
    text = resources.files("tearline.policy.languages").joinpath(f"{code}.toml").read_text()
    return tomllib.loads(text)


def _names(template: Any) -> set[str]:
    texts = (
        [template]
        if isinstance(template, str)
        else [value for key, value in template.items() if key != "count"]
    )
    return {match.group(1) for text in texts for match in PLACEHOLDER.finditer(str(text))}


def test_english_and_japanese_are_there() -> None:
    assert {"en", "ja"} <= set(languages())


@pytest.mark.parametrize("code", languages())
def test_a_language_has_every_message_with_its_parameters(code: str) -> None:
    english = _file("en")["messages"]
    data = _file(code)
    assert data["language"]["code"] == code
    assert set(data["messages"]) == set(english)
    for message, template in english.items():
        assert _names(data["messages"][message]) <= _names(template) | {"count"}, message
        for match in PLACEHOLDER.finditer(str(data["messages"][message])):
            table = match.group(2)
            if table not in (None, "or", "list"):
                assert table in data.get("values", {}), f"{code}: no table {table}"


def test_reason_text_by_language() -> None:
    reason = Reason.level("CONFIDENTIAL", Tier.SECRET, covers=False)
    assert reason.text("en") == "clearance CONFIDENTIAL is below SECRET"
    assert reason.text("ja") == "クリアランス CONFIDENTIAL はSECRET（極秘相当）に達していません"
    assert str(reason) == reason.text("en")
    with pytest.raises(NotFound, match="known languages: en, ja"):
        reason.text("fr")


@pytest.mark.parametrize(
    ("reason", "english", "japanese"),
    [
        (Reason.orcon_unconsented(), "ORCON: the originator's consent to release is not recorded",
         "ORCON: 発信者の提供同意が記録されていません"),
        (Reason.display_only_audience(["JPN", "KOR"]),
         "DISPLAY ONLY: JPN, KOR may be shown it, not given it",
         "DISPLAY ONLY: JPN、KORには表示のみ可能で、提供はできません"),
        (Reason.relido_undecided(),
         "RELIDO: a releasing officer must decide it explicitly (relido)",
         "RELIDO: 提供担当官による明示の決定（relido）が必要です"),
        (Reason.not_releasable(["GBR", "JPN"]), "not releasable to GBR, JPN",
         "GBR、JPNには提供できません"),
    ],
)  # fmt: skip
def test_why_a_portion_stays_out_of_a_release_in_each_language(
    reason: Reason, english: str, japanese: str
) -> None:
    assert reason.rule.startswith("release.")
    assert (reason.text("en"), reason.text("ja")) == (english, japanese)


@pytest.mark.parametrize(
    ("reason", "english", "japanese"),
    [
        (Reason.not_in_role("p-1", "releasing-officer"), "p-1 is not a releasing officer",
         "p-1は提供担当官ではありません"),
        (Reason.not_in_role("p-1", "active-security-officer"),
         "p-1 is not an active security officer", "p-1は現に有効な保全責任者ではありません"),
        (Reason.person_status("p-1", "suspended"), "p-1's clearance is suspended",
         "p-1のクリアランスは停止されています"),
        (Reason.person_expired("p-1", date(2026, 1, 1)), "p-1's clearance expired on 2026-01-01",
         "p-1のクリアランスは2026-01-01に失効しました"),
        (Reason.own_vetting(),
         "a security officer does not change their own vetting; ask another officer",
         "保全責任者は自分自身の適格性審査を変更できません。別の責任者に依頼してください"),
        (Reason.not_originator("p-1", "JPN"), "p-1 does not speak for the originator, JPN",
         "p-1は発信者（JPN）を代表していません"),
        (Reason.downgrade("S", "TS"),
         "'S' is lower than 'TS': lowering an item's label takes a releasing officer",
         "「S」は「TS」より低い表示です。項目の表示を下げるには提供担当官が必要です"),
    ],
)  # fmt: skip
def test_who_may_act_in_each_language(reason: Reason, english: str, japanese: str) -> None:
    assert (reason.text("en"), reason.text("ja")) == (english, japanese)
