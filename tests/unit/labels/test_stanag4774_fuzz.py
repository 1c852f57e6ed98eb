"""Fuzzing the 4774 reader with mutated valid labels: duplicated, reordered, renamed and
re-namespaced elements and attributes. Invariant: the mutant is refused with a typed error,
or read as a label decided no more permissively than the label the document was written from,
for every person, action and time."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from copy import deepcopy
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from support.strategies import any_labels, anyone
from tearline.errors import LabelError
from tearline.labels.formats.stanag4774 import NAMESPACE, from_xml, to_xml
from tearline.labels.model import Label
from tearline.policy.decide import decide
from tearline.policy.model import Action, Outcome, Person

CREATED = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)
RANK = {Outcome.DENY: 0, Outcome.DISPLAY_ONLY: 1, Outcome.PERMIT: 2}
MUTATIONS = ("duplicate", "reorder", "rename", "recase", "renamespace", "attribute", "retag")


def _elements(root: ET.Element) -> list[tuple[ET.Element, ET.Element]]:
    """Every (parent, child) pair below the root."""
    return [(parent, child) for parent in root.iter() for child in parent]


def _mutate(root: ET.Element, kind: str, pick: int) -> None:
    pairs = _elements(root)
    parent, child = pairs[pick % len(pairs)]
    local = child.tag.split("}")[-1]
    if kind == "duplicate":
        parent.insert(list(parent).index(child), deepcopy(child))
    elif kind == "reorder":
        children = list(parent)
        for node in children:
            parent.remove(node)
        for node in reversed(children):
            parent.append(node)
    elif kind == "rename":
        child.tag = f"{{{NAMESPACE}}}{local}X"
    elif kind == "recase":
        child.tag = f"{{{NAMESPACE}}}{local.lower()}"
    elif kind == "renamespace":
        child.tag = f"{{urn:example:other}}{local}"
    elif kind == "attribute":
        child.set("Extra", "1")
    elif kind == "retag" and child.get("TagName") is not None:
        child.set("TagName", child.get("TagName", "").upper())


@settings(max_examples=500, deadline=None)
@given(
    any_labels(),
    st.lists(st.tuples(st.sampled_from(MUTATIONS), st.integers(0, 50)), min_size=1, max_size=3),
    anyone(),
    st.sampled_from(list(Action)),
    st.datetimes(datetime(2025, 1, 1), datetime(2028, 6, 1), timezones=st.just(UTC)),
)
def test_mutated_4774_is_refused_or_no_more_permissive(
    label: Label,
    mutations: list[tuple[str, int]],
    person: Person,
    action: Action,
    at: datetime,
) -> None:
    try:
        xml = to_xml(label, CREATED)
    except LabelError:
        return
    root = ET.fromstring(xml)
    for kind, pick in mutations:
        _mutate(root, kind, pick)
    mutant = ET.tostring(root, encoding="unicode")
    try:
        read = from_xml(mutant)
    except LabelError:
        return
    before = decide(person, label, action, at).outcome
    assert RANK[decide(person, read, action, at).outcome] <= RANK[before]
