"""Cold parsing of canonical markings: never-seen markings ``parse_uncached`` reads a second.

Run ``.venv/bin/python bench/parsing.py`` (``--markings 2000 --rounds 9`` by default). The
markings are those of ``bench/decisions.py`` (distinct canonical US banners and portions, and
Japanese markings), each parsed without the label cache. The fast reader keeps what each field
of a marking says (``syntax/capco/fast.py``), so two figures are given per scheme, measured in
alternation, round after round:

- **every field new**: the fast reader's tables (and the access expressions kept with the
  scheme) are emptied before each pass — a bulk file of never-seen markings, sharing only
  the fields they have in common within the file;
- **fields seen before**: the same markings again, the tables kept — a node that has already
  read markings like these (the markings themselves are still parsed from their text).

Each figure is the median of the rounds with the minimum and maximum, in markings per second
of CPU time (``time.thread_time``, which a busy machine disturbs far less than the wall clock).
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import time
from collections.abc import Callable

from decisions import SEED, build_markings
from tearline.labels.parse import parse_uncached
from tearline.labels.schemes import default_registry
from tearline.labels.syntax.capco.fast import forget


def _rate(markings: list[str], scheme_id: str, before: Callable[[], None]) -> float:
    """Markings per CPU second over one pass, ``before`` run first (untimed), gc off."""
    before()
    gc.collect()
    gc.disable()
    try:
        start = time.thread_time()
        for text in markings:
            parse_uncached(text, scheme_id)
        return len(markings) / (time.thread_time() - start)
    finally:
        gc.enable()


def _shown(rates: list[float]) -> str:
    return f"{statistics.median(rates):10,.0f}/s  ({min(rates):,.0f}–{max(rates):,.0f})"


def measure(scheme_id: str, count: int, rounds: int) -> tuple[list[float], list[float]]:
    """Rates with every field new and with fields seen before, ``rounds`` of each, alternating."""
    markings = build_markings(random.Random(SEED), count, scheme_id)[0]
    scheme = default_registry().scheme(scheme_id)
    new: list[float] = []
    seen: list[float] = []
    for _ in range(rounds):
        new.append(_rate(markings, scheme_id, lambda: forget(scheme)))
        seen.append(_rate(markings, scheme_id, lambda: None))
    return new, seen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--markings", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()
    for scheme_id, name in (("us", "US"), ("jp", "Japanese")):
        new, seen = measure(scheme_id, args.markings, args.rounds)
        print(f"{name + ' markings, every field new:':40}{_shown(new)}")
        print(f"{name + ' markings, fields seen before:':40}{_shown(seen)}")


if __name__ == "__main__":
    main()
