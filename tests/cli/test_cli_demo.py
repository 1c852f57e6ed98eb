"""The main job: `tearline demo` shows the label core at work."""

from __future__ import annotations

import pytest

from tearline.cli import main


def test_demo_shows_every_part(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "banner: TOP SECRET//SI//NOFORN" in out
    assert "JPN is not in REL TO USA, FVEY" in out
    assert "clearance is revoked" in out
    assert "//USA 極秘//REL TO JPN, USA" in out
    assert "NOFORN: USAのみ。JPNは閲覧できません" in out
    assert "is not confirmed: gb clearances do not yet reach jp labels" in out
