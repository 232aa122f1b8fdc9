"""Pacing sends within a platform's rate limits, before the platform has to refuse them.

Ten thousand personal check-ins due in one minute are handed to the chat port within seconds; the
platforms accept far fewer requests per second (Discord: 50 per bot, globally; Slack:
``chat.postMessage`` about one per second per channel, with a workspace-wide limit beside it).
Sending them all at once would meet a wall of 429s, whose waits the SDKs honour one request at a
time. A pacer spaces the requests instead, as a GCRA (the generic cell rate algorithm, a token
bucket that keeps only one timestamp): a request may go at ``t`` if ``t`` is no earlier than its
bucket's theoretical arrival time less the burst allowance, and each request pushes that time
one interval on. Nothing is dropped or sent twice: a caller only waits its turn.

The pacer is per process. Several processes sending for one bot share the platform's limit:
give each a share (``rate``) or let the platform's 429s, which the adapters retry, take the rest.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RateLimit:
    """``per_second`` requests a second on average, up to ``burst`` at once."""

    per_second: float
    burst: int = 1

    @property
    def interval(self) -> float:
        return 1.0 / self.per_second


class Pacer:
    """Spaces requests under one overall limit and, optionally, one limit per key (a channel)."""

    MAX_KEYS = 10_000  # keys idle long enough are forgotten, so the table stays small

    def __init__(
        self,
        overall: RateLimit | None = None,
        per_key: RateLimit | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.overall = overall
        self.per_key = per_key
        self._clock = clock
        self._sleep = sleep
        self._overall_tat = 0.0  # theoretical arrival time of the next request
        self._key_tat: dict[str, float] = {}
        self.waited = 0.0  # seconds spent waiting in total (for logs and tests)

    def _reserve(self, key: str | None) -> float:
        """Book the earliest moment both buckets allow; return how long to wait for it."""
        now = self._clock()
        at = now
        if self.overall is not None:
            at = max(at, self._overall_tat - (self.overall.burst - 1) * self.overall.interval)
        if key is not None and self.per_key is not None:
            tat = self._key_tat.get(key, 0.0)
            at = max(at, tat - (self.per_key.burst - 1) * self.per_key.interval)
        if self.overall is not None:
            self._overall_tat = max(self._overall_tat, at) + self.overall.interval
        if key is not None and self.per_key is not None:
            self._key_tat[key] = max(self._key_tat.get(key, 0.0), at) + self.per_key.interval
            if len(self._key_tat) > self.MAX_KEYS:
                self._key_tat = {k: t for k, t in self._key_tat.items() if t > now}
        return at - now

    async def wait(self, key: str | None = None) -> None:
        """Return when a request (to ``key``, if given) may go out. Turns are booked in call
        order without awaiting, so concurrent callers never take the same turn."""
        delay = self._reserve(key)
        if delay > 0:
            self.waited += delay
            await self._sleep(delay)
