"""Stopping cleanly on SIGTERM or SIGINT, the same way on every platform.

1. Stop taking new work: events that arrive from now on are not handled, so they are never
   acknowledged (the member sees the platform's "did not respond" and can try again).
2. Let work already accepted finish, including its reply and any scheduler pass in progress,
   for at most ``DRAIN_SECONDS``. Work still running then is abandoned: every write is one
   transaction, so nothing is half-written, and a scheduler claim is leased, so an unfinished
   one is claimed again by the next run and never recorded as sent without being sent.
3. Close the platform client, then the database. ``kith run`` then exits 0: a requested stop is
   a normal end (a second signal during the drain is ignored; SIGKILL remains the hard stop).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator

from bot.logs import event

log = logging.getLogger("kith.shutdown")

DRAIN_SECONDS = 10.0
SIGNALS = (signal.SIGTERM, signal.SIGINT)


def stop_on_signals(stop: asyncio.Event) -> None:
    """SIGTERM and SIGINT set ``stop`` instead of killing the process mid-write."""
    loop = asyncio.get_running_loop()
    for sig in SIGNALS:
        with contextlib.suppress(NotImplementedError, RuntimeError):  # not on this platform
            loop.add_signal_handler(sig, _requested, stop, sig)


def _requested(stop: asyncio.Event, sig: signal.Signals) -> None:
    if not stop.is_set():
        event(log, "shutdown_requested", signal=sig.name)
    stop.set()


class InFlight:
    """Counts accepted work so a shutdown can wait for it, and refuses work once closing."""

    def __init__(self) -> None:
        self.closing = False
        self._busy = 0
        self._idle = asyncio.Event()
        self._idle.set()

    @contextlib.asynccontextmanager
    async def working(self) -> AsyncIterator[bool]:
        """``async with inflight.working() as accepted:`` — ``accepted`` is False once closing,
        and the caller must then do nothing (above all, acknowledge nothing)."""
        if self.closing:
            yield False
            return
        async with self.counted():
            yield True

    @contextlib.asynccontextmanager
    async def counted(self) -> AsyncIterator[None]:
        """Count work that must be finished whatever happens: work the platform has already
        acknowledged (Slack acknowledges an event before Kith handles it)."""
        self._busy += 1
        self._idle.clear()
        try:
            yield
        finally:
            self._busy -= 1
            if self._busy == 0:
                self._idle.set()

    async def close(self, seconds: float = DRAIN_SECONDS) -> bool:
        """Refuse new work, then wait up to ``seconds`` for what was accepted."""
        self.closing = True
        return await self.drain(seconds)

    async def drain(self, seconds: float = DRAIN_SECONDS) -> bool:
        """Wait up to ``seconds`` for counted work to finish; False if some was still running."""
        try:
            async with asyncio.timeout(seconds):
                await self._idle.wait()
        except TimeoutError:
            event(log, "shutdown_drain_timeout", logging.WARNING, busy=self._busy)
            return False
        return True
