"""Label tables shared by the CLI contract tests and, later, the API tests (tests/fixtures/).

Each table is data (JSON), so any door that takes markings — the CLI, the HTTP API, federation
— is checked against the same cases.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "labels"


def table(name: str) -> Any:
    """The fixture ``name`` (without ``.json``), as plain data."""
    return json.loads((FIXTURES / f"{name}.json").read_text("utf-8"))


def valid_us_markings() -> dict[str, dict[str, Any]]:
    """Marking -> the fields ``label parse --json`` gives for it."""
    data: dict[str, dict[str, Any]] = table("valid-us-markings")
    return data


def invalid_us_markings() -> dict[str, tuple[str, int]]:
    """Marking -> (error class, column of the leftmost problem)."""
    return {k: (v["class"], v["position"]) for k, v in table("invalid-us-markings").items()}


def rollups() -> list[tuple[list[str], str]]:
    """(portion marks, the banner they roll up to)."""
    return [(case["portions"], case["banner"]) for case in table("rollups")]


def sloppy_markings() -> dict[str, str]:
    """A sloppy marking -> its canonical form."""
    data: dict[str, str] = table("normalize")
    return data


def renders() -> list[tuple[list[str], str, str]]:
    """(render options, marking, what is written)."""
    return [(c["options"], c["marking"], c["written"]) for c in table("render")]


def decisions() -> list[tuple[dict[str, Any], str, list[str], str, list[str]]]:
    """(person data, marking, options, decision, reasons that must appear)."""
    return [
        (c["person"], c["marking"], c["options"], c["decision"], c["reasons"])
        for c in table("decisions")
    ]
