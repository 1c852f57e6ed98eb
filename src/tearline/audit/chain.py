"""The hash chain: each entry carries the hash of the one before, and the checks over it.

An entry's hash is SHA-256 over the JSON array of every stored field except the hash itself
(``[seq, at, actor, action, subject, outcome, detail, prev]``), each exactly as stored, so a
change of one character in any field — the previous hash included — breaks the chain.
Signed checkpoints (``seq``, ``hash``) let a third party holding the node's public key check
the chain up to each of them, and reveal entries removed from the end. The signed **head**
(the last entry's ``seq`` and ``hash``, signed again on every write, with a message of its
own so a checkpoint cannot stand in for it) closes the chain's open end: entries cut from
the end, or added after it by someone who can compute SHA-256 but not sign, are found.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from json.encoder import encode_basestring
from typing import Literal

__all__ = [
    "GENESIS",
    "AuditRow",
    "Checkpoint",
    "Entry",
    "Finding",
    "chain",
    "chain_rows",
    "checkpoint_message",
    "entry_hash",
    "head_message",
    "verify",
]

#: The ``prev`` of the first entry.
GENESIS = "0" * 64
# The JSON string form ``json.dumps(..., ensure_ascii=False)`` gives each string.
_string = encode_basestring

Problem = Literal["altered", "removed", "inserted"]

#: An entry as a row, fields in the order stored: ``(seq, at, actor, action, subject,
#: outcome, detail, prev, hash)``.
AuditRow = tuple[int, int, str, str, str, str, str, str, str]


@dataclass(frozen=True, slots=True)
class Entry:
    """An audit entry as stored: ``at`` in microseconds since the epoch (UTC)."""

    seq: int
    at: int
    actor: str
    action: str
    subject: str
    outcome: str
    detail: str
    prev: str
    hash: str


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A signed statement that entry ``seq`` had hash ``hash``; ``signature`` is hex."""

    seq: int
    hash: str
    signature: str
    key_id: str


@dataclass(frozen=True, slots=True)
class Finding:
    """The outcome of a verification: ``first_bad`` and ``problem`` are ``None`` if valid."""

    entries: int
    first_bad: int | None = None
    problem: Problem | None = None
    detail: str = ""

    @property
    def valid(self) -> bool:
        """Whether the chain verified."""
        return self.problem is None


def entry_hash(
    seq: int, at: int, actor: str, action: str, subject: str, outcome: str, detail: str, prev: str
) -> str:
    """The hash of an entry with these stored fields (hex)."""
    # The compact JSON array, written directly: the encoder's text exactly, in a third of
    # its time (tests/unit/audit/test_chain.py holds the two to the same bytes).
    text = (f"[{int(seq)},{int(at)},{_string(actor)},{_string(action)},{_string(subject)},"
            f"{_string(outcome)},{_string(detail)},{_string(prev)}]")  # fmt: skip
    return hashlib.sha256(text.encode()).hexdigest()


def _recomputed(entry: Entry) -> str:
    return entry_hash(
        entry.seq, entry.at, entry.actor, entry.action, entry.subject, entry.outcome,
        entry.detail, entry.prev,
    )  # fmt: skip


def checkpoint_message(node_id: str, seq: int, hash_: str) -> bytes:
    """The bytes a checkpoint signs: the node, the sequence number and the entry's hash."""
    return f"tearline-audit-checkpoint:v1:{node_id}:{seq}:{hash_}".encode()


def head_message(node_id: str, seq: int, hash_: str) -> bytes:
    """The bytes the log's signed head signs: the node, the last entry's number and hash."""
    return f"tearline-audit-head:v1:{node_id}:{seq}:{hash_}".encode()


def chain(
    prev: str, seq: int, rows: Iterable[tuple[int, str, str, str, str, str]]
) -> Iterator[Entry]:
    """Chain new entries after ``(seq, prev)``: rows of ``(at, actor, action, subject,
    outcome, detail)`` become entries ``seq + 1, seq + 2, …``."""
    for at, actor, action, subject, outcome, detail in rows:
        seq += 1
        digest = entry_hash(seq, at, actor, action, subject, outcome, detail, prev)
        yield Entry(seq, at, actor, action, subject, outcome, detail, prev, digest)
        prev = digest


def chain_rows(
    prev: str,
    seq: int,
    head: tuple[int, str, str, str],
    rows: Iterable[tuple[str, str]],
) -> list[AuditRow]:
    """Chain entries that share ``head`` — ``(at, actor, action, outcome)`` — after ``(seq,
    prev)``: rows of ``(subject, detail)`` become entry rows ``seq + 1, seq + 2, …``.

    The hashes are those :func:`entry_hash` gives (a test holds them equal), built with
    less work: the shared fields are encoded once, each distinct detail once, and a hash
    (hex digits) needs no escaping as the next entry's ``prev``.
    """
    at, actor, action, outcome = head
    shared = f"{at},{encode_basestring(actor)},{encode_basestring(action)},"
    ending = f",{encode_basestring(outcome)},"
    details: dict[str, str] = {}
    link = encode_basestring(prev)
    sha256 = hashlib.sha256
    out: list[AuditRow] = []
    for subject, detail in rows:
        seq += 1
        encoded = details.get(detail)
        if encoded is None:
            encoded = details[detail] = encode_basestring(detail)
        text = f"[{seq},{shared}{encode_basestring(subject)}{ending}{encoded},{link}]"
        digest = sha256(text.encode()).hexdigest()
        out.append((seq, at, actor, action, subject, outcome, detail, prev, digest))
        prev, link = digest, f'"{digest}"'
    return out


class _Walk:
    """The state of a walk along the chain: the last two entries seen."""

    def __init__(self) -> None:
        self.count = 0
        self.last: Entry | None = None
        self.before_last: Entry | None = None

    def step(self, entry: Entry) -> Finding | None:
        found = self._check(entry)
        self.count += 1
        self.before_last, self.last = self.last, entry
        return found

    def _check(self, entry: Entry) -> Finding | None:
        expected_seq = 1 if self.last is None else self.last.seq + 1
        if entry.seq > expected_seq:
            return Finding(self.count, expected_seq, "removed", "a sequence number is missing")
        if entry.seq < expected_seq:
            return Finding(self.count, entry.seq, "inserted", "a sequence number repeats")
        if _recomputed(entry) != entry.hash:
            return self._mismatch(entry)
        if self.last is None:
            if entry.prev == GENESIS:
                return None
            return Finding(0, entry.seq, "altered", "the first entry does not start the chain")
        if entry.prev == self.last.hash:
            return None
        return self._broken_link(entry, self.last)

    def _mismatch(self, entry: Entry) -> Finding:
        # An entry that hashes right under its neighbour's number was moved: the entries were
        # renumbered around one slipped in before it, or one removed where it now stands.
        if _recomputed(replace(entry, seq=entry.seq - 1)) == entry.hash:
            return Finding(self.count, entry.seq - 1, "inserted", "an entry was slipped in here")
        if _recomputed(replace(entry, seq=entry.seq + 1)) == entry.hash:
            return Finding(self.count, entry.seq, "removed", "an entry was removed here")
        return Finding(self.count, entry.seq, "altered", "the entry does not match its hash")

    def _broken_link(self, entry: Entry, last: Entry) -> Finding:
        # The entry is intact but does not follow the one before it: that one was slipped in
        # (the entry follows the one before it instead) or rewritten with a fresh hash.
        skipped = GENESIS if self.before_last is None else self.before_last.hash
        if entry.prev == skipped:
            return Finding(self.count, last.seq, "inserted", "an entry was slipped into the chain")
        return Finding(self.count, last.seq, "altered", "the entry was rewritten and rehashed")


def verify(
    entries: Iterable[Entry], checkpoints: Sequence[Checkpoint] = (),
    head: Checkpoint | None = None,
) -> Finding:  # fmt: skip
    """Walk the chain in order of ``seq`` and report the first entry that is wrong.

    ``checkpoints`` (whose signatures the caller has already checked) add two checks: the
    entry at each checkpoint must still have the hash signed, and the chain must reach the
    last checkpoint (entries cut from the end are found as ``removed``). ``head`` (the
    log's signed head, its signature checked by the caller) must be the last entry: the
    chain must reach it with the hash signed (else entries were ``removed`` from the end, or
    the chain was rewritten: ``altered``) and go no further (``inserted``).
    """
    walk = _Walk()
    signed = {c.seq: c.hash for c in checkpoints}
    if head is not None:
        signed.setdefault(head.seq, head.hash)
        if signed[head.seq] != head.hash:  # a checkpoint and the head disagree on one entry
            return Finding(0, head.seq, "altered", "the signed head contradicts a checkpoint")
    for entry in entries:
        found = walk.step(entry)
        if found is not None:
            return found
        if head is not None and entry.seq > head.seq:
            return Finding(
                walk.count - 1, entry.seq, "inserted", "an entry follows the signed head"
            )
        if entry.seq in signed and signed[entry.seq] != entry.hash:
            return Finding(
                walk.count, entry.seq, "altered", "the entry differs from its checkpoint"
            )
    reached = 0 if walk.last is None else walk.last.seq
    beyond = [seq for seq in signed if seq > reached]
    if beyond:
        return Finding(walk.count, reached + 1, "removed", "entries a checkpoint signed are gone")
    return Finding(walk.count)
