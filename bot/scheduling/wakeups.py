"""The in-process timer: APScheduler 3.11 wakes the tick at the next due time.

It is only an alarm clock. What is due lives in the database, so a missed or doubled wake-up
costs nothing: a periodic poll catches anything the one-shot wake-up missed (APScheduler drops a
job more than ``misfire_grace_time`` late), and claims make a doubled tick harmless.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

log = logging.getLogger("kith.timer")

POLL = timedelta(seconds=30)


class Timer:
    def __init__(self, tick: Callable[[], Awaitable[datetime | None]]) -> None:
        """``tick`` runs whatever is due and returns when it next has work (or None)."""
        self._tick = tick
        self._lock = asyncio.Lock()
        self._scheduler = AsyncIOScheduler(timezone=UTC)

    def start(self) -> None:
        """Must be called with the event loop running."""
        self._scheduler.add_job(
            self._run,
            "interval",
            seconds=POLL.total_seconds(),
            id="poll",
            coalesce=True,
            max_instances=1,
            misfire_grace_time=None,
            next_run_time=datetime.now(UTC),
        )
        self._scheduler.start()

    async def _run(self) -> None:
        async with self._lock:
            try:
                wake = await self._tick()
            except Exception:
                log.exception("event=tick_error")
                return
        if wake is not None and wake - datetime.now(UTC) < POLL:
            self._scheduler.add_job(
                self._run,
                "date",
                run_date=max(wake, datetime.now(UTC)),
                id="wake",
                replace_existing=True,
                misfire_grace_time=None,
            )

    def stop(self) -> None:
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)
