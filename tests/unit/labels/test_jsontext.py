"""``labels/jsontext.py`` reads and writes JSON as :mod:`json` does, without importing it."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tearline.labels import jsontext

DATA = Path(jsontext.__file__).parent / "data"

_SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text()
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


def _same(a: object, b: object) -> bool:
    """Equal, counting NaN equal to NaN (json round-trips it)."""
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def _outcome(function: Callable[[Any], object], argument: object) -> tuple[str, str]:
    """What ``function(argument)`` gives, or the exception it raises, as comparable text."""
    try:
        found = function(argument)
    except (TypeError, ValueError) as problem:
        return type(problem).__name__, str(problem)
    return "value", json.dumps(found)


@given(_VALUES)
def test_values_are_written_as_json_dumps_writes_them(data: object) -> None:
    assert jsontext.dumps(data) == json.dumps(data, ensure_ascii=False)


@given(_VALUES)
def test_documents_are_read_as_json_loads_reads_them(data: object) -> None:
    for text in (json.dumps(data), json.dumps(data, ensure_ascii=False, indent=1)):
        assert _same(jsontext.loads(text), json.loads(text))


def test_every_packaged_data_file_reads_as_json_reads_it() -> None:
    files = sorted(DATA.rglob("*.json"))
    assert len(files) > 10
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert jsontext.loads(text) == json.loads(text), path


@pytest.mark.parametrize(
    "text", [" {}", "{} ", "{}\n", "[1] [2]", "", "{", "[1,]", "NaN", "-Infinity", '"\\ud800"']
)
def test_odd_documents_read_or_fail_as_json_does(text: str) -> None:
    assert _outcome(json.loads, text) == _outcome(jsontext.loads, text)


@pytest.mark.parametrize("data", [{1, 2}, {"a": object()}, "plain text", {(1, 2): 3}, [math.inf]])
def test_values_json_cannot_write_alike_fail_or_pass_as_json_does(data: object) -> None:
    assert _outcome(lambda d: json.dumps(d, ensure_ascii=False), data) == _outcome(
        jsontext.dumps, data
    )


def test_a_cycle_fails_as_json_does() -> None:
    data: list[object] = []
    data.append(data)
    with pytest.raises(ValueError, match="Circular reference"):
        jsontext.dumps(data)


def test_reading_and_writing_do_not_import_json() -> None:
    probe = (
        "import sys; from tearline.labels import jsontext; "
        "assert jsontext.loads(jsontext.dumps({'a': [1, 2.5, None]})) == {'a': [1, 2.5, None]}; "
        "print('json' in sys.modules, 're' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.split() == ["False", "False"]
