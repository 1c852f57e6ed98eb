"""The release guard: before an object leaves through the outbox, its content — not only its
label — is checked, and a hit holds it for a releasing officer instead of giving it out.

Two checks, over the text that would leave (the title, and the content or the portions that
would go):

- **Words that must never leave** (``[release_guard] words`` in ``node.toml``): a word or
  phrase found whole, ignoring case (``NEPTUNE`` matches "Operation Neptune", not
  "Neptunes").
- **Near-duplicates of what the receiver may not read**: text written down from a report the
  receiver may not read (a SECRET//NOFORN one) into one it may. The outgoing text and each
  text the receiver may not read (items and current portions whose label is outside its
  readable set) are cut into shingles (every run of three words, lower-cased); a Jaccard
  similarity of ``[release_guard] similarity`` (default 0.6) or more is a hit. The texts (at
  most :data:`SCAN` of the latest, items and portions each) are indexed by shingle once per
  readable set and kept until an item is added or changed, so an outgoing object is compared
  only with the texts that share a shingle with it.

A hit is kept (``held_releases``: to whom, which item version, why) and audited
(``release.hold``, ``deny``); the object is left out of the page. A releasing officer lists the
holds (``tearline release held``) and approves one (it goes with the next sync: the push
cursor of that peer is moved back before the version) or denies it (it never goes; a new
version is checked afresh); each decision is audited (``release.approve``,
``release.deny``).
"""

from __future__ import annotations

import re
import secrets
import threading
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Final

from tearline.audit import Record
from tearline.errors import Conflict, Denied, NotFound
from tearline.policy.model import Status
from tearline.service.context import Context, Refusal
from tearline.service.principals import PEER_PREFIX
from tearline.service.records import HeldRow, ItemRecord, PersonRecord, Portion, Role

__all__ = ["GuardCheck", "ReleaseGuard", "jaccard", "shingles"]

#: How many of the latest texts the receiver may not read a page is compared with.
SCAN: Final = 20_000
_SIZE: Final = 3
_WORD = re.compile(r"\w+")


def shingles(text: str, size: int = _SIZE) -> frozenset[str]:
    """Every run of ``size`` words of ``text``, lower-cased (the whole text if shorter)."""
    words = [w.lower() for w in _WORD.findall(text)]
    if len(words) < size:
        return frozenset([" ".join(words)]) if words else frozenset()
    return frozenset(" ".join(words[n : n + size]) for n in range(len(words) - size + 1))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """|a ∩ b| / |a ∪ b| (0 when both are empty)."""
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def _words(words: Sequence[str]) -> re.Pattern[str] | None:
    if not words:
        return None
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


class _Index:
    """The texts one readable set may not read, by shingle: each shingle → the texts holding
    it, and each text's item and number of shingles."""

    def __init__(self, texts: Sequence[tuple[str, str]]) -> None:
        self.items: list[str] = []
        self.sizes: list[int] = []
        self.postings: dict[str, list[int]] = {}
        for item_id, text in texts:
            cut = shingles(text)
            if not cut:
                continue
            number = len(self.items)
            self.items.append(item_id)
            self.sizes.append(len(cut))
            for shingle in cut:
                self.postings.setdefault(shingle, []).append(number)

    def closest(self, mine: frozenset[str]) -> tuple[str, float]:
        """The item whose text is most like ``mine`` and the Jaccard similarity (only texts
        sharing a shingle with it are looked at)."""
        shared: dict[int, int] = {}
        for shingle in mine:
            for number in self.postings.get(shingle, ()):
                shared[number] = shared.get(number, 0) + 1
        best, like = 0.0, ""
        for number, common in shared.items():
            score = common / (len(mine) + self.sizes[number] - common)
            if score > best:
                best, like = score, self.items[number]
        return like, best


class GuardCheck:
    """The guard for one reader and one page."""

    def __init__(self, guard: ReleaseGuard, reader: PersonRecord, readable: Sequence[int]) -> None:
        self._guard, self._reader, self._readable = guard, reader, readable
        self._index: _Index | None = None
        self._expected: frozenset[str] = frozenset()
        self._holds: dict[tuple[str, int], HeldRow] = {}

    def expect(self, item_ids: Sequence[str]) -> None:
        """Read the reader's holds of these items (those :meth:`holds` is asked about
        next) in one query rather than one an item."""
        self._holds = self._guard.ctx.store.held_releases_of(self._reader.id, item_ids)
        self._expected = frozenset(item_ids)

    def holds(self, item: ItemRecord, portions: tuple[Portion, ...], at: datetime) -> bool:
        """Whether this version of ``item`` (going with ``portions``) stays held for the
        reader: held before and not approved, or a hit now (kept and audited)."""
        store = self._guard.ctx.store
        if item.id not in self._expected:
            self.expect([item.id])
        before = self._holds.get((item.id, item.version))
        if before is not None:
            return before.decision != "approved"
        body = "\n".join(p.text for p in portions) if portions else item.content
        text = f"{item.title}\n{body}"
        hit = self._hit(text)
        if hit is None:
            return False
        reason, detail = hit
        held = HeldRow("h-" + secrets.token_hex(8), self._reader.id, item.id, item.version,
                       item.modified, reason, detail, at)  # fmt: skip
        store.add_held_release(held)
        record = {"to": self._reader.id, "version": item.version, "reason": reason,
                  "held": held.id, **detail}  # fmt: skip
        self._guard.ctx.audit.write([Record(at, self._reader.id, "release.hold", item.id,
                                            "deny", record)])  # fmt: skip
        return True

    def _hit(self, text: str) -> tuple[str, dict[str, object]] | None:
        pattern = self._guard.pattern
        found = None if pattern is None else pattern.search(text)
        if found is not None:
            return "word", {"word": found.group(0)}
        mine = shingles(text)
        if not mine:
            return None
        if self._index is None:  # once a page
            self._index = self._guard.index(self._readable)
        like, best = self._index.closest(mine)
        if best >= self._guard.similarity:
            return "near-duplicate", {"of": like, "similarity": round(best, 3)}
        return None


class ReleaseGuard:
    """The guard's configuration, its checks, and the holds' use cases."""

    def __init__(self, ctx: Context, words: Sequence[str] = (), similarity: float = 0.6) -> None:
        self.ctx = ctx
        self.pattern = _words(words)
        self.similarity = similarity
        # Per readable set: the items' mark when it was built, and the index. Kept while no
        # item was added or changed (a purge may leave a stale text: it can only hold more).
        self._indexes: dict[tuple[int, ...], tuple[tuple[int, int], _Index]] = {}
        self._lock = threading.Lock()

    def index(self, readable: Sequence[int]) -> _Index:
        """The index of the texts ``readable`` does not reach (call in a transaction)."""
        key = tuple(sorted(readable))
        mark = self.ctx.store.items_mark()
        with self._lock:
            kept = self._indexes.get(key)
        if kept is not None and kept[0] == mark:
            return kept[1]
        built = _Index(self.ctx.store.unreadable_texts(readable, SCAN))
        with self._lock:
            if len(self._indexes) >= 8:
                self._indexes.clear()
            self._indexes[key] = (mark, built)
        return built

    def check(self, reader: PersonRecord, readable: Sequence[int]) -> GuardCheck:
        """The guard for one page given out to ``reader`` (who reads ``readable``)."""
        return GuardCheck(self, reader, readable)

    def _officer(self, actor_id: str, action: str, subject: str, at: datetime) -> PersonRecord:
        actor = self.ctx.actor(actor_id)
        officer = actor.has_role(Role.RELEASING_OFFICER) or (
            action == "release.held" and actor.has_role(Role.SECURITY_OFFICER)
        )
        if not officer or actor.status is not Status.ACTIVE:
            problem = f"{actor.id} is not an active releasing officer"
            raise Refusal(Denied(f"{action} is refused: {problem}", (problem,)),
                          Record(at, actor.id, action, subject, "deny",
                                 {"reason": problem}))  # fmt: skip
        return actor

    def held(self, actor_id: str, *, everything: bool = False, limit: int = 100) -> list[HeldRow]:
        """The holds awaiting a decision (or all of them), newest first — releasing officers
        and security officers.

        Raises:
            Denied: the actor is neither.
        """

        def work() -> list[HeldRow]:
            at = self.ctx.clock()
            actor = self._officer(actor_id, "release.held", "", at)
            found = self.ctx.store.held_releases(not everything, limit)
            self.ctx.audit.write([Record(at, actor.id, "release.held", "", "permit",
                                         {"count": len(found)})])  # fmt: skip
            return found

        return self.ctx.run(work)

    def decide(self, actor_id: str, held_id: str, *, approve: bool, note: str) -> HeldRow:
        """Approve a hold (the object goes with the next sync) or deny it (it never goes) —
        releasing officers only; audited.

        Raises:
            Denied: the actor is not an active releasing officer.
            NotFound: no hold with that id.
            Conflict: it was decided already.
        """
        action = "release.approve" if approve else "release.deny"

        def work() -> HeldRow:
            at = self.ctx.clock()
            actor = self._officer(actor_id, action, held_id[:40], at)
            held = self.ctx.store.held_release_by_id(held_id)
            if held is None:
                raise NotFound(f"no held release {held_id[:40]!r}; `tearline release held`")
            if held.decision is not None:
                raise Conflict(f"held release {held.id} was {held.decision} already")
            decision = "approved" if approve else "denied"
            self.ctx.store.decide_held_release(held.id, decision, actor.id, at, note)
            if approve and held.principal.startswith(PEER_PREFIX):
                self._send_again(held.principal.removeprefix(PEER_PREFIX), held.modified)
            detail = {"held": held.id, "to": held.principal, "version": held.version,
                      "reason": held.reason, "note": note}  # fmt: skip
            self.ctx.audit.write([Record(at, actor.id, action, held.item_id, "done", detail)])
            return replace(held, decision=decision, decided_by=actor.id, decided_at=at,
                           note=note)  # fmt: skip

        return self.ctx.run(work)

    def _send_again(self, peer: str, modified: datetime) -> None:
        """Move the peer's push cursor back before ``modified``: the next push walks from
        there (what the peer holds already is skipped as held)."""
        state = self.ctx.store.sync_state(peer)
        if state is None or state.push_cursor is None:
            return
        before = modified - timedelta(microseconds=1)
        if state.push_cursor > before:
            self.ctx.store.put_sync_state(replace(state, push_cursor=before))
