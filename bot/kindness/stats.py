"""Kindness in ``/kith stats``: aggregates only, never a per-member figure."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from bot.aggregates import StatRow, week_of
from bot.context import Context
from bot.kindness.config import KIND
from bot.messages import Text
from bot.programmes import get_programme
from bot.scheduling.clock import from_epoch, to_epoch
from bot.scheduling.timezones import local_date
from bot.sparklines import Series, StatsItem, count_series


async def kindness_stats(ctx: Context, days: int) -> list[StatsItem]:
    key = ctx.community.ref.key
    if await get_programme(ctx.db, key, KIND) is None:
        return []
    since = to_epoch(ctx.now - timedelta(days=days))
    acts = await ctx.db.fetchone(
        "SELECT COUNT(*) AS acts, COUNT(DISTINCT user_key) AS people FROM kind_acts"
        " WHERE community_id = ? AND created_at >= ? AND counted = 1",
        key,
        since,
    )
    thanks = await ctx.db.fetchval(
        "SELECT COUNT(*) FROM kind_thanks WHERE community_id = ? AND created_at >= ?", key, since
    )
    milestones = await ctx.db.fetchval(
        "SELECT COUNT(*) FROM kind_milestones WHERE community_id = ? AND reached_at >= ?",
        key,
        since,
    )
    alive = await ctx.db.fetchval(
        "SELECT COUNT(*) FROM kind_members WHERE community_id = ? AND current_len > 0"
        " AND alive_until > ?",
        key,
        to_epoch(ctx.now),
    )
    count = int(acts["acts"]) if acts else 0
    people = int(acts["people"]) if acts else 0
    lines: list[StatsItem] = [
        (Text(f"Kindness, last {days} days", bold=True),),
        f"Kind acts counted: {count} ({count / days:.1f} per day) · members logging: {people} · "
        f"thanks given: {thanks} · milestones reached: {milestones} · streaks alive now: {alive}",
    ]
    if count:
        lines.append(await acts_series(ctx, days))
    return lines


async def acts_series(ctx: Context, days: int) -> Series:
    """Kind acts counted per local date (per week over long windows), every day present."""
    rows = await ctx.db.fetchall(
        "SELECT local_date, COUNT(*) AS acts FROM kind_acts WHERE community_id = ?"
        " AND created_at >= ? AND counted = 1 GROUP BY local_date",
        ctx.community.ref.key,
        to_epoch(ctx.now - timedelta(days=days)),
    )
    counts = {date.fromisoformat(r["local_date"]): int(r["acts"]) for r in rows}
    today = local_date(ctx.now, ctx.community.tz)
    first = min([*counts, today - timedelta(days=days - 1)])
    return count_series("Kind acts", counts, first, max([*counts, today]), days)


async def kindness_rows(ctx: Context) -> list[StatRow]:
    """Week by week: kind acts counted, members logging, thanks given and streak milestones
    reached (acts and thanks by the member's own local date; milestones in the community's)."""
    key = ctx.community.ref.key
    if await get_programme(ctx.db, key, KIND) is None:
        return []
    acts = await ctx.db.fetchall(
        "SELECT local_date, user_key FROM kind_acts WHERE community_id = ? AND counted = 1", key
    )
    thanks = await ctx.db.fetchall("SELECT local_date FROM kind_thanks WHERE community_id = ?", key)
    milestones = await ctx.db.fetchall(
        "SELECT reached_at FROM kind_milestones WHERE community_id = ?", key
    )
    act_weeks = Counter(week_of(date.fromisoformat(r["local_date"])) for r in acts)
    loggers = Counter(
        week
        for week, _ in {(week_of(date.fromisoformat(r["local_date"])), r["user_key"]) for r in acts}
    )
    thank_weeks = Counter(week_of(date.fromisoformat(r["local_date"])) for r in thanks)
    reached = Counter(
        week_of(local_date(from_epoch(r["reached_at"]), ctx.community.tz)) for r in milestones
    )
    return [
        row
        for week in sorted(set(act_weeks) | set(thank_weeks) | set(reached))
        for row in (
            StatRow("kindness", week, "kind acts counted", act_weeks[week]),
            StatRow("kindness", week, "members logging", loggers[week]),
            StatRow("kindness", week, "thanks given", thank_weeks[week]),
            StatRow("kindness", week, "milestones reached", reached[week]),
        )
    ]
