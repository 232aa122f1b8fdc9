"""The loop watch: every probe's lateness lands in ``kith_event_loop_lag_seconds``, and a stall
past the threshold is logged once, naming the function that held the loop."""

from __future__ import annotations

import asyncio
import logging
import time

import pytest

from bot.ops.loop_watch import LoopWatch
from bot.ops.metrics import Metrics


def kith_function_that_blocks() -> object:
    """A function that looks like Kith's own (its module is under ``bot.``) and blocks."""
    namespace: dict[str, object] = {"__name__": "bot.buddies.example", "time": time}
    exec("def pair_everyone(seconds):\n    time.sleep(seconds)\n", namespace)
    return namespace["pair_everyone"]


async def test_a_stall_is_measured_and_logged_with_what_ran(
    caplog: pytest.LogCaptureFixture,
) -> None:
    metrics = Metrics(process=False)
    watch = LoopWatch(metrics, interval=0.01, stall=0.1).start()
    block = kith_function_that_blocks()
    with caplog.at_level(logging.INFO, logger="kith.loop"):
        await asyncio.sleep(0.05)  # some ordinary probes first
        block(0.4)  # type: ignore[operator]
        await asyncio.sleep(0.05)  # the probe wakes late and reports
        await watch.stop()

    stalls = [r for r in caplog.records if getattr(r, "kith_event", "") == "event_loop_stall"]
    assert len(stalls) == 1, caplog.text
    fields = stalls[0].kith_fields  # type: ignore[attr-defined]
    assert fields["seconds"] >= 0.3
    assert fields["running"].startswith("bot.buddies.example.pair_everyone:2")
    assert "in task" in fields["running"]

    count = metrics.value("kith_event_loop_lag_seconds_count")
    assert count >= 3  # every probe is observed, stalled or not
    under_a_quarter = metrics.value("kith_event_loop_lag_seconds_bucket", le="0.25")
    assert count - under_a_quarter == 1  # exactly one probe was late by more than 0.25 s
    assert b"kith_event_loop_lag_seconds_bucket" in metrics.render()


async def test_short_pauses_are_counted_but_not_logged(caplog: pytest.LogCaptureFixture) -> None:
    metrics = Metrics(process=False)
    watch = LoopWatch(metrics, interval=0.01, stall=0.5).start()
    with caplog.at_level(logging.INFO, logger="kith.loop"):
        kith_function_that_blocks()(0.1)  # type: ignore[operator]  # under the threshold
        await asyncio.sleep(0.05)
        await watch.stop()
    assert not [r for r in caplog.records if getattr(r, "kith_event", "") == "event_loop_stall"]
    assert metrics.value("kith_event_loop_lag_seconds_bucket", le="0.05") < metrics.value(
        "kith_event_loop_lag_seconds_count"
    )
