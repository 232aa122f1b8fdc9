"""Load: member actions through the real Discord adapter and its loopback fake.

``python -m bench.discord_load [--rate 500] [--seconds 60] [--members 2000] [--runs 3]``

The fake (this process) plays Discord: it sends INTERACTION_CREATE over the gateway at a fixed
rate — ``/kind``, ``/streak`` and mood clicks on a real check-in post, from many members in
turn — and times each acknowledgement as Discord would see it: from the gateway send to the
interaction callback arriving on its REST API. The bot runs in a child process (``--serve-bot``)
exactly as ``kith run`` wires it (KithClient, the real core, SQLite), so its memory and CPU are
its own. Everything is on 127.0.0.1 and bounded: ``rate × seconds`` actions, then at most
``--drain`` seconds to finish.

``--profile FILE`` runs the child under cProfile during the load and prints where its time went.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import gc
import os
import pstats
import sqlite3
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.common import machine, median, percentile
from tests.e2e.discord_fake import FakeDiscord, Interaction, custom_ids

SORRY_WORDS = "Something went wrong"
# Answers that mean the action did not do what the member asked (a bug in the driver or the bot).
FAILED_WORDS = (SORRY_WORDS, "isn't one I know", "I don't know the command", "no longer does")
DEADLINE = 3.0  # Discord's limit for the first answer to an interaction
ACTIONS = ("kind", "streak", "mood")
ROOT = Path(__file__).resolve().parent.parent


# -- the bot, in a child process --------------------------------------------------------------


def use_stdlib_json() -> None:
    """discord.py parses with orjson when it is installed; this measures it without."""
    import json

    import discord.utils

    discord.utils._from_json = json.loads
    discord.utils._to_json = lambda obj: json.dumps(obj, separators=(",", ":"))


SPLIT: dict[str, float] = {}


def time_cpu(owner: Any, name: str, label: str, by: Any = None) -> None:
    """Add the process CPU time spent inside ``owner.name`` (a coroutine method) to ``SPLIT``.

    Only meaningful at a low rate, when actions do not overlap: the CPU of anything the event
    loop runs while the method awaits is counted too (SQLite's worker thread is meant to be).
    """
    original = getattr(owner, name)

    async def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.process_time()
        try:
            return await original(*args, **kwargs)
        finally:
            key = f"{label}:{by(*args)}" if by is not None else label
            SPLIT[key] = SPLIT.get(key, 0.0) + time.process_time() - start

    setattr(owner, name, timed)


def split_cpu() -> None:
    """Time the parts of an action: gateway parsing, the core, the answer to Discord."""
    import discord

    from adapters.discord import respond
    from bot.core import Kith

    time_cpu(discord.gateway.DiscordWebSocket, "received_message", "gateway")

    def action(kith: Any, event: Any, chat: Any = None) -> str:
        text = getattr(event, "text", "")
        return text.split()[0].lstrip("/") if text else "click"  # /kind, /streak, a click

    time_cpu(Kith, "handle", "core", action)
    for name in ("send_message", "defer", "send_modal"):
        time_cpu(discord.InteractionResponse, name, "answer")
    for name in ("send_message", "defer"):
        time_cpu(respond, name, "answer")  # the adapter's first answer (no with_response)
    time_cpu(discord.Interaction, "edit_original_response", "answer")


async def serve_bot(api: str, gateway: str, db_path: str, profile: str) -> None:
    """The child: KithClient on the real core, pointed at the fake; commands on stdin."""
    import discord
    import yarl

    from adapters.discord.client import ClientOptions, KithClient
    from bot.app import build_kith
    from bot.scheduling.clock import SystemClock, from_epoch
    from tests.e2e.discord_fake import TOKEN

    discord.http.Route.BASE = api
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway)
    kith, db = await build_kith(db_path, SystemClock())
    options = ClientOptions(guild_ready_timeout=0.05, identify_delay=0.0, run_timer=False)
    client = KithClient(kith, options)
    task = asyncio.create_task(client.start(TOKEN))
    ready = asyncio.create_task(client.wait_until_ready())  # after start(): it sets things up
    await asyncio.wait({task, ready}, return_when=asyncio.FIRST_COMPLETED)
    if task.done():
        task.result()  # raise what stopped the client
    profiler = cProfile.Profile() if profile else None
    loop = asyncio.get_running_loop()
    print("ready", flush=True)
    while line := (await loop.run_in_executor(None, sys.stdin.readline)).strip():
        if line == "post":
            # Post the next check-in now (the timer is off): the mood buttons members click.
            await kith.scheduler.materialise(kith.services.clock.now())
            due = await db.fetchval(
                "SELECT MIN(due_at) FROM occurrences WHERE kind = 'checkin.post'"
                " AND state = 'pending'"
            )
            report = await kith.run_due(from_epoch(due), client.chat)
            print(f"posted {report.sent}", flush=True)
        elif line == "profile on" and profiler is not None:
            profiler.enable()
            print("ok", flush=True)
        elif line == "profile off" and profiler is not None:
            profiler.disable()
            profiler.dump_stats(profile)
            print("ok", flush=True)
        elif line == "split":
            print("split " + " ".join(f"{k}={v:.4f}" for k, v in SPLIT.items()), flush=True)
        elif line == "quit":
            break
    await client.close()
    with contextlib.suppress(Exception, asyncio.CancelledError):
        await task
    await db.close()


def proc_status(pid: int) -> dict[str, int]:
    """VmRSS / VmHWM in kB, and CPU time (user + system) in clock ticks."""
    found: dict[str, int] = {}
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                found[key] = int(value.split()[0])
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    found["cpu_ticks"] = int(fields[11]) + int(fields[12])
    return found


@contextlib.contextmanager
def collections_paused() -> Iterator[None]:
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect()


class Child:
    def __init__(self, process: asyncio.subprocess.Process, log: Path) -> None:
        self.process = process
        self.log = log

    @classmethod
    async def start(
        cls, fake: FakeDiscord, db_path: Path, log: Path, profile: str, extra: tuple[str, ...]
    ) -> Child:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bench.discord_load",
            "--serve-bot",
            "--api",
            fake.api_base,
            "--gateway",
            fake.gateway_url,
            "--db",
            str(db_path),
            "--profile",
            profile,
            *extra,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=log.open("wb"),
            cwd=ROOT,
        )
        child = cls(process, log)
        await child.expect("ready", 60)
        return child

    async def expect(self, word: str, limit: float = 30) -> str:
        assert self.process.stdout is not None
        line = (await asyncio.wait_for(self.process.stdout.readline(), limit)).decode()
        if not line.startswith(word):
            tail = self.log.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"the bot said {line!r}, expected {word!r}; its log ends:\n{tail}")
        return line

    async def ask(self, command: str, word: str) -> str:
        assert self.process.stdin is not None
        self.process.stdin.write(command.encode() + b"\n")
        await self.process.stdin.drain()
        return await self.expect(word)

    def status(self) -> dict[str, int]:
        return proc_status(self.process.pid)

    async def stop(self) -> None:
        if self.process.returncode is None:
            assert self.process.stdin is not None
            with contextlib.suppress(ConnectionError):
                self.process.stdin.write(b"quit\n")
                await self.process.stdin.drain()
            try:
                await asyncio.wait_for(self.process.wait(), 20)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()


# -- the world and the driver -----------------------------------------------------------------


@dataclass
class World:
    fake: FakeDiscord
    guild_id: str
    general: str
    kindness: str
    members: list[dict[str, Any]]
    mood_ids: list[str] = field(default_factory=list)
    post: dict[str, Any] = field(default_factory=dict)


@dataclass
class Result:
    rate: float
    seconds: float
    sent: int = 0
    acked: int = 0
    errors: int = 0
    late: int = 0  # acknowledged after Discord's 3-second deadline
    deferred: int = 0
    send_seconds: float = 0.0
    ack_seconds: float = 0.0  # first send → last acknowledgement
    latencies: list[float] = field(default_factory=list)
    rss_before_kb: int = 0
    rss_after_kb: int = 0
    peak_rss_kb: int = 0
    bot_cpu_s: float = 0.0
    driver_cpu_s: float = 0.0
    load_before: tuple[float, float, float] = (0.0, 0.0, 0.0)
    load_after: tuple[float, float, float] = (0.0, 0.0, 0.0)
    by_action: dict[str, int] = field(default_factory=dict)
    recorded_acts: int = 0
    recorded_moods: int = 0
    clickers: int = 0
    error_samples: list[str] = field(default_factory=list)
    split_s: dict[str, float] = field(default_factory=dict)  # bot CPU seconds per part

    @property
    def throughput(self) -> float:
        return self.acked / self.ack_seconds if self.ack_seconds else 0.0

    def p(self, pct: float) -> float:
        return percentile(self.latencies, pct) * 1000 if self.latencies else float("nan")


async def answered(fake: FakeDiscord, record: Interaction) -> Interaction:
    return await fake.answer(record, 30)


async def build_world(fake: FakeDiscord, members: int) -> tuple[World, dict[str, Any]]:
    guild = fake.add_guild("Load", ("general", "kindness"))
    world = World(
        fake,
        guild["id"],
        fake.channel(guild["id"], "general")["id"],
        fake.channel(guild["id"], "kindness")["id"],
        [fake.add_user(f"Member{n}") for n in range(members)],
    )
    return world, fake.add_user("Admin")


async def set_up(world: World, admin: dict[str, Any], child: Child) -> None:
    """Check-ins and kindness, set up by an admin through slash commands, and one check-in post."""
    fake, gid = world.fake, world.guild_id
    soon = time.gmtime(time.time() + 120)
    checkin = {
        "channel": world.general,
        "time": f"{soon.tm_hour:02d}:{soon.tm_min:02d}",
        "days": "daily",
        "tz": "UTC",
    }
    for path, options in (
        ("kith setup checkin", checkin),
        ("kith setup kindness", {"channel": world.kindness}),
    ):
        reply = await answered(
            fake, await fake.slash(gid, admin, world.general, path, options, admin=True)
        )
        if SORRY_WORDS in reply.text or "set up" not in reply.text:
            raise RuntimeError(f"/{path} failed: {reply.text!r}")
    await child.ask("post", "posted 1")
    world.post = fake.posts(world.general)[-1]
    world.mood_ids = [c for c in custom_ids(world.post) if c.startswith("v1:mood:")]
    if not world.mood_ids:
        raise RuntimeError("the check-in post has no mood buttons")


async def act(world: World, n: int) -> tuple[str, Interaction]:
    """Action number ``n``: /kind, /streak or a mood click, by member ``n`` in turn."""
    fake, member = world.fake, world.members[n % len(world.members)]
    kind = ACTIONS[n % len(ACTIONS)]
    if kind == "kind":
        text = f"helped a neighbour with the shopping, errand {n}"
        record = await fake.slash(
            world.guild_id, member, world.kindness, "kind", {"what_i_did": text}
        )
    elif kind == "streak":
        # /streak has subcommands, so Discord offers the command itself as /streak show.
        record = await fake.slash(world.guild_id, member, world.kindness, "streak show")
    else:
        mood = world.mood_ids[n % len(world.mood_ids)]
        record = await fake.click(member, world.post, mood, guild_id=world.guild_id)
    return kind, record


async def drive(world: World, rate: float, seconds: float, drain: float) -> Result:
    """Send ``rate × seconds`` actions on a fixed schedule, then wait for every answer."""
    loop = asyncio.get_running_loop()
    result = Result(rate, seconds)
    total = int(rate * seconds)
    sent: list[tuple[str, Interaction]] = []
    cpu0 = time.process_time()
    start = loop.time()
    for n in range(total):
        delay = start + n / rate - loop.time()
        if delay > 0.001:
            await asyncio.sleep(delay)
        sent.append(await act(world, n))
    result.send_seconds = loop.time() - start
    cursor = 0

    def all_answered() -> bool:  # re-checked on every request the fake serves: O(1) amortised
        nonlocal cursor
        while cursor < len(sent) and sent[cursor][1].answered:
            cursor += 1
        return cursor == len(sent)

    with contextlib.suppress(TimeoutError):
        await world.fake.until(all_answered, drain)
    result.driver_cpu_s = time.process_time() - cpu0
    result.sent = len(sent)
    last_ack = start
    for kind, record in sent:
        result.by_action[kind] = result.by_action.get(kind, 0) + 1
        if not record.callbacks:
            result.errors += 1
            result.error_samples.append(f"{kind}: never acknowledged")
            continue
        result.acked += 1
        latency = record.acked_at - record.sent_at
        result.latencies.append(latency)
        last_ack = max(last_ack, record.acked_at)
        result.late += latency > DEADLINE
        result.deferred += record.type == 5
        if not record.answered or any(words in record.text for words in FAILED_WORDS):
            result.errors += 1
            result.error_samples.append(f"{kind}: {record.text[:80]!r}")
    refused = [c for c in world.fake.calls if c.status >= 400]
    result.errors += len(refused)
    result.error_samples += [f"HTTP {c.status} {c.method} {c.path}" for c in refused[:5]]
    result.ack_seconds = last_ack - start
    result.clickers = len({world.members[n % len(world.members)]["id"] for n in range(2, total, 3)})
    return result


def recorded(db_path: Path, result: Result) -> None:
    """What the bot committed: one kind act per /kind, one mood per member who clicked."""
    with contextlib.closing(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)) as db:
        result.recorded_acts = db.execute("SELECT COUNT(*) FROM kind_acts").fetchone()[0]
        result.recorded_moods = db.execute("SELECT COUNT(*) FROM moods").fetchone()[0]


async def run_once(
    rate: float,
    seconds: float,
    members: int,
    workdir: Path,
    *,
    warmup: float = 1.0,
    drain: float = 30.0,
    profile: str = "",
    child_args: tuple[str, ...] = (),
) -> Result:
    fake = await FakeDiscord().start()
    child: Child | None = None
    try:
        world, admin = await build_world(fake, members)
        db_path = workdir / "kith.sqlite3"
        child = await Child.start(fake, db_path, workdir / "bot.log", profile, child_args)
        await fake.until(lambda: bool(fake.commands), 30)
        await set_up(world, admin, child)
        if warmup:  # JIT-free Python still has caches to fill: connections, statements
            warm = World(fake, world.guild_id, world.general, world.kindness, [admin])
            warm.mood_ids, warm.post = world.mood_ids, world.post
            for n in range(int(warmup * 50)):
                await answered(fake, (await act(warm, n))[1])
        fake.calls.clear()
        before = child.status()
        load_before = os.getloadavg()
        if profile:
            await child.ask("profile on", "ok")
        # The fake keeps every interaction and request it sees, so in this process a full
        # garbage collection takes longer as the run goes on (36 ms after 3 s, 400 ms after 57 s
        # in one run), and while it runs the fake neither sends nor receives: latency that is the
        # harness's, not the bot's. The bot's own collections still happen and still count.
        with collections_paused():
            result = await drive(world, rate, seconds, drain)
        if profile:
            await child.ask("profile off", "ok")
        after = child.status()
        if "--split" in child_args:
            words = (await child.ask("split", "split")).split()[1:]
            result.split_s = {k: float(v) for k, v in (w.split("=") for w in words)}
        result.load_before, result.load_after = load_before, os.getloadavg()
        result.rss_before_kb, result.rss_after_kb = before["VmRSS"], after["VmRSS"]
        result.peak_rss_kb = after["VmHWM"]
        result.bot_cpu_s = (after["cpu_ticks"] - before["cpu_ticks"]) / os.sysconf("SC_CLK_TCK")
        await child.stop()
        recorded(db_path, result)
        # The warm-up's acts were the admin's: not counted as the load's.
        with contextlib.closing(sqlite3.connect(db_path)) as db:
            admin_acts = db.execute(
                "SELECT COUNT(*) FROM kind_acts WHERE user_key LIKE ?", (f"%:{admin['id']}",)
            ).fetchone()[0]
            admin_moods = db.execute(
                "SELECT COUNT(*) FROM moods WHERE user_key LIKE ?", (f"%:{admin['id']}",)
            ).fetchone()[0]
        result.recorded_acts -= admin_acts
        result.recorded_moods -= admin_moods
        return result
    finally:
        if child is not None:
            await child.stop()
        await fake.stop()


# -- reporting --------------------------------------------------------------------------------


def describe(result: Result) -> str:
    grow = (result.rss_after_kb - result.rss_before_kb) / 1024
    load = lambda avg: "/".join(f"{v:.2f}" for v in avg)  # noqa: E731
    lines = [
        f"target {result.rate:.0f}/s for {result.seconds:.0f} s: sent {result.sent} "
        f"({result.sent / result.send_seconds:.0f}/s) · acknowledged {result.acked} · "
        f"throughput {result.throughput:.0f}/s",
        f"ack latency p50 {result.p(50):.1f} ms · p99 {result.p(99):.1f} ms · "
        f"max {result.p(100):.1f} ms · over 3 s: {result.late} · deferred: {result.deferred}",
        f"errors {result.errors} · failed for the member (errors + acknowledged after 3 s, "
        f"which Discord shows as 'interaction failed'): {result.errors + result.late}"
        + (f" (e.g. {'; '.join(result.error_samples[:3])})" if result.error_samples else ""),
        f"bot RSS {result.rss_before_kb / 1024:.1f} → {result.rss_after_kb / 1024:.1f} MB "
        f"({grow:+.1f} MB; peak {result.peak_rss_kb / 1024:.1f} MB) · bot CPU "
        f"{result.bot_cpu_s:.1f} s ({1000 * result.bot_cpu_s / max(result.acked, 1):.2f} ms/action)"
        f" · driver+fake CPU {result.driver_cpu_s:.1f} s",
        f"recorded: {result.recorded_acts} kind acts for {result.by_action.get('kind', 0)} /kind, "
        f"{result.recorded_moods} moods for {result.clickers} members who clicked",
        f"load average before {load(result.load_before)} · after {load(result.load_after)}",
    ]
    if result.split_s:
        acked = max(result.acked, 1)
        core = {k: v for k, v in result.split_s.items() if k.startswith("core:")}
        per = {k: 1000 * v / acked for k, v in result.split_s.items() if k not in core}
        per["core"] = 1000 * sum(core.values()) / acked
        rest = 1000 * result.bot_cpu_s / acked - sum(per.values())
        parts = [f"{k} {v:.2f}" for k, v in per.items()] + [f"rest {rest:.2f}"]
        lines.append("bot CPU per action, ms: " + " · ".join(parts))
        counts = {"core:kind": "kind", "core:streak": "streak", "core:click": "mood"}
        lines.append(
            "core CPU per action of each kind, ms: "
            + " · ".join(
                f"{label} {1000 * core.get(key, 0.0) / max(result.by_action.get(label, 0), 1):.2f}"
                for key, label in counts.items()
            )
        )
    return "\n".join(lines)


async def main_async(args: argparse.Namespace) -> int:
    print(machine())
    print(f"bot: event loop {args.loop}, discord.py JSON {args.json}")
    results: list[Result] = []
    for run in range(args.runs):
        with tempfile.TemporaryDirectory(prefix="kith-load-") as tmp:
            profile = args.profile if args.profile and run == 0 else ""
            result = await run_once(
                args.rate,
                args.seconds,
                args.members,
                Path(tmp),
                profile=profile,
                child_args=("--loop", args.loop, "--json", args.json)
                + (("--split",) if args.split else ()),
            )
            if run == 0 and args.show_log:
                print((Path(tmp) / "bot.log").read_text()[-3000:])
        results.append(result)
        print(f"\nrun {run + 1}:\n{describe(result)}", flush=True)
        if profile:
            stats = pstats.Stats(profile)
            stats.sort_stats("tottime").print_stats(25)
            stats.sort_stats("cumulative").print_stats(40)
    if len(results) > 1:
        print(
            f"\nmedian of {len(results)}: throughput "
            f"{median([r.throughput for r in results]):.0f}/s · p50 "
            f"{median([r.p(50) for r in results]):.1f} ms · p99 "
            f"{median([r.p(99) for r in results]):.1f} ms · errors "
            f"{median([r.errors for r in results]):.0f} · late "
            f"{median([r.late for r in results]):.0f} · RSS growth "
            f"{median([(r.rss_after_kb - r.rss_before_kb) / 1024 for r in results]):+.1f} MB · "
            f"bot CPU {median([1000 * r.bot_cpu_s / max(r.acked, 1) for r in results]):.2f} "
            "ms/action"
        )
    return 0 if all(r.errors + r.late == 0 for r in results) else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rate", type=float, default=500.0, help="actions per second")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--profile", default="", help="cProfile the bot into this file")
    parser.add_argument("--show-log", action="store_true")
    parser.add_argument(
        "--split",
        action="store_true",
        help="time the bot's CPU per part (gateway, core, answer); use a low --rate",
    )
    parser.add_argument(
        "--loop", choices=("asyncio", "uvloop"), default="asyncio", help="the bot's event loop"
    )
    parser.add_argument(
        "--json",
        choices=("auto", "stdlib"),
        default="auto",
        help="stdlib: the bot's discord.py parses with json even if orjson is installed",
    )
    parser.add_argument("--serve-bot", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--api", help=argparse.SUPPRESS)
    parser.add_argument("--gateway", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_bot:
        if args.json == "stdlib":
            use_stdlib_json()
        if args.split:
            split_cpu()
        if args.loop == "uvloop":
            import uvloop

            uvloop.run(serve_bot(args.api, args.gateway, args.db, args.profile))
        else:
            asyncio.run(serve_bot(args.api, args.gateway, args.db, args.profile))
        return 0
    if args.rate * args.seconds > 200_000:
        parser.error("rate × seconds is capped at 200,000 actions")
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    sys.exit(main())
