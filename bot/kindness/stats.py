"""Kindness in ``/kith stats``: aggregates only, never a per-member figure."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date, timedelta

from bot.aggregates import StatRow, week_of
from bot.context import Context
from bot.day_counts import kindness_days, window_start
from bot.i18n import _, ngettext
from bot.i18n.formats import day_month, decimal
from bot.kindness.config import KIND
from bot.messages import Text
from bot.programmes import get_programme
from bot.scheduling.clock import from_epoch, to_epoch
from bot.scheduling.timezones import local_date
from bot.sparklines import Series, StatsItem, by_week, count_series, periods


async def kindness_stats(ctx: Context, days: int) -> list[StatsItem]:
    """The last ``days`` dates: acts and thanks by the member's own local date, from the day
    counts (bot.day_counts); members logging from each member's latest act date."""
    key = ctx.community.ref.key
    if await get_programme(ctx.db, key, KIND) is None:
        return []
    first, began = window_start(ctx.now, ctx.community.tz, days)
    counted = await kindness_days(ctx.db, key, first)
    people = int(
        await ctx.db.fetchval(
            "SELECT COUNT(*) FROM kind_members WHERE community_id = ? AND last_date >= ?",
            key,
            first.isoformat(),
        )
    )
    thanks = sum(day.thanks for day in counted.values())
    milestones = await ctx.db.fetchval(
        "SELECT COUNT(*) FROM kind_milestones WHERE community_id = ? AND reached_at >= ?",
        key,
        to_epoch(began),
    )
    alive = await ctx.db.fetchval(
        "SELECT COUNT(*) FROM kind_members WHERE community_id = ? AND current_len > 0"
        " AND alive_until > ?",
        key,
        to_epoch(ctx.now),
    )
    count = sum(day.acts for day in counted.values())
    lines: list[StatsItem] = [
        (Text(ngettext("Kindness, last {n} day", "Kindness, last {n} days", days), bold=True),),
        _(
            "Kind acts counted: {count} ({rate} per day) · members logging: {people} · "
            "thanks given: {thanks} · milestones reached: {milestones} · streaks alive now: "
            "{alive}",
            count=count,
            rate=decimal(count / days),
            people=people,
            thanks=thanks,
            milestones=milestones,
            alive=alive,
        ),
    ]
    if count:
        lines.append(acts_series(ctx, {d: c.acts for d, c in counted.items() if c.acts}, days))
    return lines


def acts_series(ctx: Context, counts: dict[date, int], days: int) -> Series:
    """Kind acts counted per local date (per week over long windows), every day present."""
    today = local_date(ctx.now, ctx.community.tz)
    first = min([*counts, today - timedelta(days=days - 1)])
    last = max([*counts, today])
    series = count_series("Kind acts", counts, first, last, days)
    weekly = by_week(days)
    # Title and the chart's date labels in the reader's language.
    return replace(
        series,
        title=_("Kind acts by week") if weekly else _("Kind acts by day"),
        labels=tuple(day_month(k) for k in periods(first, last, weekly)),
    )


async def kindness_rows(ctx: Context) -> list[StatRow]:
    """Week by week: kind acts counted, members logging, thanks given and streak milestones
    reached (acts and thanks by the member's own local date; milestones in the community's)."""
    key = ctx.community.ref.key
    if await get_programme(ctx.db, key, KIND) is None:
        return []
    counted = await kindness_days(ctx.db, key)
    # Members with a counted act in an ISO week: the week's leaderboard totals, one per member.
    weekly = await ctx.db.fetchall(
        "SELECT period, COUNT(*) AS n FROM kind_totals WHERE community_id = ? AND period LIKE 'w%'"
        " AND acts > 0 GROUP BY period",
        key,
    )
    milestones = await ctx.db.fetchall(
        "SELECT reached_at FROM kind_milestones WHERE community_id = ?", key
    )
    act_weeks: Counter[date] = Counter()
    thank_weeks: Counter[date] = Counter()
    for day, counts in counted.items():
        act_weeks[week_of(day)] += counts.acts
        thank_weeks[week_of(day)] += counts.thanks
    loggers = Counter({monday_of(r["period"]): int(r["n"]) for r in weekly})
    reached = Counter(
        week_of(local_date(from_epoch(r["reached_at"]), ctx.community.tz)) for r in milestones
    )
    return [
        row
        for week in sorted(+act_weeks | +thank_weeks | +reached)
        for row in (
            StatRow("kindness", week, "kind acts counted", act_weeks[week]),
            StatRow("kindness", week, "members logging", loggers[week]),
            StatRow("kindness", week, "thanks given", thank_weeks[week]),
            StatRow("kindness", week, "milestones reached", reached[week]),
        )
    ]


def monday_of(week: str) -> date:
    """``w2026-10`` (bot.kindness.periods.week_key) → the Monday that starts that ISO week."""
    year, _, number = week[1:].partition("-")
    return date.fromisocalendar(int(year), int(number), 1)
