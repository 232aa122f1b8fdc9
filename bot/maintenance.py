"""Housekeeping that touches many rows, done in short slices that can stop and pick up again.

A statement that updates or deletes hundreds of thousands of rows holds SQLite's write lock (and,
in this store, the event loop) for seconds: every member's action waits behind it. So a
maintenance job walks a table's ``id`` range a slice at a time, each slice its own transaction
sized to take about ``SLICE_SECONDS``, and records how far it got in the same transaction. A run
cut short by a restart or a crash is claimed again once its lease runs out and continues after
the last slice that committed; every statement re-checks its own conditions, so a slice done
twice changes nothing the second time.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from time import perf_counter
from typing import Any

from bot.context import Services
from bot.scheduling.clock import to_epoch
from bot.store.base import Tx

SLICE_SECONDS = 0.01  # each slice's share of the write lock: a member's action waits at most this
FIRST_SLICE = 1_000  # ids in the first slice; later slices are sized from how long it took
MIN_SLICE, MAX_SLICE = 100, 200_000
LEASE = timedelta(minutes=10)  # a run whose process stopped recording progress can be taken over


@dataclass
class MaintenanceRun:
    """One claimed (job, UTC date): what the job needs, and where an earlier attempt stopped."""

    services: Services
    job: str
    slot: str
    now: datetime
    progress: str | None = None

    async def record(self, tx: Tx, progress: str) -> None:
        """Remember ``progress`` with the slice that made it, and keep the lease."""
        self.progress = progress
        await tx.execute(
            "UPDATE maintenance_runs SET progress = ?, lease_until = ? WHERE job = ? AND slot = ?",
            progress,
            to_epoch(self.services.clock.now() + LEASE),
            self.job,
            self.slot,
        )


SliceDone = Callable[[Tx, int], Awaitable[None]]
SliceBefore = Callable[[Tx, int, int], Awaitable[None]]


async def in_slices(
    services: Services,
    table: str,
    statement: str,
    params: tuple[Any, ...],
    *,
    after: int,
    done: SliceDone,
    key: str = "id",
    before: SliceBefore | None = None,
) -> int:
    """Run ``statement`` (which ends in ``… AND id > ? AND id <= ?``, after ``params``) over the
    ids of ``table`` past ``after``, a slice per transaction; ``before(tx, first_id, last_id)``
    (exclusive, inclusive) and ``done(tx, last_id)`` run in each slice's transaction, before and
    after the statement. Returns the rows changed."""
    db = services.db
    # ``key``: an increasing integer column (``id``, or moods' ``occurrence_id``).
    last = await db.fetchval(f"SELECT MAX({key}) FROM {table}")  # outside the write lock
    if last is None:
        return 0
    start = max(after, int(await db.fetchval(f"SELECT MIN({key}) FROM {table}")) - 1)
    size, changed = FIRST_SLICE, 0
    while start < int(last):
        end = min(start + size, int(last))
        async with db.transaction() as tx:
            began = perf_counter()
            if before is not None:
                await before(tx, start, end)
            changed += await tx.execute(statement, *params, start, end)
            took = perf_counter() - began
            await done(tx, end)
        # Aim the next slice at SLICE_SECONDS, changing by at most a factor of two at a time.
        scale = min(2.0, max(0.5, SLICE_SECONDS / took)) if took > 0 else 2.0
        size = min(MAX_SLICE, max(MIN_SLICE, int(size * scale)))
        start = end
        await asyncio.sleep(0)  # members' actions queued meanwhile go first
    return changed
