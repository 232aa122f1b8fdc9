"""Watching the event loop for stalls: ``kith_event_loop_lag_seconds``, and a log line naming
what ran when a stall passes ``STALL``.

Everything Kith does for members shares one event-loop thread, so one callback that runs long (a
statement scanning a big table, pure-Python work over a large round) makes every member's action,
gateway heartbeat and Socket Mode acknowledgement wait behind it. A probe task asks to wake every
``INTERVAL`` and records how late it woke: that lateness is the loop's lag. By the time the
probe wakes after a stall, what caused it has gone, so a watchdog thread notices a probe that is
overdue by ``STALL`` while the stall is still happening and samples the loop thread's stack then:
the log line names the innermost of Kith's functions that were running, and the task.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
import time
from types import FrameType

from bot.logs import event
from bot.ops.metrics import Metrics

INTERVAL = 0.05  # seconds between probes: 20 wake-ups a second cost next to nothing
STALL = 0.25  # a stall this long is logged
OWN_PACKAGES = ("bot.", "adapters.")
FRAMES_NAMED = 3

log = logging.getLogger("kith.loop")


class LoopWatch:
    def __init__(self, metrics: Metrics, *, interval: float = INTERVAL, stall: float = STALL):
        self._metrics = metrics
        self._interval = interval
        self._stall = stall
        self._beat = time.monotonic()  # when the probe last woke
        self._culprit: tuple[float, str] | None = None  # (the beat it was overdue from, what)
        self._stopped = threading.Event()
        self._task: asyncio.Task[None] | None = None
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread = 0

    def start(self) -> LoopWatch:
        """Start watching the running loop (from a coroutine on it)."""
        self._loop = asyncio.get_running_loop()
        self._loop_thread = threading.get_ident()
        self._beat = time.monotonic()
        self._task = self._loop.create_task(self._probe(), name="kith-loop-probe")
        self._thread = threading.Thread(target=self._watch, name="kith-loop-watch", daemon=True)
        self._thread.start()
        return self

    async def stop(self) -> None:
        self._stopped.set()
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
        if self._thread is not None:
            await asyncio.to_thread(self._thread.join)

    async def _probe(self) -> None:
        while True:
            beat = self._beat
            await asyncio.sleep(self._interval)
            woke = time.monotonic()
            lag = max(0.0, woke - beat - self._interval)
            self._beat = woke
            self._metrics.loop_lag(lag)
            if lag >= self._stall:
                culprit = self._culprit
                running = culprit[1] if culprit is not None and culprit[0] == beat else "unknown"
                event(
                    log,
                    "event_loop_stall",
                    logging.WARNING,
                    seconds=round(lag, 3),
                    running=running,
                )

    def _watch(self) -> None:
        """In the watchdog thread: sample the loop's stack once per stall, while it lasts."""
        while not self._stopped.wait(self._interval):
            beat = self._beat
            overdue = time.monotonic() - beat - self._interval
            if overdue >= self._stall and (self._culprit is None or self._culprit[0] != beat):
                self._culprit = (beat, self._running())

    def _running(self) -> str:
        frame = sys._current_frames().get(self._loop_thread)
        named = describe_stack(frame)
        task = asyncio.current_task(self._loop) if self._loop is not None else None
        if task is not None:
            named += f" in task {task.get_name()}"
        return named


def describe_stack(frame: FrameType | None) -> str:
    """The innermost few of Kith's own frames (``module.function:line``, innermost first), or
    the innermost frame when none is Kith's."""
    innermost = frame
    named: list[str] = []
    while frame is not None and len(named) < FRAMES_NAMED:
        module = frame.f_globals.get("__name__", "?")
        if module.startswith(OWN_PACKAGES):
            named.append(_name(frame))
        frame = frame.f_back
    if not named:
        return _name(innermost) if innermost is not None else "unknown"
    return " < ".join(named)


def _name(frame: FrameType) -> str:
    module = frame.f_globals.get("__name__", "?")
    return f"{module}.{frame.f_code.co_qualname}:{frame.f_lineno}"
