"""``tearline peer add|list|remove``: the peer nodes this node federates with (changed by the
node's operator at its terminal, or a node administrator named with ``--as``), and the
credential each presents here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from tearline.cli.node_common import home_options, node_errors, opened, print_json
from tearline.errors import InvalidInput

__all__ = ["peer"]


def _key_text(value: str) -> str:
    """The public key given, or the text of the file it names."""
    path = Path(value)
    try:
        if len(value) < 4096 and path.is_file():
            return path.read_text("utf-8").strip()
    except (OSError, UnicodeDecodeError):
        raise InvalidInput(f"--public-key: cannot read the file {value[:80]!r}") from None
    return value


def _shown(peer: Any) -> dict[str, Any]:
    return {
        "name": peer.name, "principal": peer.principal, "url": peer.url, "nation": peer.nation,
        "agreement": peer.agreement, "public_key": peer.public_key,
        "ceiling": {"level": peer.ceiling_level, "scheme": peer.ceiling_scheme},
        "version": peer.version, "created": peer.created, "created_by": peer.created_by,
        "modified": peer.modified, "token_set": peer.outgoing is not None,
        "kind": peer.kind, "default_marking": peer.feed_marking,
    }  # fmt: skip


def _check_options(
    feed: bool, agreement: str | None, public_key: str | None, token: str | None,
    default_marking: str | None, basic_auth: str | None,
) -> None:  # fmt: skip
    if feed and (agreement is not None or public_key is not None or token is not None):
        raise InvalidInput(
            "a --feed is unsigned and reads nothing here: give it no "
            "--agreement, --public-key or --token (--basic-auth is its account)"
        )
    if not feed and (basic_auth is not None or default_marking is not None):
        raise InvalidInput("--basic-auth and --default-marking are for an unsigned --feed")


@click.group()
def peer() -> None:
    """Peer nodes: who this node federates with, and their credentials here."""


def _operator_or(command: Any) -> Any:
    """``--as PERSON_ID``, optional here: a node administrator acting; without it, the
    node's operator at its terminal (whoever opens its home holds its key), audited as
    ``operator:NODE_ID``."""
    return click.option(
        "--as", "actor", default=None, metavar="PERSON_ID",
        help="The node administrator acting (default: the node's operator, audited as "
             "operator:NODE_ID).",
    )(command)  # fmt: skip


@peer.command("add")
@click.argument("name")
@click.option("--url", required=True, help="The base URL the peer's `tearline serve` printed.")
@click.option("--nation", required=True, help="The peer's nation (GENC trigraph, e.g. JPN).")
@click.option(
    "--agreement",
    default=None,
    help="The agreement it reads under (e.g. us-jp); a Tearline peer needs it.",
)
@click.option("--public-key", "public_key", default=None, metavar="BASE64|FILE",
              help="The peer's Ed25519 public key (base64), or a file holding it; a "
                   "Tearline peer needs it.")  # fmt: skip
@click.option("--token", default=None, metavar="TOKEN",
              help="The credential this node presents at the peer (printed by `tearline "
                   "peer add` there); kept encrypted, never shown again.")  # fmt: skip
@click.option("--feed", is_flag=True,
              help="NAME is an unsigned TAXII 2.1 feed (medallion, a vendor's), not a "
                   "Tearline node: read only, its objects never shared on.")  # fmt: skip
@click.option("--default-marking", "default_marking", default=None, metavar="MARKING",
              help="With --feed: the marking (this node's scheme, or TLP:…) of its objects "
                   "that carry none; without it they are rejected.")  # fmt: skip
@click.option("--basic-auth", "basic_auth", default=None, metavar="USER:PASSWORD",
              help="With --feed: the account the feed's server holds for this node; kept "
                   "encrypted, never shown again.")  # fmt: skip
@_operator_or
@home_options
@node_errors
def add_command(
    name: str, url: str, nation: str, agreement: str | None, public_key: str | None,
    token: str | None, feed: bool, default_marking: str | None, basic_auth: str | None,
    actor: str | None, home: str | None, as_json: bool,
) -> None:  # fmt: skip
    """Add peer NAME, or update it: prints the credential it presents here (Bearer).

    The peer reads as a person of its nation cleared at the agreement's ceiling. Running
    this again for the same NAME updates the peer and prints the same credential; only its
    hash is stored, and `tearline peer remove` revokes it. With --token, the credential
    the peer gave for this node is kept (sealed with a key derived from the node's key) for
    `tearline sync`; without it, one given before is kept.

    With --feed, NAME is an unsigned TAXII feed that `tearline sync` only reads from: its
    objects are labelled from their TLP marking (2.0 or 1.0) or --default-marking (else rejected);
    it is given no credential here.
    """
    _check_options(feed, agreement, public_key, token, default_marking, basic_auth)
    if feed:
        _add_feed(name, url, nation, default_marking, basic_auth, actor, home, as_json)
        return
    from tearline.service.peers import PeerSpec

    key = "" if public_key is None else _key_text(public_key)
    spec = PeerSpec(url, nation, agreement or "", key, token)
    with opened(home) as node:
        record, token, created = node.peers.add(actor, name, spec)
    if as_json:
        print_json({"name": record.name, "token": token, "updated": not created,
                    **{k: v for k, v in _shown(record).items() if k != "name"}})  # fmt: skip
        return
    click.echo(token)
    ceiling = f"{record.ceiling_scheme} {record.ceiling_level}"
    verb = "added" if created else "updated"
    click.echo(f"({verb} {record.principal}: {record.nation} under {record.agreement}, "
               f"reads at {ceiling}; it presents the credential above here)", err=True)  # fmt: skip


def _add_feed(
    name: str, url: str, nation: str, default_marking: str | None, basic_auth: str | None,
    actor: str | None, home: str | None, as_json: bool,
) -> None:  # fmt: skip
    from tearline.service.feeds import FeedSpec

    spec = FeedSpec(url, nation, basic_auth, default_marking)
    with opened(home) as node:
        record, created = node.peers.add_feed(actor, name, spec)
    if as_json:
        print_json({"name": record.name, "token": None, "updated": not created,
                    **{k: v for k, v in _shown(record).items() if k != "name"}})  # fmt: skip
        return
    verb = "added" if created else "updated"
    click.echo(f"{verb} feed {record.name}: {record.url} (unsigned, read only)")


@peer.command("list")
@home_options
@node_errors
def list_command(home: str | None, as_json: bool) -> None:
    """The peers, by name (their credentials are not kept, only hashes)."""
    with opened(home) as node:
        peers = node.peers.list()
    if as_json:
        print_json({"peers": [_shown(p) for p in peers]})
        return
    for p in peers:
        token = "token set" if p.outgoing is not None else "no token"
        click.echo(f"{p.name}  {p.nation}  {p.agreement}  {p.ceiling_scheme} {p.ceiling_level}"
                   f"  {p.url}  {token}")  # fmt: skip


@peer.command("remove")
@click.argument("name")
@_operator_or
@home_options
@node_errors
def remove_command(name: str, actor: str | None, home: str | None, as_json: bool) -> None:
    """Remove peer NAME: its credential is refused from the next request on."""
    with opened(home) as node:
        node.peers.remove(actor, name)
    if as_json:
        print_json({"removed": name})
    else:
        click.echo(f"removed {name}")
