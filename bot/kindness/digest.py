"""The weekly kindness digest (``/kith setup kindness digest:on``): a short, warm look back at
the week in the kindness channel.

Totals only, and names only where members let milestones name them; nobody is ranked, so no one
who never opted into a leaderboard is compared with anyone. Other features add a line through
the registry (buddy pairing: this week's met rate).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta

from bot.community import display_names
from bot.i18n import _, ngettext
from bot.identity import MessageRef
from bot.kindness.config import CHALLENGE_DAYS, KindnessConfig
from bot.messages import Message, Text, message
from bot.scheduling.clock import to_epoch
from bot.scheduling.occurrences import DeliveryContext
from bot.scheduling.scheduler import SkipDelivery
from bot.scheduling.timezones import local_date, zone
from bot.sparklines import by_week, count_series
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
    """Public milestones as "Name (7 days)" (in the current language), and how many more were
    reached privately."""
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
    named = [
        ngettext("{name} ({n} day)", "{name} ({n} days)", int(r["days"]), name=names[r["user_key"]])
        for r in public[:NAMED_MILESTONES]
    ]
    return named, len(rows) - len(named)


async def digest_message(ctx: DeliveryContext) -> Message:
    """The week's look back, in the current language (the scheduler's: the community's)."""
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
    paragraphs: list[str | tuple[Text, ...]] = [(Text(_("🌼 This week in kindness"), bold=True),)]
    if total:
        series = count_series("Kind acts", acts, first, today, WEEK)
        title = _("Kind acts by week") if by_week(WEEK) else _("Kind acts by day")
        series = replace(series, title=title)
        paragraphs.append(
            ngettext(
                "{n} kind act this week. Thank you, everyone.",
                "{n} kind acts this week. Thank you, everyone.",
                total,
            )
            + " "
            + series.line()
        )
    else:
        paragraphs.append(_("A quiet week for kindness: one small act is plenty to start again."))
    if thanks:
        paragraphs.append(ngettext("💌 {n} thank-you sent.", "💌 {n} thank-yous sent.", thanks))
    if named and others:
        paragraphs.append(
            ngettext(
                "🎉 Streak milestones: {names}, and {n} more.",
                "🎉 Streak milestones: {names}, and {n} more.",
                others,
                names=", ".join(named),
            )
        )
    elif named:
        paragraphs.append(_("🎉 Streak milestones: {names}.", names=", ".join(named)))
    elif others:
        paragraphs.append(
            ngettext(
                "🎉 {n} member reached a streak milestone.",
                "🎉 {n} members reached a streak milestone.",
                others,
            )
        )
    config = KindnessConfig.of(ctx.programme)
    day = config.challenge_day(today)
    if day is not None:
        paragraphs.append(
            _("🌱 The {days}-day challenge is on day {day}.", days=CHALLENGE_DAYS, day=day)
        )
    for section in ctx.services.registry.digest_sections:
        paragraphs.extend(await section(ctx.services, key, since, ctx.now))
    paragraphs.append(_("Every small act counts: /kind logs yours, /thanks tells someone."))
    return message(*paragraphs)


async def deliver_digest(ctx: DeliveryContext) -> MessageRef | None:
    if not KindnessConfig.of(ctx.programme).digest_on:
        raise SkipDelivery("the weekly digest was switched off")
    return await ctx.chat.send_channel(
        ctx.programme.channel, await digest_message(ctx), delivery_key=ctx.occurrence.delivery_key
    )
