"""``tearline init`` (create a node) and ``tearline db upgrade`` (bring its schema up to date)."""

from __future__ import annotations

import click

from tearline.cli.node_common import home_options, node_errors, parse_day, print_json

__all__ = ["db", "init"]


@click.command()
@click.option("--nation", required=True, help="The node's nation (GENC trigraph: USA, JPN, …).")
@click.option("--scheme", default=None, help="Its marking scheme (default: the nation's own).")
@click.option("--officer", "officer_name", required=True, help="The first security officer's name.")
@click.option(
    "--officer-clearance", required=True, help="Their clearance: a level of the node's scheme."
)
@click.option("--officer-expires", default=None, help="When it lapses (YYYY-MM-DD).")
@click.option("--organisation", default="", help="The officer's organisation.")
@click.option(
    "--database", default=None, help="postgresql://… instead of the embedded SQLite file."
)
@home_options
@node_errors
def init(
    nation: str, scheme: str | None, officer_name: str, officer_clearance: str,
    officer_expires: str | None, organisation: str, database: str | None, home: str | None,
    as_json: bool,
) -> None:  # fmt: skip
    """Create a node: its database, its signing key and its first security officer."""
    from tearline.bootstrap import Officer, create_node
    from tearline.config import Settings, home_dir

    settings = Settings.for_init(home_dir(home), database)
    officer = Officer(
        officer_name, officer_clearance, parse_day(officer_expires, "--officer-expires"),
        organisation,
    )  # fmt: skip
    node, person = create_node(
        settings, nation=nation, scheme=scheme, officer=officer, database_given=database is not None
    )
    with node:
        data = {
            "node": {"id": node.info.id, "nation": node.info.nation, "scheme": node.info.scheme},
            "officer": {"id": person.id},
        }
    if as_json:
        print_json(data)
    else:
        click.echo(
            f"created node {node.info.id} ({nation}, scheme {node.info.scheme}) in {settings.home}"
        )
        click.echo(f"security officer: {officer_name} — act with --as {person.id}")


@click.group()
def db() -> None:
    """The node's database."""


@db.command("upgrade")
@home_options
@node_errors
def upgrade_command(home: str | None, as_json: bool) -> None:
    """Apply the schema migrations the node's database lacks (each in its own transaction)."""
    from tearline.bootstrap import open_node
    from tearline.config import Settings, home_dir
    from tearline.store import open_database
    from tearline.store.migrate import upgrade

    settings = Settings.load(home_dir(home))
    database = open_database(settings.database)
    try:
        applied = upgrade(database)
    finally:
        database.close()
    if any(m.name == "audit_head" for m in applied):  # the log's head is signed from now on
        node = open_node(settings)
        try:
            node.audit.sign_head(node.clock())
        finally:
            node.close()
    if as_json:
        print_json({"applied": [{"version": m.version, "name": m.name} for m in applied]})
    elif applied:
        for migration in applied:
            click.echo(f"applied {migration.version:04d} {migration.name}")
    else:
        click.echo("the database is up to date")
