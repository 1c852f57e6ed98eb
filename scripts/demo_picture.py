"""The main job's last part: a US node and a Japan node share one live picture.

Two homes (embedded SQLite), two ``tearline serve`` processes on free loopback ports, peered
in three commands each way; ``tearline scenario --seed 7 --minutes 10 --nation …`` feeds each
node its own nation's sensor reports; the serve loops carry what each may give the other
(signed STIX ``observed-data``, through the release filter); then each side's picture is
shown for a US and a Japanese viewer — the fused tracks of both nations' releasable reports,
nothing NOFORN on the Japanese side — and both audit chains are verified.

Run: ``.venv/bin/python scripts/demo_picture.py [--dir DIR]`` (``scripts/demo`` runs it).
Every command it runs is printed as ``$ tearline …``; it exits non-zero if anything it
shows is not so.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

TEARLINE = [sys.executable, "-m", "tearline"]
SEED, MINUTES = 7, 10
#: The viewers registered on each node: a US analyst and a Japanese liaison officer, each
#: of the maritime community (the open-source AIS reports are TLP:GREEN for it).
VIEWERS = {
    "USA": ("US analyst", "USA", "SECRET"),
    "JPN": ("JMSDF liaison officer", "JPN", "極秘"),
}


def say(text: str = "") -> None:
    print(text, flush=True)


def tearline(home: Path, *args: str, show: bool = True) -> Any:
    """Run ``tearline ARGS --home HOME --json`` (printed unless ``show`` is false)."""
    if show:
        say(f"  $ tearline {' '.join(_shown(a) for a in args)} --home {home.name}")
    done = subprocess.run([*TEARLINE, *args, "--home", str(home), "--json"],
                          capture_output=True, text=True, timeout=120, check=False)  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"tearline {args[0]} failed ({done.returncode}): "
                         f"{done.stdout.strip()} {done.stderr.strip()[-500:]}")  # fmt: skip
    return json.loads(done.stdout)


def _shown(arg: str) -> str:
    if arg.startswith("tlp_"):
        return "tlp_…"  # credentials are not printed
    if len(arg) > 40:
        return arg[:12] + "…"
    return f"'{arg}'" if " " in arg or "/" in arg else arg


@contextmanager
def serve(home: Path) -> Any:
    """``tearline serve`` on a free loopback port; yields the URL it printed."""
    with subprocess.Popen([*TEARLINE, "serve", "--home", str(home), "--port", "0"],
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                          text=True) as server:  # fmt: skip
        try:
            assert server.stdout is not None
            url = server.stdout.readline().strip()
            if not url.startswith("http://127.0.0.1:"):
                raise SystemExit(f"tearline serve --home {home.name} did not start")
            say(f"  $ tearline serve --home {home.name} --port 0    # pid {server.pid}: {url}")
            yield url
        finally:
            server.terminate()
            server.wait(timeout=30)


def opened(home: Path) -> Any:
    """The node at ``home``, in this process (beside its ``tearline serve``)."""
    from tearline.bootstrap import open_node
    from tearline.config import Settings

    return open_node(Settings.load(home))


def node(home: Path, nation: str, clearance: str) -> dict[str, str]:
    """A node with its officer and the two viewers (registered as `tearline person add
    --authorization community:maritime` would); their ids by role."""
    made = tearline(home, "init", "--nation", nation, "--officer", f"{nation} officer",
                    "--officer-clearance", clearance)  # fmt: skip
    officer = made["officer"]["id"]
    people = {"officer": officer}
    with opened(home) as here:
        for key, (name, nationality, level) in VIEWERS.items():
            people[key] = here.people.add(
                officer, name=name, nationalities=[nationality], clearance=level,
                authorizations=[("community:maritime", None)], reason="demo viewer",
            ).id  # fmt: skip
    say(f"    {home.name}: officer {officer}; viewers: US analyst {people['USA']}, "
        f"Japanese liaison officer {people['JPN']}")  # fmt: skip
    return people


def picture(home: Path, viewer: str, *, show: bool = False) -> dict[str, Any]:
    """What ``viewer`` sees on ``home`` (`tearline cop tracks --as VIEWER --json`): tracks,
    the nations that contributed to them, observations, markings."""
    if show:
        tracks = tearline(home, "cop", "tracks", "--as", viewer)["tracks"]
    else:
        from tearline.api.cop import track_json

        with opened(home) as here:
            sight = here.observations.tracks(viewer)
            scheme = sight.reader.clearance_scheme
            tracks = [track_json(v, scheme, here.registry) for v in sight.tracks]
    nations = Counter("+".join(t["nations"]) for t in tracks)
    observations = sum(len(t["observations"]) for t in tracks)
    markings = Counter(t["marking"] for t in tracks)
    return {"tracks": len(tracks), "nations": nations, "observations": observations,
            "markings": markings}  # fmt: skip


def releasable() -> tuple[int, int]:
    """How many of the scenario's US reports may go to Japan (all but NOFORN) and of its
    Japanese reports to the United States (the national ones; not the community's TLP)."""
    from tearline.picture.scenario import scenario

    run = scenario(SEED, MINUTES).observations
    us = sum(1 for o in run if o.source_nation == "USA" and not o.label.has_control("NF"))
    jp = sum(1 for o in run if o.source_nation == "JPN" and o.label.scheme == "jp")
    return us, jp


def settle(homes: list[Path]) -> int:
    """Run ``tearline sync`` on each node until a round moves nothing (it waits for a sync
    the serve loop has in progress): everything releasable has crossed. Returns how many
    objects the receivers refused meanwhile."""
    refused = 0
    for _ in range(5):
        moved = 0
        for home in homes:
            with opened(home) as here:
                outcomes = here.sync.run()
            for outcome in outcomes:
                if outcome.error is not None:
                    raise SystemExit(f"sync of {home.name} with {outcome.name}: {outcome.error}")
                moved += outcome.pulled + outcome.pushed
                refused += outcome.rejected
        if moved == 0:
            return refused
    raise SystemExit("the nodes did not settle")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, help="Keep the two homes here (default: a temporary "
                        "directory, removed at the end).")  # fmt: skip
    options = parser.parse_args()
    began = time.monotonic()
    with ExitStack() as stack:
        root = options.dir or Path(stack.enter_context(tempfile.TemporaryDirectory()))
        root.mkdir(parents=True, exist_ok=True)
        us, jp = root / "us-node", root / "jp-node"
        for home in (us, jp):
            shutil.rmtree(home, ignore_errors=True)
        return run(stack, us, jp, began)
    return 1  # pragma: no cover - the stack does not swallow


def compare(
    us: Path, jp: Path, people: dict[Path, dict[str, str]], filed: dict[Path, int]
) -> list[str]:
    """Show each node's picture for its two viewers and what stayed home; what is not as
    it should be."""
    failures: list[str] = []
    seen = {}
    for home in (us, jp):
        for key, label in (("USA", "US analyst"), ("JPN", "Japanese liaison officer")):
            shown = home == jp and key == "JPN"  # one of the four as the command itself
            seen[home, key] = found = picture(home, people[home][key], show=shown)
            nations = ", ".join(f"{n} {c}" for n, c in sorted(found["nations"].items()))
            say(f"  {home.name}, {label}: {found['tracks']} tracks from "
                f"{found['observations']} observations (tracks by contributing nations: "
                f"{nations})")  # fmt: skip
            for marking, count in found["markings"].most_common(3):
                say(f"      {count:4} × {marking}")
            if not {"USA", "JPN"} <= {n for k in found["nations"] for n in k.split("+")}:
                failures.append(f"{home.name} {label} does not see both nations' reports")
    us_gave = seen[jp, "USA"]["observations"] - filed[jp]
    jp_gave = seen[us, "USA"]["observations"] - filed[us]
    say(f"  The US node filed {filed[us]} reports and gave the Japan node {us_gave}: the "
        f"{filed[us] - us_gave} US-only (NOFORN) ones stayed home — the Japanese liaison "
        "officer does not see them even on the US node.")  # fmt: skip
    say(f"  The Japan node filed {filed[jp]} and gave the US node {jp_gave}; the other "
        f"{filed[jp] - jp_gave} (TLP:GREEN for the maritime community) stayed home: a peer "
        "node reads as its nation at the agreement's ceiling, with no community.")  # fmt: skip
    say("  (A track fused from US and Japanese reports is marked JOINT, releasable to its two "
        "owners only — written //NOFORN in the US scheme, //JPN USA ONLY in the Japanese: no "
        "NOFORN report is in it.)")  # fmt: skip
    if (us_gave, jp_gave) != releasable():
        failures.append(f"given {us_gave} and {jp_gave}; the scenario's labels allow "
                        f"{releasable()}")  # fmt: skip
    if seen[us, "JPN"]["observations"] != us_gave + jp_gave or filed[us] - us_gave <= 0:
        failures.append("the Japanese viewer on the US node reads a US-only report")
    if not 0 < jp_gave <= filed[jp] or seen[jp, "JPN"]["observations"] != filed[jp] + us_gave:
        failures.append("the Japan node does not hold what the US node gave it")
    return failures


def run(stack: ExitStack, us: Path, jp: Path, began: float) -> int:
    say("== Part 3: a US node and a Japan node share one live picture ==")
    say("Two nodes, each with its own home, database, key and people:")
    people = {us: node(us, "USA", "TS"), jp: node(jp, "JPN", "極秘")}
    urls = {home: stack.enter_context(serve(home)) for home in (us, jp)}
    say("Peered in three commands each way (node show; peer add; peer add --token):")
    keys = {home: tearline(home, "node", "show")["public_key"] for home in (us, jp)}

    def peer(here: Path, name: str, there: Path, nation: str, *token: str) -> str:
        return str(tearline(here, "peer", "add", name, "--url", urls[there], "--nation", nation,
                            "--agreement", "us-jp", "--public-key", keys[there], "--as",
                            people[here]["officer"], *token)["token"])  # fmt: skip

    for_jp = peer(us, "jp-node", jp, "JPN")
    for_us = peer(jp, "us-node", us, "USA", "--token", for_jp)
    peer(us, "jp-node", jp, "JPN", "--token", for_us)
    say(f"Each node is fed its own nation's sensors (scenario {SEED}, {MINUTES} minutes):")
    filed = {}
    for home, nation in ((us, "USA"), (jp, "JPN")):
        filed[home] = tearline(home, "scenario", "--seed", str(SEED), "--minutes", str(MINUTES),
                               "--nation", nation)["observations"]  # fmt: skip
        say(f"    {home.name}: {filed[home]} {nation} observations filed")
    refused = settle([us, jp])
    if refused:
        say(
            f"  ({refused} objects refused by a receiver: see `tearline audit search --action "
            "stix.reject`)"
        )
    say(f"The serve loops shared what each may give the other (a last `tearline sync` round "
        "checks nothing is left) "
        f"({time.monotonic() - began:.1f} s so far). What each viewer sees now:")  # fmt: skip
    failures = compare(us, jp, people, filed)
    say("Both audit chains verified:")
    for home in (us, jp):
        verified = tearline(home, "audit", "verify")
        say(f"    {home.name}: {json.dumps(verified)[:160]}")
    say(f"Done in {time.monotonic() - began:.1f} s.")
    for failure in failures:
        say(f"NOT AS EXPECTED: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
