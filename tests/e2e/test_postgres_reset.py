"""PostgreSQL connections reset while several Kith processes post: outcomes are recorded again
on a fresh connection, so a reset re-sends only what was truly in flight.

Three worker processes share one PostgreSQL database and one loopback Discord. In each, the
first batches' outcomes are being recorded when their connection is terminated from another
connection (``pg_terminate_backend``, as a failover or a pooler restart would do). Before, such
a batch stayed claimed until its lease ran out and was then posted a second time with the same
nonces; now it is recorded again on a fresh connection. Counting the posts per nonce shows
what was sent twice.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
from collections import Counter
from multiprocessing.synchronize import Barrier
from typing import Any

import asyncpg
import discord

from adapters.discord.client import ClientOptions, KithClient
from bot.app import build_kith
from bot.scheduling.clock import SimulatedClock
from bot.store import open_database
from tests.e2e.discord_fake import TOKEN, FakeDiscord
from tests.e2e.test_multiprocess_postgres import AFTER_LEASE, DUE, LIMIT, seed
from tests.pg import scratch_database

COMMUNITIES = 240
WORKERS = 3
CLAIM_BATCH = 20
RESETS = 3  # per worker: the first three batches lose their connection while recording


class _Count(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.events: Counter[str] = Counter()

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if message.startswith("event="):
            self.events[message.split()[0].removeprefix("event=")] += 1


async def _work(url: str, api_base: str, start: Barrier, everyone_done: Barrier) -> dict[str, int]:
    discord.http.Route.BASE = api_base
    logged = _Count()
    logging.getLogger("kith").addHandler(logged)
    logging.getLogger("kith").setLevel(logging.INFO)
    kith, db = await build_kith(url, SimulatedClock(DUE))
    client = KithClient(kith, ClientOptions(run_timer=False))
    await client.login(TOKEN)
    chat = client.chat
    original_send = chat.send_channel
    sends: Counter[str] = Counter()  # per delivery key: what the scheduler handed to Discord

    async def counted(*args: Any, **kwargs: Any) -> Any:
        sends[kwargs["delivery_key"]] += 1
        return await original_send(*args, **kwargs)

    chat.send_channel = counted  # type: ignore[method-assign]
    admin = await asyncpg.connect(url)
    original_apply = kith.scheduler._apply
    resets = 0

    async def reset_while_recording(tx: Any, outcome: Any, now: Any, **kw: Any) -> bool:
        """The first try at recording a batch: its connection is terminated mid-transaction."""
        nonlocal resets
        if resets < RESETS and not kw.get("again") and outcome.occurrence.id in firsts:
            resets += 1
            await admin.execute("SELECT pg_terminate_backend($1)", tx._conn.get_server_pid())
            await asyncio.sleep(0.05)  # the server closes the connection
        return bool(await original_apply(tx, outcome, now, **kw))

    kith.scheduler._apply = reset_while_recording  # type: ignore[method-assign]
    firsts: set[int] = set()  # the first occurrence of each batch: one reset per batch
    original_claim = kith.scheduler.claim

    async def claim(now: Any) -> Any:
        batch = await original_claim(now, limit=CLAIM_BATCH)
        if batch:
            firsts.add(batch[0].id)
        return batch

    kith.scheduler.claim = claim  # type: ignore[method-assign]
    failed_runs = 0
    await asyncio.to_thread(start.wait, LIMIT)
    for _ in range(RESETS + 3):  # at DUE: a failed run (the old way) leaves its batch claimed
        try:
            report = await kith.run_due(DUE, chat)
        except Exception:
            failed_runs += 1
            continue
        if not (report.sent or report.retried or report.lost_lease):
            break
    await admin.close()
    await asyncio.to_thread(everyone_done.wait, LIMIT)  # no lease is taken over early
    await kith.run_due(AFTER_LEASE, chat)  # past the lease: whatever was left claimed
    resent = sum(
        n for (_, state), n in kith.services.metrics.occurrences.items() if state == "resent"
    )
    await client.close()
    await db.close()
    return {
        **{f"key:{key}": n for key, n in sends.items()},
        "record_retried": logged.events["record_retried"],
        "resent": resent,
        "failed_runs": failed_runs,
    }


def worker(
    url: str,
    api_base: str,
    start: Barrier,
    everyone_done: Barrier,
    results: multiprocessing.Queue[dict[str, int]],
) -> None:
    results.put(asyncio.run(_work(url, api_base, start, everyone_done)))


async def test_a_reset_while_posting_resends_only_what_was_in_flight() -> None:
    fake = await FakeDiscord().start()
    context = multiprocessing.get_context("spawn")
    processes: list[Any] = []
    try:
        async with scratch_database() as url:
            channels = await seed(url, fake, COMMUNITIES)
            start = context.Barrier(WORKERS)
            everyone_done = context.Barrier(WORKERS)
            results: multiprocessing.Queue[dict[str, int]] = context.Queue()
            processes = [
                context.Process(
                    target=worker, args=(url, fake.api_base, start, everyone_done, results)
                )
                for _ in range(WORKERS)
            ]
            for process in processes:
                process.start()
            reports = [await asyncio.to_thread(results.get, True, LIMIT * 2) for _ in processes]
            for process in processes:
                await asyncio.to_thread(process.join, LIMIT)
                assert process.exitcode == 0
            db = await open_database(url)
            try:
                states = await db.fetchall(
                    "SELECT state, COUNT(*) AS n FROM occurrences GROUP BY state"
                )
            finally:
                await db.close()
    finally:
        for process in processes:  # only on failure: a worker still running is ours
            if process.is_alive():
                process.kill()
                process.join(5)
        await fake.stop()

    sends: Counter[str] = Counter()
    for report in reports:
        sends.update({k.removeprefix("key:"): n for k, n in report.items() if k.startswith("key:")})
    assert len(sends) == COMMUNITIES
    resends = sum(n - 1 for n in sends.values())
    posts = Counter(
        call.body["nonce"]
        for call in fake.calls_to("POST", r"/channels/\d+/messages")
        if call.status == 200 and call.body
    )
    assert all(n == 1 for n in posts.values())  # Discord was asked to post each once
    summary = [{k: n for k, n in r.items() if not k.startswith("key:")} for r in reports]
    retried = sum(r["record_retried"] for r in reports)
    resent_claims = sum(r["resent"] for r in reports)

    assert {s["state"]: s["n"] for s in states} == {"sent": COMMUNITIES}
    assert sum(len(fake.messages[c]) for c in channels) == COMMUNITIES  # deduplicated in the end
    # What went out twice is only what a reset caught in flight (here: nothing, as every send
    # had finished), and each claim taken over is counted in kith_occurrences_total{resent}.
    assert resends <= resent_claims * CLAIM_BATCH, (resends, resent_claims, summary)
    assert resends == 0, (resends, summary)
    # Each worker's first batches lost their connection while recording, and were recorded
    # again on a fresh one: nothing was left claimed for a later pass to send again.
    assert retried == WORKERS * RESETS, summary
