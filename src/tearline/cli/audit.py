"""``tearline audit …``: verify the hash chain, read the latest entries, search them."""

from __future__ import annotations

from typing import Any

import click

from tearline.cli.node_common import (
    EXIT_UNVERIFIED,
    as_option,
    exit_code,
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
@click.option("--with-peers", "with_peers", is_flag=True,
              help="Also compare the chain with the signed checkpoints each peer keeps of "
                   "this node (asked over the network).")  # fmt: skip
@home_options
@node_errors
def verify_command(home: str | None, as_json: bool, with_peers: bool) -> None:
    """Check the whole chain and its signed checkpoints; name the first bad entry.

    With --with-peers, each peer this node holds a credential for is asked for the
    checkpoints of this node it keeps (given during each sync), and each is compared with
    this chain: a log rewritten and rehashed here, its checkpoints signed again, still
    differs from what the peers hold. Exit 4 on any mismatch (the entry is named), or the
    peer's error code when one could not be asked.
    """
    with opened(home) as node:
        found = node.oversight.verify()
        checks = node.anchors.compare() if with_peers else None
    if found.valid:
        data: dict[str, Any] = {"valid": True, "entries": found.entries}
        lines = [f"the audit chain verifies: {found.entries} entries"]
    else:
        data = {"valid": False, "first_bad": found.first_bad, "problem": found.problem}
        lines = [
            f"the audit chain is broken at entry {found.first_bad}: {found.problem} "
            f"({found.detail})"
        ]
    if checks is not None:
        data["peers"] = [c.as_dict() for c in checks]
        data["valid"] = data["valid"] and all(c.problem is None for c in checks)
        lines += [_peer_line(c) for c in checks]
    if as_json:
        print_json(data)
    else:
        for line in lines:
            click.echo(line)
    if not data["valid"]:
        raise ExitWith(EXIT_UNVERIFIED)
    failed = [c.error for c in checks or () if c.error is not None]
    if failed:
        raise ExitWith(exit_code(failed[0]))


def _peer_line(check: Any) -> str:
    if check.problem is not None:
        return f"peer {check.name}: MISMATCH at entry {check.first_bad}: {check.detail}"
    if check.error is not None:
        return f"peer {check.name}: not checked: {check.error.code}: {check.error}"
    if not check.anchors:
        return f"peer {check.name}: holds no checkpoint of this node yet"
    return (f"peer {check.name}: its {check.anchors} checkpoint(s) of this node match "
            f"(up to entry {check.checked_to})")  # fmt: skip


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
