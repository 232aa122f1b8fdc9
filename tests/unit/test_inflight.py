"""Accepted work and a shutdown: what is refused once closing, and what a drain waits for."""

from __future__ import annotations

import asyncio

from bot.shutdown import InFlight


async def test_closing_refuses_new_work_and_waits_for_accepted_work() -> None:
    inflight = InFlight()
    release = asyncio.Event()
    finished: list[str] = []

    async def accepted_work() -> None:
        async with inflight.working() as accepted:
            assert accepted
            await release.wait()
            finished.append("accepted")

    task = asyncio.create_task(accepted_work())
    await asyncio.sleep(0)
    closing = asyncio.create_task(inflight.close(seconds=5))
    await asyncio.sleep(0)
    async with inflight.working() as accepted:
        assert not accepted  # arrived after the stop was asked for
    assert not closing.done()  # still waiting for the accepted work
    release.set()
    assert await closing is True
    await task
    assert finished == ["accepted"]


async def test_acknowledged_work_is_counted_even_while_closing_and_a_drain_waits_for_it() -> None:
    inflight = InFlight()
    inflight.closing = True  # as after close(): yet the platform already acknowledged this
    release = asyncio.Event()

    async def acknowledged() -> None:
        async with inflight.counted():
            await release.wait()

    task = asyncio.create_task(acknowledged())
    await asyncio.sleep(0)
    assert await inflight.drain(seconds=0.05) is False  # still running: the drain says so
    release.set()
    assert await inflight.drain(seconds=5) is True
    await task
