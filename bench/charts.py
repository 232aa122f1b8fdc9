"""Chart benchmark: how long one /kith stats chart takes to draw, and that drawing it leaves the
event loop free.

Builds the full four-panel chart (answers per day over 90 days, mood by week with a withheld week,
kind acts per day, met rate per round), rasterises it with resvg N times on this thread for the
draw time, then draws it N times through ``render_png`` (the worker process) while a 5 ms ticker on
the loop records its longest stall.

    python -m bench.charts [--renders 50]
"""

from __future__ import annotations

import argparse
import asyncio
import time

from bench.common import machine, median, percentile
from bot.charts.raster import rasterise, render_png
from bot.charts.svg import chart_svg
from bot.sparklines import Series


def sample() -> tuple[str, list[Series]]:
    days = tuple(f"{d:02d}" for d in range(90))
    weeks = tuple(f"week {w}" for w in range(13))
    return "Kith stats, last 90 days", [
        Series("Answers by day", days, tuple(float(5 + d % 9) for d in range(90)), low=0),
        Series(
            "Mood by week",
            weeks,
            tuple(None if w == 4 else 3 + (w % 5) / 4 for w in range(13)),
            1,
            5,
            lambda v: f"{v:.1f}",
            "line",
        ),
        Series("Kind acts by day", days, tuple(float(d % 13) for d in range(90)), low=0),
        Series("Met rate by round", weeks, tuple(40.0 + 4 * w for w in range(13)), 0, 100),
    ]


async def loop_stall_while_drawing(svg: str, renders: int) -> tuple[float, float]:
    """(longest gap between 5 ms ticks, total seconds) while ``renders`` charts are drawn."""
    longest = 0.0
    done = asyncio.Event()

    async def ticker() -> None:
        nonlocal longest
        last = time.perf_counter()
        while not done.is_set():
            await asyncio.sleep(0.005)
            now = time.perf_counter()
            longest = max(longest, now - last - 0.005)
            last = now

    task = asyncio.create_task(ticker())
    started = time.perf_counter()
    for _ in range(renders):
        await render_png(svg)
    total = time.perf_counter() - started
    done.set()
    await task
    return longest, total


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--renders", type=int, default=50)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    title, series = sample()
    svg = chart_svg(title, series)
    png = rasterise(svg)
    print(f"chart: {len(series)} panels, SVG {len(svg):,} characters, PNG {len(png):,} bytes")
    times = []
    for _ in range(args.renders):
        started = time.perf_counter()
        rasterise(svg)
        times.append((time.perf_counter() - started) * 1000)
    print(
        f"draw: median {median(times):.1f} ms, p95 {percentile(times, 95):.1f} ms, "
        f"range {min(times):.1f}-{max(times):.1f} ms over {args.renders} renders"
    )
    stall, total = asyncio.run(loop_stall_while_drawing(svg, args.renders))
    print(
        f"through render_png (worker process): {args.renders} charts in {total:.2f} s, "
        f"longest event-loop stall {stall * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
