"""PostgreSQL lock benchmarks: how long locks are held where members could wait on them.

``hotrow``: the stats' day counts (``bot.day_counts``) under concurrent writers. ``--connections``
connections each commit a one-row upsert of the same community and day in a loop, all into one
row (one slot) or spread over ``--slots`` slots by connection; commits per second and latency.
With one row each commit waits for the row lock of the one before it to be released at commit.

``retention``: the daily retention run on a community loaded as ``bench/kindness.py`` does
(``--members``, ``--acts``; the notes of acts past 90 days are cleared), with each slice's
transaction timed from its first statement to its commit: the longest any row it touched
stayed locked. One fresh database per run.

    python -m bench.pg_locks hotrow [--seconds 5] [--rounds 3] [--connections 16] [--slots 8]
    python -m bench.pg_locks retention [--members 100000] [--acts 1000000] [--runs 3]
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

from bench import kindness
from bench.common import machine, median, percentile
from bench.scheduler import drop, fresh_url
from bot.app import build_kith
from bot.scheduling.clock import SimulatedClock

UPSERT = (
    "INSERT INTO kind_days (community_id, local_date, slot, acts, thanks)"
    " VALUES ($1, $2, $3, 1, 0) ON CONFLICT (community_id, local_date, slot)"
    " DO UPDATE SET acts = kind_days.acts + 1"
)


def load() -> str:
    with open("/proc/loadavg", encoding="utf-8") as f:
        return " ".join(f.read().split()[:3])


async def hotrow_once(url: str, slots: int, seconds: float, connections: int) -> list[float]:
    import asyncpg

    conns = [await asyncpg.connect(url) for _ in range(connections)]
    stop = time.perf_counter() + seconds
    latencies: list[float] = []

    async def loop(n: int, conn: Any) -> None:
        while time.perf_counter() < stop:
            began = time.perf_counter()
            async with conn.transaction():
                await conn.execute(UPSERT, "bench:c1", "2026-03-02", n % slots)
            latencies.append(time.perf_counter() - began)

    await asyncio.gather(*(loop(n, c) for n, c in enumerate(conns)))
    for conn in conns:
        await conn.close()
    return latencies


async def hotrow(args: argparse.Namespace) -> None:
    url, name = await fresh_url("postgresql", Path("."), 0)
    try:
        _, db = await build_kith(url, SimulatedClock(kindness.NOW))  # the migrated schema
        await db.close()
        rates: dict[int, list[float]] = {1: [], args.slots: []}
        for n in range(args.rounds):
            for slots in rates:
                began = time.perf_counter()
                latencies = await hotrow_once(url, slots, args.seconds, args.connections)
                rate = len(latencies) / (time.perf_counter() - began)
                rates[slots].append(rate)
                print(
                    f"round {n + 1}, {slots} slot(s): {rate:,.0f} commits/s · p50"
                    f" {percentile(latencies, 50) * 1000:.1f} ms · p99"
                    f" {percentile(latencies, 99) * 1000:.1f} ms · load {load()}",
                    flush=True,
                )
        for slots, values in rates.items():
            print(
                f"{slots} slot(s): median {median(values):,.0f} commits/s"
                f" ({min(values):,.0f}–{max(values):,.0f})"
            )
    finally:
        await drop(name)


def timing(db: Any, slices: list[float]) -> Callable[[], AbstractAsyncContextManager[Any]]:
    """``db.transaction`` that times the transactions clearing kind-act notes."""
    opened = db.transaction

    @asynccontextmanager
    async def timed() -> AsyncIterator[Any]:
        async with opened() as tx:
            statements: list[str] = []
            execute = tx.execute

            async def noting(sql: str, *params: Any) -> int:
                statements.append(sql)
                return int(await execute(sql, *params))

            tx.execute = noting
            began = time.perf_counter()
            yield tx
        if any(s.startswith("UPDATE kind_acts") for s in statements):
            slices.append(time.perf_counter() - began)

    return timed


async def retention(args: argparse.Namespace) -> None:
    for n in range(args.runs):
        url, name = await fresh_url("postgresql", Path("."), 10 + n)
        try:
            await kindness.setup_big(url)
            await kindness.load_community_pg(url, args.members, args.acts)
            kith, db = await build_kith(url, SimulatedClock(kindness.NOW))
            slices: list[float] = []
            db.transaction = timing(db, slices)
            began = time.perf_counter()
            ran = await kith.scheduler.run_maintenance(kindness.NOW)
            took = time.perf_counter() - began
            assert "retention" in ran, ran
            cleared = await db.fetchval("SELECT COUNT(*) FROM kind_acts WHERE text = ''")
            await db.close()
        finally:
            await drop(name)
        ms = [s * 1000 for s in slices]
        print(
            f"run {n + 1}: cleared {cleared:,} notes in {len(ms)} slices, {took:.1f} s · a slice's"
            f" transaction p50 {median(ms):.1f} ms · p99 {percentile(ms, 99):.1f} ms · max"
            f" {max(ms):.1f} ms · load {load()}",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("what", choices=["hotrow", "retention"])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--slots", type=int, default=8)
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--acts", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"Kith PostgreSQL lock benchmark · {machine()} · load average {load()}")
    asyncio.run(hotrow(args) if args.what == "hotrow" else retention(args))


if __name__ == "__main__":
    main()
