"""The weekly kindness digest (``/kith setup kindness digest:on``): a short, warm look back at
the week in the kindness channel.

Totals only, and names only where members let milestones name them; nobody is ranked, so no one
who never opted into a leaderboard is compared with anyone. Other features add a line through
the registry (buddy pairing: this week's met rate).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from bot.community import display_names
from bot.identity import MessageRef
from bot.kindness.config import CHALLENGE_DAYS, KindnessConfig
from bot.messages import Message, Text, message
from bot.scheduling.clock import to_epoch
from bot.scheduling.occurrences import DeliveryContext
from bot.scheduling.scheduler import SkipDelivery
from bot.scheduling.timezones import local_date, zone
from bot.sparklines import count_series
from bot.store.base import Database

WEEK = 7
NAMED_MILESTONES = 10  # named in full up to this many; more are counted


async def _acts_by_day(db: Database, key: str, first: date, last: date) -> dict[date, int]:
    rows = await db.fetchall(
        "SELECT local_date, COUNT(*) AS acts FROM kind_acts WHERE community_id = ?"
        " AND counted = 1 AND local_date >= ? AND local_date <= ? GROUP BY local_date",
        key,
        first.isoformat(),
        last.isoformat(),
    )
    return {date.fromisoformat(r["local_date"]): int(r["acts"]) for r in rows}


async def _milestones(db: Database, key: str, since: datetime) -> tuple[list[str], int]:
    """Public milestones as "Name (7 days)", and how many more were reached privately."""
    rows = await db.fetchall(
        "SELECT k.user_key, MAX(k.days) AS days, COALESCE(MAX(p.public_mentions), 1) AS public"
        " FROM kind_milestones k LEFT JOIN member_prefs p ON p.community_id = k.community_id"
        " AND p.user_key = k.user_key WHERE k.community_id = ? AND k.reached_at >= ?"
        " GROUP BY k.user_key ORDER BY MAX(k.days) DESC, k.user_key",
        key,
        to_epoch(since),
    )
    public = [r for r in rows if int(r["public"])]
    names = await display_names(db, key, [r["user_key"] for r in public])
    named = [f"{names[r['user_key']]} ({r['days']} days)" for r in public[:NAMED_MILESTONES]]
    return named, len(rows) - len(named)


async def digest_message(ctx: DeliveryContext) -> Message:
    db, key, tz = ctx.services.db, ctx.programme.community_key, ctx.programme.tz
    today = local_date(ctx.now, tz)
    first = today - timedelta(days=WEEK - 1)
    since = datetime.combine(first, time(0), zone(tz))
    acts = await _acts_by_day(db, key, first, today)
    total = sum(acts.values())
    thanks = await db.fetchval(
        "SELECT COUNT(*) FROM kind_thanks WHERE community_id = ? AND created_at >= ?",
        key,
        to_epoch(since),
    )
    named, others = await _milestones(db, key, since)
    paragraphs: list[str | tuple[Text, ...]] = [(Text("🌼 This week in kindness", bold=True),)]
    if total:
        series = count_series("Kind acts", acts, first, today, WEEK)
        paragraphs.append(
            f"{total} kind {'act' if total == 1 else 'acts'} this week. Thank you, everyone. "
            + series.line()
        )
    else:
        paragraphs.append("A quiet week for kindness: one small act is plenty to start again.")
    if thanks:
        paragraphs.append(f"💌 {thanks} thank-you{'' if thanks == 1 else 's'} sent.")
    if named:
        more = f", and {others} more" if others else ""
        paragraphs.append(f"🎉 Streak milestones: {', '.join(named)}{more}.")
    elif others:
        people = "member" if others == 1 else "members"
        paragraphs.append(f"🎉 {others} {people} reached a streak milestone.")
    config = KindnessConfig.of(ctx.programme)
    day = config.challenge_day(today)
    if day is not None:
        paragraphs.append(f"🌱 The {CHALLENGE_DAYS}-day challenge is on day {day}.")
    for section in ctx.services.registry.digest_sections:
        paragraphs.extend(await section(ctx.services, key, since, ctx.now))
    paragraphs.append("Every small act counts: /kind logs yours, /thanks tells someone.")
    return message(*paragraphs)


async def deliver_digest(ctx: DeliveryContext) -> MessageRef | None:
    if not KindnessConfig.of(ctx.programme).digest_on:
        raise SkipDelivery("the weekly digest was switched off")
    return await ctx.chat.send_channel(
        ctx.programme.channel, await digest_message(ctx), delivery_key=ctx.occurrence.delivery_key
    )
