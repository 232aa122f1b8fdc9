"""Sparklines: exact lines for known series, gaps for withheld values, numbers kept."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.buddies.stats import RoundStats, met_rate_series
from bot.checkins.stats import MoodSummary, mood_series
from bot.sparklines import BARS, Series, count_series, sparkline


def test_values_map_onto_eight_bars_between_low_and_high() -> None:
    assert sparkline([0, 1, 2, 3, 4, 5, 6, 7, 8], low=0, high=8) == "▁▂▃▄▅▆▇██"
    assert sparkline([1, 3, 5], low=1, high=5) == "▁▅█"
    assert sparkline([2, 9, 5]) == "▁█▄"  # the series' own range by default


def test_withheld_values_are_gaps_never_short_bars() -> None:
    line = sparkline([3.0, None, 4.5], low=1, high=5)
    assert line == "▅ █" and line[1] not in BARS
    assert sparkline([None, None]) == "  "


def test_flat_series_sits_mid_height_and_out_of_range_values_are_clamped() -> None:
    assert sparkline([4, 4, 4]) == "▄▄▄"
    assert sparkline([-3, 12], low=0, high=10) == "▁█"


def test_line_keeps_every_number_for_screen_readers() -> None:
    series = Series("Mood by week", ("a", "b", "c"), (3.2, None, 4.0), 1, 5, lambda v: f"{v:.1f}")
    assert series.line() == "Mood by week: ▅ ▇  (3.2, –, 4.0)"


def test_count_series_fills_empty_days_and_groups_long_windows_by_week() -> None:
    counts = {date(2026, 3, 2): 4, date(2026, 3, 4): 1}
    daily = count_series("Answers", counts, date(2026, 3, 1), date(2026, 3, 4), 7)
    assert daily.title == "Answers by day"
    assert daily.values == (0, 4, 0, 1)
    assert daily.line() == "Answers by day: ▁█▁▃  (0, 4, 0, 1)"
    weekly = count_series("Answers", counts, date(2026, 2, 20), date(2026, 3, 4), 90)
    assert weekly.title == "Answers by week"
    assert weekly.labels == ("16 Feb", "23 Feb", "02 Mar") and weekly.values == (0, 0, 5)


def test_mood_weeks_under_the_minimum_are_gaps() -> None:
    trend = [
        (date(2026, 3, 2), MoodSummary(6, 3.0)),
        (date(2026, 3, 9), MoodSummary(4, None)),  # withheld: 4 answers
        (date(2026, 3, 16), MoodSummary(9, 5.0)),
    ]
    assert mood_series(trend).line() == "Mood by week: ▅ █  (3.0, –, 5.0)"


def round_stats(number: int, asked: int, met: int, answered: int) -> RoundStats:
    return RoundStats(
        number,
        datetime(2026, 3, number, tzinfo=UTC),
        asked,
        2 * asked,
        2 * asked,
        answered,
        asked,
        met,
        0,
        0,
        True,
    )


def test_met_rate_rounds_with_fewer_than_five_answers_are_gaps() -> None:
    rounds = [round_stats(1, 4, 2, 6), round_stats(2, 4, 4, 3), round_stats(3, 5, 5, 10)]
    assert met_rate_series(rounds).line() == "Met rate by round: ▅ █  (50%, –, 100%)"
