"""docs/threat-model.md names the tests that guard each door: every one it names exists."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTE = (ROOT / "docs" / "threat-model.md").read_text("utf-8")


def test_every_test_the_threat_model_names_exists() -> None:
    named = re.findall(r"`(tests/[\w/]+\.py)(?:::(\w+))?`", NOTE)
    assert len(named) >= 10
    for path, function in named:
        source = (ROOT / path).read_text("utf-8")
        if function:
            assert f"def {function}(" in source, f"{path}::{function} is gone"


def test_every_test_file_the_threat_model_names_by_bare_name_exists() -> None:
    for name in re.findall(r"`(test_\w+\.py)`", NOTE):
        assert list((ROOT / "tests").rglob(name)), f"{name} is gone"
