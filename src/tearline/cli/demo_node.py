"""``tearline demo-node``: a US node on the embedded default — people, labelled items, what
each person sees, a suspension taking effect, and the audit chain verified."""

from __future__ import annotations

import tempfile
import unicodedata
from pathlib import Path

import click

__all__ = ["demo_node"]

_ITEMS = (
    ("report", "SECRET//REL TO USA, JPN", "Vessel contact near the strait",
     "Contact observed at 0412Z, heading 045, 12 kn."),
    ("report", "SECRET//NOFORN", "Collection tasking", "US-only tasking details."),
    ("report", "TOP SECRET//SI//NOFORN", "Intercept summary", "SI-derived summary."),
    ("report", "UNCLASSIFIED", "Port schedule", "Public port schedule for the week."),
    ("document", None, "Weekly maritime assessment",
     "(U) Maritime activity summary for the week.\n\n"
     "(S//REL TO USA, JPN) Vessel contact observed near the strait at 0412Z.\n\n"
     "(S//NF) Source reliability notes."),
)  # fmt: skip


def _pad(text: str, columns: int) -> str:
    """``text`` padded to ``columns`` terminal columns (CJK characters take two)."""
    used = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(columns - used, 0)


def _heading(text: str) -> None:
    click.echo(f"\n{text}")


def _people(node: object, officer: str) -> dict[str, str]:
    add = node.people.add  # type: ignore[attr-defined]
    made = {
        "US analyst (TOP SECRET, SI)": add(officer, name="Bob Analyst", nationalities=["USA"],
                                       clearance="TS", authorizations=[("SI", None)]),
        "JP analyst (極秘)": add(officer, name="Sato Taro", nationalities=["JPN"],
                                clearance="極秘", organisation="JMOD"),
        "JP analyst (秘)": add(officer, name="Suzuki Hana", nationalities=["JPN"],
                              clearance="秘", organisation="JMOD"),
    }  # fmt: skip
    for who, person in made.items():
        click.echo(f"  {_pad(who, 30)} {person.id}  clearance {person.clearance_level} "
                   f"({person.clearance_scheme})")  # fmt: skip
    return {who: person.id for who, person in made.items()}


def _store(node: object, author: str) -> dict[str, str]:
    from tearline.service import Draft, ItemKind
    from tearline.service.views import marking

    titles = {}
    for kind, label, title, content in _ITEMS:
        item = node.items.add(author, Draft(ItemKind(kind), title, content, marking=label))  # type: ignore[attr-defined]
        titles[item.id] = title
        click.echo(f"  {item.id}  {marking(item.label, node.registry):<30} {title}")  # type: ignore[attr-defined]
    return titles


def _sees(node: object, who: str, person: str) -> None:
    from tearline.service import Query
    from tearline.service.views import rendered

    page, reader = node.items.page(person, Query())  # type: ignore[attr-defined]
    click.echo(f"  {who}: {len(page.items)} item(s)")
    for summary in page.items:
        shown, _ = rendered(summary.label, reader.clearance_scheme, node.registry)  # type: ignore[attr-defined]
        partly = "  (the portions they may read)" if summary.partial else ""
        click.echo(f"    {_pad(shown, 36)} {summary.title}{partly}")


@click.command("demo-node")
@click.option("--home", type=click.Path(file_okay=False), default=None,
              help="Where to create the node (default: a new temporary directory).")  # fmt: skip
def demo_node(home: str | None) -> None:
    """A US node on the embedded SQLite default: people, items, what each one sees."""
    from tearline.bootstrap import Officer, create_node
    from tearline.config import Settings

    where = Path(home) if home else Path(tempfile.mkdtemp(prefix="tearline-")) / "us-node"
    node, officer = create_node(Settings.for_init(where, None), nation="USA",
                                officer=Officer("Ann Officer", "TS"))  # fmt: skip
    with node:
        click.echo(f"1. A US node in {where} (SQLite), scheme {node.info.scheme}; "
                   f"security officer {officer.id}")  # fmt: skip
        _heading("2. The security officer registers and vets three people")
        people = _people(node, officer.id)
        _heading("3. The US analyst stores five labelled items (one portion-marked document)")
        _store(node, people["US analyst (TOP SECRET, SI)"])
        _heading("4. What each person may read — the database returns nothing else")
        for who, person in people.items():
            _sees(node, who, person)
        _heading("5. The officer suspends the 極秘 analyst: the next request sees nothing")
        node.people.set_status(officer.id, people["JP analyst (極秘)"], "suspended",
                               reason="demo: pending review")  # fmt: skip
        _sees(node, "JP analyst (極秘)", people["JP analyst (極秘)"])
        found = node.oversight.verify()
        _heading(f"6. The audit chain verifies: {found.valid}, {found.entries} entries "
                 "(every vetting change, item, listing and refusal)")  # fmt: skip
        click.echo(f"\nTry: tearline item list --home {where} --as {people['JP analyst (秘)']}")
        click.echo(f"     tearline audit tail --home {where} --as {officer.id}")
