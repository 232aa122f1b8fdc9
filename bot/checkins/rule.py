"""The check-in programme kind: its configuration and when it fires."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from bot.i18n import N_
from bot.programmes import Programme, grace_window
from bot.registry import ProgrammeKind, Slot
from bot.scheduling.recurrence import DailyRule, format_days, parse_time

POST = "checkin.post"
PRIVATE = "checkin.private"
PERSONAL = "checkin.personal"  # a member's own check-in, sent privately (slot: "<id>/<date>")
NUDGE = "checkin.nudge"  # its one reminder, only if the member asked (same slot)
ANSWERABLE = (POST, PRIVATE, PERSONAL)  # occurrences whose buttons record a mood
KIND = "checkin"


def slot_date(slot: str) -> str:
    """The local date of a check-in slot: ``2026-03-02`` or ``17/2026-03-02``."""
    return slot.rpartition("/")[2]


def personal_enabled(programme: Programme) -> bool:
    """Whether the community lets members have their own check-ins (the default)."""
    return bool(programme.config.get("personal", True))


def daily_rule(programme: Programme) -> DailyRule:
    config = programme.config
    return DailyRule(parse_time(config["time"]), tuple(config["days"]), programme.tz)


def slots(programme: Programme, after: datetime, until: datetime) -> Iterator[Slot]:
    for local_date, instant in daily_rule(programme).firings(after, until):
        yield Slot(POST, local_date.isoformat(), instant)


def describe(programme: Programme) -> str:
    rule = daily_rule(programme)
    return f"{rule.at:%H:%M} {format_days(rule.days)} ({programme.tz})"


CHECKIN_KIND = ProgrammeKind(
    name=KIND,
    title=N_("Daily check-in"),  # shown with _() where it is shown
    slots=slots,
    grace=grace_window,
    describe=describe,
    aliases=("checkins", "check-in", "check-ins"),
)
