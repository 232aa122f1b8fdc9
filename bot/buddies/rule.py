"""The buddy programme kind: its configuration and when its occurrences fall due.

A round is an occurrence (kind ``buddies.round``, slot = the round's local date). Its halfway
nudge and its end-of-round "did you connect?" are occurrences of their own kinds with the *same*
slot, so each of the three fires exactly once through the scheduler, and pausing, resuming or a
restart lays them out again from the same rule.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from babel.dates import format_skeleton

from bot.buddies.pairing import DEFAULT_WINDOW
from bot.i18n import _, current_language, ngettext
from bot.i18n.formats import clock, short_date, weekday
from bot.i18n.languages import DEFAULT_LANGUAGE
from bot.kith_commands import local_label
from bot.programmes import Programme
from bot.registry import Slot
from bot.scheduling.recurrence import DailyRule, parse_time
from bot.scheduling.timezones import zone

KIND = "buddies"
ROUND = "buddies.round"
NUDGE = "buddies.nudge"
FOLLOWUP = "buddies.followup"
REMIND = "buddies.remind"  # "a round is coming", the day before it (slot: the round's date)

DEFAULT_SIZE = 2
HISTORY_ROUNDS = 12  # rounds of history pairing looks at (the window, and fresher-first beyond)
MAX_WINDOW = HISTORY_ROUNDS  # a longer repeat window would reach past the history loaded
# Whether groups are made within members' shared waking hours ("use") or without ("ignore").
TIMEZONE_MODES = ("use", "ignore")
DEFAULT_TIMEZONES = "use"
# How long before a round members are reminded of it, by the setting's word ("off": never).
REMIND_BEFORE = {"off": None, "1d": timedelta(days=1)}
DEFAULT_REMIND = "off"


@dataclass(frozen=True)
class BuddyRule:
    """Rounds every ``every`` weeks on ``day`` at ``at`` local time, counted from ``anchor``."""

    every: int
    day: int
    at: time
    tz: str
    anchor: date

    @property
    def length(self) -> timedelta:
        return timedelta(weeks=self.every)

    @property
    def nudge_after(self) -> timedelta:
        """Halfway through the round, on a whole day so it comes at the usual local time."""
        return timedelta(days=self.length.days // 2)

    @property
    def followup_after(self) -> timedelta:
        """The day before the next round: time to answer before the next groups are made."""
        return self.length - timedelta(days=1)

    def rounds(self, after: datetime, until: datetime) -> Iterator[tuple[date, datetime]]:
        """(local date, instant) of each round with ``after < instant <= until``."""
        weekly = DailyRule(self.at, (self.day,), self.tz)
        for local_date, instant in weekly.firings(after, until):
            weeks = (local_date - self.anchor).days // 7
            if local_date >= self.anchor and weeks % self.every == 0:
                yield local_date, instant

    def at_local(self, day: date) -> datetime:
        """The round time on ``day``; a wall-clock time lost to a clock change moves past it."""
        return datetime.combine(day, self.at, zone(self.tz))

    def next_round(self, now: datetime) -> tuple[date, datetime] | None:
        return next(iter(self.rounds(now, now + self.length + timedelta(days=8))), None)


def day_label(instant: datetime, tz: str) -> str:
    """``Mon 09 Mar`` in the programme's time zone (``lun, 9 mar`` in Spanish: each language's
    own short date; English keeps the style Kith has always written)."""
    local = instant.astimezone(zone(tz))
    if current_language() == DEFAULT_LANGUAGE:
        return local.strftime("%a %d %b")
    return short_date(local)


def time_label(instant: datetime, tz: str) -> str:
    """``Mon 09 Mar 09:00 GMT``: a round's day and time where the programme is, in the current
    language (English as ``/kith status`` writes every time, other languages their own date)."""
    if current_language() == DEFAULT_LANGUAGE:
        return local_label(instant, tz)
    local = instant.astimezone(zone(tz))
    return f"{short_date(local)} {clock(local)} {local.tzname() or tz}"


def date_label(day: date) -> str:
    """``Mon 20 Apr 2026`` (a pause's end), in the current language's own style."""
    if current_language() == DEFAULT_LANGUAGE:
        return day.strftime("%a %d %b %Y")
    return str(format_skeleton("yMMMEd", day, locale=current_language()))


def buddy_rule(programme: Programme) -> BuddyRule:
    config = programme.config
    return BuddyRule(
        every=int(config["every"]),
        day=int(config["day"]),
        at=parse_time(config["time"]),
        tz=programme.tz,
        anchor=date.fromisoformat(config["anchor"]),
    )


def slots(programme: Programme, after: datetime, until: datetime) -> Iterator[Slot]:
    rule = buddy_rule(programme)
    before = remind_before(programme)
    # A round that began before ``after`` may still have its nudge or follow-up to come, and one
    # just after ``until`` its reminder.
    since = after - rule.length - timedelta(days=1)
    for local_date, instant in rule.rounds(since, until + (before or timedelta(0))):
        slot = local_date.isoformat()
        if before is not None:
            # The same local time on the day before, whatever clock change falls between.
            due = rule.at_local(local_date - before)
            if after < due <= until:
                yield Slot(REMIND, slot, due)
        if after < instant <= until:
            yield Slot(ROUND, slot, instant)
        for kind, offset in ((NUDGE, rule.nudge_after), (FOLLOWUP, rule.followup_after)):
            due = rule.at_local(local_date + offset)
            if after < due <= until:
                yield Slot(kind, slot, due)


def group_size(programme: Programme) -> int:
    return int(programme.config.get("size", DEFAULT_SIZE))


def repeat_window(programme: Programme) -> int:
    return int(programme.config.get("window", DEFAULT_WINDOW))


def remind_before(programme: Programme) -> timedelta | None:
    return REMIND_BEFORE.get(str(programme.config.get("remind", DEFAULT_REMIND)))


def uses_timezones(programme: Programme) -> bool:
    return str(programme.config.get("timezones", DEFAULT_TIMEZONES)) == "use"


def describe(programme: Programme) -> str:
    """The programme's settings as one phrase, in the current language."""
    rule = buddy_rule(programme)
    cadence = ngettext(
        "every week on {day} at {time} ({tz})",
        "every {n} weeks on {day} at {time} ({tz})",
        rule.every,
        day=weekday(rule.day),
        time=clock(rule.at),
        tz=programme.tz,
    )
    window = ngettext(
        "no repeat buddy within {n} round",
        "no repeat buddy within {n} rounds",
        repeat_window(programme),
    )
    hours = (
        _("within members' shared waking hours")
        if uses_timezones(programme)
        else _("time zones ignored")
    )
    if remind_before(programme):
        return _(
            "{cadence}, groups of {size}, {window}, {hours}, members reminded the day before",
            cadence=cadence,
            size=group_size(programme),
            window=window,
            hours=hours,
        )
    return _(
        "{cadence}, groups of {size}, {window}, {hours}",
        cadence=cadence,
        size=group_size(programme),
        window=window,
        hours=hours,
    )
