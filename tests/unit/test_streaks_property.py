"""Property: the O(1) incremental streak always equals the streak recomputed from scratch.

Three implementations are compared on random histories with random time-zone changes: the
incremental update (``stamp`` + ``advance``, what logging an act does), the from-scratch recount
(``streak_from_acts``), and a brute-force oracle written straight from the rule's wording.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import combinations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.kindness.streaks import (
    REST_SPACING,
    Streak,
    advance,
    current_on,
    stamp,
    streak_from_acts,
)

ZONES = [
    "UTC",
    "Europe/London",
    "America/New_York",
    "Asia/Tokyo",
    "Pacific/Honolulu",
    "Pacific/Kiritimati",
    "Australia/Sydney",
]
BASE = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def valid(start: date, end: date, acts: set[date]) -> bool:
    """The rule's wording: between start and end, no two missed days within 7 consecutive days."""
    span = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    missed = [d for d in span if d not in acts]
    return all((b - a).days >= REST_SPACING for a, b in combinations(missed, 2))


def oracle(days: list[date], today: date) -> tuple[int, int, int]:
    """(current on today, longest, active days) by brute force: each streak runs from an act as
    far as the rule allows; the next act after it starts the next streak."""
    acts = sorted(set(days))
    runs: list[list[date]] = []
    i = 0
    while i < len(acts):
        j = i
        while j + 1 < len(acts) and valid(acts[i], acts[j + 1], set(acts)):
            j += 1
        runs.append(acts[i : j + 1])
        i = j + 1
    if not runs:
        return 0, 0, 0
    last = runs[-1]
    alive = valid(last[0], today, {*acts, today})
    return (len(last) if alive else 0), max(len(r) for r in runs), len(acts)


# Each step: how many days later (mostly the next day, sometimes the same day or a gap that a
# rest day may or may not cover), a shift of the time of day, and either the same zone as before
# (None) or a move to another one.
steps = st.tuples(
    st.sampled_from([0, 1, 1, 1, 1, 1, 2, 2, 3]),
    st.integers(min_value=-240, max_value=240),
    st.one_of(st.none(), st.none(), st.none(), st.sampled_from(ZONES)),
)
histories = st.lists(steps, max_size=60)


def daily(*gaps: int) -> list[tuple[int, int, str | None]]:
    return [(gap, 0, None) for gap in gaps]


@settings(max_examples=200, deadline=None)
@example(history=daily(1, 2, 1, 1, 1, 1, 1, 2, 1), later_minutes=0)  # rest days 7 apart: kept
@example(history=daily(1, 2, 1, 1, 1, 1, 2, 1), later_minutes=0)  # 6 apart: the streak ends
@example(history=daily(1, 2, 1, 1, 1, 1, 1), later_minutes=2 * 24 * 60)  # resting today
@given(history=histories, later_minutes=st.integers(min_value=0, max_value=5 * 24 * 60))
def test_incremental_equals_recount_equals_oracle(
    history: list[tuple[int, int, str | None]], later_minutes: int
) -> None:
    instant = BASE
    zone = "Europe/London"
    acts: list[tuple[datetime, str]] = []
    incremental = Streak()
    stamped: list[date] = []
    for days_later, shift, move_to in history:
        instant += timedelta(days=days_later, minutes=abs(shift) if days_later == 0 else shift)
        zone = move_to or zone
        acts.append((instant, zone))
        day = stamp(instant, zone, incremental.last)
        stamped.append(day)
        incremental = advance(incremental, day)
    assert incremental == streak_from_acts(acts)
    assert stamped == sorted(stamped)  # a member's dates never go backwards
    today = stamp(instant + timedelta(minutes=later_minutes), zone, incremental.last)
    current, longest, active = oracle(stamped, today)
    assert (current_on(incremental, today), incremental.longest) == (current, longest)
    assert incremental.active_days == active
