"""``tearline serve`` (the node's HTTP API) and ``tearline token …`` (API tokens)."""

from __future__ import annotations

import os
import sys
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

__all__ = ["BARE_ROUTE_VARIABLE", "serve", "token"]

#: Set to 1 by ``bench/api_load.py`` only: adds the unauthenticated bare route it measures
#: against. Refused unless the server listens on loopback.
BARE_ROUTE_VARIABLE = "TEARLINE_BENCH_BARE_ROUTE"
_LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})


def _bare_route_wanted(host: str) -> bool:
    if os.environ.get(BARE_ROUTE_VARIABLE, "") != "1":
        return False
    if host not in _LOOPBACK:
        from tearline.errors import InvalidInput

        raise InvalidInput(
            f"{BARE_ROUTE_VARIABLE}=1 serves items without authentication for the benchmark "
            "and is refused unless --host is loopback (127.0.0.1); unset it"
        )
    click.echo(f"warning: {BARE_ROUTE_VARIABLE}=1: serving the benchmark's unauthenticated "
               "bare route on loopback", err=True)  # fmt: skip
    return True


@click.command()
@click.option("--home", type=click.Path(file_okay=False), default=None,
              help="The node's directory (default: $TEARLINE_HOME, else the user data "
                   "directory).")  # fmt: skip
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8400, show_default=True, type=click.IntRange(0, 65535),
              help="Port (0: any free port).")  # fmt: skip
@node_errors
def serve(home: str | None, host: str, port: int) -> None:
    """Serve the node's HTTP API; prints the URL it listens on once ready.

    It also syncs with the node's peers in the background, a round every
    `sync_interval_seconds` (node.toml; default 1), as `tearline sync` does.
    """
    import uvicorn

    from tearline.api import create_app
    from tearline.federation.sync import SyncLoop

    bare_route = _bare_route_wanted(host)
    with opened(home) as node:
        app = create_app(node, bare_route=bare_route)
        config = uvicorn.Config(app, host=host, port=port, log_level="warning",
                                access_log=False, lifespan="off")  # fmt: skip
        loop = SyncLoop(node.sync, node.settings.sync_interval_seconds)
        loop.start()
        try:
            _Announcing(config).run()
        finally:
            loop.stop()


def _announcing_base() -> Any:
    import uvicorn

    return uvicorn.Server


class _Announcing(_announcing_base()):  # type: ignore[misc]
    """A uvicorn server that prints its URL once its socket listens."""

    async def startup(self, sockets: Any = None) -> None:
        await super().startup(sockets=sockets)
        if self.started and self.servers:
            host, port = self.servers[0].sockets[0].getsockname()[:2]
            click.echo(f"http://{host}:{port}")
            sys.stdout.flush()  # a script waits for this line: do not leave it in a buffer


@click.group()
def token() -> None:
    """API tokens (created by security officers)."""


@token.command("create")
@click.argument("person_id")
@as_option
@click.option("--expires", default=None, help="Last use is the day before (default: 90 days).")
@home_options
@node_errors
def create_command(
    person_id: str, actor: str, expires: str | None, home: str | None, as_json: bool
) -> None:
    """Create an API token for PERSON_ID (shown once; only its hash is kept)."""
    with opened(home) as node:
        token_id, secret = node.tokens.create(
            actor, person_id, expires=parse_day(expires, "--expires")
        )
    if as_json:
        print_json({"token": secret, "id": token_id})
    else:
        click.echo(secret)
        click.echo(f"(token {token_id}; revoke with `tearline token revoke {token_id}`)", err=True)


@token.command("revoke")
@click.argument("token_id")
@as_option
@home_options
@node_errors
def revoke_command(token_id: str, actor: str, home: str | None, as_json: bool) -> None:
    """Revoke an API token: the next request carrying it is refused."""
    with opened(home) as node:
        node.tokens.revoke(actor, token_id)
    if as_json:
        print_json({"revoked": token_id})
    else:
        click.echo(f"revoked {token_id}")
