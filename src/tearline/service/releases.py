"""Tearline releases: a document cut down to the portions an audience may receive.

A releasing officer asks for a release of a document to an audience (``REL TO USA, JPN``, or
one nation). The result is a new document holding only the portions releasable to every
nation of the audience, with a banner rolled up from those, linked to the original; the
decision — who, when, which portions went and why each other one stayed — is audited.
ORCON portions go only with the originator's recorded consent to that audience (see
:mod:`.consents`; the audit record names the consents relied on); RELIDO portions go only on
the officer's explicit decision.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from tearline.audit import Record
from tearline.errors import Conflict, InvalidInput
from tearline.labels.model import Label
from tearline.labels.rollup import rollup
from tearline.labels.schemes import Registry
from tearline.policy.reasons import Reason
from tearline.service.context import Context, Refusal, denied
from tearline.service.drafts import new_item_id
from tearline.service.items import Items
from tearline.service.records import (
    Consent,
    ItemKind,
    ItemRecord,
    PersonRecord,
    Portion,
    Role,
)
from tearline.service.views import marking

__all__ = ["Release", "Releases", "audience_of", "consented"]


@dataclass(frozen=True, slots=True)
class Release:
    """A release made: the new document, and each withheld portion's position and reason
    (as data: ``reason.text(language)`` puts it into words)."""

    document: ItemRecord
    source_id: str
    audience: frozenset[str]
    withheld: tuple[tuple[int, Reason], ...]
    consents: tuple[str, ...] = ()


def audience_of(text: str, registry: Registry) -> frozenset[str]:
    """The nations of ``REL TO USA, JPN`` (or ``USA, JPN``, or ``JPN``), groups expanded.

    Raises:
        InvalidInput: empty, or a code that is neither a nation nor a group.
    """
    body = text.strip()
    if body.upper().startswith("REL TO "):
        body = body[len("REL TO ") :]
    codes = [code.strip() for code in body.split(",") if code.strip()]
    if not codes:
        raise InvalidInput('give the audience as "REL TO USA, JPN" or a nation code')
    nations = registry.nations
    for code in codes:
        if not (nations.is_nation(code) or nations.is_group(code)):
            raise InvalidInput(f"audience: {code[:12]!r} is neither a nation nor a group code")
    return frozenset(nations.expand(codes))


def _withheld_because(
    label: Label, audience: frozenset[str], relido: bool, consent: Consent | None
) -> Reason | None:
    if label.has_control("OC") and consent is None:
        return Reason.orcon_unconsented()
    shown_only = audience & label.displayable_to
    if shown_only:
        return Reason.display_only_audience(sorted(shown_only))
    if label.has_control("RELIDO") and not relido:
        return Reason.relido_undecided()
    if label.releasable_to is not None and not audience <= label.releasable_to:
        return Reason.not_releasable(sorted(audience - label.releasable_to))
    return None


def consented(consents: Sequence[Consent], source: ItemRecord, position: int,
              audience: frozenset[str]) -> Consent | None:  # fmt: skip
    """The consent that lets portion ``position`` of ``source`` (at its current version) go
    to ``audience``: one given for that version, to a superset of the audience, naming the
    portion or all portions."""
    for consent in consents:
        if (
            consent.item_id == source.id
            and consent.version == source.version
            and audience <= consent.audience
            and (consent.portions is None or position in consent.portions)
        ):
            return consent
    return None


class Releases:
    """Use cases of releasing documents."""

    def __init__(self, ctx: Context, items: Items) -> None:
        self._ctx = ctx
        self._items = items

    def release(
        self, actor_id: str, document_id: str, audience: str, *, relido: bool = False
    ) -> Release:
        """Release ``document_id`` to ``audience`` as a new, linked document.

        Raises:
            Denied: the actor is not a releasing officer.
            NotFound: no such document, or one the actor may not read.
            InvalidInput: the audience is malformed.
            Conflict: no portion may go to that audience.
        """
        nations = audience_of(audience, self._ctx.registry)

        def work() -> Release:
            at = self._ctx.clock()
            officer = self._ctx.actor(actor_id)
            self._releasing_officer(officer, document_id, at)
            source = self._items.readable(officer, document_id, at, "document.release")
            consents = self._ctx.store.consents(source.id)
            kept, withheld, used = self._sort(source, nations, relido, consents)
            if not kept:
                raise Conflict(f"no portion of the document may go to {audience.strip()[:60]}")
            made = self._store(officer, source, kept, nations, at)
            self._audit(officer, source, made, nations, withheld, at, used)
            return Release(made, source.id, nations, tuple(withheld), used)

        return self._ctx.run(work)

    def _releasing_officer(self, officer: PersonRecord, document_id: str, at: datetime) -> None:
        if officer.has_role(Role.RELEASING_OFFICER):
            return
        reason = Reason.not_in_role(officer.id, Role.RELEASING_OFFICER)
        problem = reason.text()
        raise Refusal(denied(f"a release is refused: {problem}", reason),
                      Record(at, officer.id, "document.release", document_id[:64], "deny",
                             {"reason": problem}))  # fmt: skip

    def _sort(
        self, source: ItemRecord, nations: frozenset[str], relido: bool,
        consents: list[Consent],
    ) -> tuple[list[tuple[int, Portion]], list[tuple[int, Reason]], tuple[str, ...]]:  # fmt: skip
        if source.kind is not ItemKind.DOCUMENT or not source.portions:
            raise InvalidInput("only a portion-marked document is released portion by portion")
        kept, withheld, used = [], [], []
        for position, portion in enumerate(source.portions):
            consent = None
            if portion.label.has_control("OC"):
                consent = consented(consents, source, position, nations)
            reason = _withheld_because(portion.label, nations, relido, consent)
            if reason is None:
                kept.append((position, portion))
                if consent is not None and consent.id not in used:
                    used.append(consent.id)
            else:
                withheld.append((position, reason))
        return kept, withheld, tuple(used)

    def _store(
        self, officer: PersonRecord, source: ItemRecord, kept: list[tuple[int, Portion]],
        nations: frozenset[str], at: datetime,
    ) -> ItemRecord:  # fmt: skip
        portions = tuple(portion for _, portion in kept)
        banner = rollup([p.label for p in portions], registry=self._ctx.registry)
        text = "\n\n".join(f"{marking(p.label, self._ctx.registry)} {p.text}" for p in portions)
        made = replace(
            source, id=new_item_id(), label=banner, portions=portions, content=text,
            created=at, modified=at, created_by=officer.id, version=1, source_key=None,
            derived_from=f"release of {source.id}",
        )  # fmt: skip
        self._ctx.store.add_items([made])
        audience = "REL TO " + ", ".join(sorted(nations))
        positions = [position for position, _ in kept]
        self._ctx.store.add_release(made.id, source.id, audience, officer.id, at, positions)
        return made

    def _audit(
        self, officer: PersonRecord, source: ItemRecord, made: ItemRecord,
        nations: frozenset[str], withheld: list[tuple[int, Reason]], at: datetime,
        consents: tuple[str, ...],
    ) -> None:  # fmt: skip
        detail = {
            "consents": list(consents),
            "release": made.id, "audience": sorted(nations),
            "released": len(made.portions),
            "withheld": [[position, reason.text()] for position, reason in withheld],
            "banner": marking(made.label, self._ctx.registry),
        }  # fmt: skip
        self._ctx.audit.write([Record(at, officer.id, "document.release", source.id, "done",
                                      detail)])  # fmt: skip
