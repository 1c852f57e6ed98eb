"""``tearline person …``: register and vet people (security officers only)."""

from __future__ import annotations

from datetime import date
from typing import Any

import click

from tearline.cli.node_common import (
    as_option,
    home_options,
    node_errors,
    opened,
    parse_day,
    print_json,
)

__all__ = ["person"]


def person_json(record: Any, history: list[Any] | None = None) -> dict[str, Any]:
    """A person record as the CLI's JSON."""
    data: dict[str, Any] = {
        "id": record.id,
        "name": record.name,
        "organisation": record.organisation,
        "nationalities": list(record.nationalities),
        "roles": [str(r) for r in record.roles],
        "clearance": {
            "level": record.clearance_level,
            "scheme": record.clearance_scheme,
            "granted": record.clearance_granted,
            "expires": record.clearance_expires,
            "status": str(record.status),
        },
        "authorizations": [
            {"token": g.token, "granted": g.granted, "expires": g.expires}
            for g in record.authorizations
        ],
        "version": record.version,
    }
    if history is not None:
        data["history"] = [
            {"at": e.at, "event": e.event, "by": e.actor, "reason": e.reason, **e.detail}
            for e in history
        ]
    return data


def _authorization(text: str) -> tuple[str, date | None]:
    token, _, when = text.partition("@")
    return token, parse_day(when or None, "--authorization")


def _show(as_json: bool, record: Any, history: list[Any] | None = None) -> None:
    if as_json:
        print_json(person_json(record, history))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(show_header=False, box=None)
    expires = record.clearance_expires.isoformat() if record.clearance_expires else "no expiry"
    for key, value in (
        ("id", record.id), ("name", record.name), ("nationality", ", ".join(record.nationalities)),
        ("roles", ", ".join(str(r) for r in record.roles)),
        ("clearance", f"{record.clearance_level} ({record.clearance_scheme}), {record.status}, "
                      f"{expires}"),
        ("authorizations", ", ".join(g.token for g in record.authorizations) or "none"),
    ):  # fmt: skip
        table.add_row(key, value)
    Console().print(table)
    for event in history or []:
        click.echo(f"  {event.at:%Y-%m-%d %H:%M} {event.event} by {event.actor}: {event.reason}")


@click.group()
def person() -> None:
    """Register and vet the node's people (security officers)."""


@person.command("add")
@as_option
@click.option("--name", required=True, help="Full name.")
@click.option("--nationality", "nationalities", multiple=True, required=True,
              help="GENC trigraph; repeat for each nationality.")  # fmt: skip
@click.option("--clearance", required=True, help="Clearance level, as the scheme spells it.")
@click.option("--clearance-scheme", default=None,
              help="Scheme of the level (default: the first nationality's own).")  # fmt: skip
@click.option("--expires", default=None, help="First day the clearance no longer counts.")
@click.option("--role", "roles", multiple=True, default=("analyst",), show_default=True,
              type=click.Choice(["analyst", "releasing-officer", "security-officer",
                                 "node-administrator"]), help="Repeat for each role.")  # fmt: skip
@click.option("--authorization", "authorizations", multiple=True, metavar="TOKEN[@YYYY-MM-DD]",
              help="A compartment or community token, with its own expiry.")  # fmt: skip
@click.option("--organisation", default="", help="The person's organisation.")
@click.option("--reason", default="registered", help="Why (kept in the vetting history).")
@home_options
@node_errors
def add_command(
    actor: str, name: str, nationalities: tuple[str, ...], clearance: str,
    clearance_scheme: str | None, expires: str | None, roles: tuple[str, ...],
    authorizations: tuple[str, ...], organisation: str, reason: str, home: str | None,
    as_json: bool,
) -> None:  # fmt: skip
    """Register a person with their clearance."""
    with opened(home) as node:
        record = node.people.add(
            actor, name=name, nationalities=list(nationalities), clearance=clearance,
            clearance_scheme=clearance_scheme, expires=parse_day(expires, "--expires"),
            roles=roles, authorizations=[_authorization(a) for a in authorizations],
            organisation=organisation, reason=reason,
        )  # fmt: skip
    if as_json:
        print_json({"id": record.id})
    else:
        click.echo(f"registered {record.name} as {record.id}")


@person.command("show")
@click.argument("person_id")
@as_option
@home_options
@node_errors
def show_command(person_id: str, actor: str, home: str | None, as_json: bool) -> None:
    """A person and their vetting history."""
    with opened(home) as node:
        record, history = node.people.show(actor, person_id)
    _show(as_json, record, history)


@person.command("list")
@as_option
@home_options
@node_errors
def list_command(actor: str, home: str | None, as_json: bool) -> None:
    """Everyone registered on the node."""
    with opened(home) as node:
        people = node.people.everyone(actor)
    if as_json:
        print_json({"people": [person_json(p) for p in people]})
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("id", "name", "nationality", "clearance", "status", "roles")
    for p in people:
        table.add_row(p.id, p.name, ", ".join(p.nationalities),
                      f"{p.clearance_level} ({p.clearance_scheme})", str(p.status),
                      ", ".join(str(r) for r in p.roles))  # fmt: skip
    Console().print(table)


@person.command("grant")
@click.argument("person_id")
@as_option
@click.option("--clearance", required=True, help="The level granted.")
@click.option("--clearance-scheme", default=None, help="Its scheme (default: as before).")
@click.option("--expires", default=None, help="First day it no longer counts.")
@click.option("--reason", required=True, help="Why (kept in the vetting history).")
@home_options
@node_errors
def grant_command(
    person_id: str, actor: str, clearance: str, clearance_scheme: str | None,
    expires: str | None, reason: str, home: str | None, as_json: bool,
) -> None:  # fmt: skip
    """Grant or renew a clearance."""
    with opened(home) as node:
        record = node.people.grant(
            actor, person_id, clearance=clearance, clearance_scheme=clearance_scheme,
            expires=parse_day(expires, "--expires"), reason=reason,
        )  # fmt: skip
    _show(as_json, record)


@person.command("read-in")
@click.argument("person_id")
@click.argument("token", metavar="TOKEN[@YYYY-MM-DD]")
@as_option
@click.option("--reason", required=True, help="Why (kept in the vetting history).")
@home_options
@node_errors
def read_in_command(
    person_id: str, token: str, actor: str, reason: str, home: str | None, as_json: bool
) -> None:
    """Read a person into a compartment or community."""
    name, expires = _authorization(token)
    with opened(home) as node:
        record = node.people.read_in(actor, person_id, name, expires=expires, reason=reason)
    _show(as_json, record)


@person.command("read-out")
@click.argument("person_id")
@click.argument("token")
@as_option
@click.option("--reason", required=True, help="Why (kept in the vetting history).")
@home_options
@node_errors
def read_out_command(
    person_id: str, token: str, actor: str, reason: str, home: str | None, as_json: bool
) -> None:
    """Read a person out of a compartment or community."""
    with opened(home) as node:
        record = node.people.read_out(actor, person_id, token, reason=reason)
    _show(as_json, record)


def _status_command(name: str, event: str, summary: str) -> None:
    @person.command(name, help=summary)
    @click.argument("person_id")
    @as_option
    @click.option("--reason", required=True, help="Why (kept in the vetting history).")
    @home_options
    @node_errors
    def command(person_id: str, actor: str, reason: str, home: str | None, as_json: bool) -> None:
        with opened(home) as node:
            record = node.people.set_status(actor, person_id, event, reason=reason)
        _show(as_json, record)


_status_command("suspend", "suspended", "Suspend a clearance: it stops counting at once.")
_status_command("revoke", "revoked", "Revoke a clearance (a new grant is needed to restore it).")
_status_command("reinstate", "reinstated", "Reinstate a suspended clearance.")
