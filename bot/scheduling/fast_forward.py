"""Moving a simulated clock: stop at every moment something falls due, in order."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Protocol

from bot.core import Kith
from bot.ports import ChatPort


class SettableClock(Protocol):
    def now(self) -> datetime: ...

    def set(self, instant: datetime) -> None: ...


async def run_until(
    kith: Kith,
    clock: SettableClock,
    target: datetime,
    chat: ChatPort,
    *,
    stop: asyncio.Event | None = None,
) -> None:
    """Advance ``clock`` to ``target``, running the scheduler at each due moment on the way
    (or only until ``stop`` is set: a shutdown ends a long advance between two due moments)."""
    while True:
        await kith.run_due(clock.now(), chat)
        now = clock.now()
        if now >= target or (stop is not None and stop.is_set()):
            return
        wake = await kith.scheduler.next_wake(now)
        if wake is None or wake > target:
            clock.set(target)
        else:
            # Always make progress, even if something is due "now" but could not run yet.
            clock.set(min(max(wake, now + timedelta(seconds=1)), target))
