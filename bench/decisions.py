"""Decision throughput on one realistic mix: the compiled fast path, ``decide()`` and Cedar.

Run ``.venv/bin/python bench/decisions.py [--quick]``. Everything is generated from
``random.Random(2026)``: about 2,000 distinct US markings (plus ~5% labels whose access is a
disjunction, which no marking can express) and 10,000 people, decided at one fixed moment.

Every timed section runs single-threaded, three times, with the garbage collector off (as
``timeit`` does), and reports the best of the three ``time.perf_counter`` runs. Cedar answers
the same rule through cedarpy with a pre-parsed ``PolicySet`` and ``Entities``; its answers,
``decide()``'s and the fast path's are cross-checked (untimed) and any disagreement exits 1.
The last line is ``decisions/s: N; cedar batch decisions/s: M; ratio: R``.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import importlib.util
import json
import math
import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any, NamedTuple, TypeVar

from tearline.errors import LabelError
from tearline.labels.access import AccessExpression
from tearline.labels.gate import admit
from tearline.labels.model import Label, Tier
from tearline.labels.parse import parse, parse_uncached, render
from tearline.labels.schemes import Scheme, default_registry
from tearline.policy.compiled import (
    CompiledLabel,
    CompiledPerson,
    Compiler,
    can_read,
    can_read_pairs,
)
from tearline.policy.decide import clearance_tier, decide
from tearline.policy.model import Action, Authorization, Clearance, Outcome, Person, Status

T = TypeVar("T")

SEED = 2026
AT = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)  # the moment every decision is made at
TODAY = AT.date()
REPEATS = 3
MAX_ALTERNATIVES = 4  # the Cedar encoding carries up to this many disjuncts per label
COLD_PARSE_SECONDS = 0.5  # the cold-parse run repeats the markings to last at least this

# ------------------------------------------------------------------ vocabulary of the mix
LEVELS = {"U": 15, "C": 15, "S": 40, "TS": 30}
CLEARANCES = {"U": 10, "C": 15, "S": 45, "TS": 30}
SCI = {"SI": 40, "TK": 30, "HCS": 10, "SI-G": 8, "KDK": 4, "RSV": 4, "EL": 4}
SAP = ("SAR-AQ", "SAR-BP", "SAR-CD", "SAR-GRN", "SAR-KZ", "SAR-MTN", "SAR-NT", "SAR-RVR", "SAR-TX")
AEA = ("RD", "FRD", "RD-CNWDI")
NEEDS_NOFORN = frozenset({"HCS", "KDK"})
PARTNERS = {
    "JPN": 30, "GBR": 15, "AUS": 12, "CAN": 10, "KOR": 10, "NZL": 6, "DEU": 6, "FRA": 5,
    "ITA": 3, "NLD": 3, "NOR": 3, "PHL": 2, "SGP": 2, "ISR": 2,
    "FVEY": 15, "NATO": 6, "ACGU": 3, "TEYE": 2,
}  # fmt: skip
DISPLAY_TO = ("KOR", "JPN", "PHL", "SGP", "IND", "THA", "DEU", "FRA")
FGI_FROM = ("GBR", "DEU", "FRA", "JPN", "AUS", "CAN")
NATIONALITIES = {"USA": 62, "JPN": 20, "GBR": 4, "AUS": 3, "CAN": 3, "KOR": 3, "DEU": 3}
DUAL_NATIONALS = (("USA", "GBR"), ("USA", "JPN"), ("USA", "KOR"), ("USA", "CAN"), ("JPN", "GBR"))
# Communities of interest: category conditions (as 4774 PERMISSIVE categories give them) are
# the way a US label carries alternatives, conjoined with what its marking requires.
COI = {"coi:MARSEC": 30, "coi:CYBER": 20, "coi:NAVAL": 20, "coi:AIR": 15, "coi:SPACE": 15}
DISJUNCTIONS = (
    "coi:MARSEC|coi:NAVAL",
    "coi:CYBER|coi:SPACE",
    "coi:AIR|coi:NAVAL",
    "(coi:MARSEC&coi:NAVAL)|coi:AIR",
    "coi:CYBER|coi:MARSEC|coi:SPACE",
    "(coi:AIR&coi:SPACE)|(coi:MARSEC&coi:NAVAL)|coi:CYBER",
    "coi:NAVAL|coi:SPACE",
)


class Sizes(NamedTuple):
    markings: int
    persons: int
    pairs: int
    decide: int
    cedar: int
    cedar_single: int
    cached_parses: int
    ceiling: int
    rounds: int = 7
    window: float = 1.0


FULL = Sizes(2_000, 10_000, 1_000_000, 100_000, 100_000, 20_000, 100_000, 1_000_000)
QUICK = Sizes(2_000, 10_000, 100_000, 10_000, 10_000, 2_000, 100_000, 1_000_000, 3, 0.3)


class Row(NamedTuple):
    what: str
    n: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.n / self.seconds if self.seconds > 0 else math.inf


class Mix(NamedTuple):
    markings: list[str]  # distinct canonical marking strings
    labels: list[Label]  # one per marking, then the disjunction labels
    rejected: int  # generated markings the parser refused or that were not canonical
    persons: list[Person]
    pair_persons: list[int]  # index into persons, one per pair
    pair_labels: list[int]  # index into labels, one per pair


# ------------------------------------------------------------------ timing


def _timed(run: Callable[[], T], times: list[float]) -> T:
    gc.collect()
    gc.disable()
    try:
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    finally:
        gc.enable()
    return result


def best_of(run: Callable[[], T], repeats: int = REPEATS) -> tuple[float, T]:
    """The best wall time of ``repeats`` runs of ``run`` and the first run's result."""
    times: list[float] = []
    result = _timed(run, times)
    for _ in range(repeats - 1):
        _timed(run, times)
    return min(times), result


# ------------------------------------------------------------------ markings and labels


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(tuple(weights), tuple(weights.values()))[0]


def _some(rng: random.Random, weights: dict[str, int], most: int) -> set[str]:
    return {_pick(rng, weights) for _ in range(rng.randint(1, most))}


def _code_list(scheme: Scheme, codes: set[str]) -> str:
    """Codes in register order: USA first, then trigraphs A–Z, then tetragraphs A–Z."""
    head = ["USA"] if "USA" in codes else []
    rest = sorted(codes - {"USA"}, key=lambda code: (scheme.nations.is_group(code), code))
    return ", ".join(head + rest)


def _access_tokens(rng: random.Random, level: str) -> set[str]:
    if level == "U":
        return set()
    sci_chance = {"C": 0.05, "S": 0.25, "TS": 0.65}[level]
    tokens = _some(rng, SCI, 3) if rng.random() < sci_chance else set()
    if rng.random() < 0.15:
        tokens |= set(rng.sample(SAP, rng.choice((1, 1, 1, 2))))
    if rng.random() < 0.04:
        tokens.add(rng.choice(AEA))
    return tokens


def _release_controls(rng: random.Random, scheme: Scheme, noforn: bool) -> dict[str, str]:
    """Dissemination: NOFORN, REL TO (with RELIDO / DISPLAY ONLY), RELIDO alone, or nothing."""
    roll = rng.random()
    if noforn or roll < 0.30:
        return {"NF": ""}
    if roll < 0.85:
        rel = {"USA"} | _some(rng, PARTNERS, 4)
        groups = {code for code in rel if scheme.nations.is_group(code)}
        rel -= scheme.nations.expand(groups) - {"USA"}  # a group's members are not repeated
        found = {"REL": _code_list(scheme, rel)}
        if rng.random() < 0.10:
            found["RELIDO"] = ""
        shown = set(DISPLAY_TO) - scheme.nations.expand(rel)
        if shown and rng.random() < 0.10:
            found["DISPLAYONLY"] = _code_list(scheme, set(rng.sample(sorted(shown), 1)))
        return found
    if roll < 0.90:
        return {"RELIDO": ""}
    if roll < 0.93:
        return {"DISPLAYONLY": _code_list(scheme, set(rng.sample(DISPLAY_TO, 2)))}
    return {}


def _controls(rng: random.Random, scheme: Scheme, level: str, access: set[str]) -> dict[str, str]:
    """Every control of one marking: token -> its list text ("" when it has none)."""
    controls: dict[str, str] = {}
    if level == "U" and rng.random() < 0.5:
        controls["FOUO"] = ""
    elif level != "U" and rng.random() < 0.15:
        controls["OC"] = ""
    if rng.random() < 0.03:
        controls[rng.choice(("IMC", "PR"))] = ""
    if level != "U" or rng.random() < 0.4:
        controls |= _release_controls(rng, scheme, bool(access & NEEDS_NOFORN))
    if level != "U" and rng.random() < 0.08:
        controls["FGI"] = " ".join(sorted(set(rng.sample(FGI_FROM, rng.randint(1, 2)))))
    return controls


def _compose(scheme: Scheme, level: str, parts: dict[str, str], portion: bool) -> str:
    """Write the marking in register order: fields by category, tokens by rank."""
    fields: dict[int, list[tuple[tuple[int, int, str], str]]] = {}
    for token, text in parts.items():
        key = scheme.sort_key(token)
        fields.setdefault(key[0], []).append((key, text))
    head = scheme.level(level).portion if portion else scheme.level(level).banner
    marking = "//".join(
        [head, *("/".join(text for _, text in sorted(fields[rank])) for rank in sorted(fields))]
    )
    return f"({marking})" if portion else marking


def _part_text(scheme: Scheme, token: str, listed: str, portion: bool) -> str:
    control = scheme.control(token)
    if control.role == "fgi":
        return f"FGI {listed}"
    if control.pattern is not None:
        return token
    word = control.portion if portion else control.banner
    return f"{word} {listed}" if listed else word


def random_marking(rng: random.Random, scheme: Scheme) -> str:
    """One US marking composed from a level, access controls and dissemination controls."""
    level = _pick(rng, LEVELS)
    access = _access_tokens(rng, level)
    controls = _controls(rng, scheme, level, access)
    portion = rng.random() < 0.25
    parts = {token: _part_text(scheme, token, "", portion) for token in access}
    parts |= {token: _part_text(scheme, token, text, portion) for token, text in controls.items()}
    return _compose(scheme, level, parts, portion)


def build_markings(
    rng: random.Random, count: int, scheme_id: str = "us"
) -> tuple[list[str], list[Label], int]:
    """Generate until ``count`` distinct labels parse and render back to the very text.

    Returns the markings, their labels and how many generated texts were refused.
    """
    scheme = default_registry().scheme(scheme_id)
    generate = random_marking if scheme_id == "us" else random_japanese_marking
    markings: list[str] = []
    labels: list[Label] = []
    seen: set[Label] = set()
    rejected = 0
    while len(labels) < count:
        text = generate(rng, scheme)
        try:
            label = parse(text, scheme_id)
        except LabelError:
            rejected += 1
            continue
        if render(label, form="portion" if text.startswith("(") else "banner") != text:
            rejected += 1  # parsed, but not in canonical form
            continue
        if label not in seen:
            seen.add(label)
            markings.append(text)
            labels.append(label)
    return markings, labels, rejected


# Japanese markings (for cold parsing): grades, designations, handling and release.
JP_LEVELS = {"HI": 30, "GOKUHI": 35, "KIMITSU": 15, "CHUI": 10, "BUNAI": 5, "U": 5}
JP_PARTNERS = {"USA": 40, "GBR": 10, "AUS": 10, "KOR": 8, "CAN": 5, "FRA": 5, "DEU": 5,
               "IND": 4, "PHL": 3, "FVEY": 6, "NATO": 4}  # fmt: skip


def random_japanese_marking(rng: random.Random, scheme: Scheme) -> str:
    """One Japanese marking: a grade, perhaps a designation, handling and release controls."""
    level = _pick(rng, JP_LEVELS)
    parts: dict[str, str] = {}
    if level in ("GOKUHI", "KIMITSU") and rng.random() < 0.3:
        parts["SDS"] = "特定秘密"
    if level == "HI" and rng.random() < 0.1:
        parts["CESI"] = "重要経済安保情報"
    if level in ("HI", "GOKUHI", "KIMITSU") and rng.random() < 0.15:
        parts["OC"] = "ORCON"
    if rng.random() < 0.05:
        parts[rng.choice(("IMC", "PR"))] = rng.choice(("IMCON", "PROPIN"))
    roll = rng.random()
    if roll < 0.35:
        parts["ONLY"] = "JPN ONLY"
    elif roll < 0.9:
        rel = {"JPN"} | _some(rng, JP_PARTNERS, 3)
        rel -= scheme.nations.expand(c for c in rel if scheme.nations.is_group(c)) - {"JPN"}
        head = ["JPN"]
        rest = sorted(rel - {"JPN"}, key=lambda code: (scheme.nations.is_group(code), code))
        parts["REL"] = "REL TO " + ", ".join(head + rest)
        if rng.random() < 0.1:
            parts["RELIDO"] = "RELIDO"
    if level != "U" and rng.random() < 0.08:
        parts["FGI"] = "FGI " + " ".join(sorted(set(rng.sample(FGI_FROM, 2)) - {"JPN"}))
    fields: dict[int, list[tuple[tuple[int, int, str], str]]] = {}
    for token, text in parts.items():
        key = scheme.sort_key(token)
        fields.setdefault(key[0], []).append((key, text))
    head_word = scheme.level(level).banner
    grouped = ("/".join(text for _, text in sorted(fields[rank])) for rank in sorted(fields))
    return "//".join([head_word, *grouped])


def disjunction_labels(rng: random.Random, labels: Sequence[Label], count: int) -> list[Label]:
    """Labels whose access adds a disjunction of communities, admitted through the gate."""
    classified = [label for label in labels if label.tier >= Tier.CONFIDENTIAL]
    seen = set(labels)
    made: list[Label] = []
    while len(made) < count:
        base = rng.choice(classified)
        extra = AccessExpression.parse(rng.choice(DISJUNCTIONS))
        access = base.access.conjoin(extra)
        values = {f.name: getattr(base, f.name) for f in dataclasses.fields(base)}
        label = admit(**{**values, "access": access, "original": ""})
        if 2 <= len(access.dnf()) <= MAX_ALTERNATIVES and label not in seen:
            seen.add(label)
            made.append(label)
    return made


# ------------------------------------------------------------------ people


def _some_day(rng: random.Random, expired: bool) -> date:
    return (
        TODAY - timedelta(days=rng.randint(1, 700))
        if expired
        else TODAY + timedelta(days=rng.randint(1, 1800))
    )


def _expiry(rng: random.Random, expired_share: float, open_share: float) -> date | None:
    roll = rng.random()
    if roll < expired_share:
        return _some_day(rng, expired=True)
    if roll < expired_share + open_share:
        return None
    return _some_day(rng, expired=False)


def _nationalities(rng: random.Random) -> frozenset[str]:
    if rng.random() < 0.02:
        return frozenset(rng.choice(DUAL_NATIONALS))
    return frozenset({_pick(rng, NATIONALITIES)})


def _grants(rng: random.Random, level: str) -> set[str]:
    tokens: set[str] = set()
    sci_chance = {"U": 0.0, "C": 0.02, "S": 0.15, "TS": 0.75}[level]
    if rng.random() < sci_chance:
        tokens |= _some(rng, SCI, 4)
    if level in ("S", "TS") and rng.random() < 0.2:
        tokens |= set(rng.sample(SAP, rng.randint(1, 3)))
    if level in ("S", "TS") and rng.random() < 0.05:
        tokens.add(rng.choice(AEA))
    if level in ("S", "TS") and rng.random() < 0.4:
        tokens |= _some(rng, COI, 3)
    return tokens


def random_person(rng: random.Random, index: int) -> Person:
    """One vetted person: ~3% suspended or revoked, ~5% expired, a few lapsed grants."""
    level = _pick(rng, CLEARANCES)
    roll = rng.random()
    status = Status.SUSPENDED if roll < 0.02 else Status.REVOKED if roll < 0.03 else Status.ACTIVE
    clearance = Clearance(level, "us", _expiry(rng, 0.05, 0.20), status)
    grants = tuple(
        Authorization(token, _expiry(rng, 0.04, 0.30)) for token in sorted(_grants(rng, level))
    )
    return Person(_nationalities(rng), clearance, grants, id=f"p{index:05d}")


def build_mix(sizes: Sizes) -> Mix:
    rng = random.Random(SEED)
    markings, labels, rejected = build_markings(rng, sizes.markings)
    labels += disjunction_labels(rng, labels, round(sizes.markings * 5 / 95))
    persons = [random_person(rng, i) for i in range(sizes.persons)]
    pair_persons = rng.choices(range(len(persons)), k=sizes.pairs)
    pair_labels = rng.choices(range(len(labels)), k=sizes.pairs)
    return Mix(markings, labels, rejected, persons, pair_persons, pair_labels)


# ------------------------------------------------------------------ Cedar encoding

CEDAR_POLICY_HEAD = """\
permit (principal is Person, action == Action::"read", resource is Label)
when {
  principal.tier >= resource.tier &&
  principal.scheme == resource.scheme &&
  (resource.unrestricted || principal.nations.containsAny(resource.releasable)) &&
  principal.auths.containsAll(resource.required) &&
  (resource.alternatives == 0 ||
"""


def cedar_policy() -> str:
    """The fast path's rule in Cedar; disjuncts are optional attributes ``alt0``…``alt3``."""
    alternatives = " ||\n".join(
        f"    (resource has alt{i} && principal.auths.containsAll(resource.alt{i}))"
        for i in range(MAX_ALTERNATIVES)
    )
    return f"{CEDAR_POLICY_HEAD}{alternatives})\n}};\n"


def _person_entity(person: Person) -> dict[str, Any]:
    clearance = person.clearance
    tier = clearance_tier(person, "us", default_registry())
    active = clearance.status is Status.ACTIVE and (
        clearance.expires is None or clearance.expires > TODAY
    )
    held = sorted(a.token for a in person.authorizations if a.expires is None or a.expires > TODAY)
    attrs = {
        "tier": int(tier) if active and tier is not None else -1,
        "scheme": clearance.scheme,
        "nations": sorted(person.nationalities),
        "auths": held,
    }
    return {"uid": {"type": "Person", "id": person.id}, "attrs": attrs, "parents": []}


def _label_entity(index: int, label: Label) -> dict[str, Any]:
    terms = [sorted(term) for term in label.access.dnf()]
    attrs: dict[str, Any] = {
        "tier": int(label.tier),
        "scheme": label.scheme,
        "unrestricted": label.releasable_to is None,
        "releasable": sorted(label.releasable_to or ()),
        "required": terms[0] if len(terms) == 1 else [],
        "alternatives": 0 if len(terms) == 1 else len(terms),
    }
    if len(terms) > 1:
        attrs |= {f"alt{i}": term for i, term in enumerate(terms)}
    return {"uid": {"type": "Label", "id": f"l{index:05d}"}, "attrs": attrs, "parents": []}


def cedar_entities_json(mix: Mix) -> str:
    people = [_person_entity(person) for person in mix.persons]
    labels = [_label_entity(i, label) for i, label in enumerate(mix.labels)]
    return json.dumps(people + labels)


def cedar_requests(mix: Mix, count: int) -> list[dict[str, Any]]:
    """The first ``count`` pairs as Cedar requests (structured uids, no context)."""
    action = {"type": "Action", "id": "read"}
    return [
        {
            "principal": {"type": "Person", "id": mix.persons[p].id},
            "action": action,
            "resource": {"type": "Label", "id": f"l{q:05d}"},
        }
        for p, q in zip(mix.pair_persons[:count], mix.pair_labels[:count], strict=True)
    ]


# ------------------------------------------------------------------ the timed sections


class Compiled(NamedTuple):
    labels: list[CompiledLabel]
    persons: list[CompiledPerson]
    label_seconds: float
    person_seconds: float


def _compile_once(mix: Mix) -> Compiled:
    compiler = Compiler()  # one compiler for both: bit positions are only meaningful within it
    start = time.perf_counter()
    labels = [compiler.label(label) for label in mix.labels]
    middle = time.perf_counter()
    persons = [compiler.person(person, AT) for person in mix.persons]
    return Compiled(labels, persons, middle - start, time.perf_counter() - middle)


def compile_mix(mix: Mix) -> tuple[Compiled, list[Row]]:
    runs = [_timed(lambda: _compile_once(mix), []) for _ in range(REPEATS)]
    label_seconds = min(r.label_seconds for r in runs)
    person_seconds = min(r.person_seconds for r in runs)
    rows = [
        Row("compile labels (Compiler.label)", len(mix.labels), label_seconds),
        Row("compile persons (Compiler.person)", len(mix.persons), person_seconds),
    ]
    return runs[-1], rows


class Results(NamedTuple):
    fast: list[bool]
    per_call: list[bool]
    decided: list[Outcome]
    cedar: list[bool]


def time_fast_path(
    pairs: list[tuple[CompiledPerson, CompiledLabel]],
) -> tuple[list[Row], list[bool], list[bool]]:
    seconds, fast = best_of(lambda: can_read_pairs(pairs))
    call_seconds, per_call = best_of(lambda: [can_read(p, q) for p, q in pairs])
    rows = [
        Row("fast path: can_read_pairs", len(pairs), seconds),
        Row("fast path: can_read, one call per pair", len(pairs), call_seconds),
    ]
    return rows, fast, per_call


def time_decide(mix: Mix, count: int) -> tuple[Row, list[Outcome]]:
    pairs = [
        (mix.persons[p], mix.labels[q])
        for p, q in zip(mix.pair_persons[:count], mix.pair_labels[:count], strict=True)
    ]
    seconds, decisions = best_of(
        lambda: [decide(person, label, Action.READ, AT) for person, label in pairs]
    )
    return Row("decide() with reasons", count, seconds), [d.outcome for d in decisions]


def time_cedar(mix: Mix, sizes: Sizes) -> tuple[list[Row], list[bool]]:
    import cedarpy

    text = cedar_entities_json(mix)
    setup_seconds, entities = best_of(lambda: cedarpy.Entities.from_json_str(text))
    policies = cedarpy.PolicySet.from_str(cedar_policy())
    requests = cedar_requests(mix, sizes.cedar)
    single = requests[: sizes.cedar_single]
    single_seconds, _ = best_of(
        lambda: [cedarpy.is_authorized(r, policies, entities).allowed for r in single]
    )
    batch_seconds, allowed = best_of(
        lambda: [r.allowed for r in cedarpy.is_authorized_batch(requests, policies, entities)]
    )
    rows = [
        Row("cedar setup: Entities.from_json_str", len(entities), setup_seconds),
        Row("cedar: is_authorized, one call each", len(single), single_seconds),
        Row("cedar: is_authorized_batch", len(requests), batch_seconds),
    ]
    return rows, allowed


class HeadToHead(NamedTuple):
    """The fast path and Cedar's batch call on the same pairs, timed alternately."""

    pairs: int
    fast: list[float]  # decisions per second, one per round
    cedar: list[float]

    @staticmethod
    def spread(rates: list[float]) -> str:
        return (
            f"median {statistics.median(rates):>12,.0f}  "
            f"min {min(rates):>12,.0f}  max {max(rates):>12,.0f}"
        )

    @property
    def ratio(self) -> float:
        return statistics.median(self.fast) / statistics.median(self.cedar)


def head_to_head(
    mix: Mix, compiled: Compiled, count: int, rounds: int, window: float
) -> HeadToHead:
    """Both sides decide the same ``count`` pairs, alternating, ``rounds`` times.

    Each turn repeats its side's batch until ``window`` seconds have passed, so a short burst
    of the other tenant of a shared machine moves one turn, not the result; the medians over
    the rounds are compared.
    """
    import cedarpy

    entities = cedarpy.Entities.from_json_str(cedar_entities_json(mix))
    policies = cedarpy.PolicySet.from_str(cedar_policy())
    requests = cedar_requests(mix, count)
    pairs = [
        (compiled.persons[p], compiled.labels[q])
        for p, q in zip(mix.pair_persons[:count], mix.pair_labels[:count], strict=True)
    ]
    sides: dict[str, Callable[[], object]] = {
        "fast": lambda: can_read_pairs(pairs),
        "cedar": lambda: cedarpy.is_authorized_batch(requests, policies, entities),
    }
    rates: dict[str, list[float]] = {"fast": [], "cedar": []}
    for _ in range(rounds):
        for name, side in sides.items():
            rates[name].append(count * _runs_in(side, window))
    return HeadToHead(count, rates["fast"], rates["cedar"])


def _runs_in(side: Callable[[], object], window: float) -> float:
    """Runs per second of ``side``, repeated for at least ``window`` seconds, gc off."""
    gc.collect()
    gc.disable()
    try:
        runs, start = 0, time.perf_counter()
        while True:
            side()
            runs += 1
            elapsed = time.perf_counter() - start
            if elapsed >= window:
                return runs / elapsed
    finally:
        gc.enable()


def _cold_passes(markings: list[str], scheme_id: str) -> int:
    start = time.perf_counter()
    for text in markings:
        parse_uncached(text, scheme_id)
    return max(1, math.ceil(1.25 * COLD_PARSE_SECONDS / (time.perf_counter() - start)))


def time_cold(markings: list[str], scheme_id: str) -> tuple[int, float]:
    """How many markings ``parse_uncached`` read, and the best time, repeated to last.

    The fast reader keeps what each field says; the markings repeat, so after the first pass
    their fields are known (``bench/parsing.py`` also times passes with every field new).
    """
    cold = markings * _cold_passes(markings, scheme_id)
    seconds, _ = best_of(lambda: [parse_uncached(text, scheme_id) for text in cold])
    return len(cold), seconds


def time_parsing(markings: list[str], lookups: int) -> list[Row]:
    cold, cold_seconds = time_cold(markings, "us")
    japanese = build_markings(random.Random(SEED), len(markings), "jp")[0]
    jp_cold, jp_seconds = time_cold(japanese, "jp")
    rng = random.Random(SEED)
    wanted = rng.choices(markings, k=lookups)
    for text in markings:
        parse(text, "us")  # warm the cache
    cached_seconds, _ = best_of(lambda: [parse(text, "us") for text in wanted])
    return [
        Row("markings parsed: parse_uncached (cold)", cold, cold_seconds),
        Row("Japanese markings parsed: parse_uncached (cold)", jp_cold, jp_seconds),
        Row("markings parsed: parse (lru-cached)", lookups, cached_seconds),
    ]


def time_ceiling(pairs: list[tuple[CompiledPerson, CompiledLabel]], count: int) -> Row:
    tiers = [(p.tiers[q.scheme], q.tier) for p, q in pairs[:count]]
    int_pairs = (tiers * math.ceil(count / len(tiers)))[:count]
    seconds, _ = best_of(lambda: [a >= b for a, b in int_pairs])
    return Row("CPython ceiling: [a >= b for a, b in int_pairs]", len(int_pairs), seconds)


# ------------------------------------------------------------------ checking and reporting


def _disagreements(left: Sequence[bool], right: Sequence[bool]) -> list[int]:
    return [i for i, (a, b) in enumerate(zip(left, right, strict=False)) if a != b]


def _describe(mix: Mix, index: int) -> str:
    person = mix.persons[mix.pair_persons[index]]
    label = mix.labels[mix.pair_labels[index]]
    return f"    pair {index}: {person} / {label.original} (access {label.access.text!r})"


def cross_check(mix: Mix, results: Results) -> int:
    """Print disagreements between the four answers; return how many there were."""
    permits = [outcome is Outcome.PERMIT for outcome in results.decided]
    checks = {
        "can_read vs can_read_pairs": _disagreements(results.per_call, results.fast),
        "decide() permit vs can_read": _disagreements(permits, results.fast),
        "cedar allow vs can_read": _disagreements(results.cedar, results.fast),
    }
    total = 0
    for name, wrong in checks.items():
        print(f"cross-check {name}: {len(wrong)} disagreements")
        for index in wrong[:3]:
            print(_describe(mix, index))
        total += len(wrong)
    return total


def print_header(mix: Mix, sizes: Sizes, fast: list[bool]) -> None:
    disjunctive = sum(len(label.access.dnf()) > 1 for label in mix.labels)
    processor = platform.processor() or platform.machine()
    print(f"Python {platform.python_version()} ({platform.python_implementation()})")
    print(f"machine: {processor}, {os.cpu_count()} CPUs, {platform.platform()}")
    print(
        f"mix: {len(mix.markings)} distinct markings ({mix.rejected} generated ones refused "
        f"or not canonical), {len(mix.labels)} labels ({disjunctive} with disjunctive access), "
        f"{len(mix.persons)} persons"
    )
    print(
        f"pairs: {sizes.pairs} fast path, {sizes.decide} decide(), {sizes.cedar} Cedar "
        f"({sizes.cedar_single} single calls); permit rate {sum(fast) / len(fast):.1%}"
    )
    print(f"decided at {AT.isoformat()}; each time is the best of {REPEATS} runs, gc off\n")


def print_table(rows: Sequence[Row]) -> None:
    width = max(len(row.what) for row in rows)
    print(f"{'what':<{width}}  {'n':>10}  {'seconds':>9}  {'per second':>12}")
    print("-" * (width + 39))
    for row in rows:
        print(f"{row.what:<{width}}  {row.n:>10,}  {row.seconds:>9.4f}  {row.rate:>12,.0f}")
    print()


def run(sizes: Sizes) -> int:
    mix = build_mix(sizes)
    compiled, rows = compile_mix(mix)
    pairs = [
        (compiled.persons[p], compiled.labels[q])
        for p, q in zip(mix.pair_persons, mix.pair_labels, strict=True)
    ]
    fast_rows, fast, per_call = time_fast_path(pairs)
    decide_row, decided = time_decide(mix, sizes.decide)
    cedar_rows, cedar = time_cedar(mix, sizes)
    rows += [*fast_rows, decide_row, *cedar_rows]
    rows += time_parsing(mix.markings, sizes.cached_parses)
    rows.append(time_ceiling(pairs, sizes.ceiling))
    print_header(mix, sizes, fast)
    print_table(rows)
    wrong = cross_check(mix, Results(fast, per_call, decided, cedar))
    duel = head_to_head(mix, compiled, sizes.cedar, sizes.rounds, sizes.window)
    print(
        f"head to head on the same {duel.pairs:,} pairs, alternating, {sizes.rounds} rounds of "
        f"at least {sizes.window:.1f} s each side (decisions/s):"
    )
    print(f"  fast path, can_read_pairs   {duel.spread(duel.fast)}")
    print(f"  Cedar is_authorized_batch   {duel.spread(duel.cedar)}")
    print()
    print(
        f"decisions/s: {statistics.median(duel.fast):.0f}; cedar batch decisions/s: "
        f"{statistics.median(duel.cedar):.0f}; ratio: {duel.ratio:.1f}"
    )
    return 1 if wrong else 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="a tenth of the pairs")
    parser.add_argument("--labels", type=int, help="distinct markings (default 2,000)")
    parser.add_argument("--persons", type=int, help="persons (default 10,000)")
    parser.add_argument("--pairs", type=int, help="pairs for the fast path (default 1,000,000)")
    parser.add_argument("--rounds", type=int, help="head-to-head rounds (default 7)")
    parser.add_argument("--window", type=float, help="seconds per head-to-head turn (default 1)")
    args = parser.parse_args(argv)
    if importlib.util.find_spec("cedarpy") is None:
        print("cedarpy is not installed; install the bench extra: pip install -e '.[bench]'")
        return 2
    sizes = QUICK if args.quick else FULL
    chosen = {
        "markings": args.labels,
        "persons": args.persons,
        "pairs": args.pairs,
        "rounds": args.rounds,
        "window": args.window,
    }
    sizes = sizes._replace(**{k: v for k, v in chosen.items() if v is not None})
    if min(sizes.markings, sizes.persons, sizes.pairs, sizes.rounds) < 1 or sizes.window <= 0:
        parser.error("sizes, rounds and the window must be positive")
    sizes = sizes._replace(
        decide=min(sizes.decide, sizes.pairs),
        cedar=min(sizes.cedar, sizes.pairs),
        cedar_single=min(sizes.cedar_single, sizes.pairs),
        ceiling=min(sizes.ceiling, sizes.pairs),
    )
    return run(sizes)


if __name__ == "__main__":
    sys.exit(main())
