"""The originator's consent to release ORCON portions (ORIGINATOR CONTROLLED).

ORCON material goes nowhere without its originator's consent. Here the originator speaks
through a releasing officer of the originating organisation: one whose nationalities include
the document's originating nation and whose organisation is its originating organisation (as
recorded when the document was written). Consent is given for one version of a document, to
an audience, for all its ORCON portions or some of them, with a reference (the originator's
message or file number). A release to that audience, or to part of it, of that version then
carries the consented portions; the release's audit record names the consents it relied on.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime
from typing import Any, NoReturn

from tearline.audit import Record
from tearline.errors import InvalidInput
from tearline.policy.reasons import Reason
from tearline.service.context import Context, Refusal, denied
from tearline.service.fields import printable_text
from tearline.service.items import Items
from tearline.service.records import Consent, ItemKind, ItemRecord, PersonRecord, Role
from tearline.service.releases import audience_of

__all__ = ["Consents", "consent_data"]


def consent_data(consent: Consent) -> dict[str, Any]:
    """A recorded ORCON consent as JSON-ready data (API and CLI alike)."""
    return {
        "id": consent.id, "document": consent.item_id, "version": consent.version,
        "audience": sorted(consent.audience),
        "portions": None if consent.portions is None else list(consent.portions),
        "reference": consent.reference, "given_by": consent.given_by,
        "at": consent.at.isoformat(),
    }  # fmt: skip


class Consents:
    """Use cases of ORCON consent."""

    def __init__(self, ctx: Context, items: Items) -> None:
        self._ctx = ctx
        self._items = items

    def give(
        self, actor_id: str, document_id: str, audience: str, reference: str,
        portions: Sequence[int] | None = None,
    ) -> Consent:  # fmt: skip
        """Record the originator's consent to release ORCON portions of ``document_id``.

        ``portions`` are positions (from 0) of ORCON portions; ``None`` means all of them.

        Raises:
            InvalidInput: the audience, reference or positions are malformed, or a position
                names no ORCON portion (or the document has none).
            Denied: the actor is not a releasing officer of the originating nation and
                organisation.
            NotFound: no such document, or one the actor may not read.
        """
        nations = audience_of(audience, self._ctx.registry)
        reference = reference.strip()
        if not reference:
            raise InvalidInput("a consent needs the originator's reference: --reference TEXT")
        printable_text(reference, "the reference", 200)
        wanted = None if portions is None else tuple(sorted(set(portions)))

        def work() -> Consent:
            at = self._ctx.clock()
            officer = self._ctx.actor(actor_id)
            if not officer.has_role(Role.RELEASING_OFFICER):
                self._refuse(officer, document_id, at,
                             Reason.not_in_role(officer.id, Role.RELEASING_OFFICER))  # fmt: skip
            source = self._items.readable(officer, document_id, at, "document.consent")
            self._originator(officer, source, at)
            _check_portions(source, wanted)
            consent = Consent(
                id="c-" + secrets.token_hex(10), item_id=source.id, version=source.version,
                audience=nations, portions=wanted, reference=reference, given_by=officer.id,
                at=at,
            )  # fmt: skip
            self._ctx.store.add_consent(consent)
            detail = {"consent": consent.id, "version": source.version,
                      "audience": sorted(nations), "reference": reference,
                      "portions": None if wanted is None else list(wanted)}  # fmt: skip
            self._ctx.audit.write(
                [Record(at, officer.id, "document.consent", source.id, "done", detail)]
            )
            return consent

        return self._ctx.run(work)

    def of(self, actor_id: str, document_id: str) -> list[Consent]:
        """The consents recorded for a document the actor may read (audited).

        Raises:
            NotFound: no such document, or one the actor may not read.
        """

        def work() -> list[Consent]:
            at = self._ctx.clock()
            reader = self._ctx.actor(actor_id)
            source = self._items.readable(reader, document_id, at, "document.consents")
            found = self._ctx.store.consents(source.id)
            detail = {"consents": [c.id for c in found]}
            self._ctx.audit.write(
                [Record(at, reader.id, "document.consents", source.id, "permit", detail)]
            )
            return found

        return self._ctx.run(work)

    def _originator(self, officer: PersonRecord, source: ItemRecord, at: datetime) -> None:
        if (
            source.originator_nation in officer.nationalities
            and officer.organisation == source.originator_org
        ):
            return
        origin = source.originator_nation + (
            f" ({source.originator_org})" if source.originator_org else ""
        )
        self._refuse(officer, source.id, at, Reason.not_originator(officer.id, origin))

    def _refuse(self, officer: PersonRecord, subject: str, at: datetime, reason: Reason
                ) -> NoReturn:  # fmt: skip
        problem = reason.text()
        raise Refusal(
            denied(f"an ORCON consent is refused: {problem}", reason),
            Record(at, officer.id, "document.consent", subject[:64], "deny", {"reason": problem}),
        )


def _check_portions(source: ItemRecord, wanted: tuple[int, ...] | None) -> None:
    if source.kind is not ItemKind.DOCUMENT or not source.portions:
        raise InvalidInput("consent is given for the portions of a portion-marked document")
    orcon = {n for n, p in enumerate(source.portions) if p.label.has_control("OC")}
    if not orcon:
        raise InvalidInput("the document has no ORCON portion: no consent is needed")
    for position in wanted or ():
        if position not in orcon:
            raise InvalidInput(
                f"portions: {position} is not the position (from 0) of an ORCON portion; "
                f"ORCON portions are at {', '.join(str(n) for n in sorted(orcon))}"
            )
    if wanted is not None and not wanted:
        raise InvalidInput("portions: name at least one position, or leave it out for all")
