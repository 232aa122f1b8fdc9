"""Streaks on local dates: the rest-day rule, DST, time-zone changes and local midnight.

Each table row is something a person could check by hand on a calendar.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.kindness.periods import week_key
from bot.kindness.streaks import (
    Streak,
    advance,
    alive_through,
    current_on,
    next_rest_available,
    recount,
    rest_day_in_use,
    stamp,
    streak_from_acts,
)

D = date.fromisoformat


def days_of(pattern: str, first: date = date(2026, 3, 2)) -> list[date]:
    """``"xx.x"``: an act on the 1st, 2nd and 4th day from ``first``; ``.`` is a missed day."""
    return [first + timedelta(days=i) for i, mark in enumerate(pattern) if mark == "x"]


def fold(days: list[date]) -> Streak:
    streak = Streak()
    for day in days:
        streak = advance(streak, day)
    return streak


# pattern, expected current length (on the last act's day), longest, the rest day in use (index)
RULE_CASES = [
    ("x", 1, 1, None),
    ("xxxxx", 5, 5, None),
    ("xxx.x", 4, 4, 3),  # one missed day: a rest day, no length added
    ("xxx..x", 1, 3, None),  # two missed days in a row end it
    ("xxxxxx.xxxxxx.x", 13, 13, 13),  # misses 7 days apart: both forgiven
    ("xxx.xxxxx.x", 1, 8, None),  # misses 6 days apart: the second ends it
    ("xxx.x.x", 1, 4, None),  # misses 2 days apart: the streak ended; day 7 starts afresh
    ("xxx.x.x.x", 2, 4, 7),  # ... and the new streak may use a rest day at once
    ("x.x.x", 1, 2, None),  # rest, then a second miss 2 days later ends it
    ("xx.xxxxxx.xx", 10, 10, 9),  # a rest day on day 3 and one exactly 7 days later
]


@pytest.mark.parametrize(("pattern", "current", "longest", "rest_index"), RULE_CASES)
def test_the_rest_day_rule(
    pattern: str, current: int, longest: int, rest_index: int | None
) -> None:
    acts = days_of(pattern)
    streak = fold(acts)
    assert (streak.length, streak.longest) == (current, longest)
    expected_rest = None if rest_index is None else date(2026, 3, 2) + timedelta(days=rest_index)
    assert streak.rest == expected_rest
    assert recount(acts) == streak
    assert current_on(streak, acts[-1]) == current


# acts pattern, days after the last act that "today" is, expected current
TODAY_CASES = [
    ("xxx", 0, 3),  # logged today
    ("xxx", 1, 3),  # nothing yet today: the day isn't over
    ("xxx", 2, 3),  # yesterday missed: a rest day keeps it
    ("xxx", 3, 0),  # two days missed: over
    ("xxx.x", 2, 0),  # yesterday missed, but the rest day was used 3 days before that
    ("xxxxxxxx.xxxxxx", 2, 14),  # the previous rest day was 7 days before yesterday
    ("xxxxxxxx.xxxxx", 2, 0),  # ... 6 days before: not yet available
]


@pytest.mark.parametrize(("pattern", "after", "current"), TODAY_CASES)
def test_current_streak_as_seen_on_a_later_day(pattern: str, after: int, current: int) -> None:
    acts = days_of(pattern)
    streak = fold(acts)
    today = acts[-1] + timedelta(days=after)
    assert current_on(streak, today) == current
    if current and after == 2:
        assert rest_day_in_use(streak, today) == acts[-1] + timedelta(days=1)
    else:
        assert rest_day_in_use(streak, today) is None


def test_rest_availability_and_alive_through() -> None:
    streak = fold(days_of("xxx.xx"))
    assert streak.rest == D("2026-03-05")
    assert next_rest_available(streak) == D("2026-03-12")
    assert alive_through(streak) == D("2026-03-08")  # no rest day left: only tomorrow
    fresh = fold(days_of("xxx"))
    assert next_rest_available(fresh) is None and alive_through(fresh) == D("2026-03-06")


def local(zone: str, text: str, *, fold_: int = 0) -> datetime:
    """A wall-clock time in ``zone`` as a UTC instant."""
    naive = datetime.fromisoformat(text)
    return naive.replace(tzinfo=ZoneInfo(zone), fold=fold_).astimezone(UTC)


LONDON, NEW_YORK = "Europe/London", "America/New_York"

# (zone, local act times, expected current on the last act's day, expected longest, why)
DST_CASES = [
    (
        LONDON,
        [f"2026-03-{d}T23:30" for d in range(25, 32)] + ["2026-04-01T23:30"],
        8,
        8,
        "23:30 every night across the spring-forward (29 Mar is 23 hours long)",
    ),
    (
        LONDON,
        ["2026-03-28T00:10", "2026-03-29T23:50"],
        2,
        2,
        "46h40m apart across the short day, but consecutive local dates",
    ),
    (
        LONDON,
        ["2026-03-28T23:50", "2026-03-30T00:10"],
        2,
        2,
        "only 23h20m apart across the short day, yet Sunday was missed: a rest day",
    ),
    (
        LONDON,
        ["2026-10-24T23:00", "2026-10-25T01:30", "2026-10-26T00:30"],
        3,
        3,
        "across the fall-back (25 Oct is 25 hours long)",
    ),
    (
        NEW_YORK,
        ["2026-03-07T23:30", "2026-03-09T00:30"],
        2,
        2,
        "24 hours apart across the 23-hour 8 March, but 8 March was missed: a rest day",
    ),
    (
        NEW_YORK,
        [f"2026-03-{d:02d}T00:05" for d in range(5, 12)],
        7,
        7,
        "five past midnight every day across the spring-forward",
    ),
    (
        NEW_YORK,
        ["2026-10-31T23:59", "2026-11-01T01:30", "2026-11-02T00:01"],
        3,
        3,
        "across the fall-back, acts a minute either side of midnight",
    ),
    (
        NEW_YORK,
        ["2026-03-02T23:59", "2026-03-03T00:01"],
        2,
        2,
        "two minutes apart, either side of local midnight: two days",
    ),
    (
        NEW_YORK,
        ["2026-03-02T00:01", "2026-03-02T23:59"],
        1,
        1,
        "almost 24 hours apart on the same local date: one day",
    ),
]


@pytest.mark.parametrize(
    ("zone", "times", "current", "longest", "why"), DST_CASES, ids=[c[4] for c in DST_CASES]
)
def test_local_dates_across_daylight_saving(
    zone: str, times: list[str], current: int, longest: int, why: str
) -> None:
    acts = [(local(zone, t), zone) for t in times]
    streak = streak_from_acts(acts)
    last_day = datetime.fromisoformat(times[-1]).date()
    assert streak.last == last_day
    assert (current_on(streak, last_day), streak.longest) == (current, longest), why


def test_the_repeated_hour_of_a_fall_back_is_one_day() -> None:
    first = local(LONDON, "2026-10-25T01:30", fold_=0)
    second = local(LONDON, "2026-10-25T01:30", fold_=1)
    assert second - first == timedelta(hours=1)
    streak = streak_from_acts([(first, LONDON), (second, LONDON)])
    assert (streak.length, streak.active_days) == (1, 1)


# Acts as (zone the member had then, wall-clock time there); expected stamped dates and streak.
MOVE_CASES = [
    (
        "London to New York: an evening in New York is still Monday",
        [
            (LONDON, "2026-03-02T23:00"),
            (NEW_YORK, "2026-03-02T21:00"),
            (NEW_YORK, "2026-03-03T20:00"),
        ],
        ["2026-03-02", "2026-03-02", "2026-03-03"],
        2,
    ),
    (
        "Tokyo to Honolulu: the calendar goes back; acts count on the later day till it catches up",
        [
            ("Asia/Tokyo", "2026-03-04T08:00"),
            ("Pacific/Honolulu", "2026-03-03T20:00"),
            ("Pacific/Honolulu", "2026-03-04T20:00"),
            ("Pacific/Honolulu", "2026-03-05T20:00"),
        ],
        ["2026-03-04", "2026-03-04", "2026-03-04", "2026-03-05"],
        2,
    ),
    (
        "London to Auckland: a missed Wednesday is a rest day",
        [
            (LONDON, "2026-03-02T20:00"),
            ("Pacific/Auckland", "2026-03-03T21:00"),
            ("Pacific/Auckland", "2026-03-05T07:00"),
        ],
        ["2026-03-02", "2026-03-03", "2026-03-05"],
        3,
    ),
    (
        "New York to London across both DST changes (8 and 29 March)",
        [
            (NEW_YORK, "2026-03-07T22:00"),
            (NEW_YORK, "2026-03-08T22:00"),
            (LONDON, "2026-03-10T07:00"),
            (LONDON, "2026-03-29T23:30"),
        ],
        ["2026-03-07", "2026-03-08", "2026-03-10", "2026-03-29"],
        1,
    ),
]


@pytest.mark.parametrize(
    ("why", "acts", "stamped", "current"), MOVE_CASES, ids=[c[0] for c in MOVE_CASES]
)
def test_a_member_changing_time_zone(
    why: str, acts: list[tuple[str, str]], stamped: list[str], current: int
) -> None:
    streak = Streak()
    got = []
    for zone, wall in acts:
        day = stamp(local(zone, wall), zone, streak.last)
        got.append(day.isoformat())
        streak = advance(streak, day)
    assert got == stamped, why
    assert current_on(streak, streak.last or date.min) == current, why
    assert streak_from_acts([(local(z, w), z) for z, w in acts]) == streak


def test_advance_refuses_an_unstamped_earlier_date() -> None:
    streak = advance(Streak(), D("2026-03-05"))
    with pytest.raises(ValueError):
        advance(streak, D("2026-03-04"))
    assert advance(streak, D("2026-03-05")) is streak  # a second act the same day: no change


def test_iso_week_keys_follow_local_dates() -> None:
    assert week_key(D("2026-03-01")) == "w2026-09"  # a Sunday
    assert week_key(D("2026-03-02")) == "w2026-10"  # the Monday after
    assert week_key(D("2027-01-01")) == "w2026-53"  # ISO years differ from calendar years
