"""Hostile input to the ``tearline`` command: every argument is refused with a typed JSON error.

The contract: any argument — any length, control characters, invalid UTF-8 bytes from the shell
(Python hands them over as lone surrogates ``\\udc80``–``\\udcff``), bidirectional overrides,
Japanese text, emoji — gives ``{"valid": false, "error": {"class", "message", "position"}}`` and
exit 2, never a traceback, and output that encodes as UTF-8.

The first list is copied from ``shared/checks/cli-contract`` (the outside-in check script; the
shared folder is not part of the repository).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tearline.cli import main
from tearline.errors import ERROR_KINDS

EXIT_OK = 0
EXIT_INVALID = 2

# ------------------------------------------------------------------------------ the inputs

#: ``nasty`` from shared/checks/cli-contract, unchanged.
CHECK_SCRIPT_NASTY: list[str] = [
    "", " ", "//", "SECRET//", "SECRET////NOFORN", "(S//NF", "S//NF)", "SECRET//REL TO",
    "SECRET//REL TO USA,,JPN", "TOP SECRET//" + "SI/" * 5000, "SECRET\x01//NOFORN",
    "SECRET//REL TO USA, " + ", ".join(["JPN"] * 3000), "'; DROP TABLE items; --",
    "((((((((((((((((((((", "SECRET//NOFORN//NOFORN",
]  # fmt: skip

#: Every ASCII control character but NUL (which cannot be in an argv), inside a marking.
CONTROL_CHARACTERS: dict[str, str] = {
    f"ctl-{code:02X}": f"SECRET{chr(code)}//NOFORN" for code in [*range(0x01, 0x20), 0x7F]
}

#: 100 KB (at least) of text, in several shapes.
HUGE: dict[str, str] = {
    "100k-A": "A" * 100_000,
    "100k-controls": "SECRET//" + "NOFORN/" * 14_300,
    "100k-rel-to": "SECRET//REL TO USA, " + ", ".join(["JPN"] * 25_000),
    "100k-open-parens": "(" * 100_000,
    "100k-nested-portion": "(" * 50_000 + "S" + ")" * 50_000,
    "100k-slashes": "/" * 100_000,
    "100k-spaces-then-S": " " * 100_000 + "S",
    "100k-e-acute": "SECRET//" + "é" * 100_000,
    "100k-japanese": "秘" * 100_000,
    "100k-emoji": "😀" * 25_000,
}

#: Text that is not plain ASCII: surrogates (undecodable bytes), bidi controls, CJK, emoji.
UNICODE: dict[str, str] = {
    "surrogate-ff": "SECRET\udcff//NOFORN",
    "surrogate-80": "\udc80SECRET",
    "surrogate-high": "\ud800",
    "surrogate-pair-split": "SECRET//\ud83d",
    "surrogate-in-rel": "SECRET//REL TO USA, \udce9JPN",
    "rlo": "SECRET\u202e//NOFORN",
    "rlo-reversed": "\u202eNROFON//TERCES",
    "rlo-in-rel": "SECRET//REL TO USA, \u202eNPJ",
    "rlm": "SECRET\u200f//NOFORN",
    "lri-pdi": "\u2066SECRET\u2069",
    "zero-width-space": "SEC\u200bRET",
    "bom": "\ufeffSECRET",
    "nbsp": "SECRET\u00a0//NOFORN",
    "line-separator": "SECRET\u2028//NOFORN",
    "c1-nel": "\x85SECRET",
    "c1-csi": "SECRET\x9b31m",
    "japanese": "秘密",
    "japanese-top-secret": "極秘//NOFORN",
    "japanese-nation": "SECRET//REL TO USA, 日本",
    "fullwidth": "ＳＥＣＲＥＴ",
    "halfwidth-katakana": "ｼｰｸﾚｯﾄ",
    "emoji": "😀",
    "emoji-control": "SECRET//😀",
    "emoji-flag": "SECRET//REL TO USA, 🇯🇵",
    "emoji-zwj": "SECRET//👨\u200d👩\u200d👧",
    "combining": "SE\u0301CRET",
    "private-use": "SECRET//\ue000",
    "unassigned": "SECRET//\U000e0fff",
}

OTHER: dict[str, str] = {
    "ansi-escape": "SECRET\x1b[31m//NOFORN",
    "newline-injection": 'SECRET\n{"valid": true}',
    "format-string": "SECRET//%s%s%s{0}{marking}",
    "json-injection": '{"valid": true}',
    "html": "<script>alert(1)</script>",
    "path": "../../../../etc/passwd",
    "only-parens": "()",
    "double-parens": "((S))",
    "dash-dash-json": "--json=1",
}

HOSTILE: dict[str, str] = {
    **{f"check-script-{i}": text for i, text in enumerate(CHECK_SCRIPT_NASTY)},
    **CONTROL_CHARACTERS,
    **HUGE,
    **UNICODE,
    **OTHER,
}

# The marking is the last positional argument; "--" keeps a leading "-" from being an option.
COMMANDS: dict[str, list[str]] = {
    "parse": ["label", "parse", "--json", "--"],
    "parse-portion": ["label", "parse", "--form", "portion", "--json", "--"],
    "render": ["label", "render", "--scheme", "us", "--json", "--"],
    "rollup": ["label", "rollup", "--json", "--", "(U)"],
    "check": [
        "access", "check", "--person", '{"nationality": "USA", "clearance": "TS"}', "--json",
        "--",
    ],
}  # fmt: skip


def run(capsys: pytest.CaptureFixture[str], args: list[str]) -> tuple[int, Any, str]:
    """Run in-process; check for tracebacks and UTF-8; return code, JSON and stderr."""
    code = main(args)
    out, err = capsys.readouterr()
    assert "Traceback" not in out
    assert "Traceback" not in err
    out.encode("utf-8")
    err.encode("utf-8")
    return code, json.loads(out), err


def assert_refused(data: Any) -> None:
    assert data["valid"] is False, data
    error = data["error"]
    assert isinstance(error["message"], str)
    assert error["message"].strip()
    assert isinstance(error["position"], int)
    assert error["position"] >= 0
    assert error["class"] in ERROR_KINDS, error


# ------------------------------------------------------------------------- label parse & co.


@pytest.mark.parametrize("marking", HOSTILE.values(), ids=list(HOSTILE))
def test_parse_refuses_hostile_marking(capsys: pytest.CaptureFixture[str], marking: str) -> None:
    code, data, _ = run(capsys, [*COMMANDS["parse"], marking])
    assert code == EXIT_INVALID
    assert_refused(data)
    assert set(data) == {"valid", "error"}
    assert 1 <= data["error"]["position"] <= len(marking) + 1


@pytest.mark.parametrize("command", [c for c in COMMANDS if c != "parse"])
@pytest.mark.parametrize(
    "marking",
    [*CHECK_SCRIPT_NASTY, *UNICODE.values(), HUGE["100k-A"], CONTROL_CHARACTERS["ctl-1B"]],
)
def test_other_commands_refuse_hostile_marking(
    capsys: pytest.CaptureFixture[str], command: str, marking: str
) -> None:
    code, data, _ = run(capsys, [*COMMANDS[command], marking])
    assert code == EXIT_INVALID
    assert_refused(data)


@pytest.mark.parametrize("marking", HOSTILE.values(), ids=list(HOSTILE))
def test_normalize_refuses_or_repairs_hostile_marking(
    capsys: pytest.CaptureFixture[str], marking: str
) -> None:
    """normalize may repair sloppy text (``SECRET//`` → ``SECRET``), else it refuses it."""
    code, data, _ = run(capsys, ["label", "normalize", "--json", "--", marking])
    if data["valid"]:
        assert code == EXIT_OK
        assert data["changes"]
        _, strict, _ = run(capsys, ["label", "parse", "--json", "--", data["marking"]])
        assert strict["valid"] is True, (data, strict)
    else:
        assert code == EXIT_INVALID
        assert_refused(data)


@pytest.mark.parametrize("name", list(CONTROL_CHARACTERS))
def test_control_character_is_named_at_its_column(
    capsys: pytest.CaptureFixture[str], name: str
) -> None:
    marking = CONTROL_CHARACTERS[name]
    _, data, _ = run(capsys, ["label", "parse", marking, "--json"])
    assert data["error"]["class"] == "syntax"
    assert data["error"]["position"] == 7
    assert f"U+00{name[-2:]}" in data["error"]["message"]


def test_undecodable_byte_is_named_as_a_byte(capsys: pytest.CaptureFixture[str]) -> None:
    _, data, _ = run(capsys, ["label", "parse", "SECRET\udcff//NOFORN", "--json"])
    assert data["error"]["class"] == "syntax"
    assert data["error"]["position"] == 7
    assert "0xFF" in data["error"]["message"]


@pytest.mark.parametrize("name", list(HUGE))
def test_huge_marking_is_refused_by_length(capsys: pytest.CaptureFixture[str], name: str) -> None:
    _, data, _ = run(capsys, ["label", "parse", HUGE[name], "--json"])
    assert data["error"]["class"] == "syntax"
    assert data["error"]["position"] == 4097
    assert len(data["error"]["message"]) < 1000, "the message does not echo the whole input"


@pytest.mark.parametrize("name", ["surrogate-ff", "rlo-reversed", "japanese", "emoji-flag"])
def test_error_message_does_not_echo_unprintable_text(
    capsys: pytest.CaptureFixture[str], name: str
) -> None:
    _, data, _ = run(capsys, ["label", "parse", UNICODE[name], "--json"])
    message = data["error"]["message"]
    assert all(ch.isprintable() for ch in message), message
    assert not any(0xD800 <= ord(ch) <= 0xDFFF for ch in message)


def test_human_output_is_refused_without_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    """Without --json the error is a line of text; still no traceback, still UTF-8."""
    main(["label", "parse", "SECRET\udcff\u202e//NOFORN"])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert "invalid" in out + err
    (out + err).encode("utf-8")


# ------------------------------------------------------------------------- other arguments

#: Hostile values for the options; all of these already exit 2 (usage or invalid-input path).
HOSTILE_OPTIONS: dict[str, list[str]] = {
    "scheme-surrogate": ["label", "parse", "--scheme", "\udcff", "S", "--json"],
    "scheme-control": ["label", "parse", "--scheme", "us\x1b[0m", "S", "--json"],
    "scheme-huge": ["label", "parse", "--scheme", "x" * 100_000, "S", "--json"],
    "scheme-japanese": ["label", "normalize", "--scheme", "日本", "S", "--json"],
    "form-surrogate": ["label", "parse", "--form", "\udcff", "S", "--json"],
    "form-rlo": ["label", "parse", "--form", "\u202eportion", "S", "--json"],
    "render-scheme-emoji": ["label", "render", "--scheme", "😀", "S", "--json"],
    "render-from-control": ["label", "render", "--scheme", "us", "--from", "\x07", "S", "--json"],
    "option-surrogate": ["label", "parse", "--\udcff", "S", "--json"],
    "command-surrogate": ["label", "\udcff", "S", "--json"],
    "group-surrogate": ["\udcff", "--json"],
    "command-huge": ["label", "p" * 100_000, "--json"],
    "at-surrogate": [
        "access", "check", "--person", '{"nationality": "USA", "clearance": "S"}',
        "--at", "\udcff", "SECRET", "--json",
    ],
    "at-huge": [
        "access", "check", "--person", '{"nationality": "USA", "clearance": "S"}',
        "--at", "2026" * 25_000, "SECRET", "--json",
    ],
    "at-control": [
        "access", "check", "--person", '{"nationality": "USA", "clearance": "S"}',
        "--at", "2026-03-01\x00", "SECRET", "--json",
    ],
    "action-japanese": [
        "access", "check", "--person", '{"nationality": "USA", "clearance": "S"}',
        "--action", "読む", "SECRET", "--json",
    ],
    "clearance-scheme-surrogate": [
        "access", "check", "--person",
        '{"nationality": "USA", "clearance": "S", "clearance_scheme": "\udcff"}',
        "SECRET", "--json",
    ],
}  # fmt: skip


@pytest.mark.parametrize("args", HOSTILE_OPTIONS.values(), ids=list(HOSTILE_OPTIONS))
def test_hostile_option_values_exit_2(capsys: pytest.CaptureFixture[str], args: list[str]) -> None:
    code, data, _ = run(capsys, args)
    assert code == EXIT_INVALID
    assert data["valid"] is False
    assert data["error"]["message"].strip()
    assert data["error"]["class"] in {"usage", "invalid-input", "not-found"}
    assert data["error"]["category"] in {"invalid-input", "not-found"}
    assert data["error"]["code"] in {"usage", "unknown-scheme", "invalid-input"}


#: Hostile --person values: JSON that is not JSON, or JSON that is not a person.
HOSTILE_PERSONS: dict[str, str] = {
    "surrogate": "\udcff",
    "control": "\x01",
    "rlo": '{"nationality": "\u202eNPJ", "clearance": "S"}',
    "japanese": '{"nationality": "日本", "clearance": "秘"}',
    "emoji": '{"nationality": "😀", "clearance": "S"}',
    "surrogate-in-json": '{"nationality": "\udcff", "clearance": "S"}',
    "escaped-surrogate": '{"nationality": "\\udcff\\udcff\\udcff", "clearance": "S"}',
    "huge-string": '{"nationality": "' + "A" * 100_000 + '", "clearance": "S"}',
    "huge-int": '{"nationality": "USA", "clearance": "S", "id": ' + "9" * 5_000 + "}",
    "nan": '{"nationality": "USA", "clearance": NaN}',
    "truncated": '{"nationality": "USA", "clearance": "S"',
    "duplicate-keys-bad": '{"nationality": "USA", "clearance": "S", "clearance": 5}',
    "nested-object": '{"nationality": {"a": {"b": {}}}, "clearance": "S"}',
}


@pytest.mark.parametrize("who", HOSTILE_PERSONS.values(), ids=list(HOSTILE_PERSONS))
def test_hostile_person_is_refused(capsys: pytest.CaptureFixture[str], who: str) -> None:
    code, data, _ = run(capsys, ["access", "check", "--person", who, "SECRET", "--json"])
    assert code == EXIT_INVALID
    assert data["valid"] is False
    assert data["error"]["class"] == "invalid-person"
    assert data["error"]["message"].strip()


@pytest.mark.parametrize("depth", [1_000, 50_000])
def test_deeply_nested_person_json_is_invalid_person(
    capsys: pytest.CaptureFixture[str], depth: int
) -> None:
    """json.loads raises RecursionError (not ValueError) on deep nesting; still invalid input."""
    who = "[" * depth + "]" * depth
    code, data, _ = run(capsys, ["access", "check", "--person", who, "SECRET", "--json"])
    assert code == EXIT_INVALID
    assert data["valid"] is False
    assert data["error"]["class"] == "invalid-person"


# ----------------------------------------------------------------------------- access eval

HOSTILE_EXPRESSIONS: dict[str, str] = {
    "surrogate": "SI&\udcff",
    "control": "SI\x01",
    "nul-in-quotes": '"SI\x00"',
    "rlo": "SI&\u202eKT",
    "japanese": "秘&密",
    "emoji": "😀",
    "deep-parens": "(" * 50_000 + "A" + ")" * 50_000,
    "unclosed-100k": "(" * 100_000,
    "mixed-ops": "A|B&C",
    "sql": "'; DROP TABLE items; --",
    "unterminated-quote-100k": '"' + "A" * 100_000,
}


@pytest.mark.parametrize("expression", HOSTILE_EXPRESSIONS.values(), ids=list(HOSTILE_EXPRESSIONS))
def test_access_eval_refuses_hostile_expression(
    capsys: pytest.CaptureFixture[str], expression: str
) -> None:
    code, data, _ = run(capsys, ["access", "eval", expression, "--auths", "A,SI", "--json"])
    assert code == EXIT_INVALID
    assert data["result"] == "error"
    assert data["error"]["class"] == "syntax"
    assert data["error"]["message"].strip()
    assert 1 <= data["error"]["position"] <= len(expression) + 1


@pytest.mark.parametrize("auths", ["A,\udcff", "\x01"], ids=["surrogate", "control"])
def test_access_eval_refuses_hostile_authorizations(
    capsys: pytest.CaptureFixture[str], auths: str
) -> None:
    code, data, _ = run(capsys, ["access", "eval", "A", "--auths", "A", "--auths", auths, "--json"])
    assert code == EXIT_INVALID
    assert data["result"] == "error"
    assert data["error"]["class"] == "syntax"
    assert "--auths" in data["error"]["message"]


# ---------------------------------------------------------------- a real process, raw bytes


def tearline_command() -> Path:
    return Path(sys.executable).parent / "tearline"


@pytest.fixture(scope="module")
def raw_bytes_run() -> subprocess.CompletedProcess[bytes]:
    """``tearline label parse`` given the bytes ``SECRET\\xff//NOFORN`` straight from a shell."""
    command = tearline_command()
    if not command.is_file():
        pytest.fail(f"the tearline command is not installed at {command}: pip install -e .")
    argv = [bytes(command), b"label", b"parse", b"SECRET\xff//NOFORN", b"--json"]
    return subprocess.run(argv, capture_output=True, timeout=60, check=False)


def test_raw_invalid_utf8_argument_is_refused(
    raw_bytes_run: subprocess.CompletedProcess[bytes],
) -> None:
    assert b"Traceback" not in raw_bytes_run.stdout + raw_bytes_run.stderr
    assert raw_bytes_run.returncode == EXIT_INVALID
    text = raw_bytes_run.stdout.decode("utf-8")  # strict: the output is valid UTF-8
    data = json.loads(text)
    assert_refused(data)
    assert data["error"]["class"] == "syntax"
    assert data["error"]["position"] == 7
    assert "0xFF" in data["error"]["message"]


def test_real_process_with_100k_argument_and_control_characters() -> None:
    command = tearline_command()
    marking = "SECRET\x1b]0;pwned\x07//" + "NOFORN/" * 14_300
    done = subprocess.run(
        [str(command), "label", "parse", marking, "--json"],
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert b"Traceback" not in done.stdout + done.stderr
    assert done.returncode == EXIT_INVALID
    data = json.loads(done.stdout.decode("utf-8"))
    assert_refused(data)
    assert data["error"]["position"] == 4097


# --------------------------------------------------------------- people that must not permit

#: Ambiguous or unknown person data: each would otherwise resolve toward a permit.
AMBIGUOUS_PERSONS: dict[str, str] = {
    "revoked-then-active": '{"nationality": "USA", "clearance": "TS", "status": "revoked", '
    '"status": "active"}',
    "nationality-twice": '{"nationality": "GBR", "clearance": "TS", "nationality": "USA"}',
    "duplicate-in-authorization": '{"nationality": "USA", "clearance": "TS", "authorizations": '
    '[{"token": "SI", "expires": "2020-01-01", "expires": null}]}',
    "unknown-key": '{"nationality": "USA", "clearance": "TS", "admin": true}',
    "unknown-authorization-key": '{"nationality": "USA", "clearance": "TS", '
    '"authorizations": [{"token": "SI", "level": "TS"}]}',
    "unknown-nation": '{"nationality": "XXQ", "clearance": "TS"}',
    "group-as-nationality": '{"nationality": "NATO", "clearance": "TS"}',
    "tetragraph-as-nationality": '{"nationality": ["FVEY"], "clearance": "TS"}',
    "long-s-secret": '{"nationality": "USA", "clearance": "\u017fECRET"}',
    "dotless-i": '{"nationality": "USA", "clearance": "CONF\u0131DENT\u0131AL"}',
    "kelvin-sign": '{"nationality": "USA", "clearance": "TOP SECRET\u212a"}',
    "ligature-ts": '{"nationality": "USA", "clearance": "\ufb06"}',
    "infinity-expiry": '{"nationality": "USA", "clearance": "TS", "clearance_expires": Infinity}',
    "id-not-string": '{"nationality": "USA", "clearance": "TS", "id": ["x"]}',
    "control-in-token": '{"nationality": "USA", "clearance": "TS", '
    '"authorizations": ["SI\\u0001"]}',
}


@pytest.mark.parametrize("who", AMBIGUOUS_PERSONS.values(), ids=list(AMBIGUOUS_PERSONS))
def test_ambiguous_person_is_refused_not_resolved(
    capsys: pytest.CaptureFixture[str], who: str
) -> None:
    code, data, _ = run(capsys, ["access", "check", "--person", who, "SECRET", "--json"])
    assert code == EXIT_INVALID
    assert data["valid"] is False
    assert data["error"]["class"] == "invalid-person"
    assert data["error"]["message"].strip()


@pytest.mark.parametrize(
    ("spelling", "level"),
    [("TS", "TS"), ("top secret", "TS"), ("ＴＳ", "TS"), ("Secret", "S"), ("(S)", None)],
)
def test_level_spellings_are_the_schemes_own(
    capsys: pytest.CaptureFixture[str], spelling: str, level: str | None
) -> None:
    who = json.dumps({"nationality": "USA", "clearance": spelling})
    code, data, _ = run(capsys, ["access", "check", "--person", who, "SECRET", "--json"])
    if level is None:
        assert code == EXIT_INVALID
        return
    assert code == EXIT_OK
    assert data["decision"] == "permit"


# ------------------------------------------------------------------------- times at the edges

EDGE_TIMES = [
    "9999-12-31T23:59:59-05:00",  # its UTC date is past the end of the calendar
    "9999-12-31T23:59:59+14:00",
    "0001-01-01T00:00:00+05:00",  # its UTC date is before the calendar begins
    "0001-01-01T00:00:00-12:00",
    "9999-12-31",
    "0001-01-01T00:00:00",
    "2026-11-30T09:00:00.123456Z",
]


@pytest.mark.parametrize("at", EDGE_TIMES)
def test_any_iso_time_gives_a_decision(capsys: pytest.CaptureFixture[str], at: str) -> None:
    who = '{"nationality": "USA", "clearance": "TS", "clearance_expires": "2030-01-01"}'
    code, data, _ = run(capsys, ["access", "check", "--person", who, "--at", at, "S", "--json"])
    assert code == EXIT_OK
    assert data["decision"] in {"permit", "deny"}


def test_the_end_of_the_calendar_is_after_every_expiry(capsys: pytest.CaptureFixture[str]) -> None:
    who = '{"nationality": "USA", "clearance": "TS", "clearance_expires": "9999-12-31"}'
    args = ["access", "check", "--person", who, "--at", "9999-12-31T23:00:00-05:00", "S", "--json"]
    code, data, _ = run(capsys, args)
    assert (code, data["decision"]) == (EXIT_OK, "deny")
    assert "clearance expired 9999-12-31" in data["reasons"]


# ------------------------------------------------------------------------------- from-4774

NS = "urn:nato:stanag:4774:confidentialitymetadatalabel:1:0"
_LABEL = (
    f'<originatorConfidentialityLabel xmlns="{NS}"><ConfidentialityInformation>'
    '<PolicyIdentifier URI="urn:oid:1.3.26.1.3.1">NATO</PolicyIdentifier>'
    "<Classification>NATO SECRET</Classification>{categories}</ConfidentialityInformation>"
    "<CreationDateTime>2026-11-29T09:00:00Z</CreationDateTime></originatorConfidentialityLabel>"
)
HOSTILE_4774: dict[str, str] = {
    "empty": "",
    "not-xml": "SECRET//NOFORN",
    "surrogate": _LABEL.format(categories="\udcff"),
    "control": _LABEL.format(categories="\x01"),
    "billion-laughs": '<!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]><x>&b;</x>',
    "external-entity": '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
    "huge": _LABEL.format(categories="<!--" + "x" * 100_000 + "-->"),
    "deep": "<a>" * 10_000 + "</a>" * 10_000,
    "second-label-block": _LABEL.replace(
        "</ConfidentialityInformation>",
        "</ConfidentialityInformation><ConfidentialityInformation/>",
    ).format(categories=""),
    "foreign-namespace": _LABEL.format(categories='<x:Category xmlns:x="urn:evil"/>'),
    "wrong-case": _LABEL.format(
        categories='<category TagName="Releasable To" Type="PERMISSIVE">'
        "<GenericValue>JPN</GenericValue></category>"
    ),
    "repeated-category": _LABEL.format(
        categories='<Category TagName="Releasable To" Type="PERMISSIVE"><GenericValue>JPN'
        '</GenericValue></Category><Category TagName="Releasable To" Type="PERMISSIVE">'
        "<GenericValue>RUS</GenericValue></Category>"
    ),
    "policy-name-disagrees": _LABEL.replace(">NATO</PolicyIdentifier>", ">US</PolicyIdentifier>"),
    "rel-beside-only": _LABEL.format(
        categories='<Category TagName="Releasable To" Type="PERMISSIVE"><GenericValue>JPN'
        '</GenericValue></Category><Category TagName="Only" Type="PERMISSIVE">'
        "<GenericValue>NATO</GenericValue></Category>"
    ),
}


@pytest.mark.parametrize("xml", HOSTILE_4774.values(), ids=list(HOSTILE_4774))
def test_from_4774_refuses_hostile_xml(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, xml: str
) -> None:
    path = tmp_path / "label.xml"
    path.write_text(xml, "utf-8", errors="surrogateescape")
    code, data, _ = run(capsys, ["label", "from-4774", str(path), "--json"])
    assert code == EXIT_INVALID
    assert data["valid"] is False
    assert data["error"]["message"].strip()


def test_from_4774_refuses_bytes_that_are_not_utf8(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "label.xml"
    path.write_bytes(_LABEL.format(categories="").encode() + b"\xff\xfe")
    code, data, _ = run(capsys, ["label", "from-4774", str(path), "--json"])
    assert code == EXIT_INVALID
    assert data["valid"] is False
