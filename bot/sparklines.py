"""Sparklines for ``/kith stats``: a series at a glance, its numbers kept beside it.

A series is a run of values oldest first; ``None`` is a value withheld (an aggregate of fewer
than five answers) or not there, drawn as a gap so a hidden week never reads as a low one. The
numbers stay in the text after the line: screen readers read them, and nobody has to guess a bar.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from bot.i18n import _
from bot.i18n.formats import day_month
from bot.messages import Text

BARS = "▁▂▃▄▅▆▇█"
GAP = " "  # a withheld value: a gap in the line, never a short bar
HIDDEN = "–"  # the same, in the list of numbers
# No aggregate of fewer answers than this is shown, in words, lines or pictures: a small group's
# figures could otherwise reveal one member's answer.
MIN_GROUP = 5


def sparkline(
    values: Sequence[float | None], *, low: float | None = None, high: float | None = None
) -> str:
    """One character per value on a scale from ``low`` to ``high`` (default: the values' own
    range; a flat series sits mid-height so it does not read as "nothing")."""
    shown = [v for v in values if v is not None]
    if not shown:
        return GAP * len(values)
    bottom = min(shown) if low is None else low
    top = max(shown) if high is None else high
    chars = []
    for value in values:
        if value is None:
            chars.append(GAP)
        elif top <= bottom:
            chars.append(BARS[len(BARS) // 2 - 1])
        else:
            share = (min(max(value, bottom), top) - bottom) / (top - bottom)
            chars.append(BARS[min(int(share * len(BARS)), len(BARS) - 1)])
    return "".join(chars)


@dataclass(frozen=True)
class Series:
    """A named run of values, oldest first, with how to write one value and its scale."""

    title: str
    labels: tuple[str, ...]  # one per value, in the reader's language: "02 Mar", "round 3"
    values: tuple[float | None, ...]
    low: float | None = None
    high: float | None = None
    number: Callable[[float], str] = lambda v: f"{v:g}"
    style: str = "bars"  # how a chart draws it: "bars" (counts, rates) or "line" (a trend)

    def line(self) -> str:
        """``Answers by day: ▁▃█·▅  (2, 4, 9, –, 6)``."""
        numbers = ", ".join(HIDDEN if v is None else self.number(v) for v in self.values)
        return f"{self.title}: {sparkline(self.values, low=self.low, high=self.high)}  ({numbers})"


# What a /kith stats section returns: paragraphs, and series (shown as a sparkline line, and
# drawn in the chart image).
StatsItem = str | tuple[Text, ...] | Series


def period_of(day: date, by_week: bool) -> date:
    """The day itself, or the Monday of its ISO week."""
    return day - timedelta(days=day.weekday()) if by_week else day


def periods(first: date, last: date, by_week: bool) -> list[date]:
    """Every day (or every week's Monday) from ``first`` to ``last``, so empty ones show as 0."""
    start, end = period_of(first, by_week), period_of(last, by_week)
    step = timedelta(days=7 if by_week else 1)
    found = []
    while start <= end:
        found.append(start)
        start += step
    return found


def by_week(window_days: int) -> bool:
    """Thirty days fit a line one character a day; ninety read better a week a character."""
    return window_days > 31


def count_series(
    title: str, counts: dict[date, int], first: date, last: date, window_days: int
) -> Series:
    """Counts per day (or per week for long windows), every period present, oldest first.
    ``title`` is already in the reader's language (``_("Answers")``)."""
    weekly = by_week(window_days)
    totals: dict[date, int] = {}
    for day, count in counts.items():
        key = period_of(day, weekly)
        totals[key] = totals.get(key, 0) + count
    keys = periods(first, last, weekly)
    return Series(
        _("{title} by week", title=title) if weekly else _("{title} by day", title=title),
        tuple(day_month(k) for k in keys),
        tuple(float(totals.get(k, 0)) for k in keys),
        low=0,
    )
