"""The node's contract, on both backends: people and vetting, items and versions, refusals,
and the audit entry written with everything done."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from support.node import Cast
from tearline.errors import Conflict, Denied, InvalidInput, InvalidPerson, LabelError, NotFound
from tearline.service import Draft, ItemKind, Query


def report(marking: str, title: str = "Vessel report", content: str = "text") -> Draft:
    return Draft(ItemKind.REPORT, title, content, marking=marking)


def titles(world: Cast, person_id: str, kind: ItemKind | None = None) -> list[str]:
    page, _ = world.node.items.page(person_id, Query(kind))
    return [s.title for s in page.items]


def actions(world: Cast) -> list[tuple[str, str]]:
    entries = list(world.node.store.audit_entries())
    return [(e.action, e.outcome) for e in entries]


def test_each_person_lists_exactly_what_they_may_read(world: Cast) -> None:
    items = world.node.items
    items.add(world.us_analyst.id, report("SECRET//REL TO USA, JPN", "shared"))
    items.add(world.us_analyst.id, report("SECRET//NOFORN", "us only"))
    world.clock.advance(minutes=1)
    items.add(world.us_analyst.id, report("UNCLASSIFIED", "open"))
    assert titles(world, world.us_analyst.id) == ["open", "us only", "shared"]
    assert titles(world, world.jp_analyst.id) == ["open", "shared"]
    assert titles(world, world.jp_analyst.id, ItemKind.DOCUMENT) == []


def test_the_japanese_reader_sees_markings_in_their_own_scheme(world: Cast) -> None:
    world.node.items.add(world.us_analyst.id, report("SECRET//REL TO USA, JPN"))
    page, reader = world.node.items.page(world.jp_analyst.id, Query())
    assert reader.clearance_scheme == "jp"
    from tearline.service.views import rendered

    marking, scheme = rendered(page.items[0].label, "jp", world.node.registry)
    assert scheme == "jp"
    assert "極秘" in marking


def test_writing_above_ones_clearance_is_refused_audited_and_nothing_stored(world: Cast) -> None:
    with pytest.raises(Denied, match="above what they may read"):
        world.node.items.add(world.us_analyst.id, report("TOP SECRET//NOFORN"))
    assert titles(world, world.releaser.id) == []
    assert ("item.create", "deny") in actions(world)


def test_missing_forbidden_and_malformed_items_are_the_same_not_found(world: Cast) -> None:
    secret = world.node.items.add(world.us_analyst.id, report("SECRET//NOFORN"))
    problems = []
    for item_id in (secret.id, "i-" + "0" * 20, "../../etc/passwd", "i-" + "x" * 5000):
        with pytest.raises(NotFound) as caught:
            world.node.items.show(world.jp_analyst.id, item_id)
        problems.append(caught.value.as_dict())
    assert all(p == problems[0] for p in problems)
    assert actions(world).count(("item.read", "deny")) == 1
    assert actions(world).count(("item.read", "not-found")) == 3


def test_a_document_shows_each_reader_only_their_portions_and_their_banner(world: Cast) -> None:
    body = "(S//REL TO USA, JPN) shared\n\n(S//NF) us only\n\n(U) open"
    doc = world.node.items.add(world.us_analyst.id, Draft(ItemKind.DOCUMENT, "Doc", body))
    assert world.node.items.show(world.us_analyst.id, doc.id).label == doc.label
    view = world.node.items.show(world.us_analyst.id, doc.id)
    assert [p.text for p in view.portions] == ["shared", "us only", "open"]
    from tearline.service.views import marking

    assert marking(view.label, world.node.registry) == "SECRET//NOFORN"
    # the banner is NOFORN, but the Japanese analyst sees the portions shared with Japan
    jp = world.node.items.show(world.jp_analyst.id, doc.id)
    assert [p.text for p in jp.portions] == ["shared", "open"]
    assert "NOFORN" not in marking(jp.label, world.node.registry)
    listed = world.node.items.page(world.jp_analyst.id, Query())[0].items
    assert [(s.id, s.partial) for s in listed] == [(doc.id, True)]
    hidden = world.node.items.add(
        world.us_analyst.id, Draft(ItemKind.DOCUMENT, "Doc", "(S//NF) us only")
    )
    with pytest.raises(NotFound):  # nothing in it is readable: not even its title shows
        world.node.items.show(world.jp_analyst.id, hidden.id)


def test_a_document_needs_portion_marks(world: Cast) -> None:
    with pytest.raises(InvalidInput, match="portion 2 does not open with its portion mark"):
        world.node.items.add(
            world.us_analyst.id, Draft(ItemKind.DOCUMENT, "Doc", "(U) one\n\nno mark here")
        )


def test_bad_markings_are_refused_with_the_cores_error(world: Cast) -> None:
    with pytest.raises(LabelError):
        world.node.items.add(world.us_analyst.id, report("SECRET//REL TO JPN, USA"))
    with pytest.raises(NotFound, match="unknown scheme"):
        world.node.items.add(
            world.us_analyst.id, Draft(ItemKind.REPORT, "t", "c", marking="S", scheme="xx")
        )


def test_editing_keeps_versions_and_a_downgrade_takes_a_releasing_officer(world: Cast) -> None:
    items = world.node.items
    first = items.add(world.releaser.id, report("SECRET//NOFORN", "v1"))
    with pytest.raises(Denied, match="releasing officer"):
        items.edit(world.us_analyst.id, first.id, report("UNCLASSIFIED", "v2"), reason="x")
    raised = items.edit(world.us_analyst.id, first.id, report("SECRET//NOFORN", "v2"), reason="t")
    lowered = items.edit(world.releaser.id, raised.id, report("SECRET//REL TO USA, JPN", "v3"),
                         reason="releasable after review")  # fmt: skip
    assert lowered.version == 3
    versions = items.versions(world.us_analyst.id, first.id)
    assert [v["title"] for v in versions] == ["v1", "v2", "v3"]
    jp_versions = items.versions(world.jp_analyst.id, first.id)
    assert [v["title"] for v in jp_versions] == ["v3"]  # earlier NOFORN versions stay hidden
    assert ("item.downgrade", "deny") in actions(world)


def test_only_an_active_security_officer_vets(world: Cast) -> None:
    people = world.node.people
    with pytest.raises(Denied, match="not a security officer"):
        people.add(world.us_analyst.id, name="X", nationalities=["USA"], clearance="S")
    with pytest.raises(Denied, match="their own vetting"):
        people.set_status(world.officer.id, world.officer.id, "suspended", reason="test")
    with pytest.raises(InvalidInput, match="no person"):
        people.add("p-nobody", name="X", nationalities=["USA"], clearance="S")
    with pytest.raises(InvalidPerson):
        people.add(world.officer.id, name="X", nationalities=["USA"], clearance="SEKRET")
    assert ("person.add", "deny") in actions(world)


def test_suspension_revocation_and_reinstatement_take_effect_at_once(world: Cast) -> None:
    people, items = world.node.people, world.node.items
    items.add(world.us_analyst.id, report("SECRET//REL TO USA, JPN", "shared"))
    assert titles(world, world.jp_analyst.id) == ["shared"]
    people.set_status(world.officer.id, world.jp_analyst.id, "suspended", reason="incident")
    assert titles(world, world.jp_analyst.id) == []
    people.set_status(world.officer.id, world.jp_analyst.id, "reinstated", reason="cleared")
    assert titles(world, world.jp_analyst.id) == ["shared"]
    people.set_status(world.officer.id, world.jp_analyst.id, "revoked", reason="left")
    assert titles(world, world.jp_analyst.id) == []
    with pytest.raises(Conflict, match="grant it anew"):
        people.set_status(world.officer.id, world.jp_analyst.id, "reinstated", reason="x")
    _record, history = people.show(world.officer.id, world.jp_analyst.id)
    assert [e.event for e in history] == ["granted", "suspended", "reinstated", "revoked"]
    assert all(e.actor == world.officer.id for e in history)


def test_read_in_read_out_and_grant_change_what_is_readable(world: Cast) -> None:
    people, items = world.node.people, world.node.items
    items.add(world.releaser.id, report("TOP SECRET//SI//NOFORN", "si"))
    assert titles(world, world.us_analyst.id) == []
    people.grant(world.officer.id, world.us_analyst.id, clearance="TS", reason="promotion")
    assert titles(world, world.us_analyst.id) == ["si"]  # SI was held already
    people.read_out(world.officer.id, world.us_analyst.id, "SI", reason="left program")
    assert titles(world, world.us_analyst.id) == []
    people.read_in(world.officer.id, world.us_analyst.id, "SI", reason="back", expires=None)
    assert titles(world, world.us_analyst.id) == ["si"]
    renewed = people.grant(world.officer.id, world.us_analyst.id, clearance="TS",
                           expires=date(2028, 1, 1), reason="periodic review")  # fmt: skip
    history = people.show(world.officer.id, renewed.id)[1]
    assert [e.event for e in history][-1] == "renewed"


def test_expiry_by_the_clock_alone_changes_the_next_answer(world: Cast) -> None:
    items = world.node.items
    items.add(world.us_analyst.id, report("SECRET//SI//NOFORN", "si report"))
    assert titles(world, world.us_analyst.id) == ["si report"]  # now cached
    world.clock.now = world.clock.now.replace(year=2027, month=1, day=1, hour=0)
    assert titles(world, world.us_analyst.id) == []  # SI lapsed on 2027-01-01
    with pytest.raises(NotFound):
        items.show(world.us_analyst.id, titles_ids(world, world.releaser.id)[0])


def titles_ids(world: Cast, person_id: str) -> list[str]:
    page, _ = world.node.items.page(person_id, Query())
    return [s.id for s in page.items]


def test_a_label_change_changes_the_next_listing(world: Cast) -> None:
    items = world.node.items
    shared = items.add(world.releaser.id, report("SECRET//REL TO USA, JPN", "shared"))
    assert titles(world, world.jp_analyst.id) == ["shared"]
    items.edit(world.releaser.id, shared.id, report("SECRET//NOFORN", "shared"), reason="upgrade")
    assert titles(world, world.jp_analyst.id) == []


def test_paging_returns_every_readable_item_once(world: Cast) -> None:
    items = world.node.items
    for n in range(7):
        items.add(world.us_analyst.id, report("SECRET//REL TO USA, JPN", f"r{n}"))
        items.add(world.us_analyst.id, report("SECRET//NOFORN", f"nf{n}"))
    seen, cursor = [], None
    while True:
        page, _ = items.page(world.jp_analyst.id, Query(None, 3, cursor))
        seen += [s.title for s in page.items]
        cursor = page.next
        if cursor is None:
            break
    assert sorted(seen) == sorted(f"r{n}" for n in range(7))
    with pytest.raises(InvalidInput, match="cursor"):
        items.page(world.jp_analyst.id, Query(None, 3, "garbage"))


def test_every_operation_is_audited_and_the_chain_verifies(world: Cast) -> None:
    item = world.node.items.add(world.us_analyst.id, report("SECRET//REL TO USA, JPN"))
    world.node.items.show(world.jp_analyst.id, item.id)
    done = actions(world)
    assert done[0] == ("node.create", "done")
    assert ("person.granted", "done") in done
    assert ("item.create", "done") in done
    assert ("item.read", "permit") in done
    found = world.node.oversight.verify()
    assert found.valid
    assert found.entries == len(done)


def test_the_audit_log_is_searchable_by_security_officers_only(world: Cast) -> None:
    item = world.node.items.add(world.us_analyst.id, report("SECRET//REL TO USA, JPN"))
    found = world.node.oversight.search(world.officer.id, subject=item.id)
    assert [e.action for e in found] == ["item.create"]
    with pytest.raises(Denied):
        world.node.oversight.search(world.us_analyst.id)


def test_a_grant_that_has_lapsed_already_is_refused(world: Cast) -> None:
    people = world.node.people
    with pytest.raises(InvalidInput, match="not after today"):
        people.add(world.officer.id, name="X", nationalities=["USA"], clearance="S",
                   expires=date(2020, 1, 1))  # fmt: skip
    with pytest.raises(InvalidInput, match="not after today"):
        people.read_in(world.officer.id, world.us_analyst.id, "TK", expires=date(2026, 11, 30),
                       reason="x")  # fmt: skip
    assert len(people.everyone(world.officer.id)) == 4


def test_if_the_audit_write_fails_the_operation_fails(
    world: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tearline.service.auditing import AuditLog

    def broken(self: AuditLog, records: object) -> int:
        raise OSError("disk full")

    monkeypatch.setattr(AuditLog, "write", broken)
    with pytest.raises(OSError, match="disk full"):
        world.node.items.add(world.us_analyst.id, report("SECRET//REL TO USA, JPN"))
    with pytest.raises(OSError, match="disk full"):
        world.node.people.set_status(world.officer.id, world.jp_analyst.id, "suspended",
                                     reason="x")  # fmt: skip
    monkeypatch.undo()
    assert titles(world, world.releaser.id) == []
    assert world.node.people.show(world.officer.id, world.jp_analyst.id)[0].status == "active"


def test_signed_checkpoints_are_checked(backend_url: str, tmp_path: Path) -> None:
    from support.node import cast

    made = cast(tmp_path / "home", backend_url, checkpoint_every=2)
    try:
        db = made.node.store.db
        checkpoints = made.node.store.checkpoints()
        assert [c.seq for c in checkpoints] == [2, 4]  # init and three people: four entries
        assert made.node.oversight.verify().valid
        forged = "00" * 64
        with db.transaction():
            db.execute("UPDATE audit_checkpoints SET signature = ? WHERE seq = 4", (forged,))
        found = made.node.oversight.verify()
        assert (found.first_bad, found.problem) == (4, "altered")
    finally:
        made.node.close()


def test_two_connections_writing_at_once_keep_one_chain(world: Cast) -> None:
    import threading

    from tearline.bootstrap import open_node

    others = [open_node(world.node.settings, clock=world.clock) for _ in range(3)]
    failures: list[BaseException] = []

    markings = ["SECRET//REL TO USA, JPN", "SECRET//NOFORN", "CONFIDENTIAL//REL TO USA, FVEY"]

    def write(node: object, marking: str) -> None:
        try:
            for n in range(25):
                node.items.add(world.us_analyst.id, report(marking, f"t{n}"))  # type: ignore[attr-defined]
        except BaseException as problem:  # pragma: no cover - reported below
            failures.append(problem)

    threads = [
        threading.Thread(target=write, args=(node, marking))
        for node, marking in zip(others, markings, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for node in others:
        node.close()
    assert failures == []
    found = world.node.oversight.verify()
    assert found.valid
    page, _ = world.node.items.page(world.us_analyst.id, Query(None, 100))
    assert len(page.items) == 75


def test_an_edit_without_a_new_authority_block_keeps_the_old_one(world: Cast) -> None:
    block = "Classified By: J. Smith\nDerived From: Multiple Sources\nDeclassify On: 20361231"
    draft = Draft(ItemKind.REPORT, "dated", "c", marking="SECRET//NOFORN", authority=block)
    first = world.node.items.add(world.us_analyst.id, draft)
    assert first.label.declassify_on == date(2036, 12, 31)
    again = report("SECRET//NOFORN", "dated v2")
    edited = world.node.items.edit(world.us_analyst.id, first.id, again, reason="retitle")
    assert edited.label == first.label
    assert (edited.classified_by, edited.declassify_on) == ("J. Smith", date(2036, 12, 31))
    shown = world.node.items.show(world.us_analyst.id, first.id).item
    assert shown.derived_from == "Multiple Sources"


def test_a_label_interned_in_a_rolled_back_transaction_is_forgotten(
    world: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tearline.service.auditing import AuditLog

    real = AuditLog.write

    def broken(self: AuditLog, records: object) -> int:
        raise OSError("disk full")

    monkeypatch.setattr(AuditLog, "write", broken)
    with pytest.raises(OSError, match="disk full"):
        world.node.items.add(world.us_analyst.id, report("SECRET//NOFORN", "lost"))
    monkeypatch.setattr(AuditLog, "write", real)
    # A new label may now take the id the rolled-back one had; the old one must not reuse it.
    shared = world.node.items.add(world.us_analyst.id, report("SECRET//REL TO USA, JPN", "a"))
    secret = world.node.items.add(world.us_analyst.id, report("SECRET//NOFORN", "b"))
    from tearline.service.views import marking

    registry = world.node.registry
    shown = {
        item.id: marking(world.node.items.show(world.us_analyst.id, item.id).label, registry)
        for item in (shared, secret)
    }
    assert shown == {shared.id: "SECRET//REL TO USA, JPN", secret.id: "SECRET//NOFORN"}
    assert titles(world, world.jp_analyst.id) == ["a"]
