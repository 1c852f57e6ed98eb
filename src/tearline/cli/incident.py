"""``tearline incident …``: the spill incidents of a node (security officers)."""

from __future__ import annotations

import click

from tearline.cli.node_common import as_option, home_options, node_errors, opened, print_json

__all__ = ["incident"]


@click.group()
def incident() -> None:
    """Spill incidents: what was purged, when, by whom, why, and who had read it."""


@incident.command("list")
@as_option
@click.option("--limit", default=100, show_default=True, type=click.IntRange(1, 1000),
              help="How many, newest first.")  # fmt: skip
@home_options
@node_errors
def list_command(actor: str, limit: int, home: str | None, as_json: bool) -> None:
    """The latest incidents, newest first."""
    from tearline.service.spills import incident_data

    with opened(home) as node:
        found = [incident_data(i) for i in node.spills.incidents(actor, limit)]
    if as_json:
        print_json({"incidents": found})
        return
    for row in found:
        click.echo(f"{row['id']}  {row['at'][:16]}  {row['item']}  by {row['declared_by']}  "
                   f"{len(row['readers'])} readings  {row['reason']}")  # fmt: skip


@incident.command("show")
@click.argument("incident_id")
@as_option
@home_options
@node_errors
def show_command(incident_id: str, actor: str, home: str | None, as_json: bool) -> None:
    """One incident, with every reading of the purged items the audit log shows."""
    from tearline.service.spills import incident_data

    with opened(home) as node:
        data = incident_data(node.spills.incident(actor, incident_id))
    if as_json:
        print_json(data)
        return
    click.echo(f"{data['id']}: {data['item']} declared spilled by {data['declared_by']} "
               f"at {data['at']}")  # fmt: skip
    click.echo(f"reason: {data['reason']}")
    click.echo(f"purged: {', '.join(data['purged'])}")
    for r in data["readers"]:
        version = "" if r["version"] is None else f" version {r['version']}"
        click.echo(f"  {r['at'][:19]}  {r['person']}  {r['action']}  {r['item']}{version}")
