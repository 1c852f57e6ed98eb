"""The JSON form of the packaged label data, read instead of TOML (issue #7 §4).

The loader reads ``us.json`` where ``us.toml`` is the file people edit; these tests keep the
two from drifting apart: each JSON file is byte for byte what its TOML file compiles to
(``scripts/compile-data`` writes them), none is left without its TOML file, and a registry
read from the TOML files alone is the same registry.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from tearline.labels.schemes import load, load_registry
from tearline.labels.schemes.load import compiled

DATA = Path(load.__file__).parent.parent / "data"
TOML_FILES = sorted(DATA.rglob("*.toml"))
JSON_FILES = sorted(DATA.rglob("*.json"))


def test_there_are_data_files() -> None:
    assert len(TOML_FILES) >= 20
    assert {p.stem for p in TOML_FILES} >= {"us", "jp", "nations", "us-jp"}


@pytest.mark.parametrize("toml", TOML_FILES, ids=lambda p: str(p.relative_to(DATA)))
def test_each_json_file_is_what_its_toml_file_compiles_to(toml: Path) -> None:
    text = toml.read_text("utf-8")
    written = toml.with_suffix(".json")
    assert written.exists(), f"{written.name} is missing: run scripts/compile-data"
    stale = f"{written.name} is stale: run scripts/compile-data"
    assert written.read_text("utf-8") == compiled(text), stale
    assert json.loads(written.read_text("utf-8")) == tomllib.loads(text)


def test_no_json_file_is_left_without_its_toml_file() -> None:
    assert [p for p in JSON_FILES if not p.with_suffix(".toml").exists()] == []


def test_compiled_keeps_the_data_and_its_order() -> None:
    text = 'b = 1\na = ["é", true]\n[t]\nz = "x"\n'
    assert compiled(text) == '{"b":1,"a":["é",true],"t":{"z":"x"}}\n'


def test_without_the_json_files_the_toml_files_give_the_same_registry(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from_json = load_registry()
    real = load._read
    asked: list[str] = []

    def toml_only(name: str) -> str | None:
        asked.append(name)
        return None if name.endswith(".json") else real(name)

    monkeypatch.setattr(load, "_read", toml_only)
    from_toml = load_registry()
    assert any(name.endswith(".json") for name in asked)
    assert any(name.endswith(".toml") for name in asked)
    assert dict(from_toml.schemes) == dict(from_json.schemes)
    assert from_toml.agreements == from_json.agreements
    assert from_toml.nations == from_json.nations


def test_an_unknown_scheme_has_neither_form() -> None:
    assert load._data("no-such-scheme.toml") is None
