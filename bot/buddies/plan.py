"""A big round's reading and pairing, in a worker process.

Pairing 100,000 members is most of a second of pure-Python work, and reading 12 rounds of
history into the who-met-whom map another; on the event loop that stalls every member's action
for as long, and in a thread it holds the interpreter lock the loop needs (measured worse). So a
pool of ``IN_PROCESS_POOL`` members or more is read and paired in a worker process, started once
and kept (``spawn``, not ``fork``: the bot's process has threads). The worker reads through its
own connection in one snapshot (SQLite: a read transaction; PostgreSQL: repeatable read, read
only), so it never takes the write lock, and sends back only the groups. Smaller pools, where a
process hop would cost more than the work, are read and paired on the loop from a snapshot.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, datetime

from bot.buddies.pairing import Pairing, pair_round
from bot.buddies.pool import avoid_pairs, eligible, history_rounds, load_history, member_zones
from bot.buddies.rule import (
    HISTORY_ROUNDS,
    buddy_rule,
    group_size,
    repeat_window,
    uses_timezones,
)
from bot.programmes import Programme
from bot.scheduling.timezones import utc_offset_minutes
from bot.store.base import Database, Tx
from bot.store.sqlite import SqliteTx
from bot.workers import in_worker

# bench/pairing.py: 1,000 members are read and paired in about 11 ms on the loop, 10,000 in about
# 120 ms. Past this size a stall would cost members more than the hop to the worker.
IN_PROCESS_POOL = 1_000


@dataclass(frozen=True)
class Planned:
    """What a round's save needs from its reading and pairing."""

    pairing: Pairing
    pool: list[int]
    skipping: list[int]  # members who asked to skip this round: their skip is now used up


async def load_and_pair(tx: Tx, dialect: str, programme: Programme, slot: str) -> Planned:
    """Load the round's pool, history and do-not-pair lists and pair them: the whole of a
    round's pairing work, as the pairing benchmark measures it. Reads only."""
    day = date.fromisoformat(slot)
    key = programme.community_key
    pool = await eligible(tx, dialect, key, day)
    skipping = await tx.fetchall(
        "SELECT id FROM buddy_members WHERE community_id = ? AND skip_next = 1", key
    )
    rounds = await history_rounds(tx, programme.id, slot, HISTORY_ROUNDS)
    history = await load_history(tx, dialect, rounds)
    avoid = await avoid_pairs(tx, key)
    zones = None
    if uses_timezones(programme):
        by_zone = await member_zones(tx, dialect, key)
        zones = offsets_at(by_zone, buddy_rule(programme).at_local(day))
    pairing = pair_round(
        pool,
        history,
        avoid,
        size=group_size(programme),
        window=repeat_window(programme),
        seed=f"{programme.id}:{slot}",
        zones=zones,
    )
    return Planned(pairing, pool, [int(r["id"]) for r in skipping])


def offsets_at(by_zone: dict[str, list[int]], instant: datetime) -> dict[int, int]:
    """Each member's UTC offset in minutes at the round's start (so summer time counts)."""
    offsets: dict[int, int] = {}
    for name, members in by_zone.items():
        offset = utc_offset_minutes(name, instant)
        if offset is not None:
            offsets.update(dict.fromkeys(members, offset))
    return offsets


async def read_and_pair(db: Database, programme: Programme, slot: str) -> Planned:
    """Read the round's inputs in one snapshot and pair them: in the worker process when the
    pool is big and the worker can reach the store, here otherwise."""
    url = db.url
    if await pool_size(db, programme) < IN_PROCESS_POOL or not url or url == ":memory:":
        async with db.snapshot() as snap:
            return await load_and_pair(snap, db.dialect, programme, slot)
    return await in_worker(_in_worker, url, db.dialect, programme, slot)


async def pool_size(db: Database, programme: Programme) -> int:
    return int(
        await db.fetchval(
            "SELECT COUNT(*) FROM buddy_members WHERE community_id = ? AND active = 1",
            programme.community_key,
        )
        or 0
    )


def _in_worker(url: str, dialect: str, programme: Programme, slot: str) -> Planned:
    """In the worker process."""
    return asyncio.run(_read_and_pair_there(url, dialect, programme, slot))


async def _read_and_pair_there(url: str, dialect: str, programme: Programme, slot: str) -> Planned:
    async with _snapshot(url, dialect) as snap:
        return await load_and_pair(snap, dialect, programme, slot)


@asynccontextmanager
async def _snapshot(url: str, dialect: str) -> AsyncIterator[Tx]:
    """One read-only snapshot on a connection of the worker's own."""
    if dialect == "postgresql":
        import asyncpg

        from bot.store.postgres import PostgresTx

        conn = await asyncpg.connect(url)
        try:
            async with conn.transaction(isolation="repeatable_read", readonly=True):
                yield PostgresTx(conn)
        finally:
            await conn.close()
        return
    path = url.removeprefix("sqlite:///")
    lite = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    try:
        lite.execute("PRAGMA query_only = ON")
        lite.execute("BEGIN")
        yield SqliteTx(lite)
        lite.execute("ROLLBACK")
    finally:
        lite.close()
