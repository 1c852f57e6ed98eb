"""Per-class pictures: a viewer's tracks come only from what they may read."""

from __future__ import annotations

from collections.abc import Hashable
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from support.picture import HI, LABELS, NOFORN, REL, T0, obs, observations
from tearline.errors import Conflict, InvalidInput, NotFound
from tearline.labels.lattice import dominates
from tearline.labels.model import Label
from tearline.labels.parse import parse, render
from tearline.picture import Observation, Picture, Pictures, fuse, marking
from tearline.policy.classes import ClassTable, PersonClass, can_read_class
from tearline.policy.compiled import Compiler
from tearline.policy.model import Person

LATER = T0 + timedelta(hours=2)


def _everything(picture: Picture) -> set[str]:
    """Every observation id and track id the picture shows, at any time."""
    shown: set[str] = set(picture.track_ids)
    for track_id in picture.track_ids:
        track = picture.track(track_id)
        assert track is not None
        shown.update(track.observations)
        shown.update(point.observation for point in track.history)
    return shown


def _same(a: Picture, b: Picture) -> bool:
    return [a.track(t) for t in a.track_ids] == [b.track(t) for t in b.track_ids]


@settings(max_examples=60, deadline=None)
@given(observations(), st.lists(st.sets(st.sampled_from(LABELS)), min_size=1, max_size=3))
def test_a_class_sees_exactly_the_fusion_of_what_it_may_read(
    found: list[Observation], classes: list[set[Label]]
) -> None:
    pictures = Pictures()
    half = len(found) // 2
    pictures.add(found[:half])
    for n, readable in enumerate(classes):
        pictures.view(n, readable.__contains__)  # opened midway: built from what is there
    pictures.add(found[half:])
    for n, readable in enumerate(classes):
        picture = pictures.picture(n)
        mine = [o for o in found if o.label in readable]
        hidden = {o.id for o in found if o.label not in readable}
        shown = _everything(picture)
        # no observation, and no track named after one, that the class may not read
        assert not shown & hidden
        assert not shown & {f"trk-{h}" for h in hidden}
        assert _same(picture, fuse(mine))
        for track in picture.tracks(T0 + timedelta(seconds=2400)):
            assert set(track.labels) <= readable


@settings(max_examples=40, deadline=None)
@given(observations(), st.data())
def test_relabelling_moves_a_report_between_classes(
    found: list[Observation], data: st.DataObject
) -> None:
    pictures = Pictures()
    pictures.add(found)
    full = pictures.view("full", lambda label: True)
    partial = pictures.view("partial", lambda label: label != NOFORN)
    target = data.draw(st.sampled_from(found))
    new = data.draw(st.sampled_from(LABELS))
    changes = pictures.relabel(target.id, new)
    now = {o.id: (new if o.id == target.id else o.label) for o in found}
    relabelled = [o if o.id != target.id else _with(o, new) for o in found]
    assert _same(full, fuse(relabelled))
    assert _same(partial, fuse([o for o in relabelled if now[o.id] != NOFORN]))
    if new == NOFORN and target.label != NOFORN:
        assert target.id not in _everything(partial)
        assert changes["partial"].removed or changes["partial"].updated


def _with(observation: Observation, label: Label) -> Observation:
    from dataclasses import replace

    return replace(observation, label=label)


def test_withdrawal_reaches_every_class_that_saw_it() -> None:
    pictures = Pictures()
    full = pictures.view("full", lambda label: True)
    partial = pictures.view("partial", lambda label: label != NOFORN)
    pictures.add([obs("a", 0, 34.0, 135.0), obs("s", 30, 34.0, 135.004, label=NOFORN)])
    assert pictures.classes == ("full", "partial")
    changes = pictures.withdraw("s")
    assert set(changes) == {"full"}  # the partial class never had it
    assert full.track_ids == partial.track_ids == ("trk-a",)
    assert pictures.add([obs("a", 0, 34.0, 135.0)]) == {}  # already known: nothing changes
    with pytest.raises(Conflict, match="already in the picture"):
        pictures.add([obs("b", 0, 34.0, 135.0), obs("a", 0, 35.0, 135.0)])
    assert "b" not in full  # refused whole
    with pytest.raises(NotFound):
        pictures.withdraw("s")
    with pytest.raises(NotFound):
        pictures.relabel("s", REL)


def test_a_report_only_one_class_may_read_changes_only_that_class() -> None:
    pictures = Pictures()
    pictures.view("full", lambda label: True)
    pictures.view("partial", lambda label: label != NOFORN)
    changes = pictures.add([obs("s", 0, 34.0, 135.0, label=NOFORN)])
    assert set(changes) == {"full"}
    assert pictures.picture("partial").track_ids == ()
    changes = pictures.relabel("s", REL)
    assert changes["partial"].updated == ("trk-s",)


def test_a_closed_class_must_be_opened_again() -> None:
    pictures = Pictures()
    pictures.view("x", lambda label: True)
    pictures.forget("x")
    pictures.forget("never opened")
    with pytest.raises(NotFound):
        pictures.picture("x")


def test_the_predicate_is_asked_once_per_label() -> None:
    asked: list[Label] = []

    def reads(label: Label) -> bool:
        asked.append(label)
        return True

    pictures = Pictures()
    pictures.view("x", reads)
    pictures.add([obs(f"o{n}", 30 * n, 34.0, 135.0, label=REL) for n in range(5)])
    assert asked == [REL]


def test_visibility_classes_key_the_pictures() -> None:
    at = datetime(2026, 3, 1, tzinfo=UTC)
    compiler, table = Compiler(), ClassTable()
    people = [
        Person.from_data({"nationality": "USA", "clearance": "TS"}),
        Person.from_data({"nationality": "USA", "clearance": "S"}),
        Person.from_data({"nationality": "JPN", "clearance": "極秘", "clearance_scheme": "jp"}),
    ]
    pictures = Pictures()
    reports = [
        obs("u", 0, 34.0, 135.0, label=REL),
        obs("n", 30, 34.0, 135.004, label=NOFORN),
        obs("j", 60, 34.0, 135.008, label=HI),
    ]
    pictures.add(reports)
    keys: list[Hashable] = []
    for person in people:
        # classes are interned: one object per class, kept alive by the table
        found = table.person(compiler.person(person, at))
        key = id(found)
        keys.append(key)

        def reads(label: Label, found: PersonClass = found) -> bool:
            return can_read_class(found, table.label(compiler.label(label)))

        pictures.view(key, reads)
    assert keys[0] == id(table.person(compiler.person(people[0], at)))
    assert len(pictures.classes) == len(set(keys)) == 3
    japanese = pictures.picture(keys[2])
    assert "n" not in _everything(japanese)
    assert {"u", "n", "j"} <= _everything(pictures.picture(keys[0]))


def test_the_marking_rolls_labels_up_in_the_viewers_scheme() -> None:
    (us,) = marking([REL, HI], "us")
    assert us.scheme == "us"
    assert dominates(us, REL)
    assert render(us, "us").startswith("//JOINT SECRET JPN USA")  # of both owners
    (jp,) = marking([HI], "jp")
    assert jp == HI
    green = parse("TLP:GREEN//COMMUNITY:maritime", "tlp")
    both = marking([REL, green, NOFORN], "us")
    assert [label.scheme for label in both] == ["us", "tlp"]
    assert dominates(both[0], NOFORN)
    assert both[1] == green
    with pytest.raises(InvalidInput):
        marking([], "us")
