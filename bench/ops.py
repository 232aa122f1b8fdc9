"""Operations benchmark: what the metrics cost an action, what a scrape costs, how fast a backup is.

1. ``Metrics.action`` (one counter and one histogram update) and ``Metrics.occurrence``, per
   call, against an empty method call and against prometheus_client's own Counter and Histogram.
2. ``/kind`` through the real core (``Kith.handle`` on a fresh SQLite file), one member action at
   a time, with the real metrics and with a do-nothing stand-in, interleaved in rounds so both
   see the same machine; median per-action time of each. The difference is expected to be lost
   in the noise; the per-call figure in 1. is the one to read.
3. Rendering ``/metrics`` with a realistic label set (every registered command × 3 outcomes,
   every occurrence kind × 6 outcomes, platform errors) plus the process collectors.
4. ``kith backup`` (``bot.ops.backup.backup``) of a database holding ``--rows`` kind acts.

    python -m bench.ops [--actions 2000] [--rounds 5] [--rows 300000] [--dir DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.common import machine
from bot.app import build_kith
from bot.core import Kith
from bot.events import Actor, CommandEvent
from bot.features import build_registry
from bot.identity import ChannelRef, CommunityRef, UserRef
from bot.ops.backup import backup
from bot.ops.metrics import ACTION_BUCKETS, Metrics
from bot.scheduling.clock import SimulatedClock
from tests.fakes import FakeChat

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
COMMUNITY = CommunityRef("bench", "c1")


class NoMetrics(Metrics):
    """The same interface doing nothing: the baseline."""

    def action(self, action: str, name: str, outcome: str, seconds: float) -> None:
        pass

    def occurrence(self, kind: str, outcome: str) -> None:
        pass

    def scheduler_run(self, seconds: float) -> None:
        pass


def per_call_us(fn: object, n: int) -> float:
    call = fn  # type: ignore[assignment]
    started = time.perf_counter()
    for _ in range(n):
        call()  # type: ignore[operator]
    return (time.perf_counter() - started) / n * 1e6


def library_action() -> object:
    """The same recording with prometheus_client's own Counter and Histogram (children cached):
    what ``Metrics`` would cost without its plain-number hot path."""
    from prometheus_client import CollectorRegistry, Counter, Histogram

    registry = CollectorRegistry()
    counter = Counter("a", "a", ["action", "name", "outcome"], registry=registry)
    histogram = Histogram("b", "b", ["action"], registry=registry, buckets=ACTION_BUCKETS)
    count, observe = counter.labels("command", "/kind", "ok"), histogram.labels("command")

    def record() -> None:
        count.inc()
        observe.observe(4e-4)

    return record


def micro(n: int = 200_000) -> None:
    metrics, none = Metrics(), NoMetrics()
    rows = [
        (
            "Metrics.action (counter + histogram)",
            lambda: metrics.action("command", "/kind", "ok", 4e-4),
        ),
        ("Metrics.occurrence (counter)", lambda: metrics.occurrence("checkin.post", "sent")),
        ("prometheus_client Counter.inc + Histogram.observe", library_action()),
        ("do-nothing method (baseline)", lambda: none.action("command", "/kind", "ok", 4e-4)),
    ]
    print("\n1. Recording, per call (median of 5 × 200,000 calls)")
    print("| call | µs |\n|---|---|")
    for name, fn in rows:
        print(f"| {name} | {statistics.median(per_call_us(fn, n) for _ in range(5)):.2f} |")


async def kind_actions(kith: Kith, count: int, offset: int) -> list[float]:
    channel, chat = ChannelRef(COMMUNITY, "general"), FakeChat()
    times = []
    for i in range(count):
        member = f"m{(offset + i) // 10}"  # 10 acts each: well inside a day's journal
        actor = Actor(UserRef(COMMUNITY, member), member)
        started = time.perf_counter()
        await kith.handle(CommandEvent(actor, f"/kind act {offset + i}", channel), chat)
        times.append(time.perf_counter() - started)
    return times


async def macro(folder: Path, actions: int, rounds: int) -> None:
    kith, db = await build_kith(str(folder / "macro.sqlite3"), SimulatedClock(START))
    admin = Actor(UserRef(COMMUNITY, "ada"), "Ada", is_platform_admin=True)
    await kith.handle(
        CommandEvent(admin, "/kith setup kindness channel:#kindness", ChannelRef(COMMUNITY, "k")),
        FakeChat(),
    )
    real, none = kith.services.metrics, NoMetrics(process=False)
    samples: dict[str, list[float]] = {"with metrics": [], "without": []}
    offset = 0
    for _ in range(rounds):
        for label, metrics in (("with metrics", real), ("without", none)):
            kith.services.metrics = metrics
            samples[label] += await kind_actions(kith, actions // rounds // 2, offset)
            offset += actions // rounds // 2
    await db.close()
    print(f"\n2. /kind through the core, {offset} actions in {rounds} interleaved rounds")
    print("| | median µs per action | p90 µs |\n|---|---|---|")
    for label, times in samples.items():
        ordered = sorted(times)
        print(
            f"| {label} | {statistics.median(times) * 1e6:.0f} |"
            f" {ordered[int(len(ordered) * 0.9)] * 1e6:.0f} |"
        )


def render() -> None:
    metrics = Metrics()
    registry = build_registry()
    for command in registry.commands.values():
        for outcome in ("ok", "refused", "error"):
            metrics.action("command", command.name, outcome, 0.001)
    for kind in registry.deliverers:
        for outcome in ("sent", "missed", "retry", "failed", "skipped", "lost_lease"):
            metrics.occurrence(kind, outcome)
    for kind in ("rate_limited", "server_error", "forbidden", "not_found", "timeout", "network"):
        metrics.platform_error("discord", kind)
    body = metrics.render()
    per = statistics.median(per_call_us(metrics.render, 200) for _ in range(5)) / 1000
    lines = body.count(b"\n")
    print(f"\n3. /metrics: {lines} lines, {len(body) / 1000:.1f} kB, {per:.2f} ms to render")


def backup_speed(folder: Path, rows: int) -> None:
    path = folder / "big.sqlite3"

    async def make() -> None:
        _, db = await build_kith(str(path), SimulatedClock(START))
        await db.close()

    asyncio.run(make())
    with sqlite3.connect(path) as conn:
        conn.executemany(
            "INSERT INTO kind_acts (community_id, user_key, text, source, local_date, tz,"
            " counted, created_at) VALUES ('bench:c1', ?, ?, 'kind', '2026-03-02', 'UTC', 1, 0)",
            ((f"bench:c1:m{i % 5000}", f"a kind act number {i}") for i in range(rows)),
        )
    conn.close()
    size = path.stat().st_size / 1e6
    report = backup(str(path), folder / "big.backup.sqlite3")
    print(
        f"\n4. Backup of {size:.0f} MB ({rows:,} acts): {report.seconds:.2f} s"
        f" including the integrity check ({size / report.seconds:.0f} MB/s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--actions", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--rows", type=int, default=300_000)
    parser.add_argument("--dir", help="where to put the databases (default: a temporary folder)")
    args = parser.parse_args()
    print(f"Machine: {machine()}")
    micro()
    with tempfile.TemporaryDirectory(dir=args.dir) as scratch:
        asyncio.run(macro(Path(scratch), args.actions, args.rounds))
        render()
        backup_speed(Path(scratch), args.rows)


if __name__ == "__main__":
    main()
