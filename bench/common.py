"""Shared bits for benchmarks: the machine line and medians."""

from __future__ import annotations

import os
import platform
import statistics
import sys


def machine() -> str:
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            models = (line.split(":", 1)[1] for line in info if line.startswith("model name"))
            cpu = next(models).strip()
    except (OSError, StopIteration):
        pass
    return (
        f"{os.cpu_count()} cores · {cpu} · Python {sys.version.split()[0]} · "
        f"{platform.system()} {platform.release()}"
    )


def median(values: list[float]) -> float:
    return statistics.median(values)


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]
