"""``tearline audit …``: verify the hash chain, read the latest entries, search them."""

from __future__ import annotations

from typing import Any

import click

from tearline.cli.node_common import (
    EXIT_UNVERIFIED,
    as_option,
    home_options,
    node_errors,
    opened,
    print_json,
)
from tearline.cli.output import ExitWith

__all__ = ["audit"]


@click.group()
def audit() -> None:
    """The node's tamper-evident audit log."""


@audit.command("verify")
@home_options
@node_errors
def verify_command(home: str | None, as_json: bool) -> None:
    """Check the whole chain and its signed checkpoints; name the first bad entry."""
    with opened(home) as node:
        found = node.oversight.verify()
    if found.valid:
        data: dict[str, Any] = {"valid": True, "entries": found.entries}
        line = f"the audit chain verifies: {found.entries} entries"
    else:
        data = {"valid": False, "first_bad": found.first_bad, "problem": found.problem}
        line = (
            f"the audit chain is broken at entry {found.first_bad}: {found.problem} "
            f"({found.detail})"
        )
    if as_json:
        print_json(data)
    else:
        click.echo(line)
    if not found.valid:
        raise ExitWith(EXIT_UNVERIFIED)


def _entries(as_json: bool, entries: list[Any]) -> None:
    import json

    rows = [
        {"seq": e.seq, "at": e.at, "actor": e.actor, "action": e.action, "subject": e.subject,
         "outcome": e.outcome, "detail": json.loads(e.detail)}
        for e in entries
    ]  # fmt: skip
    if as_json:
        print_json({"entries": rows})
        return
    from rich.console import Console
    from rich.table import Table

    from tearline.store.rows import from_us

    table = Table("seq", "at", "actor", "action", "subject", "outcome")
    for row in rows:
        table.add_row(str(row["seq"]), f"{from_us(row['at']):%Y-%m-%d %H:%M:%S}", row["actor"],
                      row["action"], row["subject"], row["outcome"])  # fmt: skip
    Console().print(table)


@audit.command("tail")
@as_option
@click.option("-n", "count", default=20, show_default=True, type=click.IntRange(1, 10_000))
@home_options
@node_errors
def tail_command(actor: str, count: int, home: str | None, as_json: bool) -> None:
    """The latest entries (security officers)."""
    with opened(home) as node:
        entries = node.oversight.search(actor, limit=count)
    _entries(as_json, entries)


@audit.command("search")
@as_option
@click.option("--actor", "by", default=None, help="Entries by this person.")
@click.option("--action", default=None, help="Entries of this action (item.read, …).")
@click.option("--subject", default=None, help="Entries about this item or person.")
@click.option("-n", "count", default=50, show_default=True, type=click.IntRange(1, 10_000))
@home_options
@node_errors
def search_command(
    actor: str, by: str | None, action: str | None, subject: str | None, count: int,
    home: str | None, as_json: bool,
) -> None:  # fmt: skip
    """Search the log (security officers); the search itself is audited."""
    with opened(home) as node:
        entries = node.oversight.search(
            actor, actor=by, action=action, subject=subject, limit=count
        )
    _entries(as_json, entries)
