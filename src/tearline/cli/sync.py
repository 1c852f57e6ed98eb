"""``tearline sync``: sync with the peer nodes once — pull what each releases to this node,
push what this node releases to it."""

from __future__ import annotations

import click

from tearline.cli.node_common import exit_code, home_options, node_errors, opened, print_json
from tearline.cli.output import ExitWith

__all__ = ["sync"]


@click.command()
@click.option("--peer", "name", default=None, metavar="NAME",
              help="Sync with this peer only (default: every peer).")  # fmt: skip
@home_options
@node_errors
def sync(name: str | None, home: str | None, as_json: bool) -> None:
    """Sync with the peers once: counts of objects pulled, pushed and rejected.

    An object the receiver already holds (same STIX id, `modified` and signature) counts
    as neither pulled nor pushed; one with the same id and `modified` but other content or
    signature is rejected and audited. A sync of the same peer in progress (the `serve`
    loop's) is waited for. Exit 0 when every peer synced; otherwise that peer's entry
    carries `error` and the exit code is its error's (1 when the peer could not be reached).
    """
    with opened(home) as node:
        outcomes = node.sync.run(name)
    if as_json:
        print_json({"peers": [o.as_dict() for o in outcomes]})
    else:
        for o in outcomes:
            line = f"{o.name}: pulled {o.pulled}, pushed {o.pushed}, rejected {o.rejected}"
            if o.error is not None:
                line += f"; error: {o.error.code}: {o.error}"
            click.echo(line)
    failed = [o.error for o in outcomes if o.error is not None]
    if failed:
        raise ExitWith(exit_code(failed[0]))
