"""Time-zone-aware buddy groups: a season's shares of groups who can meet, and the pairing cost.

Season. A pool spread over the world's time zones (weighted like an English-speaking online
community: the Americas, Europe and Africa, India, East Asia, Oceania; real IANA zones, so summer
time starts and ends during the season) is paired for 26 weekly rounds from Monday 5 January
2026, twice on the same pool and do-not-pair lists (1% of members with one entry): once with
members' UTC offsets (``zones``, as a round does by default) and once without (today's pairing,
``timezones:ignore``). Each run keeps its own history (12 rounds, the 6-round window) fed back
round by round, as a community would. For every round it prints the share of groups whose
members have at least 4 waking hours (09:00-21:00 local, on the round's date) in common, the
repeats (pairs grouped again within the window: every one unavoidable for that round's pool,
since repeats outrank time zones) and anyone left out.

Speed. ``pair_round`` alone on 100,000 members with 12 rounds of history, with and without
zones, runs interleaved (off, on, off, on, ...) in one process so both see the same machine;
medians and ranges of each, and the ratio of the medians. With ``--baseline``, an older
pairing module (before time zones) is timed in the same rotation, as "before".

    python -m bench.timezones [--members 60 500 5000] [--size 2] [--rounds 26]
                              [--speed 100000] [--runs 7] [--only season|speed]
                              [--baseline older/pairing.py]
"""

from __future__ import annotations

import argparse
import importlib.util
import itertools
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from types import ModuleType

from bench.common import machine
from bot.buddies.pairing import (
    DEFAULT_WINDOW,
    SHARED_HOURS,
    History,
    Pairing,
    pair_code,
    pair_round,
    shared_waking_minutes,
)
from bot.buddies.plan import offsets_at
from bot.buddies.rule import HISTORY_ROUNDS

# Where members are, in shares of the pool.
WORLD = {
    "America/Los_Angeles": 10,
    "America/Denver": 3,
    "America/Chicago": 8,
    "America/New_York": 14,
    "America/Mexico_City": 3,
    "America/Sao_Paulo": 5,
    "Europe/London": 10,
    "Europe/Berlin": 10,
    "Europe/Helsinki": 3,
    "Africa/Lagos": 3,
    "Africa/Nairobi": 2,
    "Asia/Dubai": 2,
    "Asia/Kolkata": 8,
    "Asia/Singapore": 4,
    "Asia/Shanghai": 3,
    "Asia/Tokyo": 3,
    "Australia/Sydney": 4,
    "Pacific/Auckland": 2,
    "Pacific/Honolulu": 1,
}
FIRST_ROUND = date(2026, 1, 5)  # a Monday; rounds at 09:00 London time
AVOIDING = 0.01


@dataclass(frozen=True)
class RoundFigures:
    day: date
    groups: int
    share: float  # groups whose members share >= SHARED_HOURS waking hours
    repeats: int
    left_out: int


def world_pool(
    members: int, seed: int
) -> tuple[list[int], dict[str, list[int]], list[tuple[int, int]]]:
    rng = random.Random(seed)
    pool = list(range(1, members + 1))
    names = list(WORLD)
    chosen = rng.choices(names, weights=[WORLD[n] for n in names], k=members)
    by_zone: dict[str, list[int]] = {}
    for member, name in zip(pool, chosen, strict=True):
        by_zone.setdefault(name, []).append(member)
    avoid = [(a, rng.randint(1, members)) for a in rng.sample(pool, int(members * AVOIDING))]
    return pool, by_zone, avoid


def share_meeting(pairing: Pairing, offsets: dict[int, int]) -> float:
    if not pairing.groups:
        return 1.0
    enough = SHARED_HOURS * 60
    met = sum(1 for g in pairing.groups if shared_waking_minutes(offsets[m] for m in g) >= enough)
    return met / len(pairing.groups)


def season(members: int, size: int, rounds: int, aware: bool) -> list[RoundFigures]:
    pool, by_zone, avoid = world_pool(members, seed=members)
    base = members + 1
    codes: list[list[int]] = []  # latest first
    figures = []
    for number in range(rounds):
        day = FIRST_ROUND + timedelta(weeks=number)
        instant = datetime(day.year, day.month, day.day, 9, tzinfo=UTC)
        offsets = offsets_at(by_zone, instant)
        result = pair_round(
            pool,
            History.from_codes(codes[:HISTORY_ROUNDS], base),
            avoid,
            size=size,
            seed=f"season:{number}",
            zones=offsets if aware else None,
        )
        codes.insert(
            0,
            [pair_code(a, b, base) for g in result.groups for a, b in itertools.combinations(g, 2)],
        )
        figures.append(
            RoundFigures(
                day,
                len(result.groups),
                share_meeting(result, offsets),
                len(result.repeats),
                len(result.unplaced),
            )
        )
    return figures


def run_season(members: int, size: int, rounds: int) -> None:
    aware = season(members, size, rounds, aware=True)
    today = season(members, size, rounds, aware=False)
    print(f"\n{members:,} members, groups of {size}, {rounds} rounds:")
    print(
        "| round | date | groups | ≥ 4 h shared, tz-aware | ≥ 4 h shared, today "
        "| repeats, tz-aware | repeats, today | left out (aware / today) |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for number, (a, t) in enumerate(zip(aware, today, strict=True), 1):
        print(
            f"| {number} | {a.day:%d %b} | {a.groups} | {a.share:.0%} | {t.share:.0%} "
            f"| {a.repeats} | {t.repeats} | {a.left_out} / {t.left_out} |"
        )
    for label, figures in (("tz-aware", aware), ("today", today)):
        shares = [f.share for f in figures]
        print(
            f"{label}: share median {statistics.median(shares):.0%} "
            f"(lowest {min(shares):.0%}, highest {max(shares):.0%}), "
            f"repeats {sum(f.repeats for f in figures)} in all, "
            f"left out {sum(f.left_out for f in figures)} in all"
        )


def history_for(pool: list[int], size: int) -> History:
    base = len(pool) + 1
    codes: list[list[int]] = []
    for number in range(HISTORY_ROUNDS):
        result = pair_round(pool, History.from_codes(codes, base), size=size, seed=number)
        codes.insert(
            0,
            [pair_code(a, b, base) for g in result.groups for a, b in itertools.combinations(g, 2)],
        )
    return History.from_codes(codes, base)


def load_baseline(path: str) -> ModuleType:
    """An older ``bot/buddies/pairing.py`` (for example ``git show REV:bot/buddies/pairing.py``
    saved to a file), timed beside the current one as "before"."""
    spec = importlib.util.spec_from_file_location("baseline_pairing", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def run_speed(members: int, size: int, runs: int, baseline: str | None) -> None:
    pool, by_zone, avoid = world_pool(members, seed=members)
    started = time.perf_counter()
    history = history_for(pool, size)
    print(
        f"\nspeed: {members:,} members, groups of {size}, built 12 rounds of history in "
        f"{time.perf_counter() - started:.1f}s"
    )
    instant = datetime(2026, 3, 30, 9, tzinfo=UTC)
    started = time.perf_counter()
    offsets = offsets_at(by_zone, instant)
    offsets_time = time.perf_counter() - started

    def current(zones: dict[int, int] | None) -> Callable[[str], Pairing]:
        def pair(seed: str) -> Pairing:
            return pair_round(
                pool, history, avoid, size=size, window=DEFAULT_WINDOW, seed=seed, zones=zones
            )

        return pair

    variants: dict[str, Callable[[str], Pairing]] = {}
    if baseline is not None:
        old = load_baseline(baseline)
        old_history = old.History.from_codes(history.rounds, history.base)

        def before(seed: str) -> Pairing:
            result: Pairing = old.pair_round(
                pool, old_history, avoid, size=size, window=DEFAULT_WINDOW, seed=seed
            )
            return result

        variants["before"] = before
    variants["today"] = current(None)
    variants["tz-aware"] = current(offsets)
    times: dict[str, list[float]] = {label: [] for label in variants}
    cpu: dict[str, list[float]] = {label: [] for label in variants}
    shares: dict[str, list[float]] = {label: [] for label in variants}
    for run in range(runs + 1):  # the first round of runs warms up and is not counted
        for label, pair in variants.items():
            started, cpu_started = time.perf_counter(), time.process_time()
            result = pair(f"speed:{run}")
            elapsed, cpu_time = time.perf_counter() - started, time.process_time() - cpu_started
            assert not result.repeats and not result.unplaced
            if run:
                times[label].append(elapsed)
                cpu[label].append(cpu_time)
                shares[label].append(share_meeting(result, offsets))
    for label in variants:
        t, c = times[label], cpu[label]
        print(
            f"  {label:8}: pair {statistics.median(t) * 1000:.0f} ms median "
            f"({min(t) * 1000:.0f}-{max(t) * 1000:.0f} ms over {len(t)} runs; CPU "
            f"{statistics.median(c) * 1000:.0f} ms, {min(c) * 1000:.0f}-{max(c) * 1000:.0f}), "
            f"≥ 4 h shared in {statistics.median(shares[label]):.1%} of groups"
        )
    reference = "before" if "before" in variants else "today"
    for label in variants:
        if label != reference:
            wall = statistics.median(times[label]) / statistics.median(times[reference])
            used = statistics.median(cpu[label]) / statistics.median(cpu[reference])
            print(f"  {label} / {reference}: {wall:.2f}x wall, {used:.2f}x CPU (medians)")
    print(f"  the round's offsets (offsets_at) took {offsets_time * 1000:.0f} ms")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, nargs="+", default=[60, 500, 5_000])
    parser.add_argument("--size", type=int, choices=[2, 3, 4], default=2)
    parser.add_argument("--rounds", type=int, default=26)
    parser.add_argument("--speed", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--only", choices=["season", "speed"])
    parser.add_argument("--baseline", help="an older bot/buddies/pairing.py to time beside")
    args = parser.parse_args(argv)
    print(f"machine: {machine()}")
    if args.only != "speed":
        for members in args.members:
            run_season(members, args.size, args.rounds)
    if args.only != "season":
        run_speed(args.speed, args.size, args.runs, args.baseline)


if __name__ == "__main__":
    main()
