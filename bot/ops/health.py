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
