"""Four Kith processes on one PostgreSQL database, one loopback Discord, one process killed.

Each worker is a separate process running the real core and scheduler, posting through the real
Discord chat port: a ``KithClient`` logged in over REST (discord.py's HTTP client), without a
gateway connection, since scheduled posts go by channel id and need none. All workers start
together (a barrier), so the claims race for real. One worker is SIGKILLed while it holds a
claimed batch with posts in flight; once it is dead the survivors run the scheduler again after
the lease has expired, recover its batch, and post it with the same nonces. The fake then holds
exactly one message per occurrence: the claims, leases, fences and Discord nonces together give
exactly-once delivery across processes and a crash.
"""

from __future__ import annotations

import asyncio
import functools
import json
import multiprocessing
import os
import signal
import socket
from collections import Counter
from datetime import UTC, datetime, timedelta
from multiprocessing.synchronize import Barrier, Event, Semaphore
from typing import Any

import discord

from adapters.discord.chat import nonce_for
from adapters.discord.client import ClientOptions, KithClient
from adapters.discord.ids import channel_ref, community_ref
from bot.app import build_kith
from bot.scheduling.clock import SimulatedClock, to_epoch
from bot.scheduling.scheduler import LEASE
from bot.store import open_database
from tests.e2e.discord_fake import TOKEN, FakeDiscord
from tests.pg import scratch_database

COMMUNITIES = 1_000
WORKERS = 4
VICTIM = 0
KILL_AFTER_SENDS = 10  # the victim hangs, then is killed, once it has posted this many
CLAIM_BATCH = 50
SETUP_AT = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # a Monday
DUE = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
AFTER_LEASE = DUE + LEASE + timedelta(seconds=30)  # the victim's leases have expired
LIMIT = 30.0  # seconds any single wait may take; the whole test stays well under a minute
MONDAYS_ONLY = json.dumps({"days": [0], "grace_minutes": 120, "time": "09:00"})


async def _work(
    url: str,
    api_base: str,
    index: int,
    start: Barrier,
    victim_busy: Event,
    recover: Event,
    idle: Semaphore,
) -> tuple[str, int]:
    discord.http.Route.BASE = api_base  # read on every request: all REST goes to the fake
    kith, db = await build_kith(url, SimulatedClock(DUE))
    client = KithClient(kith, ClientOptions(run_timer=False))
    await client.login(TOKEN)  # GET /users/@me, the application, the command sync: real REST
    chat = client.chat
    original = chat.send_channel
    sent = 0

    async def counted(*args: Any, **kwargs: Any) -> Any:
        nonlocal sent
        if index == VICTIM and sent >= KILL_AFTER_SENDS:
            victim_busy.set()  # posts done, more in flight, none recorded: kill me here
            await asyncio.Event().wait()
        ref = await original(*args, **kwargs)
        sent += 1
        return ref

    chat.send_channel = counted  # type: ignore[method-assign]
    # Smaller claims than production's, so 1,000 occurrences make 20 batches for 4 processes
    # to race for rather than 5 (this process's own scheduler; nothing shared is changed).
    kith.scheduler.claim = functools.partial(  # type: ignore[method-assign]
        kith.scheduler.claim, limit=CLAIM_BATCH
    )
    await asyncio.to_thread(start.wait, LIMIT)
    await kith.run_due(DUE, chat)  # claims race: SKIP LOCKED splits the due rows
    idle.release()
    # Simulated time jumps past the lease only once the victim is dead and every survivor is
    # idle: on a real clock a lease outlives its holder's work, so no live claim is taken over.
    if not await asyncio.to_thread(recover.wait, LIMIT):
        raise RuntimeError("never told to recover")
    await kith.run_due(AFTER_LEASE, chat)
    await client.close()
    await db.close()
    return kith.services.worker_id, sent


def worker(
    url: str,
    api_base: str,
    index: int,
    start: Barrier,
    victim_busy: Event,
    recover: Event,
    idle: Semaphore,
    results: multiprocessing.Queue[tuple[int, str, int]],
) -> None:
    worker_id, sent = asyncio.run(_work(url, api_base, index, start, victim_busy, recover, idle))
    results.put((index, worker_id, sent))


async def seed(url: str, fake: FakeDiscord, communities: int = COMMUNITIES) -> dict[str, str]:
    """One Discord server per community, each with a Monday 09:00 check-in in #general; the
    occurrences laid out by Kith itself before the workers start. Returns channel → community."""
    channels: dict[str, str] = {}
    for n in range(communities):
        guild = fake.add_guild(f"Circle {n}")
        channels[fake.channel(guild["id"], "general")["id"]] = guild["id"]
    db = await open_database(url)
    try:
        async with db.transaction() as tx:
            await tx.executemany(
                "INSERT INTO communities (id, platform, tz, created_at)"
                " VALUES (?, 'discord', 'UTC', 0)",
                [(community_ref(g).key,) for g in channels.values()],
            )
            await tx.executemany(
                "INSERT INTO programmes (community_id, kind, channel_key, tz, config,"
                " materialised_until, created_at, updated_at)"
                " VALUES (?, 'checkin', ?, 'UTC', ?, ?, 0, 0)",
                [
                    (community_ref(g).key, channel_ref(g, c).key, MONDAYS_ONLY, to_epoch(SETUP_AT))
                    for c, g in channels.items()
                ],
            )
        kith, kdb = await build_kith(url, SimulatedClock(SETUP_AT))
        await kith.scheduler.materialise(SETUP_AT)
        # The day's maintenance has run already, so no worker spends the race on it.
        await kith.scheduler.run_maintenance(AFTER_LEASE)
        await kdb.close()
    finally:
        await db.close()
    return channels


async def test_four_processes_deliver_every_occurrence_exactly_once_despite_a_kill() -> None:
    fake = await FakeDiscord().start()
    context = multiprocessing.get_context("spawn")
    processes: list[Any] = []
    try:
        async with scratch_database() as url:
            channels = await seed(url, fake)
            db = await open_database(url)
            try:
                occurrences = await db.fetchall("SELECT id, programme_id FROM occurrences")
                assert len(occurrences) == COMMUNITIES

                start = context.Barrier(WORKERS)
                victim_busy = context.Event()
                recover = context.Event()
                idle = context.Semaphore(0)
                results: multiprocessing.Queue[tuple[int, str, int]] = context.Queue()
                processes = [
                    context.Process(
                        target=worker,
                        args=(url, fake.api_base, i, start, victim_busy, recover, idle, results),
                    )
                    for i in range(WORKERS)
                ]
                for process in processes:
                    process.start()

                # Kill the victim while its claimed batch is half posted.
                assert await asyncio.to_thread(victim_busy.wait, LIMIT), "victim never posted"
                victim = processes[VICTIM]
                os.kill(victim.pid, signal.SIGKILL)
                await asyncio.to_thread(victim.join, LIMIT)
                assert victim.exitcode == -signal.SIGKILL
                stranded = await db.fetchval(
                    "SELECT COUNT(*) FROM occurrences WHERE state = 'claimed' AND claimed_by = ?",
                    f"{socket.gethostname()}:{victim.pid}",
                )
                for _ in range(WORKERS - 1):
                    assert await asyncio.to_thread(idle.acquire, True, LIMIT), "survivor stuck"
                recover.set()

                reports = [
                    await asyncio.to_thread(results.get, True, LIMIT) for _ in range(WORKERS - 1)
                ]
                for process in processes[1:]:
                    await asyncio.to_thread(process.join, LIMIT)
                    assert process.exitcode == 0

                states = await db.fetchall(
                    "SELECT state, COUNT(*) AS n FROM occurrences GROUP BY state"
                )
                rows = await db.fetchall(
                    "SELECT id, programme_id, claimed_by, attempts FROM occurrences"
                )
                programme_channel = {
                    r["id"]: r["channel_key"].rsplit(":", 1)[1]
                    for r in await db.fetchall("SELECT id, channel_key FROM programmes")
                }
            finally:
                for process in processes:  # only on failure: a worker still running is ours
                    if process.is_alive():
                        process.kill()
                        process.join(5)
                await db.close()
    finally:
        await fake.stop()
    attempts_to_post = len(fake.calls_to("POST", r"/channels/\d+/messages"))

    # The kill stranded a claimed batch, partly posted already; it was recovered by lease expiry
    # and delivered again with the same keys. What the victim had posted was not posted again:
    # the adapter's record of keyed sends (discord_sends) returned the first message, or for a
    # send whose answer never reached the victim, the fake deduplicated its nonce.
    assert stranded > 0
    assert sum(1 for r in rows if r["attempts"] > 1) >= stranded
    assert attempts_to_post >= COMMUNITIES

    # Every occurrence ended sent.
    assert {s["state"]: s["n"] for s in states} == {"sent": COMMUNITIES}

    # Exactly one message per occurrence, in its own channel, carrying its delivery nonce.
    for row in rows:
        channel = programme_channel[row["programme_id"]]
        posted = fake.messages[channel]
        assert len(posted) == 1, f"occurrence {row['id']}: {len(posted)} messages"
        assert posted[0]["nonce"] == nonce_for(f"kith-occ-{row['id']}")
    assert sum(len(fake.messages[c]) for c in channels) == COMMUNITIES

    # The work was spread: each survivor finished some occurrences and posted some messages.
    finished_by = Counter(r["claimed_by"] for r in rows)
    for _, worker_id, sent in reports:
        assert finished_by[worker_id] > 0, f"{worker_id} finished nothing: {finished_by}"
        assert sent > 0
