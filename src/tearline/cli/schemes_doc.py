"""docs/schemes.md, generated from the packaged scheme and agreement files.

Regenerate with ``python -m tearline.cli.schemes_doc > docs/schemes.md``; a test checks it.
"""

from __future__ import annotations

import click

from tearline.labels.model import Tier
from tearline.labels.schemes import Scheme, default_registry
from tearline.labels.schemes.agreements import Agreement

__all__ = ["schemes_doc"]

_INTRO = """# Schemes and equivalences

Generated from `src/tearline/labels/data` by `python -m tearline.cli.schemes_doc`; do not
edit by hand. Each scheme's levels sit on the common tiers; each agreement pairs levels of
two or more schemes, with the evidence for each pairing:

- **treaty-text**: read in the agreement itself;
- **secondary**: reported by a reliable secondary source, the treaty text not yet read;
- **convention**: Tearline's own pairing of "no classification" levels, not a security
  equivalence;
- **inferred**: our inference, to be confirmed. Inferred pairings translate and render labels
  (always upwards: labels map up) but never grant access: decisions use only the others
  (clearances map down).
"""


def _levels_table(schemes: list[Scheme]) -> list[str]:
    lines = [
        "## Levels on the common tiers",
        "",
        "| tier | " + " | ".join(s.id for s in schemes) + " |",
        "|---|" + "---|" * len(schemes),
    ]
    for tier in reversed(Tier):
        cells = [
            " / ".join(
                level.banner + (" (foreign owners)" if level.foreign_only else "")
                for level in s.levels
                if level.tier is tier
            )
            or "—"
            for s in schemes
        ]
        lines.append(f"| {tier.title} | " + " | ".join(cells) + " |")
    return [*lines, ""]


def _scheme_section(scheme: Scheme) -> list[str]:
    lines = [f"### `{scheme.id}` — {scheme.name}", "", f"Source: {scheme.source}", ""]
    lines += ["| level | portion | tier | a clearance reaches | source |", "|---|---|---|---|---|"]
    for level in reversed(scheme.levels):
        lines.append(
            f"| {level.banner} | {level.portion} | {level.tier.title} | "
            f"{level.clearance_tier.title} | {level.source} |"
        )
    return [*lines, ""]


def _agreement_section(agreement: Agreement) -> list[str]:
    lines = [
        f"### `{agreement.id}` — {agreement.title}",
        "",
        f"Schemes: {', '.join(agreement.schemes)}. Source: {agreement.source}",
        "",
        "| " + " | ".join(agreement.schemes) + " | basis | source |",
        "|" + "---|" * (len(agreement.schemes) + 2),
    ]
    for equivalence in agreement.equivalences:
        cells = []
        for scheme_id in agreement.schemes:
            side = equivalence.sides.get(scheme_id)
            if side is None:
                cells.append("—")
                continue
            words = default_registry().scheme(scheme_id).level(side.level).banner
            cells.append(words + "".join(f" + {c}" for c in side.controls))
        basis = f"**{equivalence.basis}**" if equivalence.inferred else equivalence.basis
        lines.append("| " + " | ".join([*cells, basis, equivalence.source]) + " |")
    return [*lines, ""]


def schemes_doc() -> str:
    """The whole page."""
    schemes = list(default_registry().schemes.values())
    lines = [_INTRO, *_levels_table(schemes), "## Schemes", ""]
    for scheme in schemes:
        lines += _scheme_section(scheme)
    lines += ["## Agreements", ""]
    for agreement in default_registry().agreements:
        lines += _agreement_section(agreement)
    return "\n".join(lines)


if __name__ == "__main__":
    click.echo(schemes_doc(), nl=False)
