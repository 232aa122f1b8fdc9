"""Head-of-line benchmark: members' `/kind` while a heavy job runs in the same process.

`/kind` arrives through the core (``Kith.handle``) at a steady rate, open loop: each action has
the moment it would have arrived, and its latency runs from then to its committed reply, so an
event-loop stall counts against every action that arrived during it (as on a platform, where
they wait in the socket). Each heavy job runs alone in the same process while the actions keep
arriving, on a fresh copy of a big SQLite store:

- ``round``: a buddy round's planning (``plan_round``: pool, 12 rounds of history, pairing,
  save) for a pool of ``--pool`` members;
- ``stats``: ``/kith stats`` on a community of ``--members`` members and ``--acts`` acts;
- ``retention``: the daily retention run, clearing the notes of acts past 90 days (a quarter);
- ``export``: ``/kith export`` for a member with 10,000 acts;
- ``leaderboard``: ``/leaderboard window:all`` (a short query, for comparison).

Per job and rate: ack latency p50/p99/max over the actions that arrived while the job ran, how
many took over 1 s, the longest event-loop stall (a probe that asks to wake every 5 ms), and the
job's own duration; medians of ``--runs`` runs with their range. "alone" is the same rate with no
job for ``--alone-seconds``.

    python -m bench.head_of_line [--rates 200 500] [--runs 5]
                                 [--jobs round stats retention export leaderboard]
                                 [--members 100000] [--acts 3000000] [--pool 100000]
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench import kindness, pairing
from bench.common import machine, median, percentile
from bot.app import build_kith
from bot.buddies.rounds import plan_round
from bot.buddies.rule import HISTORY_ROUNDS, KIND, ROUND
from bot.core import Kith
from bot.events import CommandEvent
from bot.programmes import get_programme
from bot.scheduling.clock import SimulatedClock, to_epoch
from bot.scheduling.occurrences import DeliveryContext, Occurrence
from bot.store import Database
from tests.fakes import FakeChat

JOBS = ("round", "stats", "retention", "export", "leaderboard")
EXPORT_ACTS = 10_000
ACTING_MEMBERS = 2_000
WARM_UP = 0.5  # seconds of actions before the job starts
PROBE = 0.005


@dataclass
class Sample:
    latencies: list[float] = field(default_factory=list)
    stall: float = 0.0
    job: float = 0.0

    def summary(self) -> dict[str, float]:
        values = self.latencies or [0.0]
        return {
            "p50": percentile(values, 50),
            "p99": percentile(values, 99),
            "max": max(values),
            "over_1s": float(sum(1 for v in values if v > 1.0)),
            "stall": self.stall,
            "job": self.job,
            "acks": float(len(self.latencies)),
        }


class Probe:
    """The longest the loop took to run a callback that asked to wake after ``PROBE``."""

    def __init__(self) -> None:
        self.longest = 0.0
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        while True:
            asked = time.perf_counter()
            await asyncio.sleep(PROBE)
            self.longest = max(self.longest, time.perf_counter() - asked - PROBE)

    def start(self) -> None:
        self.longest = 0.0
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> float:
        assert self._task is not None
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)
        return self.longest


class Driver:
    """`/kind` at a steady rate, open loop; latency from each action's arrival to its reply."""

    def __init__(self, kith: Kith, rate: float) -> None:
        self.kith, self.rate = kith, rate
        self.done: list[tuple[float, float]] = []  # (arrival, latency)
        self.errors = 0
        self._stop = asyncio.Event()
        self._tasks: set[asyncio.Task[None]] = set()
        self._runner: asyncio.Task[None] | None = None

    async def _one(self, arrival: float, n: int) -> None:
        member = kindness.actor(1 + n % ACTING_MEMBERS)
        event = CommandEvent(member, f"/kind held the door, number {n}", kindness.CHANNEL)
        reply = await self.kith.handle(event, FakeChat())
        if reply.message is None or "went wrong" in reply.message.plain_text:
            self.errors += 1
        self.done.append((arrival, time.perf_counter() - arrival))

    async def _run(self) -> None:
        started, n = time.perf_counter(), 0
        while not self._stop.is_set():
            arrival = started + n / self.rate
            wait = arrival - time.perf_counter()
            if wait > 0:
                await asyncio.sleep(wait)
            task = asyncio.get_running_loop().create_task(self._one(arrival, n))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
            n += 1

    def start(self) -> None:
        self._runner = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        self._stop.set()
        assert self._runner is not None
        await self._runner
        await asyncio.gather(*list(self._tasks))


# ---- the stores ------------------------------------------------------------------------------


async def build_kindness_store(path: Path, members: int, acts: int) -> None:
    """bench.kindness's community, plus one member with ``EXPORT_ACTS`` acts to export."""
    kith, db = await build_kith(str(path), SimulatedClock(kindness.NOW))
    await kith.handle(
        CommandEvent(kindness.actor(0, admin=True), kindness.SETUP, kindness.CHANNEL),
        FakeChat(),
    )
    await db.close()
    kindness.load_community(path, members, acts)
    conn = sqlite3.connect(path, isolation_level=None)
    first = to_epoch(kindness.NOW) - 100 * 86400
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO kind_acts (community_id, user_key, text, source, for_user, local_date, tz,"
        " counted, created_at) VALUES (?, ?, ?, 'kind', NULL, ?, 'UTC', 1, ?)",
        (
            (
                kindness.COMMUNITY.key,
                kindness.actor(0).user.key,
                f"an exported kindness {n}",
                datetime.fromtimestamp(first + n * 800, UTC).date().isoformat(),
                first + n * 800,
            )
            for n in range(EXPORT_ACTS)
        ),
    )
    for sql in kindness.day_count_backfill("sqlite"):  # the stats' day counts, with these acts
        conn.execute(sql)
    conn.execute("COMMIT")
    conn.close()
    checkpoint(path)


def checkpoint(path: Path) -> None:
    """Fold the write-ahead log into the file, so a copy of the file alone is the whole store."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


async def build_round_store(path: Path, pool: int) -> None:
    """bench.pairing's community (``pool`` members, 12 rounds of history) with kindness set up
    in the same community, so `/kind` shares the store with the round."""
    kith, db = await build_kith(str(path), SimulatedClock(pairing.NOW))
    await pairing.seed(db, kith.services, pool, 2)
    await kith.handle(
        CommandEvent(kindness.actor(0, admin=True), kindness.SETUP, kindness.CHANNEL),
        FakeChat(),
    )
    await db.close()
    checkpoint(path)


# ---- the jobs --------------------------------------------------------------------------------

Job = Callable[[Kith, Database], Awaitable[None]]


async def command(kith: Kith, text: str, who: int = 0, admin: bool = False) -> None:
    reply = await kith.handle(
        CommandEvent(kindness.actor(who, admin=admin), text, kindness.CHANNEL),
        FakeChat(),
    )
    assert reply.message is not None and "went wrong" not in reply.message.plain_text


async def round_job(kith: Kith, db: Database) -> None:
    programme = await get_programme(db, pairing.COMMUNITY, KIND)
    assert programme is not None
    day = pairing.FIRST_ROUND + timedelta(weeks=HISTORY_ROUNDS)
    due = datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=9)
    occurrence_id = await db.fetchval(
        "SELECT id FROM occurrences WHERE programme_id = ? AND slot = ?",
        programme.id,
        day.isoformat(),
    )
    if occurrence_id is None:
        async with db.transaction() as tx:
            occurrence_id = await tx.fetchval(
                "INSERT INTO occurrences (programme_id, community_id, kind, slot, due_at,"
                " ready_at, state) VALUES (?, ?, ?, ?, ?, ?, 'claimed') RETURNING id",
                programme.id,
                pairing.COMMUNITY,
                ROUND,
                day.isoformat(),
                to_epoch(due),
                to_epoch(due),
            )
    occurrence = Occurrence(
        int(occurrence_id), programme.id, pairing.COMMUNITY, ROUND, day.isoformat(), due, 1, 1
    )
    ctx = DeliveryContext(kith.services, FakeChat(), programme, occurrence, due)
    planned = await plan_round(ctx)
    assert planned.paired == planned.pool, (planned.paired, planned.pool)


async def stats_job(kith: Kith, db: Database) -> None:
    await command(kith, "/kith stats", admin=True)


async def retention_job(kith: Kith, db: Database) -> None:
    ran = await kith.scheduler.run_maintenance(kindness.NOW)
    assert "retention" in ran, ran


async def export_job(kith: Kith, db: Database) -> None:
    await command(kith, "/kith export", who=0)


async def leaderboard_job(kith: Kith, db: Database) -> None:
    await command(kith, "/leaderboard window:all by:acts", who=5)


RUNNERS: dict[str, Job] = {
    "round": round_job,
    "stats": stats_job,
    "retention": retention_job,
    "export": export_job,
    "leaderboard": leaderboard_job,
}


def fresh_copy(template: Path, work: Path) -> None:
    shutil.copyfile(template, work)
    for suffix in ("-wal", "-shm"):
        Path(f"{work}{suffix}").unlink(missing_ok=True)


def clear(folder: Path) -> None:
    for old in folder.glob("*.sqlite3*"):
        old.unlink()  # a store left by an earlier run in --dir


def load_average() -> str:
    with open("/proc/loadavg", encoding="utf-8") as load:
        return " ".join(load.read().split()[:3])


async def one(template: Path, work: Path, rate: float, job: str | None, alone: float) -> Sample:
    fresh_copy(template, work)
    clock = SimulatedClock(pairing.NOW if job == "round" else kindness.NOW)
    kith, db = await build_kith(str(work), clock)
    driver, probe = Driver(kith, rate), Probe()
    driver.start()
    await asyncio.sleep(WARM_UP)
    probe.start()
    began = time.perf_counter()
    if job is None:
        await asyncio.sleep(alone)
    else:
        await RUNNERS[job](kith, db)
    ended = time.perf_counter()
    sample = Sample(stall=await probe.stop(), job=ended - began)
    await driver.stop()
    await db.close()
    if driver.errors:
        raise SystemExit(f"{driver.errors} actions failed during {job}")
    sample.latencies = [latency for arrival, latency in driver.done if began <= arrival <= ended]
    return sample


def fmt(values: list[float], scale: float = 1000.0, unit: str = "ms", digits: int = 0) -> str:
    scaled = [v * scale for v in values]
    mid = median(scaled)
    return f"{mid:,.{digits}f} {unit} ({min(scaled):,.{digits}f}–{max(scaled):,.{digits}f})"


def report(job: str, rate: float, samples: list[Sample]) -> None:
    rows = [s.summary() for s in samples]

    def col(key: str) -> list[float]:
        return [r[key] for r in rows]

    print(
        f"{job:<18} {rate:>4.0f}/s · p50 {fmt(col('p50'))} · p99 {fmt(col('p99'))}"
        f" · max {fmt(col('max'))} · over 1 s {fmt(col('over_1s'), 1, '', 0)}"
        f" · longest stall {fmt(col('stall'))} · job {fmt(col('job'), 1, 's', 2)}"
        f" · acks {fmt(col('acks'), 1, '', 0)}",
        flush=True,
    )


async def run(args: argparse.Namespace, folder: Path) -> None:
    print(f"Kith head-of-line benchmark · {machine()}")
    print(f"load average at start: {load_average()}")
    jobs = [j for j in args.jobs if j in JOBS]
    templates: dict[str, Path] = {}
    clear(folder)
    started = time.perf_counter()
    if any(j != "round" for j in jobs):
        templates["kindness"] = folder / "kindness-template.sqlite3"
        await build_kindness_store(templates["kindness"], args.members, args.acts)
    if "round" in jobs:
        templates["round"] = folder / "round-template.sqlite3"
        await build_round_store(templates["round"], args.pool)
    print(f"stores built in {time.perf_counter() - started:.0f} s", flush=True)
    results: dict[tuple[str, float], list[Sample]] = {}
    for n in range(args.runs):
        for rate in args.rates:
            for job in ["alone", *jobs]:
                template = templates.get("round" if job == "round" else "kindness")
                template = template or next(iter(templates.values()))  # "alone": either
                sample = await one(
                    template,
                    folder / "work.sqlite3",
                    rate,
                    None if job == "alone" else job,
                    args.alone_seconds,
                )
                results.setdefault((job, rate), []).append(sample)
                report(f"{job} (run {n + 1})", rate, [sample])
        print(f"run {n + 1} of {args.runs} done", flush=True)
    print(f"medians of {args.runs} runs (range):")
    for rate in args.rates:
        for job in ["alone", *jobs]:
            report(job, rate, results[(job, rate)])
    print(f"load average at end: {load_average()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rates", type=float, nargs="+", default=[200, 500])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--jobs", nargs="+", default=list(JOBS), choices=JOBS)
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--acts", type=int, default=3_000_000)
    parser.add_argument("--pool", type=int, default=100_000)
    parser.add_argument("--alone-seconds", type=float, default=3.0)
    parser.add_argument("--dir", help="where the databases go (default: a new temporary folder)")
    args = parser.parse_args()
    if args.dir:
        folder = Path(args.dir)
        folder.mkdir(parents=True, exist_ok=True)
        asyncio.run(run(args, folder))
        return
    with tempfile.TemporaryDirectory(prefix="kith-hol-") as tmp:
        asyncio.run(run(args, Path(tmp)))


if __name__ == "__main__":
    main()
