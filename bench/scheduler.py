"""Scheduler benchmark: N communities with a check-in due in the same minute, or M members'
personal check-ins due in the same minute among many more members.

Measures the time from "the minute arrives" until every occurrence has been claimed, delivered to
the chat port and marked sent, with 1, 2 or 4 worker processes sharing one database, and checks
that each occurrence was delivered exactly once. The chat port is a counting no-op: this measures
Kith, not a platform.

    python -m bench.scheduler [--communities 10000] [--processes 1 2 4] [--engine sqlite|postgresql]
    python -m bench.scheduler --personal 100000 --due 10000 [--processes 1]

With ``--personal``, members in 20 communities have their own check-in; ``--due`` of them fall
due at the same UTC minute from five zones (09:00 London and UTC, 18:00 Tokyo, 04:00 New York,
14:30 Kolkata) and the rest at other times. Laying out everyone's next three days (the planner)
is timed separately, before the minute.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bench.common import machine, median
from bot.app import build_kith
from bot.scheduling.clock import SimulatedClock, to_epoch
from bot.store import open_database
from tests.fakes import FakeChat

SETUP_AT = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
DUE = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


async def seed(url: str, communities: int) -> None:
    """Communities with a check-in programme, their occurrences already laid out."""
    db = await open_database(url)
    config = json.dumps({"days": [0, 1, 2, 3, 4, 5, 6], "grace_minutes": 120, "time": "09:00"})
    async with db.transaction() as tx:
        await tx.executemany(
            "INSERT INTO communities (id, platform, tz, created_at) VALUES (?, 'bench', 'UTC', 0)",
            [(f"bench:c{i}",) for i in range(communities)],
        )
        await tx.executemany(
            "INSERT INTO programmes (community_id, kind, channel_key, tz, config,"
            " materialised_until, created_at, updated_at)"
            " VALUES (?, 'checkin', ?, 'UTC', ?, ?, 0, 0)",
            [
                (f"bench:c{i}", f"bench:c{i}:general", config, to_epoch(SETUP_AT))
                for i in range(communities)
            ],
        )
    # Lay the occurrences out the way Kith does, before the timed part.
    kith, kdb = await build_kith(url, SimulatedClock(SETUP_AT))
    await kith.scheduler.materialise(SETUP_AT)
    await kdb.close()
    await db.close()


PERSONAL_COMMUNITIES = 20
# (zone, local time) pairs that are all 09:00 UTC on DUE (Monday 2 March 2026).
DUE_ZONES = (
    ("UTC", "09:00"),
    ("Europe/London", "09:00"),
    ("Asia/Tokyo", "18:00"),
    ("America/New_York", "04:00"),
    ("Asia/Kolkata", "14:30"),
)
OTHER_ZONES = ("UTC", "Europe/Berlin", "America/Los_Angeles", "Asia/Tokyo", "Australia/Sydney")


async def seed_personal(url: str, members: int, due: int) -> float:
    """Communities with a check-in programme whose members have their own check-ins; return how
    long Kith took to lay everyone's out (before the timed minute)."""
    db = await open_database(url)
    config = json.dumps({"days": [0, 1, 2, 3, 4], "grace_minutes": 120, "time": "12:00"})
    per = members // PERSONAL_COMMUNITIES
    communities = [f"bench:p{i}" for i in range(PERSONAL_COMMUNITIES)]
    people: list[tuple[str, str, str, str]] = []  # community, member, zone, time
    for n in range(members):
        if n < due:
            zone, at = DUE_ZONES[n % len(DUE_ZONES)]
        else:  # any minute from 09:01 to 07:59 UTC: nothing else is due by the timed minute
            zone = OTHER_ZONES[n % len(OTHER_ZONES)]
            utc = DUE + timedelta(minutes=1 + n % 1379)
            at = f"{utc.astimezone(ZoneInfo(zone)):%H:%M}"
        people.append((communities[min(n // per, len(communities) - 1)], f"u{n}", zone, at))
    async with db.transaction() as tx:
        await tx.executemany(
            "INSERT INTO communities (id, platform, tz, created_at) VALUES (?, 'bench', 'UTC', 0)",
            [(c,) for c in communities],
        )
        await tx.executemany(
            "INSERT INTO programmes (community_id, kind, channel_key, tz, config,"
            " materialised_until, created_at, updated_at)"
            " VALUES (?, 'checkin', ?, 'UTC', ?, ?, 0, 0)",
            [(c, f"{c}:general", config, to_epoch(SETUP_AT)) for c in communities],
        )
        await tx.executemany(
            "INSERT INTO members (community_id, user_key, display_name, tz, created_at)"
            " VALUES (?, ?, ?, ?, 0)",
            [(c, f"{c}:{m}", m, zone) for c, m, zone, _ in people],
        )
        await tx.executemany(
            "INSERT INTO personal_checkins (community_id, user_key, at_time, days, tz,"
            " materialised_until, planned_at, created_at, updated_at)"
            " VALUES (?, ?, ?, '[0, 1, 2, 3, 4]', ?, ?, ?, 0, 0)",
            [
                (c, f"{c}:{m}", at, zone, to_epoch(SETUP_AT), to_epoch(SETUP_AT))
                for c, m, zone, at in people
            ],
        )
    kith, kdb = await build_kith(url, SimulatedClock(SETUP_AT))
    started = time.perf_counter()
    await kith.scheduler.materialise(SETUP_AT)
    planned = time.perf_counter() - started
    await kdb.close()
    await db.close()
    return planned


def worker(
    url: str, synchronous: str, start_at: float, result: multiprocessing.Queue[list[str]]
) -> None:
    async def run() -> list[str]:
        clock = SimulatedClock(DUE)
        kith, db = await build_kith(url, clock, sqlite_synchronous=synchronous)
        chat = FakeChat()
        await asyncio.sleep(max(0.0, start_at - time.time()))  # all workers start together
        await kith.run_due(DUE, chat)
        await db.close()
        return chat.keys_sent

    result.put(asyncio.run(run()))


def run_once(
    url: str, synchronous: str, processes: int, expected: int
) -> tuple[float, list[int], int]:
    context = multiprocessing.get_context("spawn")
    queue: multiprocessing.Queue[list[str]] = context.Queue()
    start_at = time.time() + 2.0  # every worker connected and waiting
    workers = [
        context.Process(target=worker, args=(url, synchronous, start_at, queue))
        for _ in range(processes)
    ]
    for process in workers:
        process.start()
    results = [queue.get(timeout=600) for _ in workers]
    elapsed = time.time() - start_at
    for process in workers:
        process.join()
    keys = [k for r in results for k in r]
    duplicates = len(keys) - len(set(keys))
    if len(set(keys)) != expected:
        raise SystemExit(f"expected {expected} deliveries, got {len(set(keys))}")
    return elapsed, [len(r) for r in results], duplicates


async def fresh_url(engine: str, scratch: Path, n: int) -> tuple[str, object]:
    if engine == "sqlite":
        return str(scratch / f"bench-{n}.sqlite3"), None
    import asyncpg

    admin_url = "postgresql://postgres@127.0.0.1:5432/postgres"
    admin = await asyncpg.connect(admin_url)
    name = f"kith_bench_{n}_{int(time.time())}"
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    return admin_url.rsplit("/", 1)[0] + "/" + name, name


async def drop(name: object) -> None:
    if name:
        import asyncpg

        admin = await asyncpg.connect("postgresql://postgres@127.0.0.1:5432/postgres")
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--communities", type=int, default=10_000)
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--engine", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--personal", type=int, default=0, help="members with personal check-ins (0: off)"
    )
    parser.add_argument("--due", type=int, default=10_000, help="personal ones due at once")
    parser.add_argument(
        "--synchronous",
        choices=["FULL", "NORMAL"],
        default="FULL",
        help="SQLite durability (Kith's default is FULL)",
    )
    args = parser.parse_args()
    print(f"machine: {machine()}")
    workload = (
        f"personal={args.personal} due={args.due}"
        if args.personal
        else f"communities={args.communities}"
    )
    expected = args.due if args.personal else args.communities
    print(
        f"engine={args.engine} {workload} runs={args.runs}"
        f" synchronous={args.synchronous if args.engine == 'sqlite' else 'n/a'}"
    )
    with tempfile.TemporaryDirectory() as scratch:
        n = 0
        for processes in args.processes:
            times: list[float] = []
            for _ in range(args.runs):
                n += 1
                url, name = asyncio.run(fresh_url(args.engine, Path(scratch), n))
                if args.personal:
                    planned = asyncio.run(seed_personal(url, args.personal, args.due))
                    print(f"  laid out {args.personal} members' next 3 days in {planned:.2f}s")
                else:
                    asyncio.run(seed(url, args.communities))
                elapsed, split, duplicates = run_once(url, args.synchronous, processes, expected)
                asyncio.run(drop(name))
                times.append(elapsed)
                print(
                    f"  processes={processes} run={len(times)} {elapsed:.2f}s split={split}"
                    f" duplicates={duplicates}"
                )
            print(
                f"processes={processes}: median {median(times):.2f}s"
                f" (range {min(times):.2f}-{max(times):.2f}s) for {expected} "
                f"occurrences ({expected / median(times):.0f}/s), exactly once"
            )


if __name__ == "__main__":
    main()
