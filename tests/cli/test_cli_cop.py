"""``tearline observation``, ``tearline cop`` and ``tearline scenario``: the contract scripts
rely on, exit codes, and what each person sees."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cli.test_cli_node import Shell


@pytest.fixture
def sh(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Shell:
    return Shell(tmp_path / "node", capsys)


@pytest.fixture
def people(sh: Shell) -> dict[str, str]:
    code, made = sh.run("init", "--nation", "USA", "--officer", "Ann Officer",
                        "--officer-clearance", "TS")  # fmt: skip
    assert code == 0
    ids = {"officer": made["officer"]["id"]}
    for key, args in {
        "us": ["--name", "Bob", "--nationality", "USA", "--clearance", "S"],
        "jp": ["--name", "Sato", "--nationality", "JPN", "--clearance", "極秘"],
    }.items():
        code, added = sh.run("person", "add", "--as", ids["officer"], *args)
        assert code == 0, added
        ids[key] = added["id"]
    return ids


def _ago(minutes: float) -> str:
    return (datetime.now(UTC) - timedelta(minutes=minutes)).isoformat()


def _add(sh: Shell, who: str, marking: str, minutes: float = 5, lat: str = "34.5") -> str:
    code, out = sh.run(
        "observation", "add", "--as", who, "--time", _ago(minutes), "--lat", lat,
        "--lon", "129.5", "--kind", "vessel", "--source-nation", "USA", "--sensor", "P-8A",
        "--marking", marking,
    )  # fmt: skip
    assert code == 0, out
    return str(out["id"])


def test_add_retract_relabel_and_tracks(sh: Shell, people: dict[str, str]) -> None:
    shared = _add(sh, people["us"], "SECRET//REL TO USA, JPN", 6)
    us_only = _add(sh, people["us"], "SECRET//NOFORN", 5, lat="34.5005")
    code, seen = sh.run("cop", "tracks", "--as", people["us"])
    assert code == 0
    assert [t["observations"] for t in seen["tracks"]] == [[shared, us_only]]
    code, seen = sh.run("cop", "tracks", "--as", people["jp"])
    assert [t["observations"] for t in seen["tracks"]] == [[shared]]
    assert us_only not in json.dumps(seen)
    code, seen = sh.run("cop", "tracks", "--as", people["jp"], "--bbox", "0,0,1,1")
    assert seen == {"tracks": []}
    code, seen = sh.run("cop", "tracks", "--as", people["jp"], "--at", _ago(60))
    assert seen == {"tracks": []}
    code, out = sh.run("observation", "relabel", shared, "--as", people["us"],
                       "--marking", "SECRET//NOFORN", "--reason", "US only")  # fmt: skip
    assert code == 0
    assert out["marking"] == "SECRET//NOFORN"
    code, seen = sh.run("cop", "tracks", "--as", people["jp"])
    assert seen == {"tracks": []}
    code, out = sh.run("observation", "retract", us_only, "--as", people["us"], "--reason", "dup")
    assert (code, out["retracted"]) == (0, True)
    code, out = sh.run("observation", "retract", us_only, "--as", people["us"], "--reason", "dup")
    assert code == 3
    code, out = sh.run("observation", "add", "--as", people["us"], "--lat", "95", "--lon", "0",
                       "--kind", "vessel", "--source-nation", "USA", "--sensor", "x",
                       "--marking", "SECRET")  # fmt: skip
    assert code == 2
    assert out["error"]["field"] == "lat"
    code, out = sh.run("observation", "add", "--as", people["us"], "--lat", "1", "--lon", "0",
                       "--kind", "vessel", "--source-nation", "USA", "--sensor", "x",
                       "--marking", "TOP SECRET")  # fmt: skip
    assert code == 5
    code, text, _ = sh.text("cop", "tracks", "--as", people["us"])
    assert code == 0
    assert "1 track(s)" in text
    assert "SECRET//NOFORN" in text
    code, text, _ = sh.text("observation", "retract", shared, "--as", people["us"],
                            "--reason", "gone")  # fmt: skip
    assert f"retracted {shared}" in text


def test_import_checks_the_whole_file(sh: Shell, people: dict[str, str], tmp_path: Path) -> None:
    rows = [{"time": _ago(m), "lat": 34.5, "lon": 129.5, "kind": "vessel",
             "source_nation": "USA", "sensor": "P-8A", "marking": "SECRET//REL TO USA, JPN"}
            for m in (9, 8, 7)]  # fmt: skip
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join(json.dumps(r) for r in [*rows, rows[0] | {"kind": "ufo"}]))
    code, out = sh.run("observation", "import", str(bad), "--as", people["us"])
    assert code == 2
    assert out["error"]["field"] == "observations[3].kind"
    for broken, field in (([{"lat": 1}], "observations[0].time"),
                          ([rows[0] | {"colour": "red"}], "observations[0].colour"),
                          ([rows[0] | {"time": "soon"}], "observations[0].time"),
                          (["text"], "observations[0]")):  # fmt: skip
        path = tmp_path / "broken.json"
        path.write_text(json.dumps(broken))
        code, out = sh.run("observation", "import", str(path), "--as", people["us"])
        assert (code, out["error"]["field"]) == (2, field)
    code, out = sh.run("observation", "import", str(tmp_path / "none.json"), "--as", people["us"])
    assert code == 2
    (tmp_path / "junk.json").write_text("[1,")
    code, out = sh.run("observation", "import", str(tmp_path / "junk.json"), "--as", people["us"])
    assert code == 2
    code, seen = sh.run("cop", "tracks", "--as", people["us"])
    assert seen == {"tracks": []}
    good = tmp_path / "good.json"
    good.write_text(json.dumps(rows))
    code, out = sh.run("observation", "import", str(good), "--as", people["us"])
    assert code == 0
    assert len(out["ids"]) == 3
    code, seen = sh.run("cop", "tracks", "--as", people["jp"])
    assert [t["observations"] for t in seen["tracks"]] == [out["ids"]]
    code, _ = sh.run("observation", "import", "-", "--as", people["us"],
                        stdin=json.dumps(rows[0]))  # fmt: skip
    assert code == 0


def test_scenario_feeds_the_node_as_its_reporters(sh: Shell, people: dict[str, str]) -> None:
    code, out = sh.run("scenario", "--seed", "7", "--minutes", "3")
    assert code == 0, out
    assert out["observations"] > 50
    assert set(out["reporters"]) == {"JPN", "USA"}
    code, again = sh.run("scenario", "--seed", "8", "--minutes", "1")
    assert again["reporters"] == out["reporters"]  # registered once
    code, seen = sh.run("cop", "tracks", "--as", people["us"])
    assert len(seen["tracks"]) > 5
    code, jp = sh.run("cop", "tracks", "--as", people["jp"])
    nations = {n for t in seen["tracks"] for n in t["nations"]}
    assert nations == {"JPN", "USA"}
    us_ids = {o for t in seen["tracks"] for o in t["observations"]}
    jp_ids = {o for t in jp["tracks"] for o in t["observations"]}
    assert us_ids - jp_ids  # and the NOFORN ones the Japanese analyst may not
    code, text, _ = sh.text("scenario", "--seed", "9", "--minutes", "1", "--live",
                            "--speedup", "600")  # fmt: skip
    assert code == 0
    assert "filed" in text


def test_scenario_for_one_nation_files_only_its_sensors(
    sh: Shell, people: dict[str, str]
) -> None:  # fmt: skip
    code, out = sh.run("scenario", "--seed", "7", "--minutes", "3", "--nation", "USA")
    assert code == 0, out
    assert set(out["reporters"]) == {"USA"}
    code, both = sh.run("scenario", "--seed", "7", "--minutes", "3")
    assert 0 < out["observations"] < both["observations"]
    code, seen = sh.run("cop", "tracks", "--as", people["us"])
    assert code == 0, seen
    code, bad = sh.run("scenario", "--seed", "7", "--minutes", "3", "--nation", "FRA")
    assert code != 0, bad


def test_plain_text_and_bad_times(sh: Shell, people: dict[str, str], tmp_path: Path) -> None:
    base = ["observation", "add", "--as", people["us"], "--lat", "34.5", "--lon", "129.5",
            "--kind", "vessel", "--source-nation", "USA", "--sensor", "P-8A",
            "--marking", "SECRET//REL TO USA, JPN"]  # fmt: skip
    code, out, _ = sh.text(*base)
    assert code == 0
    assert out.startswith("filed o-")
    for bad in ("soon", "2026-11-30T08:00:00"):
        code, _, err = sh.text(*base, "--time", bad)
        assert code == 2
        assert "--time" in err
    path = tmp_path / "one.json"
    row = {"time": _ago(1), "lat": 34.5, "lon": 129.5, "kind": "vessel", "sensor": "P-8A",
           "source_nation": "USA", "marking": "SECRET//REL TO USA, JPN"}  # fmt: skip
    path.write_text(json.dumps([row]))
    code, out, _ = sh.text("observation", "import", str(path), "--as", people["us"])
    assert "filed 1 observation(s)" in out
    code, listed = sh.run("cop", "tracks", "--as", people["us"])
    first = listed["tracks"][0]["observations"][0]
    code, out, _ = sh.text("observation", "relabel", first, "--as", people["us"],
                           "--marking", "SECRET//NOFORN", "--reason", "raise")  # fmt: skip
    assert out.startswith(f"relabelled {first}: SECRET//NOFORN")
