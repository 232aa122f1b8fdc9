"""Leaderboards: who is shown, in what order, and the queries that stay fast at scale.

Who: the community's mode decides (off; opt-in, the default: only members who ran
``/leaderboard join``; everyone: all but members who ran ``/leaderboard leave``). What: counted
acts in a window (this week, this month, all time, the current challenge) or streaks (current
streaks; for all time, the longest streak each member kept). Order: highest first, ties to
whoever got there first, then a fixed key, so the same data always gives the same board.

Every board is one index scan in rank order over pre-aggregated rows (``kind_totals`` or
``kind_members``), filtered by the copy of each member's choice kept on those rows, and stops
after ``limit`` rows: its cost does not grow with the number of acts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.i18n import _
from bot.i18n.formats import day_month, month_year
from bot.identity import UserRef
from bot.kindness.config import CHALLENGE_DAYS, KindnessConfig
from bot.kindness.periods import ALL_TIME, challenge_key, month_key, week_key
from bot.kindness.prefs import BoardChoice
from bot.scheduling.clock import to_epoch
from bot.store.base import Database, Tx

WINDOWS = ("week", "month", "all", "challenge")
RANK_BY = ("acts", "streak")  # /leaderboard by:
LIMIT = 10


@dataclass(frozen=True, slots=True)
class Entry:
    rank: int
    user_key: str
    name: str
    value: int


@dataclass(frozen=True, slots=True)
class Board:
    window: str
    by: str
    title: str  # in the language current when the board was read
    unit: str  # "act" or "day"
    entries: tuple[Entry, ...]


def window_title(window: str, by: str, today: date, config: KindnessConfig) -> str:
    """The board's title in the current language."""
    if by == "streak":
        if window == "all":
            return _("Longest streaks, all time")
        return _("Current streaks")
    if window == "week":
        monday = today - timedelta(days=today.weekday())
        sunday = monday + timedelta(days=6)
        return _(
            "Kind acts this week ({start} – {end})", start=day_month(monday), end=day_month(sunday)
        )
    if window == "month":
        return _("Kind acts this month ({month})", month=month_year(today))
    if window == "challenge" and config.challenge_start and config.challenge_end:
        return _(
            "Kind acts in the {days}-day challenge ({start} – {end})",
            days=CHALLENGE_DAYS,
            start=day_month(config.challenge_start),
            end=day_month(config.challenge_end),
        )
    return _("Kind acts, all time")


def period_for(window: str, today: date, config: KindnessConfig) -> str | None:
    if window == "week":
        return week_key(today)
    if window == "month":
        return month_key(today)
    if window == "challenge":
        return challenge_key(config.challenge_start) if config.challenge_start else None
    return ALL_TIME


def _pref_filter(mode: str) -> str:
    """Literal, not a parameter: the planner can only use the partial "opt-in" indexes when the
    query's condition visibly matches theirs."""
    if mode == "opt-in":
        return f"x.pref = '{BoardChoice.JOINED.value}'"
    return f"x.pref <> '{BoardChoice.LEFT.value}'"


async def board(
    db: Database | Tx,
    community_key: str,
    mode: str,
    window: str,
    by: str,
    today: date,
    now: datetime,
    config: KindnessConfig,
    limit: int = LIMIT,
) -> Board:
    """The top ``limit`` visible members for a window and measure. ``mode`` is never "off"
    here: the command answers that case before asking."""
    pref_sql = _pref_filter(mode)
    params: tuple[object, ...]
    if by == "acts":
        period = period_for(window, today, config)
        inner = (
            "SELECT x.user_key, x.acts AS value, x.reached_at AS tie FROM kind_totals x"
            f" WHERE x.community_id = ? AND x.period = ? AND {pref_sql}"
            " ORDER BY x.acts DESC, x.reached_at, x.user_key LIMIT ?"
        )
        params = (community_key, period, limit)
        unit = "act"
    elif window == "all":
        inner = (
            "SELECT x.user_key, x.longest AS value, x.longest_at AS tie FROM kind_members x"
            f" WHERE x.community_id = ? AND {pref_sql} AND x.longest > 0"
            " ORDER BY x.longest DESC, x.longest_at, x.user_key LIMIT ?"
        )
        params = (community_key, limit)
        unit = "day"
    else:
        inner = (
            "SELECT x.user_key, x.current_len AS value, x.current_at AS tie FROM kind_members x"
            f" WHERE x.community_id = ? AND {pref_sql} AND x.current_len > 0"
            " AND x.alive_until > ?"
            " ORDER BY x.current_len DESC, x.current_at, x.user_key LIMIT ?"
        )
        params = (community_key, to_epoch(now), limit)
        unit = "day"
    rows = await db.fetchall(
        f"SELECT t.user_key, t.value, t.tie, m.display_name FROM ({inner}) t"
        " LEFT JOIN members m ON m.community_id = ? AND m.user_key = t.user_key"
        " ORDER BY t.value DESC, t.tie, t.user_key",
        *params,
        community_key,
    )
    entries = tuple(
        Entry(
            rank,
            str(row["user_key"]),
            str(row["display_name"] or UserRef.id_in(str(row["user_key"]))),
            int(row["value"]),
        )
        for rank, row in enumerate(rows, 1)
    )
    return Board(window, by, window_title(window, by, today, config), unit, entries)


async def own_total(db: Database | Tx, community_key: str, user_key: str, period: str) -> int:
    value = await db.fetchval(
        "SELECT acts FROM kind_totals WHERE community_id = ? AND period = ? AND user_key = ?",
        community_key,
        period,
        user_key,
    )
    return int(value or 0)
