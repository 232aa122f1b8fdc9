"""``/healthz``: is this process running and does its database answer?"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from bot.store.base import Database

# Long enough for a busy SQLite file (a group commit, a claimed batch), short enough that an
# orchestrator's probe (usually 1–10 s) gets an answer rather than its own timeout.
DATABASE_TIMEOUT = 2.0


@dataclass(frozen=True)
class Health:
    ok: bool
    body: dict[str, object]


async def check(db: Database, started: float) -> Health:
    """One trivial query. ``started`` is the process's start on the ``time.monotonic`` clock."""
    uptime = round(time.monotonic() - started, 1)
    if db.fault is not None and not await _writes_again(db):
        return Health(
            False,
            {
                "status": "degraded",
                "database": f"writes are refused: {db.fault}",
                "uptime_s": uptime,
            },
        )
    try:
        async with asyncio.timeout(DATABASE_TIMEOUT):
            answer = await db.fetchval("SELECT 1")
    except TimeoutError:
        problem = f"the database did not answer within {DATABASE_TIMEOUT:g} s"
    except Exception as exc:  # closed, locked, unreachable: the probe reports, never raises
        problem = f"the database failed: {type(exc).__name__}"
    else:
        if answer == 1:
            return Health(True, {"status": "ok", "database": "ok", "uptime_s": uptime})
        problem = "the database gave a wrong answer"
    return Health(False, {"status": "unavailable", "database": problem, "uptime_s": uptime})


async def _writes_again(db: Database) -> bool:
    """While writes are refused, each probe tries one: a disk given space again recovers by
    itself even if no member writes meanwhile. A damaged file never does (restore a backup)."""
    try:
        async with asyncio.timeout(DATABASE_TIMEOUT):
            await db.probe_write()
    except Exception:  # still refused, or too slow to say: the probe reports, never raises
        return False
    return db.fault is None
