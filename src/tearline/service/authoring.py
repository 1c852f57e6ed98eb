"""Who may write what: an author writes only labels they may read, and lowering an item's
label (a downgrade) takes a releasing officer.

Each check raises a :class:`Refusal` carrying the error for the caller and the audit record
of the refusal, which the use case writes after rolling back its work.
"""

from __future__ import annotations

from datetime import datetime

from tearline.audit import Record, decision_record
from tearline.errors import Denied
from tearline.labels.lattice import dominates
from tearline.labels.schemes import Registry
from tearline.policy.decide import decide
from tearline.policy.model import Action
from tearline.policy.reasons import Reason, languages
from tearline.service.context import Refusal, denied
from tearline.service.records import ItemRecord, PersonRecord, Role
from tearline.service.views import marking

__all__ = ["check_downgrade", "refuse_write"]


def refuse_write(
    author: PersonRecord, item: ItemRecord, at: datetime, action: str, registry: Registry
) -> None:
    """Refuse ``item`` (audited as ``action``) if ``author`` may not read its label or the
    label of any of its portions: nobody writes above what they may read."""
    labels = [item.label, *(p.label for p in item.portions)]
    for label in labels:
        decision = decide(author.as_person(), label, Action.READ, at, registry=registry)
        if not decision.permitted:
            written = marking(label, registry)
            problem = (
                f"{author.id} may not write {written!r}: it is above what they may read "
                f"({'; '.join(decision.reasons_in('en'))})"
            )
            raise Refusal(
                Denied(
                    problem,
                    decision.reasons_in("en"),
                    {code: decision.reasons_in(code) for code in languages()},
                ),
                decision_record(at, author.id, action, item.id, decision, marking=written),
            )


def check_downgrade(
    author: PersonRecord, before: ItemRecord, after: ItemRecord, at: datetime, registry: Registry
) -> bool:
    """Whether ``after`` lowers ``before``'s label (a downgrade), refused unless
    ``author`` is a releasing officer."""
    if dominates(after.label, before.label, registry=registry):
        return False
    if author.has_role(Role.RELEASING_OFFICER):
        return True
    reason = Reason.downgrade(marking(after.label, registry), marking(before.label, registry))
    problem = reason.text()
    raise Refusal(
        denied(problem, reason),
        Record(at, author.id, "item.downgrade", before.id, "deny", {"reason": problem}),
    )
