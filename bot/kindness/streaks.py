"""Kindness streaks on local dates: the rule as pure functions, with no I/O.

The rule (SPEC): a streak counts consecutive local dates with at least one kind act. One missed
day in any 7 consecutive days is forgiven: a *rest day* keeps the streak alive but adds nothing to
its length. A second missed day within those 7 days ends the streak, and the next act starts a new
one at 1. Two missed days are "within 7 consecutive days" when they are at most 6 days apart, so a
rest day is allowed when the previous rest day of the same streak is at least 7 days earlier.

Dates, never 24-hour windows: each act is stamped with the member's local date in the time zone
they have *when they log it*, so a 23-hour spring-forward day and a 25-hour autumn day are each
one day, and an act at 23:59 and one at 00:01 are on two days. Stamps never go backwards: after a
member moves west (say Tokyo → Honolulu) their new local date can be earlier than a day they have
already logged; such acts count on the latest logged day until the calendar catches up. That
keeps a member's dates in order, so an act is folded into the streak in O(1) (``advance``) and
the stored state always equals a recount from the acts (``recount``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from itertools import pairwise

from bot.scheduling.timezones import local_date, zone

REST_SPACING = 7  # a second missed day less than this many days after the first ends a streak
ONE_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Streak:
    """A member's streak state after their latest act."""

    last: date | None = None  # the latest local date with an act
    start: date | None = None  # the first act date of the current streak
    length: int = 0  # act dates in the current streak, up to ``last``
    rest: date | None = None  # the latest forgiven missed day in the current streak
    longest: int = 0
    active_days: int = 0  # distinct act dates ever


def stamp(instant: datetime, tz: str, last: date | None) -> date:
    """The local date an act at ``instant`` counts on: the date in ``tz``, never before ``last``."""
    day = local_date(instant, tz)
    return day if last is None or day >= last else last


def _rest_allowed(rest: date | None, missed: date) -> bool:
    return rest is None or (missed - rest).days >= REST_SPACING


def advance(streak: Streak, day: date) -> Streak:
    """Fold one act on ``day`` (a stamped date, never before ``streak.last``) into the state."""
    last = streak.last
    if last is not None and day < last:
        raise ValueError(f"act on {day} is before the latest act on {last}; stamp() it first")
    if last == day:
        return streak
    active = streak.active_days + 1
    if last is not None:
        missed = (day - last).days - 1
        if missed == 0:
            return _grown(streak, day, streak.rest, active)
        if missed == 1 and _rest_allowed(streak.rest, last + ONE_DAY):
            return _grown(streak, day, last + ONE_DAY, active)
    return Streak(day, day, 1, None, max(streak.longest, 1), active)


def _grown(streak: Streak, day: date, rest: date | None, active: int) -> Streak:
    length = streak.length + 1
    return replace(
        streak,
        last=day,
        length=length,
        rest=rest,
        longest=max(streak.longest, length),
        active_days=active,
    )


def alive_through(streak: Streak) -> date | None:
    """The last local date the member can still act on to keep this streak going."""
    if streak.last is None:
        return None
    if _rest_allowed(streak.rest, streak.last + ONE_DAY):
        return streak.last + 2 * ONE_DAY
    return streak.last + ONE_DAY


def current_on(streak: Streak, today: date) -> int:
    """The streak as the member sees it on ``today``: its length while alive, else 0.

    Today itself is never a missed day: the member still has until midnight."""
    through = alive_through(streak)
    if through is None or today > through:
        return 0
    return streak.length


def rest_day_in_use(streak: Streak, today: date) -> date | None:
    """Yesterday, if it was a missed day the rest rule is forgiving right now."""
    if streak.last is not None and current_on(streak, today) and (today - streak.last).days == 2:
        return streak.last + ONE_DAY
    return None


def next_rest_available(streak: Streak) -> date | None:
    """The first day that may be missed without ending the streak (None: any day may)."""
    if streak.rest is None:
        return None
    return streak.rest + REST_SPACING * ONE_DAY


def day_start(day: date, tz: str) -> datetime:
    """The instant a local date begins (the first valid wall-clock time of that date)."""
    return datetime.combine(day, time(0), zone(tz))


def recount(days: Iterable[date]) -> Streak:
    """The streak from scratch over every act date, by splitting them into streaks.

    Written independently of ``advance``: it lists each gap's missed days and closes a streak at
    the first gap that breaks the rule. Tests check the two always agree."""
    ordered = sorted(set(days))
    if not ordered:
        return Streak()
    runs: list[tuple[list[date], date | None]] = []
    run: list[date] = [ordered[0]]
    rest: date | None = None
    for previous, day in pairwise(ordered):
        missed = [previous + ONE_DAY * k for k in range(1, (day - previous).days)]
        breaks = len(missed) > 1 or (
            len(missed) == 1 and rest is not None and (missed[0] - rest).days < REST_SPACING
        )
        if breaks:
            runs.append((run, rest))
            run, rest = [day], None
            continue
        if missed:
            rest = missed[0]
        run.append(day)
    runs.append((run, rest))
    current, current_rest = runs[-1]
    return Streak(
        last=current[-1],
        start=current[0],
        length=len(current),
        rest=current_rest,
        longest=max(len(r) for r, _ in runs),
        active_days=len(ordered),
    )


def streak_from_acts(acts: Sequence[tuple[datetime, str]]) -> Streak:
    """The streak over a member's acts, each an (instant, member's time zone then) pair."""
    stamped: list[date] = []
    for instant, tz in sorted(acts, key=lambda act: act[0]):
        stamped.append(stamp(instant, tz, stamped[-1] if stamped else None))
    return recount(stamped)


MILESTONES = (3, 7, 14, 30, 50, 100, 365)
