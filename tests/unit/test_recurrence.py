"""Schedule rules across daylight-saving changes, table-driven."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.scheduling.recurrence import DailyRule, ScheduleError, format_days, parse_days, parse_time

WEEKDAYS = (0, 1, 2, 3, 4)
EVERY_DAY = tuple(range(7))


def firings(rule: DailyRule, start: datetime, days: int) -> list[tuple[date, datetime]]:
    return list(rule.firings(start, start + timedelta(days=days)))


@pytest.mark.parametrize(
    ("zone", "month_start"),
    [
        ("Europe/London", datetime(2026, 3, 15, tzinfo=UTC)),  # spring forward 29 March
        ("Europe/London", datetime(2026, 10, 11, tzinfo=UTC)),  # fall back 25 October
        ("America/New_York", datetime(2026, 2, 23, tzinfo=UTC)),  # spring forward 8 March
        ("America/New_York", datetime(2026, 10, 18, tzinfo=UTC)),
    ],  # fall back 1 November
)
@pytest.mark.parametrize("at", [time(9, 0), time(0, 30), time(23, 45)])
def test_a_month_keeps_the_wall_clock_time_once_per_configured_day(
    zone: str, month_start: datetime, at: time
) -> None:
    tz = ZoneInfo(zone)
    fired = firings(DailyRule(at, WEEKDAYS, zone), month_start, 31)
    expected_dates = [
        d
        for d in (month_start.astimezone(tz).date() + timedelta(days=i) for i in range(32))
        if d.weekday() < 5
    ]
    fired_dates = [d for d, _ in fired]
    assert fired_dates == [d for d in expected_dates if d in fired_dates]  # ordered, no repeats
    assert len(fired_dates) == len(set(fired_dates)) >= 21
    for local_date, instant in fired:
        local = instant.astimezone(tz)
        assert local.date() == local_date
        assert (local.hour, local.minute) == (at.hour, at.minute)


@pytest.mark.parametrize(
    ("zone", "day", "at", "expected_utc"),
    [
        # 01:30 happens twice in London on 25 Oct 2026: fire once, at the first (BST) one.
        ("Europe/London", date(2026, 10, 25), time(1, 30), datetime(2026, 10, 25, 0, 30)),
        # 01:30 happens twice in New York on 1 Nov 2026.
        ("America/New_York", date(2026, 11, 1), time(1, 30), datetime(2026, 11, 1, 5, 30)),
        # 02:30 does not exist in New York on 8 Mar 2026: fire at 03:30 EDT, not skip the day.
        ("America/New_York", date(2026, 3, 8), time(2, 30), datetime(2026, 3, 8, 7, 30)),
        # 01:30 does not exist in London on 29 Mar 2026: 02:30 BST.
        ("Europe/London", date(2026, 3, 29), time(1, 30), datetime(2026, 3, 29, 1, 30)),
    ],
)
def test_repeated_and_missing_wall_clock_times(
    zone: str, day: date, at: time, expected_utc: datetime
) -> None:
    start = datetime.combine(day - timedelta(days=2), time(12), UTC)
    fired = dict(firings(DailyRule(at, EVERY_DAY, zone), start, 4))
    assert fired[day] == expected_utc.replace(tzinfo=UTC)
    assert (
        sorted(fired)
        == [day - timedelta(days=1), day, day + timedelta(days=1), day + timedelta(days=2)][
            : len(fired)
        ]
    )


def test_windows_are_half_open_so_consecutive_windows_never_double_fire() -> None:
    rule = DailyRule(time(9), EVERY_DAY, "Europe/London")
    start = datetime(2026, 3, 20, tzinfo=UTC)
    whole = firings(rule, start, 20)
    pieces: list[tuple[date, datetime]] = []
    cursor = start
    for step in (timedelta(hours=9), timedelta(days=2, hours=3), timedelta(days=17, hours=12)):
        pieces.extend(rule.firings(cursor, cursor + step))
        cursor += step
    assert pieces == whole


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mon-fri", (0, 1, 2, 3, 4)),
        ("daily", EVERY_DAY),
        ("weekends", (5, 6)),
        ("MON,wed,Friday", (0, 2, 4)),
        ("fri-mon", (0, 4, 5, 6)),
        ("tue", (1,)),
    ],
)
def test_parse_days(text: str, expected: tuple[int, ...]) -> None:
    assert parse_days(text) == expected


@pytest.mark.parametrize("text", ["", "funday", "mon-", "mo", "mon-tue-wed", ","])
def test_bad_days_are_refused(text: str) -> None:
    with pytest.raises(ScheduleError):
        parse_days(text)


@pytest.mark.parametrize("text", ["25:00", "9am", "09:60", "", "9", "-1:00", "12:5"])
def test_bad_times_are_refused(text: str) -> None:
    with pytest.raises(ScheduleError):
        parse_time(text)


def test_times_and_day_labels() -> None:
    assert parse_time("9:05") == time(9, 5) and parse_time("23:59") == time(23, 59)
    assert format_days((0, 1, 2, 3, 4)) == "mon-fri" and format_days(EVERY_DAY) == "every day"
    assert format_days((0, 2)) == "mon,wed"


def cron_firings(rule: DailyRule, after: datetime, until: datetime) -> list[tuple[date, datetime]]:
    """APScheduler's CronTrigger, which Kith used before, as a second opinion: the first firing
    per local date (it repeats a wall-clock time the clocks go back over)."""
    from apscheduler.triggers.cron import CronTrigger

    tz = ZoneInfo(rule.tz)
    trigger = CronTrigger(
        day_of_week=",".join("mon tue wed thu fri sat sun".split()[d] for d in rule.days),
        hour=rule.at.hour,
        minute=rule.at.minute,
        timezone=tz,
    )
    found: list[tuple[date, datetime]] = []
    cursor = after
    while True:
        fire = trigger.get_next_fire_time(None, cursor + timedelta(seconds=1))
        if fire is None or fire > until:
            return found
        local = fire.astimezone(tz).date()
        if (not found or found[-1][0] != local) and fire > after:
            found.append((local, fire.astimezone(UTC)))
        next_day = datetime.combine(local + timedelta(days=1), time(0), tz)
        cursor = max(fire, next_day - timedelta(seconds=1))


def test_the_day_after_a_spring_forward_is_not_skipped_at_midnight() -> None:
    """CronTrigger skipped Monday 31 March 2025 00:00 in London (the day after the clocks went
    forward) and fired next on 7 April: a member's Monday check-in would have been lost."""
    rule = DailyRule(time(0, 0), (0,), "Europe/London")
    after = datetime(2025, 3, 25, tzinfo=UTC)
    assert cron_firings(rule, after, after + timedelta(days=6)) == []
    assert list(rule.firings(after, after + timedelta(days=6))) == [
        (date(2025, 3, 31), datetime(2025, 3, 30, 23, 0, tzinfo=UTC))
    ]


@settings(max_examples=300, deadline=None)
@given(
    zone=st.sampled_from(
        [
            "Europe/London",
            "America/Los_Angeles",
            "America/Santiago",
            "Australia/Lord_Howe",
            "Asia/Tokyo",
            "America/Havana",
            "Pacific/Chatham",
        ]
    ),
    start=st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 1)),
    hour=st.integers(0, 23),
    minute=st.sampled_from([0, 1, 15, 30, 45, 59]),
    days=st.sets(st.integers(0, 6), min_size=1),
    span=st.integers(1, 40),
)
def test_firings_keep_the_wall_clock_once_per_chosen_date_across_dst(
    zone: str, start: datetime, hour: int, minute: int, days: set[int], span: int
) -> None:
    tz = ZoneInfo(zone)
    rule = DailyRule(time(hour, minute), tuple(sorted(days)), zone)
    after = start.replace(tzinfo=UTC)
    until = after + timedelta(days=span)
    fired = list(rule.firings(after, until))
    dates = [d for d, _ in fired]
    assert dates == sorted(set(dates))  # one per local date, in order
    for day, instant in fired:
        local = instant.astimezone(tz)
        assert after < instant <= until and local.date() == day and day.weekday() in days
        wall = datetime.combine(day, rule.at)
        if wall.replace(tzinfo=tz).astimezone(UTC).astimezone(tz).replace(tzinfo=None) == wall:
            assert (local.hour, local.minute) == (hour, minute)  # the time exists: exactly it
        else:  # it falls in a gap: the same distance after the gap's start
            assert local.replace(tzinfo=None) > wall
    # Never a chosen date skipped, and CronTrigger's firings are all among ours.
    first, last = after.astimezone(tz).date(), until.astimezone(tz).date()
    for n in range((last - first).days + 1):
        day = first + timedelta(days=n)
        instant = datetime.combine(day, rule.at, tz).astimezone(UTC)
        if day.weekday() in days and after < instant <= until:
            assert day in dates
    assert set(cron_firings(rule, after, until)) <= set(fired)
