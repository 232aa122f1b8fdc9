"""Pure schedule rules: when a programme fires, in its own time zone.

APScheduler's CronTrigger computes the fire times. Around a daylight-saving fall-back it fires a
repeated wall-clock time twice (and then keeps returning the same instant), so the rule keeps at
most one firing per local date (the first) and moves on to the next local midnight itself. A
wall-clock time that does not exist on a spring-forward day fires at the same offset after the
gap (02:30 → 03:30), so no day is ever skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from apscheduler.triggers.cron import CronTrigger

from bot.timezones import zone

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")


class ScheduleError(ValueError):
    pass


def parse_time(text: str) -> time:
    match = _TIME.match(text.strip())
    if not match:
        raise ScheduleError(f"“{text[:20]}” is not a time: use 24-hour HH:MM, like 09:00 or 17:30.")
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        raise ScheduleError(f"“{text[:20]}” is not a time of day: hours go 00–23, minutes 00–59.")
    return time(hour, minute)


def parse_days(text: str) -> tuple[int, ...]:
    """``mon-fri``, ``mon,wed,fri``, ``daily``, ``weekdays``, ``weekends`` → weekday numbers."""
    spec = text.strip().lower()
    aliases = {
        "daily": "mon-sun",
        "everyday": "mon-sun",
        "weekdays": "mon-fri",
        "weekends": "sat-sun",
    }
    spec = aliases.get(spec, spec)
    days: set[int] = set()
    for part in filter(None, spec.split(",")):
        ends = part.split("-")
        if len(ends) > 2 or any(e[:3] not in DAY_NAMES or len(e) < 3 for e in ends):
            raise ScheduleError(
                f"“{text[:30]}” is not a list of days: try mon-fri, mon,wed,fri or daily."
            )
        first, last = DAY_NAMES.index(ends[0][:3]), DAY_NAMES.index(ends[-1][:3])
        day = first
        while True:
            days.add(day)
            if day == last:
                break
            day = (day + 1) % 7
    if not days:
        raise ScheduleError("Give at least one day, like mon-fri.")
    return tuple(sorted(days))


def format_days(days: tuple[int, ...]) -> str:
    if days == tuple(range(7)):
        return "every day"
    if days == tuple(range(5)):
        return "mon-fri"
    return ",".join(DAY_NAMES[d] for d in days)


@dataclass(frozen=True, slots=True)
class DailyRule:
    """Fire at ``at`` local time on ``days`` (0 = Monday) in time zone ``tz``."""

    at: time
    days: tuple[int, ...]
    tz: str

    def _trigger(self) -> CronTrigger:
        return CronTrigger(
            day_of_week=",".join(DAY_NAMES[d] for d in self.days),
            hour=self.at.hour,
            minute=self.at.minute,
            timezone=zone(self.tz),
        )

    def firings(self, after: datetime, until: datetime) -> Iterator[tuple[date, datetime]]:
        """(local date, instant) for each firing with ``after < instant <= until``."""
        tz = zone(self.tz)
        trigger = self._trigger()
        cursor = after
        last_date: date | None = None
        while True:
            fire: datetime | None = trigger.get_next_fire_time(None, cursor + timedelta(seconds=1))
            if fire is None or fire > until:
                return
            local = fire.astimezone(tz).date()
            if local != last_date and fire > after:
                last_date = local
                # In UTC: an aware time in a DST gap or fold never compares equal across zones.
                yield local, fire.astimezone(UTC)
            # Skip to the next local midnight: one firing per local date, whatever the clocks did.
            next_day = datetime.combine(local + timedelta(days=1), time(0), tz)
            cursor = max(fire, next_day - timedelta(seconds=1))
