"""``tearline ledger``: what this node gave each peer and received from it, by tier, kind and
time, and the balance."""

from __future__ import annotations

from datetime import UTC, datetime
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

__all__ = ["ledger"]


def _table(data: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if not data["rows"]:
        console.print("nothing was given to or received from a peer" +
                      (f" since {data['since']}" if data["since"] else ""))  # fmt: skip
        return
    table = Table("peer", data["by"], "tier", "kind", "given", "received", "balance",
                  title="Ledger: given to and received from each peer")  # fmt: skip
    for r in data["rows"]:
        table.add_row(r["peer"], r["bucket"], r["tier"], r["kind"], str(r["given"]),
                      str(r["received"]), f"{r['balance']:+d}")  # fmt: skip
    console.print(table)
    totals = Table("peer", "given", "received", "balance", title="Balance per peer")
    for p in data["peers"]:
        totals.add_row(p["peer"], str(p["given"]), str(p["received"]), f"{p['balance']:+d}")
    console.print(totals)


@click.command()
@click.option("--peer", "name", default=None, metavar="NAME", help="This peer only.")
@click.option("--since", default=None, metavar="YYYY-MM-DD",
              help="Count from this day on (UTC; default: everything).")  # fmt: skip
@click.option("--by", "by", type=click.Choice(["day", "week", "month"]), default="day",
              show_default=True, help="The span of time each row counts.")  # fmt: skip
@as_option
@home_options
@node_errors
def ledger(
    name: str | None, since: str | None, by: str, actor: str, home: str | None, as_json: bool
) -> None:
    """Counts given to and received from each peer, per tier, kind and span of time, and
    the balance (given - received) — security officers and releasing officers; audited.

    Given: each object version released to the peer (pushed, or pulled by it), at the
    label of that version. Received: each object version taken from it, at the label it
    holds here. A TLP label counts under its TLP level.
    """
    from tearline.service.ledger import Bucket

    day = parse_day(since, "--since")
    start = None if day is None else datetime(day.year, day.month, day.day, tzinfo=UTC)
    with opened(home) as node:
        report = node.ledger.report(actor, peer=name, since=start, by=Bucket(by))
    data = report.as_dict()
    if as_json:
        print_json(data)
    else:
        _table(data)
