"""The periods a member's counted acts are totalled over (``kind_totals.period``).

Each counted act adds one to the member's total for every period its local date falls in: all
time, its ISO week, its month and, while one runs, the 31-day challenge. The keys are plain
strings so a leaderboard is one index range per period.
"""

from __future__ import annotations

from datetime import date

ALL_TIME = "all"


def week_key(day: date) -> str:
    """``w2026-10``: the ISO week (ISO years differ from calendar years around New Year)."""
    year, week, _ = day.isocalendar()
    return f"w{year}-{week:02d}"


def month_key(day: date) -> str:
    return f"m{day.year:04d}-{day.month:02d}"


def challenge_key(start: date) -> str:
    """The challenge that started on ``start``."""
    return f"c{start.isoformat()}"
