"""The pacer: requests spaced within a rate, bursts allowed up to their size, per-key limits
beside the overall one, and nothing dropped. A fake clock: no real waiting."""

from __future__ import annotations

import asyncio

from bot.pacing import Pacer, RateLimit


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


def paced(overall: RateLimit | None, per_key: RateLimit | None = None) -> tuple[Pacer, FakeTime]:
    fake = FakeTime()
    return Pacer(overall, per_key, clock=fake.clock, sleep=fake.sleep), fake


def max_in_window(times: list[float], window: float) -> int:
    return max(sum(1 for t in times if start <= t < start + window) for start in times)


async def test_overall_rate_never_exceeded_in_any_second() -> None:
    pacer, fake = paced(RateLimit(45, burst=5))
    times = []
    for _ in range(500):
        await pacer.wait()
        times.append(fake.now)
    assert max_in_window(times, 1.0) <= 50  # Discord's global limit
    assert times[4] - times[0] < 1e-9  # a burst of five goes at once
    assert 500 / 45 - 1 < times[-1] - times[0] < 500 / 45  # and then 45 a second


async def test_per_key_limit_spaces_one_channel_but_not_others() -> None:
    pacer, fake = paced(RateLimit(5), RateLimit(1))
    times: dict[str, list[float]] = {"C1": [], "C2": []}
    for n in range(10):
        key = "C1" if n % 2 == 0 else "C2"
        await pacer.wait(key)
        times[key].append(fake.now)
    for key in times:
        gaps = [b - a for a, b in zip(times[key], times[key][1:], strict=False)]
        assert all(gap >= 1.0 - 1e-9 for gap in gaps)  # one a second per channel
    every = sorted(times["C1"] + times["C2"])
    assert max_in_window(every, 1.0) <= 5


async def test_concurrent_callers_take_distinct_turns() -> None:
    fake = FakeTime()
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    pacer = Pacer(RateLimit(10), clock=fake.clock, sleep=sleep)
    await asyncio.gather(*(pacer.wait() for _ in range(30)))
    assert sorted(round(s, 6) for s in slept) == [round(0.1 * n, 6) for n in range(1, 30)]


async def test_idle_time_is_not_banked_beyond_the_burst() -> None:
    pacer, fake = paced(RateLimit(2, burst=2))
    fake.now += 3600  # an idle hour
    start = fake.now
    for _ in range(4):
        await pacer.wait()
    assert abs(fake.now - start - 1.0) < 1e-9  # two at once, then two more 0.5 s apart
