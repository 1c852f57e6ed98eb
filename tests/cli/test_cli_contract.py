"""The ``tearline`` command's JSON contract, checked field by field.

Most tests run the CLI in-process through :func:`tearline.cli.main` (it never raises and returns
the exit code) and read its stdout with ``capsys``; a few run the installed console script in a
real subprocess to prove that ``pip install -e .`` gives a working command.

Contract (from the issue): ``label parse`` → ``{"valid": true, "scheme", "marking", "portion",
"tier", "level", "owner", "releasable_to", "controls", "access"}``; invalid input → exit 2 and
``{"valid": false, "error": {"class", "message", "position"}}``; ``label rollup`` →
``{"banner"}``; ``label normalize`` → ``{"marking", "changes"}``; ``label render`` →
``{"marking"}``; ``access check`` → exit 0 for every decision and ``{"decision", "reasons"}``;
``access eval`` → ``{"result"}``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from support import fixtures
from tearline.cli import main
from tearline.errors import ERROR_KINDS

# --------------------------------------------------------------------------------- helpers

EXIT_OK = 0
EXIT_INVALID = 2


TIERS = {"UNCLASSIFIED", "CONTROLLED", "RESTRICTED", "CONFIDENTIAL", "SECRET", "TOP SECRET"}

NATO = sorted(
    [
        "ALB", "BEL", "BGR", "CAN", "CZE", "DEU", "DNK", "ESP", "EST", "FIN", "FRA",
        "GBR", "GRC", "HRV", "HUN", "ISL", "ITA", "LTU", "LUX", "LVA", "MKD", "MNE",
        "NLD", "NOR", "POL", "PRT", "ROU", "SVK", "SVN", "SWE", "TUR", "USA",
    ]
)  # fmt: skip
NATO_USA_FIRST = ["USA", *(code for code in NATO if code != "USA")]
FVEY_USA_FIRST = ["USA", "AUS", "CAN", "GBR", "NZL"]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, Any]:
    """Run the CLI in-process; return the exit code and the parsed JSON on stdout."""
    code = main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in out
    assert "Traceback" not in err
    out.encode("utf-8")
    err.encode("utf-8")
    return code, json.loads(out)


def parse_json(capsys: pytest.CaptureFixture[str], marking: str, *options: str) -> Any:
    code, data = run(capsys, "label", "parse", *options, marking, "--json")
    assert data.get("valid") is True, data
    assert code == EXIT_OK
    return data


def person(**fields: object) -> str:
    """A person as the --person JSON: a US SECRET holder unless ``fields`` say otherwise."""
    data: dict[str, object] = {"nationality": "USA", "clearance": "S", "clearance_scheme": "us"}
    data.update(fields)
    return json.dumps(data)


def assert_json_error(data: Any, kinds: set[str] | frozenset[str] | None = None) -> None:
    """The ``{"valid": false, "error": {"class", "message", "position"}}`` shape."""
    assert data["valid"] is False
    error = data["error"]
    assert set(error) >= {"class", "message", "position"}
    assert isinstance(error["message"], str)
    assert error["message"].strip()
    assert isinstance(error["position"], int)
    if kinds is not None:
        assert error["class"] in kinds


# ------------------------------------------------------------------------- label parse: valid

# marking -> (banner, portion, tier, level, owner, releasable_to, controls, access)
Expected = tuple[str, str, str, str, str, list[str] | None, list[str], str]

VALID: dict[str, Expected] = {
    marking: (
        f["banner"], f["portion"], f["tier"], f["level"], f["owner"], f["releasable_to"],
        f["controls"], f["access"],
    )
    for marking, f in fixtures.valid_us_markings().items()
}  # fmt: skip


@pytest.mark.parametrize(("marking", "expected"), VALID.items(), ids=list(VALID))
def test_parse_contract_fields(
    capsys: pytest.CaptureFixture[str], marking: str, expected: Expected
) -> None:
    banner, portion, tier, level, owner, releasable_to, controls, access = expected
    data = parse_json(capsys, marking)
    assert data["scheme"] == "us"
    assert data["marking"] == banner
    assert data["portion"] == portion
    assert data["tier"] == tier
    assert data["tier"] in TIERS
    assert data["level"] == level
    assert data["owner"] == owner
    assert data["releasable_to"] == releasable_to
    assert data["controls"] == controls
    assert data["access"] == access


@pytest.mark.parametrize("marking", list(VALID))
def test_parse_canonical_output_parses_to_the_same_fields(
    capsys: pytest.CaptureFixture[str], marking: str
) -> None:
    first = parse_json(capsys, marking)
    again_banner = parse_json(capsys, first["marking"], "--form", "banner")
    again_portion = parse_json(capsys, first["portion"], "--form", "portion")
    assert again_banner == first
    assert again_portion == first


@pytest.mark.parametrize("marking", list(VALID))
def test_access_never_names_a_nation(capsys: pytest.CaptureFixture[str], marking: str) -> None:
    data = parse_json(capsys, marking)
    for nation in (data["releasable_to"] or []) + ["USA", "GBR", "JPN", "NATO", "FVEY"]:
        assert nation not in data["access"]


def test_parse_extra_fields_for_fgi_and_display_only(capsys: pytest.CaptureFixture[str]) -> None:
    assert parse_json(capsys, "SECRET//FGI GBR//NOFORN")["fgi"] == ["GBR"]
    assert parse_json(capsys, "(S//FGI//NF)")["fgi"] == []
    assert parse_json(capsys, "SECRET")["fgi"] is None
    shown = parse_json(capsys, "(S//REL TO USA, GBR/DISPLAY ONLY AFG)")
    assert shown["displayable_to"] == ["AFG"]
    joint = parse_json(capsys, "//JOINT SECRET CAN GBR USA")
    assert joint["owners"] == ["CAN", "GBR", "USA"]


def test_parse_with_explicit_scheme_and_form(capsys: pytest.CaptureFixture[str]) -> None:
    banner = parse_json(capsys, "SECRET//NOFORN", "--scheme", "us", "--form", "banner")
    portion = parse_json(capsys, "(S//NF)", "--scheme", "us", "--form", "portion")
    assert banner == portion
    assert banner["marking"] == "SECRET//NOFORN"


def test_parse_without_json_prints_lines(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["label", "parse", "(S//NF)"]) == EXIT_OK
    out, _ = capsys.readouterr()
    assert "marking: SECRET//NOFORN" in out
    assert "Traceback" not in out


# ----------------------------------------------------------------------- label parse: invalid

# marking -> (class, position of the leftmost error)
INVALID: dict[str, tuple[str, int]] = fixtures.invalid_us_markings()


def _invalid_id(marking: str) -> str:
    return marking if len(marking) < 40 else marking[:20] + f"...({len(marking)})"


@pytest.mark.parametrize(
    ("marking", "expected"), INVALID.items(), ids=[_invalid_id(m) for m in INVALID]
)
def test_parse_invalid_class_and_position(
    capsys: pytest.CaptureFixture[str], marking: str, expected: tuple[str, int]
) -> None:
    kind, position = expected
    code, data = run(capsys, "label", "parse", marking, "--json")
    assert code == EXIT_INVALID
    assert_json_error(data, ERROR_KINDS)
    assert (data["error"]["class"], data["error"]["position"]) == (kind, position), data
    assert set(data) == {"valid", "error"}


def test_every_error_class_is_in_the_invalid_grid() -> None:
    assert {kind for kind, _ in INVALID.values()} == set(ERROR_KINDS)


def test_parse_form_mismatch_is_syntax_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, banner = run(capsys, "label", "parse", "--form", "banner", "(S)", "--json")
    assert code == EXIT_INVALID
    assert_json_error(banner, {"syntax"})
    assert banner["error"]["position"] == 1
    code, portion = run(capsys, "label", "parse", "--form", "portion", "SECRET", "--json")
    assert code == EXIT_INVALID
    assert_json_error(portion, {"syntax"})
    assert portion["error"]["position"] == 1


@pytest.mark.parametrize(
    "args",
    [
        ["label", "parse", "--scheme", "xx", "SECRET", "--json"],
        ["label", "parse", "--form", "sideways", "SECRET", "--json"],
        ["label", "parse", "--bogus", "SECRET", "--json"],
        ["label", "parse", "--json"],
        ["label", "parse", "SECRET", "extra", "--json"],
        ["label", "nosuchcommand", "--json"],
    ],
    ids=["unknown-scheme", "bad-form", "unknown-option", "missing-arg", "extra-arg", "no-cmd"],
)
def test_usage_errors_exit_2_with_json(capsys: pytest.CaptureFixture[str], args: list[str]) -> None:
    code, data = run(capsys, *args)
    assert code == EXIT_INVALID
    assert_json_error(data)
    assert data["error"]["position"] == 0


@pytest.mark.parametrize(
    "args",
    [
        ["person", "list", "--bogus", "--json"],
        ["item", "list", "--json"],  # missing --as
        ["cop", "tracks", "--as", "p-1", "--bbox", "1,2", "--home", "/nonexistent", "--json"],
    ],
    ids=["unknown-option", "missing-option", "no-node"],
)
def test_node_commands_report_errors_without_the_label_commands_valid_key(
    capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    code, data = run(capsys, *args)
    assert code == EXIT_INVALID
    assert set(data) == {"error"}  # {"valid": false} belongs to the label commands' answers
    assert {"code", "category", "message"} <= set(data["error"])


# ----------------------------------------------------------------------------- label rollup

ROLLUPS: list[tuple[list[str], str]] = fixtures.rollups()


@pytest.mark.parametrize(("portions", "banner"), ROLLUPS, ids=[" + ".join(p) for p, _ in ROLLUPS])
def test_rollup_banner(
    capsys: pytest.CaptureFixture[str], portions: list[str], banner: str
) -> None:
    code, data = run(capsys, "label", "rollup", "--scheme", "us", *portions, "--json")
    assert code == EXIT_OK
    assert data["valid"] is True
    assert data["banner"] == banner
    assert data["marking"] == banner
    assert parse_json(capsys, banner)["portion"] == data["portion"]


def test_rollup_of_mixed_owners_names_the_foreign_source(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, data = run(capsys, "label", "rollup", "(//GBR S)", "(S//REL TO USA, GBR)", "--json")
    assert data["banner"].startswith("SECRET//FGI GBR//")
    assert data["owner"] == "USA"
    assert data["fgi"] == ["GBR"]
    assert data["releasable_to"] is not None
    assert data["releasable_to"][0] == "USA"


def test_rollup_single_portion_is_its_own_banner(capsys: pytest.CaptureFixture[str]) -> None:
    _, data = run(capsys, "label", "rollup", "(TS//SI/TK//NF)", "--json")
    assert data["banner"] == "TOP SECRET//SI/TK//NOFORN"
    assert data["access"] == "SI&TK"
    assert data["controls"] == ["NF"]


def test_rollup_invalid_portion_names_it(capsys: pytest.CaptureFixture[str]) -> None:
    code, data = run(capsys, "label", "rollup", "(S)", "(S//BOGUS)", "--json")
    assert code == EXIT_INVALID
    assert_json_error(data, {"unknown-token"})
    assert data["portion"] == 2
    assert data["error"]["position"] == 5


def test_rollup_without_portions_is_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, data = run(capsys, "label", "rollup", "--json")
    assert code == EXIT_INVALID
    assert_json_error(data)


# -------------------------------------------------------------------------- label normalize

NORMALIZE: dict[str, str] = fixtures.sloppy_markings()


@pytest.mark.parametrize(("sloppy", "canonical"), NORMALIZE.items(), ids=list(NORMALIZE))
def test_normalize_lists_changes_and_gives_canonical_marking(
    capsys: pytest.CaptureFixture[str], sloppy: str, canonical: str
) -> None:
    code, data = run(capsys, "label", "normalize", sloppy, "--json")
    assert code == EXIT_OK
    assert data["valid"] is True
    assert data["marking"] == canonical
    assert isinstance(data["changes"], list)
    assert data["changes"], "a sloppy marking is rewritten, so the changes list is not empty"
    assert all(isinstance(change, str) and change for change in data["changes"])
    strict = parse_json(capsys, canonical)
    assert strict["marking"] == data["banner"]
    assert strict["portion"] == data["portion"]
    assert strict["marking"] == canonical or strict["portion"] == canonical


def test_normalize_example_from_the_issue(capsys: pytest.CaptureFixture[str]) -> None:
    _, data = run(capsys, "label", "normalize", "s//rel to jpn, usa", "--json")
    assert data["marking"] == "SECRET//REL TO USA, JPN"
    assert data["portion"] == "(S//REL TO USA, JPN)"
    assert "put REL TO in register order" in data["changes"]


@pytest.mark.parametrize(
    ("sloppy", "changes"),
    [
        (
            "secret // nf/oc",
            [
                "removed spaces around '//'",
                "wrote 'secret' as SECRET",
                "wrote 'nf' as NOFORN",
                "wrote 'oc' as ORCON",
                "put the controls in register order",
            ],
        ),
        ("(S// NF)", ["removed spaces around '//'"]),
        (
            "SECRET//NF /OC",
            [
                "removed spaces around '/'",
                "wrote 'NF' as NOFORN",
                "wrote 'OC' as ORCON",
                "put the controls in register order",
            ],
        ),
    ],
    ids=["issue-6", "after-separator", "before-separator"],
)
def test_normalize_names_the_separator_whose_spaces_it_removed(
    capsys: pytest.CaptureFixture[str], sloppy: str, changes: list[str]
) -> None:
    """Each change happened, and a space change names its separator (never ``''``)."""
    code, data = run(capsys, "label", "normalize", sloppy, "--json")
    assert code == EXIT_OK
    assert data["changes"] == changes


@pytest.mark.parametrize("marking", ["SECRET//REL TO USA, JPN", "(TS//SI/TK//NF)", "//NATO SECRET"])
def test_normalize_canonical_marking_changes_nothing(
    capsys: pytest.CaptureFixture[str], marking: str
) -> None:
    _, data = run(capsys, "label", "normalize", marking, "--json")
    assert data["marking"] == marking
    assert data["changes"] == []


@pytest.mark.parametrize(
    ("marking", "kind"),
    [
        ("SECRET//NOFORN/REL TO USA, JPN", "conflict"),
        ("SECRET//BOGUS", "unknown-token"),
        ("", "syntax"),
        ("unclassified//orcon", "level"),
        ("top secret//hcs", "missing-requirement"),
    ],
)
def test_normalize_refuses_what_it_cannot_fix(
    capsys: pytest.CaptureFixture[str], marking: str, kind: str
) -> None:
    code, data = run(capsys, "label", "normalize", marking, "--json")
    assert code == EXIT_INVALID
    assert_json_error(data, {kind})


# ----------------------------------------------------------------------------- label render

RENDER: list[tuple[list[str], str, str]] = fixtures.renders()


@pytest.mark.parametrize(("options", "marking", "written"), RENDER)
def test_render(
    capsys: pytest.CaptureFixture[str], options: list[str], marking: str, written: str
) -> None:
    code, data = run(capsys, "label", "render", "--scheme", "us", *options, marking, "--json")
    assert code == EXIT_OK
    assert data["marking"] == written
    assert data["scheme"] == "us"


def test_render_unknown_scheme_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, data = run(capsys, "label", "render", "--scheme", "gbr", "SECRET", "--json")
    assert code == EXIT_INVALID
    assert_json_error(data)


def test_render_invalid_marking_is_json_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, data = run(capsys, "label", "render", "--scheme", "us", "SECRET//BOGUS", "--json")
    assert code == EXIT_INVALID
    assert_json_error(data, {"unknown-token"})
    assert data["error"]["position"] == 9


# ------------------------------------------------------------------------------ access check


def check(
    capsys: pytest.CaptureFixture[str], who: str, marking: str, *options: str
) -> tuple[int, Any]:
    return run(capsys, "access", "check", "--person", who, *options, marking, "--json")


DECISIONS: list[tuple[str, str, list[str], str, list[str]]] = [
    (json.dumps(who), marking, options, decision, reasons)
    for who, marking, options, decision, reasons in fixtures.decisions()
]


@pytest.mark.parametrize(
    ("who", "marking", "options", "decision", "reasons"),
    DECISIONS,
    ids=[f"{i}-{d[3]}-{d[1]}" for i, d in enumerate(DECISIONS)],
)
def test_access_check_decisions(
    capsys: pytest.CaptureFixture[str],
    who: str,
    marking: str,
    options: list[str],
    decision: str,
    reasons: list[str],
) -> None:
    code, data = check(capsys, who, marking, *options)
    assert code == EXIT_OK, "every decision, deny included, exits 0"
    assert data["decision"] == decision
    assert isinstance(data["reasons"], list)
    assert data["reasons"], "every decision gives its reasons"
    assert all(isinstance(reason, str) and reason for reason in data["reasons"])
    for reason in reasons:
        assert reason in data["reasons"]


def test_access_check_deny_lists_every_failing_check(capsys: pytest.CaptureFixture[str]) -> None:
    who = person(nationality="JPN", clearance="C", clearance_expires="2026-03-01")
    _, data = check(capsys, who, "SECRET//REL TO USA, GBR", "--at", "2026-04-01T00:00:00Z")
    assert data["decision"] == "deny"
    assert "clearance expired 2026-03-01" in data["reasons"]
    assert "clearance CONFIDENTIAL is below SECRET" in data["reasons"]
    assert "JPN is not in REL TO USA, GBR" in data["reasons"]


def test_access_check_with_explicit_scheme(capsys: pytest.CaptureFixture[str]) -> None:
    code, data = check(capsys, person(), "(S//NF)", "--scheme", "us")
    assert code == EXIT_OK
    assert data["decision"] == "permit"


INVALID_PERSONS: dict[str, str] = {
    "not-json": "not json",
    "empty": "",
    "list": "[]",
    "null": "null",
    "string": '"JPN"',
    "no-clearance": '{"nationality": "JPN"}',
    "no-nationality": '{"clearance": "S"}',
    "unknown-field": person(bogus=1),
    "unknown-level": person(clearance="Q"),
    "bad-status": person(status="frozen"),
    "bad-expiry": person(clearance_expires="2026-13-01"),
    "expiry-not-string": person(clearance_expires=5),
    "auths-not-list": person(authorizations="SI"),
    "auth-not-token": person(authorizations=[5]),
    "auth-bad-expiry": person(authorizations=[{"token": "SI", "expires": "soon"}]),
    "no-nations": person(nationality=[]),
    "long-nation": person(nationality="JAPAN"),
    "japanese-nation": person(nationality="日本人"),
    "scheme-not-string": person(clearance_scheme=5),
}


@pytest.mark.parametrize("who", INVALID_PERSONS.values(), ids=list(INVALID_PERSONS))
def test_access_check_invalid_person_is_json_error(
    capsys: pytest.CaptureFixture[str], who: str
) -> None:
    code, data = check(capsys, who, "SECRET")
    assert code == EXIT_INVALID
    assert_json_error(data)
    assert data["error"]["class"] == "invalid-person"
    assert "decision" not in data


def test_access_check_invalid_marking_is_json_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, data = check(capsys, person(), "SECRET//BOGUS")
    assert code == EXIT_INVALID
    assert_json_error(data, {"unknown-token"})
    assert data["error"]["position"] == 9


@pytest.mark.parametrize(
    ("who", "options"),
    [
        (person(), ["--at", "yesterday"]),
        (person(), ["--at", "2026-02-30T00:00:00Z"]),
        (person(), ["--scheme", "xx"]),
        (person(clearance_scheme="xx"), []),
        (person(), ["--action", "destroy"]),
    ],
    ids=["at-words", "at-no-such-day", "unknown-scheme", "unknown-clearance-scheme", "bad-action"],
)
def test_access_check_bad_options_exit_2(
    capsys: pytest.CaptureFixture[str], who: str, options: list[str]
) -> None:
    code, data = check(capsys, who, "SECRET", *options)
    assert code == EXIT_INVALID
    assert_json_error(data)


# ------------------------------------------------------------------------------- access eval

EVALS: list[tuple[str, list[str], str]] = [
    ("A&B", ["A,B"], "accessible"),
    ("A&B", ["A"], "inaccessible"),
    ("A|B", ["B"], "accessible"),
    ("A|B", ["C"], "inaccessible"),
    ("(A|B)&C", ["B,C"], "accessible"),
    ("(A|B)&C", ["A,B"], "inaccessible"),
    ('"a b"&C', ["a b,C"], "accessible"),
    ("SI&TK", ["SI,TK,HCS"], "accessible"),
    # several sets: the expression must hold for every one
    ("A|B", ["A", "B"], "accessible"),
    ("A&B", ["A,B", "A"], "inaccessible"),
    ("A", ["A", "A,B", "A,C"], "accessible"),
    ("A", ["A", "B"], "inaccessible"),
    # the empty set, given as '' or by giving no set at all
    ("", [""], "accessible"),
    ("A", [""], "inaccessible"),
    ("A", [], "inaccessible"),
    ("", [], "accessible"),
    ("A", ["A", ""], "inaccessible"),
]


@pytest.mark.parametrize(
    ("expression", "auth_sets", "result"),
    EVALS,
    ids=[f"{e or 'empty'}-{'|'.join(a) or 'none'}" for e, a, _ in EVALS],
)
def test_access_eval(
    capsys: pytest.CaptureFixture[str], expression: str, auth_sets: list[str], result: str
) -> None:
    args = [arg for text in auth_sets for arg in ("--auths", text)]
    code, data = run(capsys, "access", "eval", expression, *args, "--json")
    assert code == EXIT_OK
    assert data["result"] == result


EVAL_ERRORS: dict[str, int] = {
    "A&": 2,
    "A&&B": 3,
    "&A": 1,
    "(A": 1,
    "A)": 2,
    "A|B&C": 4,
    "A B": 2,
    '"abc': 1,
    "()": 2,
}


@pytest.mark.parametrize(("expression", "position"), EVAL_ERRORS.items(), ids=list(EVAL_ERRORS))
def test_access_eval_error(
    capsys: pytest.CaptureFixture[str], expression: str, position: int
) -> None:
    code, data = run(capsys, "access", "eval", expression, "--auths", "A,B", "--json")
    assert code == EXIT_INVALID
    assert data["result"] == "error"
    assert data["error"]["class"] == "syntax"
    assert data["error"]["position"] == position
    assert data["error"]["message"]


@pytest.mark.parametrize(
    "args",
    [
        ["label", "normalize", "SECRET//BOGUS", "--json"],
        ["label", "render", "--scheme", "us", "SECRET//BOGUS", "--json"],
        ["label", "rollup", "(S)", "(S//BOGUS)", "--json"],
    ],
    ids=["normalize", "render", "rollup"],
)
def test_other_label_commands_exit_2_on_invalid_marking(
    capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    code, data = run(capsys, *args)
    assert code == EXIT_INVALID
    assert_json_error(data, {"unknown-token"})


# ---------------------------------------------------------------- the installed console script


@pytest.fixture(scope="module")
def tearline_command() -> Path:
    """The console script ``pip install -e .`` put beside the interpreter running the tests."""
    beside = Path(sys.executable).parent / "tearline"
    if beside.is_file():
        return beside
    found = shutil.which("tearline")
    if found is None:
        pytest.fail("the tearline command is not installed: run `pip install -e .` in the venv")
    return Path(found)


def run_installed(command: Path, *args: str) -> tuple[int, Any]:
    done = subprocess.run(
        [str(command), *args], capture_output=True, text=True, timeout=60, check=False
    )
    assert "Traceback" not in done.stdout + done.stderr
    return done.returncode, json.loads(done.stdout)


def test_installed_command_parses(tearline_command: Path) -> None:
    code, data = run_installed(tearline_command, "label", "parse", "(S//REL TO USA, JPN)", "--json")
    assert code == EXIT_OK
    assert data["marking"] == "SECRET//REL TO USA, JPN"
    assert data["releasable_to"] == ["USA", "JPN"]
    assert data["controls"] == ["REL"]


def test_installed_command_normalizes(tearline_command: Path) -> None:
    code, data = run_installed(
        tearline_command, "label", "normalize", "s//rel to jpn, usa", "--json"
    )
    assert code == EXIT_OK
    assert data["marking"] == "SECRET//REL TO USA, JPN"
    assert data["changes"]


def test_installed_command_denies_with_exit_0(tearline_command: Path) -> None:
    code, data = run_installed(
        tearline_command,
        "access", "check", "--person", person(clearance="C"), "SECRET", "--json",
    )  # fmt: skip
    assert code == EXIT_OK
    assert data == {
        "decision": "deny",
        "reasons": ["clearance CONFIDENTIAL is below SECRET"],
        "reasons_ja": ["クリアランス CONFIDENTIAL はSECRET（極秘相当）に達していません"],
        "rules": ["clearance.level"],
    }


def test_installed_command_evaluates_and_reports_usage_errors(tearline_command: Path) -> None:
    code, data = run_installed(
        tearline_command, "access", "eval", "A|B", "--auths", "A", "--auths", "B", "--json"
    )
    assert (code, data["result"]) == (EXIT_OK, "accessible")
    code, data = run_installed(tearline_command, "label", "parse", "--scheme", "xx", "S", "--json")
    assert code == EXIT_INVALID
    assert_json_error(data)


def test_installed_command_exits_2_on_invalid_marking(tearline_command: Path) -> None:
    code, data = run_installed(tearline_command, "label", "parse", "SECRET//BOGUS", "--json")
    assert_json_error(data, {"unknown-token"})
    assert code == EXIT_INVALID


# ------------------------------------------------------------------------- label authority

AUTHORITY_KEYS = ["valid", "classified_by", "derived_from", "reason", "declassify_on",
                  "exemption", "event"]  # fmt: skip


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["Classified By: J. Smith", "Derived From: Multiple Sources", "Declassify On: 20501231"],
         {"classified_by": "J. Smith", "derived_from": "Multiple Sources", "reason": None,
          "declassify_on": "2050-12-31", "exemption": None, "event": None}),
        (["Classified By: J. Smith", "Reason: 1.4(c)", "Declassify On: 50X1-HUM"],
         {"classified_by": "J. Smith", "derived_from": None, "reason": "1.4(c)",
          "declassify_on": None, "exemption": "50X1-HUM", "event": None}),
        (["Classified By: J. Smith", "Derived From: CG 7", "Declassify On: 25X1, end of war"],
         {"classified_by": "J. Smith", "derived_from": "CG 7", "reason": None,
          "declassify_on": None, "exemption": "25X1", "event": "end of war"}),
    ],
)  # fmt: skip
def test_authority_contract(
    capsys: pytest.CaptureFixture[str], lines: list[str], expected: dict[str, object]
) -> None:
    code, data = run(capsys, "label", "authority", "--date", "2026-11-30", *lines, "--json")
    assert code == EXIT_OK
    assert list(data) == AUTHORITY_KEYS
    assert data == {"valid": True, **expected}


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["Classified By: A", "Derived From: X", "Declassify On: 20990101"], 3),
        (["Classified By: A", "Derivd From: X", "Declassify On: 20301231"], 2),
        (["Classified By: A", "Declassify On: 20301231"], 0),
    ],
)
def test_authority_errors_name_the_line(
    capsys: pytest.CaptureFixture[str], args: list[str], line: int
) -> None:
    code, data = run(capsys, "label", "authority", "--date", "2026-11-30", *args, "--json")
    assert code == EXIT_INVALID
    assert data["valid"] is False
    assert data["error"]["code"] == "invalid-authority"
    assert data["error"]["line"] == line
    assert data["error"]["message"]


@pytest.mark.parametrize("date", ["2026-13-01", "20261130", "yesterday", "\udcff"])
def test_authority_bad_document_date_exits_2(capsys: pytest.CaptureFixture[str], date: str) -> None:
    code, data = run(capsys, "label", "authority", "--date", date, "Classified By: A", "--json")
    assert code == EXIT_INVALID
    assert data["valid"] is False


# ------------------------------------------------------------------ CUI and non-IC through the CLI


@pytest.mark.parametrize(
    ("marking", "tier"),
    [
        ("CUI", "CONTROLLED"),
        ("CUI//SP-PRVCY//NOFORN", "CONTROLLED"),
        ("CUI//FED ONLY", "CONTROLLED"),
        ("UNCLASSIFIED//SBU", "CONTROLLED"),
        ("UNCLASSIFIED//LES NOFORN", "CONTROLLED"),
        ("UNCLASSIFIED//NOFORN//LIMDIS", "CONTROLLED"),
        ("UNCLASSIFIED//SSI", "CONTROLLED"),
        ("SECRET//NOFORN//EXDIS", "SECRET"),
        ("TOP SECRET//NOFORN//NODIS", "TOP SECRET"),
    ],
)
def test_cui_and_non_ic_parse_like_any_us_marking(
    capsys: pytest.CaptureFixture[str], marking: str, tier: str
) -> None:
    data = parse_json(capsys, marking, "--scheme", "us")
    assert (data["marking"], data["tier"]) == (marking, tier)
    assert data["label"]["tier"] == tier
