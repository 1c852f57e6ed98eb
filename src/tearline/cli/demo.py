"""``tearline demo``: what the label core does today, on a small US–Japan example."""

from __future__ import annotations

import unicodedata
from datetime import UTC, date, datetime

import click

from tearline.labels.parse import normalize, parse, render
from tearline.labels.rollup import rollup
from tearline.labels.schemes import default_registry
from tearline.labels.translate import translate
from tearline.policy.decide import decide
from tearline.policy.model import Action, Authorization, Clearance, Person, Status

__all__ = ["demo"]

#: The demo decides as of this fixed moment, so that it reads the same on any day: the expired
#: analyst's clearance (its last day was 2026-02-28) has expired whatever the wall clock says.
_AT = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)

_DOCUMENT = (
    ("(U)", "Maritime activity summary for the week."),
    ("(S//REL TO USA, JPN)", "Vessel contact observed near the strait at 0412Z."),
    ("(S//REL TO USA, FVEY)", "Pattern of life assessment shared with Five Eyes partners."),
    ("(TS//SI//NF)", "Collection source details."),
)

_US_ANALYST = Person(frozenset({"USA"}), Clearance("TS", "us"), (Authorization("SI"),))
_JP_ANALYST = Person(frozenset({"JPN"}), Clearance("GOKUHI", "jp"))
_UK_ANALYST = Person(frozenset({"GBR"}), Clearance("SECRET", "gb"))

_PEOPLE = (
    ("US analyst", _US_ANALYST),
    ("JP analyst", Person(frozenset({"JPN"}), Clearance("S", "us"))),
    ("UK analyst", Person(frozenset({"GBR"}), Clearance("S", "us"))),
    ("US analyst", Person(frozenset({"USA"}), Clearance("TS", "us", expires=date(2026, 3, 1)))),
    ("US analyst", Person(frozenset({"USA"}), Clearance("S", "us", status=Status.REVOKED))),
)

#: Commands to try after the demo; each runs as shown and exits 0 (a test runs them).
_TRY_NEXT = (
    'tearline label parse "TOP SECRET//SI/TK//NOFORN"',
    'tearline label normalize "secret // nf/oc"',
    'tearline label translate --from jp --to us "特定秘密//REL TO JPN, USA"',
    """tearline access check --person '{"nationality": "JPN", "clearance": "S"}' """
    '"SECRET//REL TO USA, FVEY"',
    'tearline access eval "SI&(TK|G)" --auths SI,TK',
)


def _width(text: str) -> int:
    """Columns ``text`` takes in a terminal: East Asian Wide and Fullwidth characters take 2."""
    return sum(
        0 if unicodedata.combining(char) else 2 if unicodedata.east_asian_width(char) in "WF" else 1
        for char in text
    )


def _pad(text: str, width: int) -> str:
    """``text`` padded with spaces to ``width`` terminal columns (never cut)."""
    return text + " " * max(width - _width(text), 0)


def _clearance(person: Person) -> str:
    """``SECRET (us)``: the clearance's level as its scheme writes it, then the scheme."""
    clearance = person.clearance
    level = default_registry().scheme(clearance.scheme).level(clearance.level)
    return f"{level.banner} ({clearance.scheme})"


def _heading(name: str, person: Person, at: datetime) -> str:
    """``JP analyst — clearance SECRET (us), nationality JPN``, with expiry, status, auths."""
    clearance = person.clearance
    parts = [f"clearance {_clearance(person)}"]
    if clearance.expires is not None:
        verb = "expired" if clearance.expires <= at.date() else "expires"
        parts.append(f"{verb} {clearance.expires.isoformat()}")
    if clearance.status is not Status.ACTIVE:
        parts.append(clearance.status.value)
    parts.append("nationality " + ", ".join(sorted(person.nationalities)))
    if person.authorizations:
        parts.append("authorized " + ", ".join(a.token for a in person.authorizations))
    return f"{name} — " + ", ".join(parts)


@click.command()
def demo() -> None:
    """Show parsing, normalizing, roll-up and decisions on a small US–Japan example."""
    at = _AT
    click.echo(
        f"Decisions are made as of {at.strftime('%Y-%m-%dT%H:%M:%SZ')}, a fixed moment, "
        "so the demo reads the same on any day.\n"
    )
    click.secho("1. Markings parse into one canonical label", bold=True)
    for marking in ("SECRET//REL TO USA, JPN", "(TS//SI/TK//NF)", "//NATO SECRET"):
        label = parse(marking, "us")
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
        result = normalize(sloppy, "us")
        click.echo(f"  {sloppy!r:24} -> {result.marking}   ({'; '.join(result.changes)})")
    click.secho("\n3. A portion-marked document rolls up to its banner", bold=True)
    portions = [parse(mark, "us") for mark, _ in _DOCUMENT]
    banner = render(rollup(portions))
    click.echo(f"  banner: {banner}")
    for mark, text in _DOCUMENT:
        click.echo(f"    {mark:24} {text}")
    click.secho("\n4. Each reader sees exactly the portions they may read", bold=True)
    for name, person in _PEOPLE:
        click.echo(f"  {_heading(name, person, at)}:")
        for (mark, text), label in zip(_DOCUMENT, portions, strict=True):
            decision = decide(person, label, Action.READ, at)
            shown = text if decision.permitted else "[withheld]"
            click.echo(f"    {mark:24} {decision.outcome.value:8} {shown}")
            if not decision.permitted:
                click.echo(f"    {'':24} because {'; '.join(decision.reasons_in('en'))}")
    _allies(at)
    _try_next()


def _allies(at: datetime) -> None:
    click.secho("\n5. Japan marks in its own scheme; each side reads in its own", bold=True)
    for marking in ("SECRET//REL TO USA, JPN", "TOP SECRET//NOFORN"):
        carried = render(parse(marking, "us"), "jp")
        click.echo(f"  US {_pad(marking, 28)} -> for a Japanese reader: {carried}")
    inferred = False
    for marking in ("極秘//REL TO JPN, USA", "特定秘密//REL TO JPN, USA", "注意"):
        translated = translate(parse(marking, "jp"), "us")
        inferred = inferred or translated.inferred
        flags = ", ".join(
            name
            for name, on in (("inferred", translated.inferred), ("mapped up", translated.mapped_up))
            if on
        )
        click.echo(
            f"  JP {_pad(marking, 28)} -> for a US reader: {render(translated.label)}"
            + (f"   ({flags})" if flags else "")
        )
    if inferred:
        click.echo("  (inferred): the equivalence used is our inference, not confirmed by the")
        click.echo(
            "  agreement's text; it translates the label for display but never grants access."
        )
    click.secho("\n6. Decisions across nations, with reasons in the reader's language", bold=True)
    cases = (
        ("JP analyst", _JP_ANALYST, "us", "SECRET//REL TO USA, JPN", "ja"),
        ("JP analyst", _JP_ANALYST, "us", "SECRET//NOFORN", "ja"),
        ("JP analyst", _JP_ANALYST, "gb", "SECRET//UK EYES ONLY", "ja"),
        ("US analyst", _US_ANALYST, "jp", "極秘//REL TO JPN, USA", "en"),
        ("UK analyst", _UK_ANALYST, "jp", "極秘//REL TO JPN, GBR", "en"),
    )
    for name, person, scheme, marking, language in cases:
        decision = decide(person, parse(marking, scheme), Action.READ, at)
        who = f"{name}, {_clearance(person)}"
        click.echo(f"  {_pad(who, 28)} {scheme} {_pad(marking, 26)} {decision.outcome.value}")
        for reason in decision.reasons_in(language):
            click.echo(f"  {'':28}    {reason}")


def _try_next() -> None:
    click.secho("\nWhat to try next", bold=True)
    for command in _TRY_NEXT:
        click.echo(f"  {command}")
    click.echo("  (every command takes --help; the data commands take --json)")
