"""The loader refuses inconsistent scheme and agreement files, naming what is wrong."""

from __future__ import annotations

import copy
import tomllib
from importlib import resources
from typing import Any

import pytest

from tearline.errors import SchemeError
from tearline.labels.schemes import default_registry
from tearline.labels.schemes.agreements import agreement_from_data
from tearline.labels.schemes.load import _scheme_from_data
from tearline.labels.schemes.nations import Nations


def _data(name: str) -> dict[str, Any]:
    text = resources.files("tearline.labels.data").joinpath(name).read_text("utf-8")
    return tomllib.loads(text)


def _scheme_error(data: dict[str, Any], match: str) -> None:
    with pytest.raises(SchemeError, match=match):
        _scheme_from_data(data, default_registry().nations, "test.toml")


def test_scheme_files_load_and_resolve() -> None:
    assert {"us", "jp", "gb", "au", "ca", "nz", "nato", "tlp"} <= set(default_registry().schemes)


def test_scheme_cross_references_are_checked() -> None:
    data = _data("us.toml")
    broken = copy.deepcopy(data)
    broken["scheme"]["owner"] = "XYZ"
    _scheme_error(broken, "not a known nation")
    broken = copy.deepcopy(data)
    broken["levels"].reverse()
    _scheme_error(broken, "lowest first")
    broken = copy.deepcopy(data)
    broken["categories"][-1]["tokens"][4]["conflicts"] = ["NOPE"]
    _scheme_error(broken, "unknown control 'NOPE'")
    broken = copy.deepcopy(data)
    broken["categories"][-1]["tokens"][1]["levels"] = ["Q"]
    _scheme_error(broken, "unknown level 'Q'")
    broken = copy.deepcopy(data)
    broken["categories"][0]["role"] = "magic"
    _scheme_error(broken, "unknown role")
    broken = copy.deepcopy(data)
    broken["categories"][-1]["tokens"][4]["disclosure"] = "sometimes"
    _scheme_error(broken, "unknown disclosure")
    broken = copy.deepcopy(data)
    broken["levels"][0]["tier"] = "PRETTY SECRET"
    _scheme_error(broken, "unknown tier")


def test_agreement_cross_references_are_checked() -> None:
    schemes = default_registry().schemes
    good = _data("agreements/us-jp.toml")
    assert agreement_from_data(good, schemes, "us-jp.toml").id == "us-jp"
    cases = [
        ({"schemes": ["us"]}, "two or more"),
        ({"schemes": ["us", "xx"]}, "unknown scheme"),
    ]
    for change, match in cases:
        broken = copy.deepcopy(good)
        broken["agreement"].update(change)
        with pytest.raises(SchemeError, match=match):
            agreement_from_data(broken, schemes, "t.toml")
    for row_change, match in [
        ({"basis": "rumour"}, "unknown basis"),
        ({"jp": "NOPE"}, "not a level of jp"),
        ({"us_controls": ["NOPE"]}, "not a control of us"),
    ]:
        broken = copy.deepcopy(good)
        broken["levels"][0].update(row_change)
        with pytest.raises(SchemeError, match=match):
            agreement_from_data(broken, schemes, "t.toml")
    broken = copy.deepcopy(good)
    del broken["levels"][0]["jp"]
    with pytest.raises(SchemeError, match="at least two"):
        agreement_from_data(broken, schemes, "t.toml")


def test_group_members_must_be_known_nations() -> None:
    data = _data("nations.toml")
    data["groups"]["FVEY"]["members"].append("XYZ")
    with pytest.raises(SchemeError, match="unknown nations"):
        Nations.from_data(data)
    nations = default_registry().nations
    assert nations.name("JPN") == "Japan"
    assert nations.members("ISAF") == frozenset()  # membership unpublished: grants no one
    assert nations.name("ZZZ") == "ZZZ"
