"""What parsing a canonical marking imports (issue #7 §4: a command line that starts fast).

A fresh interpreter parses and renders ``SECRET//NOFORN``: neither ``tomllib`` (the data is
read from its compiled JSON form), nor ``pkgutil``, nor the access-expression parser, nor the
full CAPCO reader, nor the agreements' loading, nor ``dataclasses`` (the value types are
``labels/value.py`` classes) is needed for that, so none may be imported.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import tearline.labels.syntax.capco as capco

NOT_NEEDED = (
    "dataclasses",  # the label core's value types are built without generated source
    "inspect",
    "ast",
    "typing",  # annotations only: imported under TYPE_CHECKING
    "tomllib",
    "pkgutil",
    "tearline.labels.access.grammar",
    "tearline.labels.syntax.capco.read",
    "tearline.labels.translate",
)

PROBE = """
import json, sys
from tearline.labels.parse import parse, render
label = parse("SECRET//NOFORN", "us")
assert render(label) == "SECRET//NOFORN"
print(json.dumps(sorted(sys.modules)))
"""


def test_a_canonical_marking_is_parsed_without_what_it_does_not_need() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=120
    )
    loaded = set(json.loads(done.stdout))
    assert "tearline.labels.syntax.capco.fast" in loaded
    assert [name for name in NOT_NEEDED if name in loaded] == []


def test_the_capco_package_gives_its_names_on_first_use() -> None:
    assert {"read_full", "read_marking", "write_marking", "release_list"} <= set(dir(capco))
    assert capco.read_full.__module__ == "tearline.labels.syntax.capco.read"
    assert capco.display_list.__module__ == "tearline.labels.syntax.capco.write"
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        _ = capco.nothing
