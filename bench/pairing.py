"""Pairing benchmark: one buddy round for a pool of N members with 12 rounds of history.

For each pool size, a SQLite (or PostgreSQL) store is filled with N members who joined, 1% of
them with a do-not-pair entry, and 12 earlier rounds of groups (made by Kith's own pairing, so
the history is what a real community accumulates). The timed part is exactly the work a round
does before it sends anything, end to end, through the store interface:

    load the eligible pool → load 12 rounds of history → load do-not-pair lists → pair

reported as "load + pair", with "save" (writing the round, its groups and members) beside it.
Each run pairs a different round date (a different seed) in a transaction that is rolled back,
so every run sees the same store. Peak memory is measured in a separate run with tracemalloc
(which slows Python down, so it is not timed). Repeats are pairs grouped again within the repeat
window; with a repeat-free grouping found, none of them can be avoidable.

    python -m bench.pairing [--members 1000 10000 100000] [--runs 5] [--size 2]
                            [--engine sqlite|postgresql]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import random
import tempfile
import time
import tracemalloc
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bench.common import machine, median
from bench.scheduler import drop, fresh_url
from bot.app import build_kith
from bot.buddies.pairing import History, Pairing, pair_code, pair_round
from bot.buddies.plan import load_and_pair
from bot.buddies.rounds import save_round
from bot.buddies.rule import HISTORY_ROUNDS, KIND, ROUND
from bot.context import Services
from bot.programmes import Programme, get_programme
from bot.scheduling.clock import SimulatedClock, to_epoch
from bot.scheduling.occurrences import DeliveryContext, Occurrence
from bot.store.base import Database
from tests.fakes import FakeChat

COMMUNITY = "bench:c1"
FIRST_ROUND = date(2026, 1, 5)  # a Monday; history rounds are the 12 Mondays from here
NOW = datetime(2026, 3, 30, 9, 0, tzinfo=UTC)
AVOIDING = 0.01  # share of members with one do-not-pair entry


class Rollback(Exception):
    """Raised to undo a timed run's transaction."""


@dataclass
class Run:
    load_and_pair: float
    save: float
    cpu: float  # CPU seconds of load + pair (all threads): what the run cost, whatever the load
    pairing: Pairing


async def seed(db: Database, services: Services, members: int, size: int) -> Programme:
    """N members, a few do-not-pair lists and 12 rounds of history, written in bulk."""
    config = {"every": 1, "day": 0, "time": "09:00", "size": size, "window": 6}
    config |= {"anchor": FIRST_ROUND.isoformat(), "grace_minutes": 120}
    rng = random.Random(members)
    async with db.transaction() as tx:
        await tx.execute(
            "INSERT INTO communities (id, platform, tz, created_at) VALUES (?, 'bench', 'UTC', 0)",
            COMMUNITY,
        )
        await tx.execute(
            "INSERT INTO programmes (community_id, kind, channel_key, tz, config,"
            " materialised_until, created_at, updated_at) VALUES (?, ?, ?, 'UTC', ?, ?, 0, 0)",
            COMMUNITY,
            KIND,
            f"{COMMUNITY}:buddies",
            json.dumps(config),
            to_epoch(NOW + timedelta(days=365)),  # the scheduler never lays out anything here
        )
        await tx.executemany(
            "INSERT INTO buddy_members (id, community_id, user_key, joined_at, updated_at)"
            " VALUES (?, ?, ?, 0, 0)",
            [(i, COMMUNITY, f"{COMMUNITY}:u{i}") for i in range(1, members + 1)],
        )
        avoiders = rng.sample(range(1, members + 1), int(members * AVOIDING))
        await tx.executemany(
            "INSERT INTO buddy_avoid (community_id, user_key, avoid_key, created_at)"
            " VALUES (?, ?, ?, 0) ON CONFLICT (community_id, user_key, avoid_key) DO NOTHING",
            [
                (COMMUNITY, f"{COMMUNITY}:u{a}", f"{COMMUNITY}:u{rng.randint(1, members)}")
                for a in avoiders
            ],
        )
    programme = await get_programme(db, COMMUNITY, KIND)
    assert programme is not None
    pool = list(range(1, members + 1))
    codes: list[list[int]] = []  # latest first
    group_id = 0
    for number in range(1, HISTORY_ROUNDS + 1):
        day = FIRST_ROUND + timedelta(weeks=number - 1)
        result = pair_round(pool, History.from_codes(codes, members + 1), size=size, seed=number)
        codes.insert(
            0,
            [
                pair_code(a, b, members + 1)
                for g in result.groups
                for a, b in itertools.combinations(g, 2)
            ],
        )
        async with db.transaction() as tx:
            due = to_epoch(datetime.combine(day, datetime.min.time(), UTC))
            occurrence = await tx.fetchval(
                "INSERT INTO occurrences (programme_id, community_id, kind, slot, due_at,"
                " ready_at, state) VALUES (?, ?, ?, ?, ?, ?, 'sent') RETURNING id",
                programme.id,
                COMMUNITY,
                ROUND,
                day.isoformat(),
                due,
                due,
            )
            await tx.execute(
                "INSERT INTO buddy_rounds (occurrence_id, programme_id, community_id, slot,"
                " number, started_at, ends_at, size, pool, paired, unplaced, repeats, kept_apart,"
                " starter_key, starter_text, followup_at, tallied)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, 0, 'builtin:x', 'x', ?, 1)",
                occurrence,
                programme.id,
                COMMUNITY,
                day.isoformat(),
                number,
                due,
                due + 7 * 86400,
                size,
                members,
                members,
                due + 6 * 86400,
            )
            first = group_id + 1
            group_id += len(result.groups)
            await tx.executemany(
                "INSERT INTO buddy_groups (id, round_id, community_id, number, intro_state,"
                " nudge_state, followup_state) VALUES (?, ?, ?, ?, 'sent', 'sent', 'sent')",
                [(first + i, occurrence, COMMUNITY, i + 1) for i in range(len(result.groups))],
            )
            await tx.executemany(
                "INSERT INTO buddy_group_members (group_id, member_id, reached, asked)"
                " VALUES (?, ?, 1, 1)",
                [(first + i, member) for i, group in enumerate(result.groups) for member in group],
            )
    for table in ("buddy_members", "buddy_groups"):
        await db.after_bulk_copy(table)  # ids were given explicitly above
    if db.dialect == "postgresql":
        await db.execute("ANALYZE")  # what autovacuum does after a bulk load
    return programme


async def one_run(services: Services, programme: Programme, run: int, *, save: bool = True) -> Run:
    """Pair the round after the history (a different date, so a different seed, each run)."""
    db = services.db
    day = FIRST_ROUND + timedelta(weeks=HISTORY_ROUNDS + run)
    due = datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=9)
    outcome: Run | None = None
    try:
        async with db.transaction() as tx:
            started, cpu_started = time.perf_counter(), time.process_time()
            planned = await load_and_pair(tx, db.dialect, programme, day.isoformat())
            pairing, pool = planned.pairing, planned.pool
            paired, cpu = time.perf_counter(), time.process_time() - cpu_started
            saved = paired
            if save:
                occurrence_id = await tx.fetchval(
                    "INSERT INTO occurrences (programme_id, community_id, kind, slot, due_at,"
                    " ready_at, state) VALUES (?, ?, ?, ?, ?, ?, 'claimed') RETURNING id",
                    programme.id,
                    COMMUNITY,
                    ROUND,
                    day.isoformat(),
                    to_epoch(due),
                    to_epoch(due),
                )
                occurrence = Occurrence(
                    int(occurrence_id), programme.id, COMMUNITY, ROUND, day.isoformat(), due, 1, 1
                )
                ctx = DeliveryContext(services, FakeChat(), programme, occurrence, due)
                await save_round(tx, ctx, pairing, pool)
                saved = time.perf_counter()
            outcome = Run(paired - started, saved - paired, cpu, pairing)
            raise Rollback
    except Rollback:
        pass
    if db.dialect == "sqlite":
        # A rolled-back run leaves its pages in the write-ahead log; a live round commits once.
        await db.fetchall("PRAGMA wal_checkpoint(TRUNCATE)")
    assert outcome is not None
    return outcome


def spread(pairing: Pairing) -> str:
    sizes = Counter(len(g) for g in pairing.groups)
    return ", ".join(f"{count:,}×{size}" for size, count in sorted(sizes.items()))


async def bench_size(
    engine: str, scratch: Path, members: int, size: int, runs: int
) -> dict[str, object]:
    url, name = await fresh_url(engine, scratch, members)
    kith, db = await build_kith(url, SimulatedClock(NOW), sqlite_synchronous="NORMAL")
    try:
        started = time.perf_counter()
        programme = await seed(db, kith.services, members, size)
        print(
            f"  seeded {members:,} members and {HISTORY_ROUNDS} rounds in "
            f"{time.perf_counter() - started:.1f}s"
        )
        await one_run(kith.services, programme, 0)  # warm the caches the way a live bot is
        results = [await one_run(kith.services, programme, r) for r in range(1, runs + 1)]
        for r in results:
            print(
                f"  run: load+pair {r.load_and_pair:.3f}s (cpu {r.cpu:.3f}s) save {r.save:.3f}s "
                f"repeats {len(r.pairing.repeats)} left out {len(r.pairing.unplaced)}"
            )
        tracemalloc.start()
        await one_run(kith.services, programme, runs + 1, save=False)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    finally:
        await db.close()
        await drop(name)
    last = results[-1].pairing
    return {
        "members": members,
        "load_and_pair": median([r.load_and_pair for r in results]),
        "cpu": median([r.cpu for r in results]),
        "save": median([r.save for r in results]),
        "peak_mb": peak / 2**20,
        "repeats": max(len(r.pairing.repeats) for r in results),
        "unplaced": max(len(r.pairing.unplaced) for r in results),
        "spread": spread(last),
        "kept_apart": last.kept_apart,
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--size", type=int, choices=[2, 3, 4], default=2)
    parser.add_argument("--engine", choices=["sqlite", "postgresql"], default="sqlite")
    args = parser.parse_args(argv)
    print(f"machine: {machine()}")
    print(
        f"engine={args.engine} size={args.size} history={HISTORY_ROUNDS} rounds "
        f"window=6 runs={args.runs} (median shown)"
    )
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        for members in args.members:
            print(f"{members:,} members:")
            rows.append(
                asyncio.run(bench_size(args.engine, Path(scratch), members, args.size, args.runs))
            )
    print()
    print(
        "| members | load + pair (median) | its CPU time | save | peak memory | repeats "
        "| left out | group sizes | recent pairs kept apart |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        print(
            f"| {row['members']:,} | {row['load_and_pair']:.3f} s | {row['cpu']:.3f} s "
            f"| {row['save']:.3f} s "
            f"| {row['peak_mb']:.0f} MB | {row['repeats']} | {row['unplaced']} "
            f"| {row['spread']} | {row['kept_apart']:,} |"
        )


if __name__ == "__main__":
    main()
