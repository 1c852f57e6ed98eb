"""``tearline node show``: who this node is, and the public key its peers verify it by."""

from __future__ import annotations

import base64

import click

from tearline.cli.node_common import home_options, node_errors, opened, print_json

__all__ = ["node"]


@click.group()
def node() -> None:
    """This node: its id, nation, scheme and public key."""


@node.command("show")
@home_options
@node_errors
def show_command(home: str | None, as_json: bool) -> None:
    """Show the node's id, nation, scheme and Ed25519 public key (base64).

    A peer's administrator gives the public key to `tearline peer add --public-key`.
    """
    with opened(home) as found:
        info, public_hex = found.info, found.key.public_hex
    shown = {"id": info.id, "nation": info.nation, "scheme": info.scheme,
             "public_key": base64.b64encode(bytes.fromhex(public_hex)).decode()}  # fmt: skip
    if as_json:
        print_json(shown)
        return
    for name, value in shown.items():
        click.echo(f"{name}: {value}")
