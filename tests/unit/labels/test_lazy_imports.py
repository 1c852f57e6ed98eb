"""What parsing a canonical marking imports (issue #7 §4: a command line that starts fast).

A fresh interpreter parses and renders ``SECRET//NOFORN``: neither ``tomllib`` (the data is
read from its compiled JSON form), nor ``pkgutil``, nor the access-expression parser, nor the
full CAPCO reader, nor the agreements' loading, nor ``dataclasses`` (the value types are
``labels/value.py`` classes) is needed for that, so none may be imported; nor ``json`` and
``re`` (``labels/jsontext.py``, token patterns compiled on first use), ``enum``
(``labels/intenum.py``), ``functools`` (``labels/lru.py``), ``collections``, ``types``,
``operator``, ``contextlib`` and ``importlib``, each a module of the standard library the
command would load for one small use.
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
    "json",
    "re",
    "enum",
    "functools",
    "collections",
    "types",
    "operator",
    "contextlib",
    "importlib",
    "warnings",
    "unicodedata",  # for non-ASCII text only
    "tearline.labels.access.grammar",
    "tearline.labels.syntax.capco.read",
    "tearline.labels.syntax.capco.items",  # the full reader's items: annotations only elsewhere
    "tearline.labels.translate",
)

PROBE = """
import sys
from tearline.labels.parse import parse, render
label = parse("SECRET//NOFORN", "us")
assert render(label) == "SECRET//NOFORN"
print(" ".join(sorted(sys.modules)))
"""
#: The same through the installed command's fast path, answering in JSON.
COMMAND = """
import sys
from tearline.cli import main
code = main(["label", "parse", "SECRET//NOFORN", "--json"])
print(code, " ".join(sorted(sys.modules)), file=sys.stderr)
"""


def test_a_canonical_marking_is_parsed_without_what_it_does_not_need() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=120
    )
    loaded = set(done.stdout.split())
    assert "tearline.labels.syntax.capco.fast" in loaded
    assert [name for name in NOT_NEEDED if name in loaded] == []


def test_the_command_answers_without_what_it_does_not_need() -> None:
    done = subprocess.run(
        [sys.executable, "-c", COMMAND], capture_output=True, text=True, check=True, timeout=120
    )
    assert json.loads(done.stdout)["marking"] == "SECRET//NOFORN"
    code, *loaded = done.stderr.split()
    assert code == "0"
    assert "tearline.cli.fast" in loaded
    assert [name for name in NOT_NEEDED if name in loaded] == []


def test_the_capco_package_gives_its_names_on_first_use() -> None:
    assert {"read_full", "read_marking", "write_marking", "release_list"} <= set(dir(capco))
    assert capco.read_full.__module__ == "tearline.labels.syntax.capco.read"
    assert capco.display_list.__module__ == "tearline.labels.syntax.capco.write"
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        _ = capco.nothing
