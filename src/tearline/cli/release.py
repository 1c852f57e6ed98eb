"""``tearline release held|approve|deny``: what the release guard held for a releasing
officer instead of giving it to a peer, and the officer's decision; ``tearline release
onward``: the originating node's consent that an item may go on to other nations."""

from __future__ import annotations

from typing import Any

import click

from tearline.cli.node_common import as_option, home_options, node_errors, opened, print_json

__all__ = ["release"]


def _shown(held: Any) -> dict[str, Any]:
    return {
        "id": held.id, "to": held.principal, "item": held.item_id, "version": held.version,
        "reason": held.reason, "detail": held.detail, "held_at": held.held_at,
        "decision": held.decision, "decided_by": held.decided_by,
        "decided_at": held.decided_at, "note": held.note,
    }  # fmt: skip


def _line(held: Any) -> str:
    why = ", ".join(f"{k} {v}" for k, v in held.detail.items())
    state = held.decision or "awaiting a decision"
    return (f"{held.id}  {held.item_id} v{held.version} to {held.principal}: {held.reason} "
            f"({why}) — {state}")  # fmt: skip


@click.group()
def release() -> None:
    """Releases the release guard held (a word that must never leave, or a near-duplicate
    of what the receiver may not read), for a releasing officer to decide."""


@release.command("held")
@click.option("--all", "everything", is_flag=True, help="Decided holds too (newest first).")
@as_option
@home_options
@node_errors
def held_command(everything: bool, actor: str, home: str | None, as_json: bool) -> None:
    """The holds awaiting a decision (releasing and security officers; audited)."""
    with opened(home) as node:
        found = node.guard.held(actor, everything=everything)
    if as_json:
        print_json({"held": [_shown(h) for h in found]})
        return
    for held in found:
        click.echo(_line(held))
    if not found:
        click.echo("nothing is held")


def _decide(held_id: str, approve: bool, reason: str, actor: str, home: str | None,
            as_json: bool) -> None:  # fmt: skip
    with opened(home) as node:
        held = node.guard.decide(actor, held_id, approve=approve, note=reason)
    if as_json:
        print_json(_shown(held))
    else:
        click.echo(_line(held))


@release.command("approve")
@click.argument("held_id")
@click.option("--reason", required=True, help="Why it may go (kept in the audit log).")
@as_option
@home_options
@node_errors
def approve_command(held_id: str, reason: str, actor: str, home: str | None,
                    as_json: bool) -> None:  # fmt: skip
    """Let held release HELD_ID go: with the next sync (releasing officers; audited)."""
    _decide(held_id, True, reason, actor, home, as_json)


@release.command("deny")
@click.argument("held_id")
@click.option("--reason", required=True, help="Why it stays (kept in the audit log).")
@as_option
@home_options
@node_errors
def deny_command(held_id: str, reason: str, actor: str, home: str | None,
                 as_json: bool) -> None:  # fmt: skip
    """Keep held release HELD_ID home for good (releasing officers; audited); a new
    version of the item is checked afresh."""
    _decide(held_id, False, reason, actor, home, as_json)


@release.command("onward")
@click.argument("item_id")
@click.option(
    "--to",
    "nations",
    required=True,
    multiple=True,
    metavar="NATION",
    help="A nation it may go on to from the peers given it (repeat for more).",
)
@click.option("--reason", required=True, help="Why it may go on (kept in the audit log).")
@as_option
@home_options
@node_errors
def onward_command(item_id: str, nations: tuple[str, ...], reason: str, actor: str,
                   home: str | None, as_json: bool) -> None:  # fmt: skip
    """Consent, as this item's originating node, that ITEM_ID may go on to other nations
    from the peers it is given to (releasing officers; audited): a new version carrying
    the consent, signed with it when released. Its marking must allow each nation."""
    with opened(home) as node:
        item = node.onward.consent(actor, item_id, nations, reason)
    chosen = sorted({n.strip().upper() for n in nations})
    if as_json:
        print_json({"item": item.id, "version": item.version, "onward": chosen})
    else:
        click.echo(f"{item.id} v{item.version} may go on to {', '.join(chosen)}")
