"""``tearline observation …``, ``tearline cop …`` and ``tearline scenario``: the common
operational picture on the node's terminal — file, import and retract observations, see the
fused tracks as a given person would, and feed the node a generated two-nation scenario."""

from __future__ import annotations

import json
import sys
import time as clock
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import click

from tearline.cli.node_common import as_option, home_options, node_errors, opened, print_json

__all__ = ["cop", "observation", "scenario"]

#: Observations sent in one batch by ``import`` and ``scenario``.
CHUNK = 2000
#: The people ``tearline scenario`` files its reports as (registered on first use).
REPORTERS = {
    "JPN": ("Scenario reporter (JPN)", "極秘", "JMOD"),
    "USA": ("Scenario reporter (USA)", "S", "USN"),
}
_SCENARIO_ORG = "scenario"


def _moment(text: str | None, option: str) -> datetime | None:
    if text is None:
        return None
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(f"{text!r} is not an ISO time", param_hint=option) from None
    if when.tzinfo is None:
        raise click.BadParameter("give a timezone, e.g. 2026-11-30T08:00:00Z", param_hint=option)
    return when


def _report(data: object, where: str) -> Any:
    """A :class:`~tearline.service.observations.Report` from one JSON object (the API's
    fields), or an error naming the field."""
    from tearline.picture import InvalidObservation
    from tearline.service.observations import Report

    if not isinstance(data, dict):
        raise InvalidObservation(where, "must be a JSON object with the API's fields")
    known = {"time", "lat", "lon", "kind", "source_nation", "sensor", "marking", "scheme",
             "alt", "course", "speed", "identity", "accuracy"}  # fmt: skip
    unknown = sorted(set(data) - known)
    if unknown:
        raise InvalidObservation(f"{where}.{unknown[0]}", "is not a field of an observation")
    for required in ("time", "lat", "lon", "kind", "source_nation", "sensor", "marking"):
        if required not in data:
            raise InvalidObservation(f"{where}.{required}", "is missing")
    text = data["time"]
    try:
        when = datetime.fromisoformat(text) if isinstance(text, str) else None
    except ValueError:
        when = None
    if when is None:
        raise InvalidObservation(f"{where}.time", f"{str(text)[:40]!r} is not an ISO time")
    return Report(
        time=when, lat=data["lat"], lon=data["lon"], kind=data["kind"],
        source_nation=data["source_nation"], sensor=data["sensor"], marking=data["marking"],
        scheme=data.get("scheme"), alt=data.get("alt"), course=data.get("course"),
        speed=data.get("speed"), identity=data.get("identity"), accuracy=data.get("accuracy"),
    )  # fmt: skip


def _read_reports(path: str) -> list[Any]:
    from tearline.errors import InvalidInput

    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text("utf-8")
    except (OSError, UnicodeDecodeError) as problem:
        raise InvalidInput(
            f"cannot read {path}: {type(problem).__name__}; give a UTF-8 file"
        ) from None
    stripped = text.lstrip()
    try:
        if stripped.startswith("["):
            rows = json.loads(stripped)
        else:
            rows = [json.loads(line) for line in text.splitlines() if line.strip()]
    except json.JSONDecodeError as problem:
        raise InvalidInput(
            f"{path} is neither a JSON array nor JSON lines: {problem.msg} at line {problem.lineno}"
        ) from None
    return [_report(row, f"observations[{n}]") for n, row in enumerate(rows)]


@click.group()
def observation() -> None:
    """Observations of the common operational picture: add, import, retract, relabel."""


@observation.command("add")
@as_option
@click.option("--time", "time_text", default=None, help="When it was seen (ISO; default now).")
@click.option("--lat", type=float, required=True, help="Latitude (degrees, WGS 84).")
@click.option("--lon", type=float, required=True, help="Longitude (degrees, WGS 84).")
@click.option("--kind", required=True,
              help="vessel, aircraft, unknown-surface, unknown-air or event.")  # fmt: skip
@click.option("--source-nation", required=True, help="The reporting nation (USA, JPN, …).")
@click.option("--sensor", required=True, help="The sensor or reporting unit.")
@click.option("--marking", required=True, help="Its marking.")
@click.option("--scheme", default=None, help="The marking's scheme (default: your own).")
@click.option("--alt", type=float, default=None, help="Altitude (metres).")
@click.option("--course", type=float, default=None, help="Course (degrees from true north).")
@click.option("--speed", type=float, default=None, help="Speed (metres per second).")
@click.option("--identity", default=None, help="Name, hull number, call sign or MMSI.")
@home_options
@node_errors
def add_command(
    actor: str, time_text: str | None, lat: float, lon: float, kind: str, source_nation: str,
    sensor: str, marking: str, scheme: str | None, alt: float | None, course: float | None,
    speed: float | None, identity: str | None, home: str | None, as_json: bool,
) -> None:  # fmt: skip
    """File one observation."""
    from tearline.service.observations import Report

    with opened(home) as node:
        when = _moment(time_text, "--time") or node.clock()
        report = Report(when, lat, lon, kind, source_nation, sensor, marking, scheme, alt,
                        course, speed, identity)  # fmt: skip
        record = node.observations.add(actor, report)
    if as_json:
        print_json({"id": record.id})
    else:
        click.echo(f"filed {record.id}")


@observation.command("import")
@as_option
@click.argument("path")
@home_options
@node_errors
def import_command(actor: str, path: str, home: str | None, as_json: bool) -> None:
    """File the observations in PATH (a JSON array, or JSON lines; ``-``: stdin), each an
    object with the API's fields. Each batch of 2,000 is checked whole before it is filed."""
    reports = _read_reports(path)
    ids: list[str] = []
    with opened(home) as node:
        for start in range(0, len(reports), CHUNK):
            ids += [r.id for r in node.observations.add_many(actor, reports[start : start + CHUNK])]
    if as_json:
        print_json({"ids": ids})
    else:
        click.echo(f"filed {len(ids)} observation(s)")


@observation.command("retract")
@as_option
@click.argument("observation_id")
@click.option("--reason", required=True, help="Why (kept in the audit log).")
@home_options
@node_errors
def retract_command(
    actor: str, observation_id: str, reason: str, home: str | None, as_json: bool
) -> None:
    """Retract an observation: it leaves every picture, now and as of any past time."""
    with opened(home) as node:
        record = node.observations.retract(actor, observation_id, reason=reason)
    if as_json:
        print_json({"id": record.id, "version": record.version, "retracted": True})
    else:
        click.echo(f"retracted {record.id}")


@observation.command("relabel")
@as_option
@click.argument("observation_id")
@click.option("--marking", required=True, help="The new marking.")
@click.option("--scheme", default=None, help="Its scheme (default: your own).")
@click.option("--reason", required=True, help="Why (kept in the audit log).")
@home_options
@node_errors
def relabel_command(
    actor: str, observation_id: str, marking: str, scheme: str | None, reason: str,
    home: str | None, as_json: bool,
) -> None:  # fmt: skip
    """Give an observation a new label (lowering it takes a releasing officer)."""
    from tearline.service.views import marking as marking_of

    with opened(home) as node:
        record = node.observations.relabel(
            actor, observation_id, marking, reason=reason, scheme=scheme
        )
        shown = marking_of(record.label, node.registry)
    if as_json:
        print_json({"id": record.id, "version": record.version, "marking": shown})
    else:
        click.echo(f"relabelled {record.id}: {shown}")


@click.group()
def cop() -> None:
    """The common operational picture: the fused tracks a person may see."""


@cop.command("tracks")
@as_option
@click.option("--at", "at_text", default=None, help="As it stood then (ISO; default now).")
@click.option("--bbox", default=None, help="Only within W,S,E,N (degrees).")
@home_options
@node_errors
def tracks_command(
    actor: str, at_text: str | None, bbox: str | None, home: str | None, as_json: bool
) -> None:
    """The tracks PERSON may see: fused from the observations they may read alone."""
    from tearline.api.cop import track_json
    from tearline.service.observations import Bbox

    box = None if bbox is None else Bbox.parse(bbox)
    with opened(home) as node:
        sight = node.observations.tracks(actor, at=_moment(at_text, "--at"), bbox=box)
        scheme = sight.reader.clearance_scheme
        rows = [track_json(v, scheme, node.registry) for v in sight.tracks]
    if as_json:
        print_json({"tracks": rows})
        return
    click.echo(f"{len(rows)} track(s) at {sight.at.isoformat()}")
    for row in rows:
        click.echo(
            f"  {row['id']:<28} {row['kind']:<16} {row['lat']:8.4f} {row['lon']:9.4f}  "
            f"{','.join(row['nations']):<8} {len(row['observations']):>4} obs  {row['marking']}"
        )


def _reporters(node: Any, nation: str | None = None) -> dict[str, str]:
    """The scenario's reporting people by nation (only ``nation``'s, if given), registered
    by the node's first security officer when they are not on the node yet (refused, as any
    registration, when that officer is not active)."""
    from tearline.service.records import Role

    with node.store.transaction(write=False):
        everyone = node.store.people()
    found = {p.name: p.id for p in everyone if p.organisation.startswith(_SCENARIO_ORG)}
    officer = next(p.id for p in everyone if p.has_role(Role.SECURITY_OFFICER))
    made: dict[str, str] = {}
    for trigraph, (name, clearance, unit) in REPORTERS.items():
        if nation is not None and trigraph != nation:
            continue
        if name in found:
            made[trigraph] = found[name]
            continue
        person = node.people.add(
            officer, name=name, nationalities=[trigraph], clearance=clearance,
            authorizations=[("community:maritime", None)],
            organisation=f"{_SCENARIO_ORG} {unit}", reason="tearline scenario reporter",
        )  # fmt: skip
        made[trigraph] = person.id
    return made


def _scenario_reports(run: Any, registry: Any) -> list[tuple[str, Any]]:
    from tearline.service.observations import Report
    from tearline.service.views import marking

    return [
        (o.source_nation, Report(
            o.time, o.lat, o.lon, str(o.kind), o.source_nation, o.sensor,
            marking(o.label, registry), o.label.scheme, o.alt, o.course, o.speed, o.identity,
            o.accuracy,
        ))
        for o in run.observations
    ]  # fmt: skip


def _file(node: Any, reporters: dict[str, str], batch: list[tuple[str, Any]]) -> int:
    """File ``batch`` as the reporter of each report's nation; how many were filed."""
    filed = 0
    for nation, person in reporters.items():
        mine = [r for n, r in batch if n == nation]
        for start in range(0, len(mine), CHUNK):
            filed += len(node.observations.add_many(person, mine[start : start + CHUNK]))
    return filed


@click.command("scenario")
@click.option("--seed", type=int, required=True, help="The scenario's seed (same seed, same run).")
@click.option("--minutes", type=click.IntRange(1, 1440), required=True, help="How long it runs.")
@click.option("--live", is_flag=True, help="Pace the reports in real time instead of all at once.")
@click.option("--speedup", type=click.FloatRange(1.0, 3600.0), default=1.0, show_default=True,
              help="With --live: play this many times faster than real time.")  # fmt: skip
@click.option("--nation", type=click.Choice(sorted(REPORTERS)), default=None,
              help="Only this nation's sensors' reports (each nation's node files its own; "
              "federation shares them).")  # fmt: skip
@home_options
@node_errors
def scenario(
    seed: int, minutes: int, live: bool, speedup: float, nation: str | None, home: str | None,
    as_json: bool,
) -> None:  # fmt: skip
    """Feed the node a seeded two-nation picture in the seas around Japan (US and Japanese
    sensors, their own labels), filed by two scenario reporters registered on first use.

    In bulk (the default) the run ends now: it covers the last MINUTES. With --live it is
    paced by the wall clock (at --speedup times real time), ending MINUTES/speedup from now.
    With --nation only that nation's sensors report (and only its reporter is registered).
    """
    from tearline.picture.scenario import scenario as generate

    with opened(home) as node:
        now = datetime.now(UTC)
        span = timedelta(minutes=minutes)
        start = now - span if not live else now - span + span / speedup
        run = generate(seed, minutes, start=start, registry=node.registry)
        reporters = _reporters(node, nation)
        reports = [r for r in _scenario_reports(run, node.registry) if r[0] in reporters]
        if not live:
            filed = _file(node, reporters, reports)
        else:
            filed = _play(node, reporters, reports, now, start, speedup)
    if as_json:
        print_json({"seed": seed, "minutes": minutes, "observations": filed,
                    "reporters": reporters})  # fmt: skip
    else:
        click.echo(f"filed {filed} observation(s) of scenario {seed} ({minutes} min) as "
                   f"{', '.join(f'{n}: {p}' for n, p in reporters.items())}")  # fmt: skip


def _play(
    node: Any, reporters: dict[str, str], reports: list[tuple[str, Any]], began: datetime,
    start: datetime, speedup: float,
) -> int:  # fmt: skip
    """File ``reports`` as the wall clock reaches each one's scenario time (scaled by
    ``speedup``), in a batch per tick."""
    filed, index = 0, 0
    while index < len(reports):
        elapsed = (datetime.now(UTC) - began) * speedup
        due = start + elapsed
        end = index
        while end < len(reports) and reports[end][1].time <= due:
            end += 1
        if end > index:
            filed += _file(node, reporters, reports[index:end])
            index = end
        else:
            wait = (reports[index][1].time - due).total_seconds() / speedup
            clock.sleep(min(max(wait, 0.01), 1.0))
    return filed
