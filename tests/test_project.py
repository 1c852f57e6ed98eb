"""The project's promises about itself: public surface, docs in step with the code."""

from __future__ import annotations

from pathlib import Path

import pytest

import tearline
from tearline.cli.reference import reference

ROOT = Path(__file__).resolve().parents[1]


def test_public_surface_is_exactly_what_is_declared() -> None:
    """Every declared name resolves (lazily), and nothing else public is offered."""
    assert set(tearline.__all__) == set(tearline._EXPORTS)
    for name in tearline.__all__:
        assert getattr(tearline, name) is not None
    helpers = {"annotations", "import_module", "TYPE_CHECKING", "Any"}
    modules = {
        "errors", "labels", "policy", "cli", "audit", "service", "store", "bootstrap", "config",
        "keys", "api", "picture", "feed",
    }  # fmt: skip
    public = {name for name in dir(tearline) if not name.startswith("_")}
    assert public - modules - helpers == set(tearline.__all__)
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = tearline.nope


def test_cli_reference_is_current() -> None:
    written = (ROOT / "docs" / "cli.md").read_text("utf-8")
    assert written == reference(), "regenerate: python -m tearline.cli.reference > docs/cli.md"


def test_readme_gives_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    assert "scripts/demo" in readme
    assert "scripts/test" in readme
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    assert "scripts/test" in ci


def test_scheme_tables_are_current() -> None:
    from tearline.cli.schemes_doc import schemes_doc

    written = (ROOT / "docs" / "schemes.md").read_text("utf-8")
    assert written == schemes_doc(), (
        "regenerate: python -m tearline.cli.schemes_doc > docs/schemes.md"
    )


def test_version_and_python_dash_m() -> None:
    import subprocess
    import sys
    from importlib.metadata import version

    assert tearline.__version__ == version("tearline")
    done = subprocess.run(
        [sys.executable, "-m", "tearline", "--help"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0
    assert "label" in done.stdout


def test_the_public_api_a_python_user_expects() -> None:
    from datetime import UTC, datetime

    label = tearline.parse("SECRET//REL TO USA, JPN", "us")
    person = tearline.Person.from_data({"nationality": "JPN", "clearance": "S"})
    assert tearline.decide(person, label, "read", datetime.now(UTC)).permitted
    assert {s.id for s in tearline.schemes()} >= {"us", "jp", "gb", "nato", "tlp"}
    assert any(a.connects("us", "jp") for a in tearline.agreements())
    carried = tearline.translate(label, "jp")
    assert isinstance(carried, tearline.Translation)
    xml = tearline.to_4774(label, datetime(2026, 11, 30, tzinfo=UTC))
    assert tearline.from_4774(xml) == label
    assert tearline.from_dict(tearline.to_dict(label)) == label
