"""``tearline item …``: store labelled items and see them as a given person would."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from tearline.cli.node_common import as_option, home_options, node_errors, opened, print_json

__all__ = ["item"]

_KINDS = click.Choice(["report", "document", "observation"])


def _content(path: str | None) -> str:
    if path is None:
        return sys.stdin.read()
    try:
        return Path(path).read_text("utf-8")
    except (OSError, UnicodeDecodeError) as problem:
        raise click.BadParameter(
            f"cannot read {path}: {type(problem).__name__}; give a UTF-8 text file",
            param_hint="--content-file",
        ) from None


def _moment(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(f"{text!r} is not an ISO time", param_hint="--at") from None
    if when.tzinfo is None:
        raise click.BadParameter("give a timezone, e.g. 2026-11-30T08:00:00Z", param_hint="--at")
    return when


def _summary_json(node: Any, summary: Any, scheme: str) -> dict[str, Any]:
    from tearline.service.views import rendered

    marking, written_in = rendered(summary.label, scheme, node.registry)
    return {
        "id": summary.id, "kind": str(summary.kind), "title": summary.title,
        "marking": marking, "scheme": written_in, "at": summary.at, "version": summary.version,
        "originator_nation": summary.originator_nation, "lat": summary.lat, "lon": summary.lon,
        "partial": summary.partial, "snippet": summary.snippet,
    }  # fmt: skip


def _view_json(node: Any, view: Any, scheme: str) -> dict[str, Any]:
    from tearline.labels.codec import to_dict
    from tearline.service.views import marking, portions, rendered

    item = view.item
    shown, written_in = rendered(view.label, scheme, node.registry)
    return {
        "id": item.id, "kind": str(item.kind), "title": item.title, "marking": shown,
        "scheme": written_in, "canonical": marking(view.label, node.registry),
        "label": to_dict(view.label),
        "content": item.content if not item.portions else None,
        "portions": portions(view, node.registry),
        "version": item.version, "at": item.at, "created": item.created,
        "modified": item.modified, "created_by": item.created_by,
        "originator": {"nation": item.originator_nation, "organisation": item.originator_org},
        "authority": {
            "classified_by": item.classified_by, "derived_from": item.derived_from,
            "declassify_on": item.declassify_on, "event": item.declassify_event,
            "exemption": item.exemption,
        },
        "lat": item.lat, "lon": item.lon,
    }  # fmt: skip


@click.group()
def item() -> None:
    """Labelled items: add, list, show, import, review."""


@item.command("add")
@as_option
@click.option("--marking", default=None, help="The marking (banner or portion form).")
@click.option("--scheme", default=None, help="Its scheme (default: the acting person's own).")
@click.option("--title", required=True, help="The item's title.")
@click.option("--kind", default="report", show_default=True, type=_KINDS, help="What it is.")
@click.option("--content-file", default=None, help="Content from this file (default: stdin).")
@click.option("--authority-file", default=None,
              help="The classification authority block (Classified By: … lines).")  # fmt: skip
@click.option("--at", "at_text", default=None, help="When it is about (ISO time; default now).")
@click.option("--lat", type=float, default=None, help="Latitude (degrees).")
@click.option("--lon", type=float, default=None, help="Longitude (degrees).")
@home_options
@node_errors
def add_command(
    actor: str, marking: str | None, scheme: str | None, title: str, kind: str,
    content_file: str | None, authority_file: str | None, at_text: str | None,
    lat: float | None, lon: float | None, home: str | None, as_json: bool,
) -> None:  # fmt: skip
    """Store a labelled item. A document's content is its portions: paragraphs that open
    with their portion marks, ``(S//REL TO USA, JPN) text``."""
    from tearline.service import Draft, ItemKind
    from tearline.service.views import marking as marking_of

    authority = None if authority_file is None else Path(authority_file).read_text("utf-8")
    draft = Draft(
        ItemKind(kind), title, _content(content_file), marking=marking, scheme=scheme,
        at=_moment(at_text), lat=lat, lon=lon, authority=authority,
    )  # fmt: skip
    with opened(home) as node:
        record = node.items.add(actor, draft)
    if as_json:
        print_json({"id": record.id, "marking": marking_of(record.label, node.registry)})
    else:
        click.echo(f"stored {record.id}: {marking_of(record.label, node.registry)}")


@item.command("list")
@as_option
@click.option("--kind", default=None, type=_KINDS, help="Only items of this kind.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 1000))
@click.option("--cursor", default=None, help="Continue from a previous page's `next`.")
@click.option("--search", default=None, metavar="TEXT",
              help="Only items whose readable text (title, content, readable portions) "
              "holds TEXT; each shown with a snippet.")  # fmt: skip
@home_options
@node_errors
def list_command(
    actor: str, kind: str | None, limit: int, cursor: str | None, search: str | None,
    home: str | None, as_json: bool,
) -> None:  # fmt: skip
    """What PERSON may read now, newest first, markings in their own scheme, with the total
    and counts by kind and tier of everything they may read that matches. A document of
    which they may read some portions only is listed under the banner of those."""
    from tearline.service import ItemKind, Query
    from tearline.service.fields import printable_text

    if search is not None:
        if not search:
            raise click.BadParameter("give some text to search for", param_hint="--search")
        printable_text(search, "--search", 200)
    query = Query(None if kind is None else ItemKind(kind), limit, cursor, text=search)
    with opened(home) as node:
        page, reader = node.items.page(actor, query, count=True)
        rows = [_summary_json(node, s, reader.clearance_scheme) for s in page.items]
    facets = page.facets
    if facets is None:  # pragma: no cover - asked for with count=True
        raise RuntimeError("the listing came without its counts")
    counts = {"total": facets.total, "facets": {"kind": facets.kinds, "tier": facets.tiers}}
    if as_json:
        print_json({"items": rows, "next": page.next, **counts})
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("id", "kind", "marking", "title", "at")
    for row in rows:
        table.add_row(row["id"], row["kind"], row["marking"], row["title"],
                      f"{row['at']:%Y-%m-%d %H:%M}")  # fmt: skip
    Console().print(table)
    for row in rows:
        if row.get("snippet"):
            click.echo(f"{row['id']}: {row['snippet']}")
    click.echo(f"{facets.total} in all")
    if page.next:
        click.echo(f"more: --cursor {page.next}")


@item.command("show")
@click.argument("item_id")
@as_option
@home_options
@node_errors
def show_command(item_id: str, actor: str, home: str | None, as_json: bool) -> None:
    """ITEM_ID as PERSON would see it: only the portions they may read."""
    with opened(home) as node:
        view = node.items.show(actor, item_id)
        data = _view_json(node, view, view.reader_scheme)
    if as_json:
        print_json(data)
        return
    click.echo(data["marking"])
    click.echo(f"{data['title']}  ({data['id']}, version {data['version']})")
    for portion in data["portions"]:
        if portion.get("withheld"):
            click.echo(f"\n[portion {portion['position'] + 1} withheld]")
        else:
            click.echo(f"\n{portion['marking']} {portion['text']}")
    if data["content"] is not None:
        click.echo("\n" + data["content"])
    click.echo("\n" + data["marking"])


@item.command("edit")
@click.argument("item_id")
@as_option
@click.option("--marking", default=None, help="The new marking (default: as it was).")
@click.option("--scheme", default=None, help="Its scheme (default: the acting person's own).")
@click.option("--title", default=None, help="The new title (default: as it was).")
@click.option("--content-file", default=None, help="The new content (default: as it was).")
@click.option("--reason", required=True, help="Why (kept in the audit log).")
@home_options
@node_errors
def edit_command(
    item_id: str, actor: str, marking: str | None, scheme: str | None, title: str | None,
    content_file: str | None, reason: str, home: str | None, as_json: bool,
) -> None:  # fmt: skip
    """Make a new version of an item (earlier versions are kept). Lowering its label takes
    a releasing officer."""
    from tearline.service import Draft
    from tearline.service.views import marking as marking_of

    with opened(home) as node:
        before = node.items.show(actor, item_id).item
        content = before.content if content_file is None else _content(content_file)
        same_label = marking is None
        draft = Draft(
            before.kind, title or before.title, content,
            marking=marking_of(before.label, node.registry) if same_label else marking,
            scheme=before.label.scheme if same_label else scheme,
        )  # fmt: skip
        record = node.items.edit(actor, item_id, draft, reason=reason)
    if as_json:
        print_json(
            {
                "id": record.id,
                "version": record.version,
                "marking": marking_of(record.label, node.registry),
            }
        )
    else:
        click.echo(
            f"{record.id} is now version {record.version}: "
            f"{marking_of(record.label, node.registry)}"
        )


@item.command("versions")
@click.argument("item_id")
@as_option
@home_options
@node_errors
def versions_command(item_id: str, actor: str, home: str | None, as_json: bool) -> None:
    """The versions of an item PERSON may read (each decided by its own label)."""
    from tearline.service.views import marking as marking_of

    with opened(home) as node:
        versions = node.items.versions(actor, item_id)
        rows = [{**v, "label": marking_of(v["label"], node.registry)} for v in versions]
    if as_json:
        print_json({"versions": rows})
        return
    for row in rows:
        click.echo(f"{row['version']:>3}  {row['modified']:%Y-%m-%d %H:%M}  {row['label']}  "
                   f"{row['title']}  ({row['by']})")  # fmt: skip


@item.command("import")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@as_option
@click.option("--batch", default=20_000, show_default=True, type=click.IntRange(1, 100_000),
              help="Items per transaction.")  # fmt: skip
@home_options
@node_errors
def import_command(file: str, actor: str, batch: int, home: str | None, as_json: bool) -> None:
    """Import items from JSON lines (one object per line: kind, title, marking, scheme,
    content, at, lat, lon, authority, id). Checked whole first; re-running adds only what
    is missing."""
    text = sys.stdin.read() if file == "-" else Path(file).read_text("utf-8")
    lines = text.splitlines()
    with opened(home) as node:
        if as_json:
            result = node.bulk.import_lines(actor, lines, batch=batch)
        else:
            result = _import_with_progress(node, actor, lines, batch)
    data = {"lines": result.lines, "added": result.added, "skipped": result.skipped}
    if as_json:
        print_json(data)
    else:
        click.echo(f"added {result.added} items ({result.skipped} already there)")


def _import_with_progress(node: Any, actor: str, lines: list[str], batch: int) -> Any:
    from rich.progress import Progress

    with Progress(transient=True) as progress:
        task = progress.add_task("importing", total=sum(1 for line in lines if line.strip()))
        return node.bulk.import_lines(
            actor, lines, batch=batch, progress=lambda n: progress.advance(task, n)
        )


@item.command("due")
@as_option
@home_options
@node_errors
def due_command(actor: str, home: str | None, as_json: bool) -> None:
    """Items PERSON may read whose declassification date has come (or that declassify on
    an event): for review — nothing is declassified automatically."""
    with opened(home) as node:
        due = node.bulk.due(actor)
    rows = [
        {"id": d.item_id, "title": d.title, "marking": d.marking,
         "declassify_on": d.declassify_on, "event": d.event}
        for d in due
    ]  # fmt: skip
    if as_json:
        print_json({"items": rows})
        return
    for row in rows:
        when = row["declassify_on"] or f"on event: {row['event']}"
        click.echo(f"{row['id']}  {when}  {row['marking']}  {row['title']}")


@item.command("release")
@click.argument("item_id")
@as_option
@click.option("--audience", required=True, help='Who receives it: "REL TO USA, JPN" or a code.')
@click.option("--relido", is_flag=True, help="Let RELIDO portions go too (your explicit decision).")
@home_options
@node_errors
def release_command(
    item_id: str, actor: str, audience: str, relido: bool, home: str | None, as_json: bool
) -> None:
    """Release a document to an audience (releasing officers): a new document holding only
    the portions the audience may receive; ORCON portions only with the originator's
    recorded consent (`tearline item consent`)."""
    from tearline.service.views import marking as marking_of

    with opened(home) as node:
        made = node.releases.release(actor, item_id, audience, relido=relido)
        banner = marking_of(made.document.label, node.registry)
    withheld = [{"position": p, "reason": r.text()} for p, r in made.withheld]
    if as_json:
        print_json({"id": made.document.id, "source": made.source_id, "banner": banner,
                    "portions": len(made.document.portions), "withheld": withheld})  # fmt: skip
        return
    click.echo(f"released {made.document.id} ({banner}) from {made.source_id}")
    for entry in withheld:
        click.echo(f"  withheld portion {entry['position'] + 1}: {entry['reason']}")


@item.command("consent")
@click.argument("item_id")
@as_option
@click.option("--audience", required=True, help='Who may receive: "REL TO USA, GBR" or a code.')
@click.option("--reference", required=True, help="The originator's message or file number.")
@click.option("--portion", "portions", multiple=True, type=click.IntRange(1),
              help="An ORCON portion, counted from 1 (repeat; default: all of them).")  # fmt: skip
@home_options
@node_errors
def consent_command(
    item_id: str, actor: str, audience: str, reference: str, portions: tuple[int, ...],
    home: str | None, as_json: bool,
) -> None:  # fmt: skip
    """Record the originator's consent to release ORCON portions of a document's current
    version to an audience (a releasing officer of the originating nation and
    organisation). Releases to that audience, or part of it, then carry them."""
    from tearline.service.consents import consent_data

    wanted = [p - 1 for p in portions] or None
    with opened(home) as node:
        given = node.consents.give(actor, item_id, audience, reference, wanted)
    data = consent_data(given)
    if as_json:
        print_json(data)
        return
    which = (
        "all ORCON portions"
        if given.portions is None
        else "portions " + ", ".join(str(p + 1) for p in given.portions)
    )
    click.echo(f"consent {given.id}: {which} of {given.item_id} version {given.version} "
               f"may go to {', '.join(data['audience'])} ({given.reference})")  # fmt: skip


@item.command("spill")
@click.argument("item_id")
@as_option
@click.option("--reason", required=True, help="Why (do not quote the spilled content).")
@home_options
@node_errors
def spill_command(item_id: str, actor: str, reason: str, home: str | None, as_json: bool) -> None:
    """Declare an item spilled (security officers): it and every release cut from it are
    purged at once, and the incident lists who had read them."""
    from tearline.service.spills import incident_data

    with opened(home) as node:
        incident = node.spills.declare(actor, item_id, reason)
    if as_json:
        print_json(incident_data(incident))
        return
    click.echo(f"incident {incident.id}: purged {', '.join(incident.purged)}")
    for reader in sorted({r.person_id for r in incident.readers}):
        click.echo(f"  read by {reader}")
