"""``tearline demo``: what the label core does today, on a small US–Japan example."""

from __future__ import annotations

from datetime import UTC, date, datetime

import click

from tearline.labels.parse import normalize, parse, render
from tearline.labels.rollup import rollup
from tearline.labels.translate import translate
from tearline.policy.decide import decide
from tearline.policy.model import Action, Authorization, Clearance, Person, Status

__all__ = ["demo"]

_DOCUMENT = (
    ("(U)", "Maritime activity summary for the week."),
    ("(S//REL TO USA, JPN)", "Vessel contact observed near the strait at 0412Z."),
    ("(S//REL TO USA, FVEY)", "Pattern of life assessment shared with Five Eyes partners."),
    ("(TS//SI//NF)", "Collection source details."),
)

_JP_ANALYST = Person(frozenset({"JPN"}), Clearance("GOKUHI", "jp"))
_UK_ANALYST = Person(frozenset({"GBR"}), Clearance("SECRET", "gb"))

_PEOPLE = (
    ("US analyst (TS, SI)", Person(frozenset({"USA"}), Clearance("TS"), (Authorization("SI"),))),
    ("JP analyst (S)", Person(frozenset({"JPN"}), Clearance("S"))),
    ("UK analyst (S)", Person(frozenset({"GBR"}), Clearance("S"))),
    ("US analyst, expired", Person(frozenset({"USA"}), Clearance("TS", expires=date(2026, 3, 1)))),
    ("US analyst, revoked", Person(frozenset({"USA"}), Clearance("S", status=Status.REVOKED))),
)


@click.command()
def demo() -> None:
    """Show parsing, normalizing, roll-up and decisions on a small US–Japan example."""
    at = datetime.now(UTC)
    click.secho("1. Markings parse into one canonical label", bold=True)
    for marking in ("SECRET//REL TO USA, JPN", "(TS//SI/TK//NF)", "//NATO SECRET"):
        label = parse(marking)
        rel = (
            "unrestricted"
            if label.releasable_to is None
            else ", ".join(sorted(label.releasable_to))
        )
        click.echo(
            f"  {marking:28} tier {label.tier.title:12} access {label.access.text or '-':6} "
            f"releasable to {rel}"
        )
    click.secho("\n2. Sloppy markings are normalized, each change listed", bold=True)
    for sloppy in ("s//rel to jpn, usa", "secret // nf/oc"):
        result = normalize(sloppy)
        click.echo(f"  {sloppy!r:24} -> {result.marking}   ({'; '.join(result.changes)})")
    click.secho("\n3. A portion-marked document rolls up to its banner", bold=True)
    portions = [parse(mark) for mark, _ in _DOCUMENT]
    banner = render(rollup(portions))
    click.echo(f"  banner: {banner}")
    for mark, text in _DOCUMENT:
        click.echo(f"    {mark:24} {text}")
    click.secho("\n4. Each reader sees exactly the portions they may read", bold=True)
    for name, person in _PEOPLE:
        click.echo(f"  {name}:")
        for (mark, text), label in zip(_DOCUMENT, portions, strict=True):
            decision = decide(person, label, Action.READ, at)
            shown = text if decision.permitted else "[withheld]"
            click.echo(f"    {mark:24} {decision.outcome.value:8} {shown}")
            if not decision.permitted:
                click.echo(f"    {'':24} because {'; '.join(decision.reasons)}")
    _allies(at)


def _allies(at: datetime) -> None:
    click.secho("\n5. Japan marks in its own scheme; each side reads in its own", bold=True)
    for marking in ("SECRET//REL TO USA, JPN", "TOP SECRET//NOFORN"):
        click.echo(f"  US {marking:28} -> for a Japanese reader: {render(parse(marking), 'jp')}")
    for marking in ("極秘//REL TO JPN, USA", "特定秘密//REL TO JPN, USA", "注意"):
        carried = translate(parse(marking, "jp"), "us")
        flags = ", ".join(
            name
            for name, on in (("inferred", carried.inferred), ("mapped up", carried.mapped_up))
            if on
        )
        click.echo(
            f"  JP {marking:24} -> for a US reader: {render(carried.label)}"
            + (f"   ({flags})" if flags else "")
        )
    click.secho("\n6. Decisions across nations, with reasons in the reader's language", bold=True)
    cases = (
        ("JP analyst (極秘)", _JP_ANALYST, "us", "SECRET//REL TO USA, JPN", "ja"),
        ("JP analyst (極秘)", _JP_ANALYST, "us", "SECRET//NOFORN", "ja"),
        ("JP analyst (極秘)", _JP_ANALYST, "gb", "SECRET//UK EYES ONLY", "ja"),
        ("US analyst (TS)", _PEOPLE[0][1], "jp", "極秘//REL TO JPN, USA", "en"),
        ("UK analyst (SECRET)", _UK_ANALYST, "jp", "極秘//REL TO JPN, GBR", "en"),
    )
    for name, person, scheme, marking, language in cases:
        decision = decide(person, parse(marking, scheme), Action.READ, at)
        click.echo(f"  {name:20} {scheme} {marking:26} {decision.outcome.value}")
        for reason in decision.reasons_in(language):
            click.echo(f"  {'':20}    {reason}")
