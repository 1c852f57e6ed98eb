"""The error tree as data: every error has a stable code and a category, and one shape."""

from __future__ import annotations

import importlib
import json

import pytest

from tearline import errors
from tearline.cli import main
from tearline.errors import (
    CATEGORIES,
    AccessExpressionError,
    Conflict,
    DataFault,
    Denied,
    InvalidInput,
    InvalidPerson,
    LabelError,
    NoAgreement,
    NotFound,
    SchemeError,
    TearlineError,
    TranslationError,
    Unauthenticated,
    UnknownScheme,
)

EXPECTED: dict[type[TearlineError], tuple[str, str]] = {
    InvalidInput: ("invalid-input", "invalid-input"),
    LabelError: ("invalid-marking", "invalid-input"),
    AccessExpressionError: ("invalid-expression", "invalid-input"),
    InvalidPerson: ("invalid-person", "invalid-input"),
    TranslationError: ("untranslatable", "invalid-input"),
    NoAgreement: ("no-agreement", "invalid-input"),
    NotFound: ("not-found", "not-found"),
    UnknownScheme: ("unknown-scheme", "invalid-input"),
    Unauthenticated: ("unauthenticated", "unauthenticated"),
    Denied: ("denied", "forbidden"),
    Conflict: ("conflict", "conflict"),
    DataFault: ("data-fault", "internal"),
    SchemeError: ("scheme-data", "internal"),
}


def test_every_error_class_has_its_code_and_category() -> None:
    public = {
        getattr(errors, name)
        for name in errors.__all__
        if isinstance(getattr(errors, name), type)
        and issubclass(getattr(errors, name), TearlineError)
    }
    assert public - {TearlineError} == set(EXPECTED)
    for cls, (code, category) in EXPECTED.items():
        assert (cls.code, cls.category) == (code, category)
        assert category in CATEGORIES
    assert len({cls.code for cls in EXPECTED}) == len(EXPECTED)


def test_a_broken_data_file_is_not_the_callers_mistake() -> None:
    assert not issubclass(SchemeError, InvalidInput)
    assert not issubclass(NotFound, InvalidInput)


def test_the_one_shape() -> None:
    assert NotFound("unknown scheme 'xx'").as_dict() == {
        "code": "not-found",
        "category": "not-found",
        "message": "unknown scheme 'xx'",
    }
    assert LabelError("order", "out of order", 16).as_dict() == {
        "code": "invalid-marking",
        "category": "invalid-input",
        "message": "out of order",
        "class": "order",
        "position": 16,
    }
    assert AccessExpressionError("unclosed", 3).as_dict()["class"] == "syntax"


@pytest.mark.parametrize(
    ("args", "code", "category", "exit_code"),
    [
        (["label", "parse", "--scheme", "xx", "S"], "unknown-scheme", "invalid-input", 2),
        (["label", "parse", "SECRET//BOGUS"], "invalid-marking", "invalid-input", 2),
        (["label", "parse", "--form", "banner2", "S"], "usage", "invalid-input", 2),
        (["access", "check", "--person", "{}", "S"], "invalid-person", "invalid-input", 2),
        (["access", "eval", "A|B&C"], "invalid-expression", "invalid-input", 2),
        (["label", "translate", "--from", "kr", "--to", "us", "군사II급비밀//REL TO KOR, JPN"],
         "no-agreement", "invalid-input", 2),
    ],
)  # fmt: skip
def test_the_cli_prints_the_one_shape(
    capsys: pytest.CaptureFixture[str], args: list[str], code: str, category: str, exit_code: int
) -> None:
    assert main([*args, "--json"]) == exit_code
    error = json.loads(capsys.readouterr().out)["error"]
    assert (error["code"], error["category"]) == (code, category)
    assert error["message"]
    assert {"class", "position"} <= set(error)


def test_an_internal_fault_shows_no_internals(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*_: object, **__: object) -> object:
        raise RuntimeError("secret internals /etc/shadow")

    monkeypatch.setattr(importlib.import_module("tearline.cli.answers"), "parse", explode)
    assert main(["label", "parse", "SECRET", "--json"]) == 1
    out = capsys.readouterr().out
    assert "secret internals" not in out
    assert json.loads(out)["error"] == {
        "code": "internal",
        "category": "internal",
        "message": "internal error; nothing was changed",
        "class": "internal",
        "position": 0,
    }
