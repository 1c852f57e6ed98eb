"""The hash chain: any change to any stored field of any entry is found, and named."""

from __future__ import annotations

import hashlib
import itertools
import json
from dataclasses import fields, replace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tearline.audit import GENESIS, Checkpoint, Entry, chain, chain_rows, entry_hash, verify

ROWS = [
    (1_000_000 + n, f"p-{n % 3}", "item.read", f"i-{n}", "permit", f'{{"n":{n}}}')
    for n in range(12)
]


def entries(count: int = 12) -> list[Entry]:
    return list(chain(GENESIS, 0, ROWS[:count]))


def test_a_fresh_chain_verifies() -> None:
    found = verify(entries())
    assert found.valid
    assert found.entries == 12
    assert verify([]).valid


def test_each_entry_carries_the_hash_of_the_one_before() -> None:
    made = entries()
    assert made[0].prev == GENESIS
    assert all(b.prev == a.hash for a, b in itertools.pairwise(made))
    assert [e.seq for e in made] == list(range(1, 13))


def test_chaining_continues_from_a_head() -> None:
    first = entries(5)
    rest = list(chain(first[-1].hash, first[-1].seq, ROWS[5:]))
    assert rest == entries()[5:]


_TEXT_FIELDS = ["actor", "action", "subject", "outcome", "detail", "prev", "hash"]


@given(
    index=st.integers(0, 11),
    name=st.sampled_from(_TEXT_FIELDS),
    position=st.integers(0, 200),
    char=st.characters(codec="utf-8"),
)
def test_one_character_changed_anywhere_is_found_at_that_entry(
    index: int, name: str, position: int, char: str
) -> None:
    made = entries()
    value: str = getattr(made[index], name)
    spot = position % (len(value) + 1)
    changed = value[:spot] + char + value[spot + 1 :]
    if changed == value:
        return
    fields_: dict[str, Any] = {name: changed}
    made[index] = replace(made[index], **fields_)
    found = verify(made)
    assert not found.valid
    assert found.problem == "altered"
    assert found.first_bad == (index + 1 if name != "prev" or index > 0 else 1)


def test_a_changed_time_is_found() -> None:
    made = entries()
    made[4] = replace(made[4], at=made[4].at + 1)
    assert (verify(made).first_bad, verify(made).problem) == (5, "altered")


def test_an_entry_rewritten_with_a_fresh_hash_is_found_at_that_entry() -> None:
    made = entries()
    e = replace(made[6], subject="i-forged")
    digest = entry_hash(e.seq, e.at, e.actor, e.action, e.subject, e.outcome, e.detail, e.prev)
    made[6] = replace(e, hash=digest)
    found = verify(made)
    assert (found.first_bad, found.problem) == (7, "altered")


def test_a_removed_entry_is_named() -> None:
    made = entries()
    del made[3]
    found = verify(made)
    assert (found.first_bad, found.problem) == (4, "removed")


def test_removing_and_renumbering_is_still_found() -> None:
    made = entries()
    del made[3]
    renumbered = [made[i] if i < 3 else replace(made[i], seq=i + 1) for i in range(len(made))]
    found = verify(renumbered)
    assert (found.first_bad, found.problem) == (4, "removed")


def test_an_inserted_entry_is_named() -> None:
    made = entries()
    forged = next(chain(made[4].hash, 5, [(1, "p-x", "item.read", "i-x", "permit", "{}")]))
    tampered = [*made[:5], forged, *(replace(e, seq=e.seq + 1) for e in made[5:])]
    found = verify(tampered)
    assert (found.first_bad, found.problem) == (6, "inserted")


def test_an_entry_slipped_in_without_renumbering_is_named() -> None:
    made = entries()
    forged = next(chain(made[4].hash, 5, [(1, "p-x", "item.read", "i-x", "permit", "{}")]))
    found = verify([*made[:5], forged])
    assert found.valid  # an entry appended with a valid link is the chain's new head…
    assert verify([*made[:5], forged], [Checkpoint(6, made[5].hash, "s", "k")]).problem == (
        "altered"
    )  # …unless a checkpoint signed a different one


def test_a_repeated_sequence_number_is_an_insertion() -> None:
    made = entries()
    found = verify([*made[:5], made[4], *made[5:]])
    assert (found.first_bad, found.problem) == (5, "inserted")


def test_a_chain_that_does_not_start_at_one_lost_its_head() -> None:
    found = verify(entries()[2:])
    assert (found.first_bad, found.problem) == (1, "removed")


def test_checkpoints_reveal_a_cut_tail_and_a_rewritten_history() -> None:
    made = entries()
    signed = [Checkpoint(10, made[9].hash, "sig", "key")]
    assert verify(made, signed).valid
    cut = verify(made[:8], signed)
    assert (cut.first_bad, cut.problem) == (9, "removed")
    rewritten = list(chain(GENESIS, 0, [ROWS[0], *ROWS[1:]]))
    rewritten[9:] = chain(rewritten[8].hash, 9, [(9, "p-9", "x", "y", "z", "{}"), *ROWS[10:]])
    found = verify(rewritten, signed)
    assert (found.first_bad, found.problem) == (10, "altered")


@pytest.mark.parametrize("name", [f.name for f in fields(Entry)])
def test_every_field_is_hashed(name: str) -> None:
    assert name in {"seq", "at", "hash", *_TEXT_FIELDS}


@given(
    prev=st.sampled_from([GENESIS, "ab" * 32]),
    seq=st.integers(0, 10**9),
    at=st.integers(-(10**15), 10**16),
    actor=st.text(max_size=8),
    action=st.text(max_size=8),
    outcome=st.text(max_size=8),
    rows=st.lists(
        st.tuples(st.text(max_size=8), st.sampled_from(["{}", '{"a":"\\"é\\n"}', "\u2028"])),
        max_size=6,
    ),
)
def test_chain_rows_gives_the_entries_chain_gives(
    prev: str, seq: int, at: int, actor: str, action: str, outcome: str,
    rows: list[tuple[str, str]],
) -> None:  # fmt: skip
    fast = chain_rows(prev, seq, (at, actor, action, outcome), rows)
    slow = chain(prev, seq, [(at, actor, action, s, outcome, d) for s, d in rows])
    assert fast == [
        (e.seq, e.at, e.actor, e.action, e.subject, e.outcome, e.detail, e.prev, e.hash)
        for e in slow
    ]


def test_chain_rows_verify_and_an_altered_detail_is_caught() -> None:
    rows = chain_rows(GENESIS, 0, (7, "p-1", "item.create", "done"), [("i-1", "{}")] * 3)
    made = [Entry(*row) for row in rows]
    assert verify(made).valid
    made[1] = replace(made[1], detail='{"x":1}')
    assert verify(made).problem == "altered"


@given(st.integers(min_value=0), st.integers(), st.lists(st.text(), min_size=6, max_size=6))
def test_an_entry_hash_is_over_the_compact_json_array_of_its_fields(
    seq: int, at: int, texts: list[str]
) -> None:
    actor, action, subject, outcome, detail, prev = texts
    fields = [seq, at, actor, action, subject, outcome, detail, prev]
    text = json.dumps(fields, separators=(",", ":"), ensure_ascii=False)
    expected = hashlib.sha256(text.encode()).hexdigest()
    assert entry_hash(seq, at, actor, action, subject, outcome, detail, prev) == expected


@given(st.integers(min_value=2, max_value=12), st.data())
def test_the_signed_head_finds_the_end_cut_or_extended(size: int, data: st.DataObject) -> None:
    entries = list(chain(GENESIS, 0, [(n, "p", "a", "s", "permit", "{}") for n in range(size)]))
    last = entries[-1]
    head = Checkpoint(last.seq, last.hash, "sig", "key")
    assert verify(entries, (), head).valid
    cut = data.draw(st.integers(min_value=0, max_value=size - 1))
    found = verify(entries[:cut], (), head)  # the last size - cut entries deleted
    assert (found.first_bad, found.problem) == (cut + 1, "removed")
    extra = list(chain(last.hash, last.seq, [(99, "p-x", "item.read", "i", "permit", "{}")]))
    found = verify([*entries, *extra], (), head)  # a well-formed entry after the end
    assert (found.first_bad, found.problem, found.entries) == (last.seq + 1, "inserted", size)
    rehashed = list(chain(GENESIS, 0, [(n, "p", "a", "other", "permit", "{}")
                                       for n in range(size)]))  # fmt: skip
    found = verify(rehashed, (), head)  # rewritten throughout, linked up again
    assert (found.first_bad, found.problem) == (last.seq, "altered")
