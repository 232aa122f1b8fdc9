"""Kindness benchmark: acknowledged /kind actions per second, and leaderboard/streak query latency.

1. The raw single-row commit rate of SQLite (WAL) on the same disk, with synchronous=FULL and
   NORMAL: the ceiling any SQLite-backed action rate is measured against.
2. /kind through the real core (``Kith.handle``: parse, rules, one transaction committed before
   the reply) on a fresh SQLite database, with several members acting at once; throughput and
   p50/p99 latency per acknowledged action, for FULL and NORMAL, and the ratio to the raw rate.
3. /leaderboard (every window and measure, in both "everyone" and "opt-in" modes) and /streak,
   through the core, on a database holding 100,000 members and 3,000,000 acts. The data is
   generated directly with executemany in big transactions (not through the core), with streak
   state and totals computed by the same pure functions the core uses.

With ``--engine postgresql`` the same actions and queries run through the core on a throwaway
PostgreSQL database (created on 127.0.0.1:5432 and dropped afterwards): the raw ceiling is then
single-row autocommitted inserts over one asyncpg connection, there is one action run
(``synchronous`` is SQLite's), the big community is loaded with COPY, and the plans printed are
PostgreSQL's.

    python -m bench.kindness [--engine sqlite|postgresql] [--members 100000] [--acts 3000000]
                             [--actions 4000] [--concurrency 8 16 32] [--processes 1 2]
                             [--queries 300] [--only actions|queries] [--dir DIR]

``--concurrency`` is how many members' actions are in flight at once. A rate needs that many in
flight: by Little's law, 2,000 actions/s acknowledged in 10 ms each means about 20 at any time.
``--processes 2`` splits the actions, members and concurrency between two Kith processes on the
same database file (SQLite only), as a deployment running a shard range per process would.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.common import machine, percentile
from bench.scheduler import drop, fresh_url
from bot.app import build_kith
from bot.core import Kith
from bot.events import Actor, CommandEvent
from bot.identity import ChannelRef, CommunityRef, UserRef
from bot.kindness.acts import text_key
from bot.kindness.config import KindnessConfig
from bot.kindness.periods import ALL_TIME, challenge_key, month_key, week_key
from bot.kindness.streaks import Streak, advance, alive_through, day_start
from bot.scheduling.clock import SimulatedClock, to_epoch
from bot.store.migrations import load_migrations
from tests.fakes import FakeChat

COMMUNITY = CommunityRef("bench", "c1")
CHANNEL = ChannelRef(COMMUNITY, "general")
START = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)  # the action phase
NOW = datetime(2026, 6, 30, 18, 0, tzinfo=UTC)  # the end of the generated history
HISTORY_DAYS = 120
ZONES = ("Europe/London", "America/New_York", "Asia/Tokyo", "UTC")
SETUP = "/kith setup kindness channel:#kindness leaderboard:everyone challenge:31-day"


def actor(i: int, *, admin: bool = False) -> Actor:
    return Actor(UserRef(COMMUNITY, f"m{i:06d}"), f"Member {i:06d}", is_platform_admin=admin)


# ---- 1. raw commits ---------------------------------------------------------------------------


def raw_commit_rate(folder: Path, synchronous: str, commits: int = 3000) -> float:
    path = folder / f"raw-{synchronous.lower()}.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute(f"PRAGMA synchronous = {synchronous}")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)")
    started = time.perf_counter()
    for i in range(commits):
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO t (v) VALUES (?)", (f"row {i}",))
        conn.execute("COMMIT")
    elapsed = time.perf_counter() - started
    conn.close()
    return commits / elapsed


# ---- 2. actions through the core ----------------------------------------------------------


@dataclass
class ActionRun:
    synchronous: str
    per_second: float
    p50_ms: float
    p99_ms: float


async def action_rate(
    url: str,
    synchronous: str,
    actions: int,
    concurrency: int,
    members: int,
    processes: int = 1,
) -> ActionRun:
    """Members log acts concurrently (each about twice, so the day's duplicate check and
    counters are exercised); latency is from the event to the committed, acknowledged reply.

    With ``processes`` above 1, that many Kith processes share the database file, the actions,
    the members and the ``concurrency`` between them, as a deployment running a shard range per
    process would; the rate is over the time from the first process's start to the last one's
    end."""
    kith, db = await build_kith(url, SimulatedClock(START), sqlite_synchronous=synchronous)
    await kith.handle(CommandEvent(actor(0, admin=True), SETUP, CHANNEL), FakeChat())
    await db.close()
    plan = [
        ShareOfActions(
            url,
            synchronous,
            actions // processes,
            concurrency // processes,
            members // processes,
            first_member=n * (members // processes),
        )
        for n in range(processes)
    ]
    if processes == 1:
        shares = [await plan[0].run()]
    else:
        shares = await run_in_processes(plan)
    latencies = [latency for share in shares for latency in share.latencies]
    elapsed = max(share.ended for share in shares) - min(share.started for share in shares)
    kith, db = await build_kith(url, SimulatedClock(START), sqlite_synchronous=synchronous)
    stored = await db.fetchval("SELECT COUNT(*) FROM kind_acts")
    await db.close()
    assert stored == sum(share.logged for share in shares), stored
    return ActionRun(
        synchronous,
        len(latencies) / elapsed,
        statistics.median(latencies) * 1000,
        percentile(latencies, 99) * 1000,
    )


@dataclass
class ShareOfActions:
    """One process's part of an action run: a warm-up, then the timed actions."""

    url: str
    synchronous: str
    actions: int
    concurrency: int
    members: int
    first_member: int
    start_at: float = 0.0  # wall-clock time the timed actions begin (processes start together)

    async def run(self) -> ShareResult:
        kith, db = await build_kith(
            self.url, SimulatedClock(START), sqlite_synchronous=self.synchronous
        )
        chat = FakeChat()
        warmup = min(500, self.actions // 5)
        await self._act(kith, chat, range(warmup), [])
        await asyncio.sleep(max(0.0, self.start_at - time.time()))
        latencies: list[float] = []
        started = time.time()
        await self._act(kith, chat, range(warmup, warmup + self.actions), latencies)
        ended = time.time()
        await db.close()
        return ShareResult(started, ended, latencies, warmup + self.actions)

    async def _act(
        self, kith: Kith, chat: FakeChat, numbers: range, latencies: list[float]
    ) -> None:
        next_action = iter(numbers)

        async def member_loop() -> None:
            for n in next_action:
                member = actor(self.first_member + n % self.members)
                event = CommandEvent(member, f"/kind helped someone, act {n}", CHANNEL)
                started = time.perf_counter()
                reply = await kith.handle(event, chat)
                latencies.append(time.perf_counter() - started)
                assert reply.message and "💛" in reply.message.plain_text, reply

        await asyncio.gather(*(member_loop() for _ in range(self.concurrency)))


@dataclass
class ShareResult:
    started: float
    ended: float
    latencies: list[float]
    logged: int  # acts written, warm-up included


async def run_in_processes(plan: list[ShareOfActions]) -> list[ShareResult]:
    """Each share in its own ``python -m bench.kindness --share`` process, timed actions starting
    together once every process had time to start and warm up."""
    start_at = time.time() + 3.0 + 0.5 * len(plan)
    children = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bench.kindness",
            "--share",
            json.dumps({**asdict(share), "start_at": start_at}),
            stdout=asyncio.subprocess.PIPE,
        )
        for share in plan
    ]
    results = []
    for child in children:
        output, _ = await child.communicate()
        assert child.returncode == 0, f"a share's process failed ({child.returncode})"
        results.append(ShareResult(**json.loads(output)))
    if min(r.started for r in results) < start_at:
        raise RuntimeError("a process started its timed actions early")
    return results


def serve_share(spec: str) -> None:
    result = asyncio.run(ShareOfActions(**json.loads(spec)).run())
    print(json.dumps(asdict(result)))


# ---- 3. a big community -----------------------------------------------------------------------


@dataclass
class Member:
    index: int
    zone: str
    pref: str
    days: list[tuple[date, int]]  # (local date, acts that day)


def plan_members(members: int, acts: int, seed: int = 7) -> list[Member]:
    """A skewed community: a few very active members, many occasional ones, streaks of all
    lengths. The act counts add up to exactly ``acts``."""
    rng = random.Random(seed)
    last_day = NOW.date()
    first_day = last_day - timedelta(days=HISTORY_DAYS - 1)
    weights = [rng.expovariate(1.0) for _ in range(members)]
    scale = acts / 1.25 / sum(weights)  # about 1.25 acts per active day
    planned: list[Member] = []
    total = 0
    for i, weight in enumerate(weights):
        active = max(1, min(HISTORY_DAYS, round(weight * scale)))
        p = active / HISTORY_DAYS
        days = []
        for offset in range(HISTORY_DAYS):
            if rng.random() < p:
                count = 1 if rng.random() < 0.8 else (2 if rng.random() < 0.75 else 3)
                days.append((first_day + timedelta(days=offset), count))
                total += count
        roll = rng.random()
        pref = "in" if roll < 0.10 else ("out" if roll < 0.13 else "default")
        planned.append(Member(i, ZONES[i % len(ZONES)], pref, days))
    # Trim or top up the last members so the total is exact.
    for member in reversed(planned):
        while total > acts and member.days:
            day, count = member.days.pop()
            total -= count
        if total <= acts:
            break
    while total < acts:
        member = planned[rng.randrange(members)]
        if member.days and member.days[-1][1] < 3:
            day, count = member.days[-1]
            member.days[-1] = (day, count + 1)
            total += 1
    return planned


def _member_rows(
    member: Member, config: KindnessConfig, now_epoch: int
) -> tuple[list[tuple[Any, ...]], tuple[Any, ...], list[tuple[Any, ...]]]:
    key = f"bench:c1:m{member.index:06d}"
    streak = Streak()
    act_rows: list[tuple[Any, ...]] = []
    totals: dict[str, list[int]] = {}
    current_at = longest_at = 0
    for day, count in member.days:
        at = to_epoch(day_start(day, member.zone)) + 9 * 3600
        before = streak
        streak = advance(streak, day)
        current_at = at
        if streak.longest > before.longest:
            longest_at = at
        periods = [ALL_TIME, week_key(day), month_key(day)]
        if config.challenge_day(day) is not None and config.challenge_start:
            periods.append(challenge_key(config.challenge_start))
        for n in range(count):
            act_rows.append(
                (
                    "bench:c1",
                    key,
                    f"a small kindness {n}",
                    "kind",
                    None,
                    day.isoformat(),
                    member.zone,
                    1,
                    at + n * 60,
                )
            )
            for period in periods:
                entry = totals.setdefault(period, [0, 0])
                entry[0] += 1
                entry[1] = at + n * 60
    through = alive_through(streak)
    alive_until = to_epoch(day_start(through + timedelta(days=1), member.zone)) if through else 0
    last = member.days[-1] if member.days else None
    state = (
        "bench:c1",
        key,
        streak.last.isoformat() if streak.last else None,
        streak.start.isoformat() if streak.start else None,
        streak.length,
        streak.rest.isoformat() if streak.rest else None,
        current_at,
        alive_until,
        streak.longest,
        longest_at,
        streak.active_days,
        last[0].isoformat() if last else None,
        last[1] if last else 0,
        json.dumps([text_key(f"a small kindness {n}") for n in range(last[1])] if last else []),
        0,
        member.pref,
        now_epoch,
    )
    total_rows = [
        ("bench:c1", period, key, acts, reached, member.pref)
        for period, (acts, reached) in totals.items()
    ]
    return act_rows, state, total_rows


def _chunks(rows: Iterator[tuple[Any, ...]], size: int = 200_000) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def day_count_backfill(dialect: str) -> list[str]:
    """The statements that rebuild the stats' day counts (bot.day_counts) from the stored acts,
    thanks and moods: the backfill of the migration that added them, so a bulk-loaded store
    reads as an upgraded one would."""
    counts = next(m for m in load_migrations(dialect) if m.name == "day_counts")
    return [
        "DELETE FROM kind_days",
        "DELETE FROM checkin_days",
        *(s for s in counts.statements if "INSERT INTO" in s),
    ]


def load_community(path: Path, members: int, acts: int) -> dict[str, float]:
    """Bulk-load the big community with executemany in big transactions. Secondary indexes are
    dropped during the load and rebuilt from their own definitions afterwards."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    planned = plan_members(members, acts)
    timings["plan"] = time.perf_counter() - started
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous = OFF")
    row = conn.execute(
        "SELECT config FROM programmes WHERE community_id = ? AND kind = 'kindness'", ("bench:c1",)
    ).fetchone()
    config = KindnessConfig.from_dict(json.loads(row[0]))
    indexes = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        " AND tbl_name IN ('kind_acts', 'kind_members', 'kind_totals')"
    ).fetchall()
    started = time.perf_counter()
    conn.execute("BEGIN")
    for name, _ in indexes:
        conn.execute(f"DROP INDEX {name}")
    now_epoch = to_epoch(NOW)
    conn.executemany(
        "INSERT INTO members (community_id, user_key, display_name, tz, created_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (
            ("bench:c1", f"bench:c1:m{m.index:06d}", f"Member {m.index:06d}", m.zone, 0)
            for m in planned
        ),
    )
    conn.executemany(
        "INSERT INTO member_prefs (community_id, user_key, leaderboard, updated_at)"
        " VALUES (?, ?, ?, 0)",
        (("bench:c1", f"bench:c1:m{m.index:06d}", m.pref) for m in planned if m.pref != "default"),
    )
    acts_rows: list[tuple[Any, ...]] = []
    states: list[tuple[Any, ...]] = []
    totals_rows: list[tuple[Any, ...]] = []
    inserted = 0
    for member in planned:
        a, s, t = _member_rows(member, config, now_epoch)
        acts_rows.extend(a)
        states.append(s)
        totals_rows.extend(t)
        if len(acts_rows) >= 200_000:
            conn.executemany(
                "INSERT INTO kind_acts (community_id, user_key, text, source, for_user,"
                " local_date, tz, counted, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                acts_rows,
            )
            inserted += len(acts_rows)
            acts_rows = []
    conn.executemany(
        "INSERT INTO kind_acts (community_id, user_key, text, source, for_user, local_date, tz,"
        " counted, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        acts_rows,
    )
    inserted += len(acts_rows)
    conn.executemany(
        "INSERT INTO kind_members (community_id, user_key, last_date, run_start, current_len,"
        " rest_date, current_at, alive_until, longest, longest_at, active_days, day_date,"
        " day_counted, day_keys, noticed, pref, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        states,
    )
    for chunk in _chunks(iter(totals_rows)):
        conn.executemany(
            "INSERT INTO kind_totals (community_id, period, user_key, acts, reached_at, pref)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            chunk,
        )
    conn.execute("COMMIT")
    timings["insert"] = time.perf_counter() - started
    started = time.perf_counter()
    for _, sql in indexes:
        conn.execute(sql)
    conn.execute("BEGIN")
    for sql in day_count_backfill("sqlite"):
        conn.execute(sql)
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    timings["index"] = time.perf_counter() - started
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    assert inserted == acts, inserted
    timings["totals_rows"] = len(totals_rows)
    return timings


QUERIES = [
    ("/leaderboard window:week by:acts", "board, this week"),
    ("/leaderboard window:month by:acts", "board, this month"),
    ("/leaderboard window:all by:acts", "board, all time"),
    ("/leaderboard window:challenge by:acts", "board, the challenge"),
    ("/leaderboard by:streak", "board, current streaks"),
    ("/leaderboard window:all by:streak", "board, longest streaks"),
    ("/streak", "/streak (own)"),
    ("/streak @{other}", "/streak @member"),
]


async def query_latency(
    url: str, members: int, queries: int, mode: str
) -> list[tuple[str, float, float]]:
    clock = SimulatedClock(NOW)
    kith, db = await build_kith(url, clock)
    chat = FakeChat()
    await kith.handle(
        CommandEvent(actor(0, admin=True), f"/kith setup kindness leaderboard:{mode}", CHANNEL),
        chat,
    )
    rng = random.Random(11)
    results = []
    for text, label in QUERIES:
        latencies = []
        for n in range(queries + 20):
            who, other = rng.randrange(members), rng.randrange(members)
            command = text.format(other=f"m{other:06d}")
            started = time.perf_counter()
            reply = await kith.handle(CommandEvent(actor(who), command, CHANNEL), chat)
            if n >= 20:
                latencies.append(time.perf_counter() - started)
            assert reply.message is not None
        results.append(
            (label, statistics.median(latencies) * 1000, percentile(latencies, 99) * 1000)
        )
    await show_plans(db, kith, mode)
    await db.close()
    return results


async def show_plans(db: Any, kith: Kith, mode: str) -> None:
    """Print how the engine runs the board queries, so a regression to a scan is visible."""
    from bot.kindness import leaderboard

    captured: list[tuple[str, tuple[Any, ...]]] = []
    original = db.fetchall

    async def capture(sql: str, *params: Any) -> Any:
        captured.append((sql, params))
        return await original(sql, *params)

    db.fetchall = capture
    config = KindnessConfig(leaderboard=mode, challenge_start=NOW.date(), challenge_on=True)
    for window, by in (("week", "acts"), ("all", "streak"), ("week", "streak")):
        await leaderboard.board(db, "bench:c1", mode, window, by, NOW.date(), NOW, config)
    db.fetchall = original
    for sql, params in captured:
        if db.dialect == "postgresql":
            plan = await db.fetchall(f"EXPLAIN {sql}", *params)
            steps = "; ".join(
                " ".join(str(r["QUERY PLAN"]).split()).removeprefix("-> ")
                for r in plan
                if "Scan" in str(r["QUERY PLAN"])
            )
        else:
            plan = await db.fetchall(f"EXPLAIN QUERY PLAN {sql}", *params)
            steps = "; ".join(str(r["detail"]) for r in plan)
        print(f"    plan ({mode}): {steps}")


# ---- main ---------------------------------------------------------------------------------


async def run(args: argparse.Namespace, folder: Path) -> None:
    print(f"Kith kindness benchmark · {machine()}")
    print(f"engine: {args.engine}")
    if args.engine == "postgresql":
        await run_postgresql(args)
        return
    print(f"disk: {folder}")
    raw = {s: raw_commit_rate(folder, s) for s in ("FULL", "NORMAL")}
    print(
        "raw SQLite single-row commits (WAL): "
        + " · ".join(f"{s} {rate:,.0f}/s" for s, rate in raw.items())
    )
    for synchronous in ("FULL", "NORMAL") if args.only != "queries" else ():
        for processes in args.processes:
            for concurrency in args.concurrency:
                result = await action_rate(
                    str(
                        folder / f"actions-{synchronous.lower()}-{processes}-{concurrency}.sqlite3"
                    ),
                    synchronous,
                    args.actions,
                    concurrency,
                    args.action_members,
                    processes,
                )
                label = f"synchronous={synchronous}" + (
                    f", {processes} processes" if processes > 1 else ""
                )
                print_actions(result, concurrency, raw[synchronous], label)
    if args.only == "actions":
        return
    big = folder / "big.sqlite3"
    await setup_big(str(big))
    timings = load_community(big, args.members, args.acts)
    print_generated(args, timings)
    await run_queries(args, str(big))


def print_actions(result: ActionRun, concurrency: int, raw: float, label: str) -> None:
    print(
        f"/kind through the core, {label}, {concurrency} members "
        f"at once: {result.per_second:,.0f} acknowledged/s · p50 {result.p50_ms:.1f} ms · "
        f"p99 {result.p99_ms:.1f} ms · {result.per_second / raw:.0%} of the raw commit rate"
    )


async def setup_big(url: str) -> None:
    """The big community's kindness programme, set up through the core before the bulk load."""
    kith, db = await build_kith(url, SimulatedClock(NOW - timedelta(days=31)))
    await kith.handle(CommandEvent(actor(0, admin=True), SETUP, CHANNEL), FakeChat())
    await db.close()


def print_generated(args: argparse.Namespace, timings: dict[str, float]) -> None:
    print(
        f"generated {args.members:,} members, {args.acts:,} acts, "
        f"{int(timings['totals_rows']):,} period totals in "
        f"{timings['plan'] + timings['insert'] + timings['index']:.0f} s "
        f"(plan {timings['plan']:.0f} s, insert {timings['insert']:.0f} s, "
        f"indexes {timings['index']:.0f} s)"
    )


async def run_queries(args: argparse.Namespace, url: str) -> None:
    worst = 0.0
    for mode in ("everyone", "opt-in"):
        print(f"  queries through the core, leaderboard mode {mode}, {args.queries} each:")
        for label, p50, p99 in await query_latency(url, args.members, args.queries, mode):
            worst = max(worst, p99)
            print(f"    {label:<24} p50 {p50:6.2f} ms · p99 {p99:6.2f} ms")
    print(f"worst query p99: {worst:.2f} ms")


# ---- PostgreSQL -------------------------------------------------------------------------------


async def pg_raw_commit_rate(url: str, commits: int = 3000) -> float:
    """Single-row autocommitted inserts over one connection: PostgreSQL's per-commit ceiling
    here (each a network round trip on loopback plus the WAL flush)."""
    import asyncpg

    conn = await asyncpg.connect(url)
    await conn.execute("CREATE TABLE bench_raw (id BIGSERIAL PRIMARY KEY, v TEXT NOT NULL)")
    started = time.perf_counter()
    for i in range(commits):
        await conn.execute("INSERT INTO bench_raw (v) VALUES ($1)", f"row {i}")
    elapsed = time.perf_counter() - started
    await conn.execute("DROP TABLE bench_raw")
    await conn.close()
    return commits / elapsed


async def load_community_pg(url: str, members: int, acts: int) -> dict[str, float]:
    """The same generated community as ``load_community``, loaded with COPY. Secondary indexes
    (not those behind keys) are dropped during the load and rebuilt from their definitions."""
    import asyncpg

    timings: dict[str, float] = {}
    started = time.perf_counter()
    planned = plan_members(members, acts)
    timings["plan"] = time.perf_counter() - started
    conn = await asyncpg.connect(url)
    raw_config = await conn.fetchval(
        "SELECT config FROM programmes WHERE community_id = $1 AND kind = 'kindness'", "bench:c1"
    )
    config = KindnessConfig.from_dict(json.loads(raw_config))
    tables = ["kind_acts", "kind_members", "kind_totals"]
    indexes = await conn.fetch(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = ANY($1::text[])"
        " AND i.schemaname = current_schema() AND NOT EXISTS"
        " (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
        tables,
    )
    started = time.perf_counter()
    now_epoch = to_epoch(NOW)
    acts_rows: list[tuple[Any, ...]] = []
    states: list[tuple[Any, ...]] = []
    totals_rows: list[tuple[Any, ...]] = []
    for member in planned:
        a, s, t = _member_rows(member, config, now_epoch)
        acts_rows.extend(a)
        states.append(s)
        totals_rows.extend(t)
    async with conn.transaction():
        for index in indexes:
            await conn.execute(f'DROP INDEX "{index["indexname"]}"')
        await conn.copy_records_to_table(
            "members",
            records=[
                ("bench:c1", f"bench:c1:m{m.index:06d}", f"Member {m.index:06d}", m.zone, 0)
                for m in planned
            ],
            columns=["community_id", "user_key", "display_name", "tz", "created_at"],
        )
        await conn.copy_records_to_table(
            "member_prefs",
            records=[
                ("bench:c1", f"bench:c1:m{m.index:06d}", m.pref, 0)
                for m in planned
                if m.pref != "default"
            ],
            columns=["community_id", "user_key", "leaderboard", "updated_at"],
        )
        await conn.copy_records_to_table(
            "kind_acts",
            records=acts_rows,
            columns=[
                "community_id",
                "user_key",
                "text",
                "source",
                "for_user",
                "local_date",
                "tz",
                "counted",
                "created_at",
            ],
        )
        await conn.copy_records_to_table(
            "kind_members",
            records=states,
            columns=[
                "community_id",
                "user_key",
                "last_date",
                "run_start",
                "current_len",
                "rest_date",
                "current_at",
                "alive_until",
                "longest",
                "longest_at",
                "active_days",
                "day_date",
                "day_counted",
                "day_keys",
                "noticed",
                "pref",
                "updated_at",
            ],
        )
        await conn.copy_records_to_table(
            "kind_totals",
            records=totals_rows,
            columns=["community_id", "period", "user_key", "acts", "reached_at", "pref"],
        )
    timings["insert"] = time.perf_counter() - started
    started = time.perf_counter()
    for index in indexes:
        await conn.execute(index["indexdef"])
    async with conn.transaction():
        for sql in day_count_backfill("postgresql"):
            await conn.execute(sql)
    await conn.execute("ANALYZE")
    timings["index"] = time.perf_counter() - started
    assert len(acts_rows) == acts, len(acts_rows)
    timings["totals_rows"] = len(totals_rows)
    await conn.close()
    return timings


async def run_postgresql(args: argparse.Namespace) -> None:
    url, name = await fresh_url("postgresql", Path("."), 0)
    big_url, big_name = await fresh_url("postgresql", Path("."), 1)
    try:
        raw = await pg_raw_commit_rate(url)
        print(f"raw PostgreSQL single-row commits (autocommit, one connection): {raw:,.0f}/s")
        for n, concurrency in enumerate(args.concurrency):
            run_url, run_name = await fresh_url("postgresql", Path("."), 2 + n)
            try:
                result = await action_rate(
                    run_url, "FULL", args.actions, concurrency, args.action_members
                )
            finally:
                await drop(run_name)
            print_actions(result, concurrency, raw, "PostgreSQL")
        if args.only == "actions":
            return
        await setup_big(big_url)
        timings = await load_community_pg(big_url, args.members, args.acts)
        print_generated(args, timings)
        await run_queries(args, big_url)
    finally:
        await drop(name)
        await drop(big_name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--engine", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--acts", type=int, default=3_000_000)
    parser.add_argument("--actions", type=int, default=4000)
    parser.add_argument("--action-members", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[8, 16, 32])
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--only", choices=["actions", "queries"], help="run one half")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--dir", help="where the databases go (default: a new temporary folder)")
    parser.add_argument("--share", help=argparse.SUPPRESS)  # one process's part of an action run
    args = parser.parse_args()
    if args.share:
        serve_share(args.share)
        return
    folder = Path(args.dir or tempfile.mkdtemp(prefix="kith-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    asyncio.run(run(args, folder))


if __name__ == "__main__":
    main()
