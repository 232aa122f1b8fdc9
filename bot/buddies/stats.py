"""Round statistics: groups, members paired, answers, met rate and repeats avoided.

"Repeats avoided" counts, per round, the pairs who met within the repeat window, were both in the
pool, and were not grouped again: what a random draw would have risked and Kith kept apart.
Met rate is over the groups that were asked "did you connect?", so a round still under way does
not read as a round where nobody met.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.aggregates import StatRow
from bot.buddies.rule import KIND, day_label
from bot.context import Context, Services
from bot.i18n import _, ngettext
from bot.i18n.formats import percent
from bot.messages import Text
from bot.programmes import get_programme
from bot.scheduling.clock import from_epoch, to_epoch
from bot.scheduling.timezones import local_date
from bot.sparklines import MIN_GROUP, Series, StatsItem
from bot.store.base import Database

SHOWN_ROUNDS = 12  # rounds listed one by one under the totals (latest first)


@dataclass(frozen=True)
class RoundStats:
    number: int
    started_at: datetime
    groups: int
    paired: int
    asked: int  # members the follow-up reached
    answered: int
    groups_asked: int
    groups_met: int
    kept_apart: int
    repeats: int
    followed_up: bool


async def round_stats(
    db: Database, programme_id: int, since: datetime | None = None, limit: int = 1000
) -> list[RoundStats]:
    """Per-round figures, latest first."""
    rows = await db.fetchall(
        "SELECT r.number, r.started_at, r.paired, r.kept_apart, r.repeats, r.followup_at,"
        " (SELECT COUNT(*) FROM buddy_groups g WHERE g.round_id = r.occurrence_id) AS grps,"
        " (SELECT COUNT(*) FROM buddy_groups g JOIN buddy_group_members gm"
        "  ON gm.group_id = g.id WHERE g.round_id = r.occurrence_id AND gm.asked = 1) AS asked,"
        " (SELECT COUNT(*) FROM buddy_groups g JOIN buddy_group_members gm"
        "  ON gm.group_id = g.id WHERE g.round_id = r.occurrence_id"
        "  AND gm.answer IS NOT NULL) AS answered,"
        " (SELECT COUNT(*) FROM buddy_groups g WHERE g.round_id = r.occurrence_id"
        "  AND g.followup_state = 'sent') AS groups_asked,"
        " (SELECT COUNT(*) FROM buddy_groups g WHERE g.round_id = r.occurrence_id"
        "  AND EXISTS (SELECT 1 FROM buddy_group_members gm WHERE gm.group_id = g.id"
        "  AND gm.answer = 'met')) AS groups_met"
        " FROM buddy_rounds r WHERE r.programme_id = ? AND r.saved = 1 AND r.started_at >= ?"
        " ORDER BY r.slot DESC LIMIT ?",
        programme_id,
        to_epoch(since) if since else 0,
        limit,
    )
    return [
        RoundStats(
            number=int(r["number"]),
            started_at=from_epoch(r["started_at"]),
            groups=int(r["grps"]),
            paired=int(r["paired"]),
            asked=int(r["asked"]),
            answered=int(r["answered"]),
            groups_asked=int(r["groups_asked"]),
            groups_met=int(r["groups_met"]),
            kept_apart=int(r["kept_apart"]),
            repeats=int(r["repeats"]),
            followed_up=r["followup_at"] is not None,
        )
        for r in rows
    ]


def _percent(part: int, whole: int) -> str:
    """`` (42%)`` in the current language's way of writing a percentage, or nothing."""
    return f" ({percent(round(100 * part / whole) / 100)})" if whole else ""


def round_line(stats: RoundStats, tz: str) -> str:
    """One round, e.g. ``Round 3 (Mon 16 Mar): 4 groups · 9 members paired · 6 of 9 answered ·
    met in 3 of 4 groups · 12 repeats avoided``."""
    parts = [
        ngettext(
            "Round {number} ({day}): {n} group",
            "Round {number} ({day}): {n} groups",
            stats.groups,
            number=stats.number,
            day=day_label(stats.started_at, tz),
        ),
        ngettext("{n} member paired", "{n} members paired", stats.paired),
    ]
    if stats.followed_up:
        parts.append(
            _("{answered} of {asked} answered", answered=stats.answered, asked=stats.asked)
        )
        parts.append(
            ngettext(
                "met in {met} of {n} group",
                "met in {met} of {n} groups",
                stats.groups_asked,
                met=stats.groups_met,
            )
        )
    else:
        parts.append(_("“did you connect?” still to come"))
    parts.append(ngettext("{n} repeat avoided", "{n} repeats avoided", stats.kept_apart))
    if stats.repeats:
        parts.append(ngettext("{n} unavoidable repeat", "{n} unavoidable repeats", stats.repeats))
    return " · ".join(parts)


async def buddy_stats(ctx: Context, days: int) -> list[StatsItem]:
    programme = await get_programme(ctx.db, ctx.community.ref.key, KIND)
    if programme is None:
        return []
    rounds = await round_stats(ctx.db, programme.id, ctx.now - timedelta(days=days))
    heading: list[StatsItem] = [
        (
            Text(
                ngettext("Buddy pairing, last {n} day", "Buddy pairing, last {n} days", days),
                bold=True,
            ),
        )
    ]
    if not rounds:
        return [*heading, _("No buddy rounds in this period yet.")]
    asked = sum(r.asked for r in rounds if r.followed_up)
    answered = sum(r.answered for r in rounds if r.followed_up)
    groups_asked = sum(r.groups_asked for r in rounds)
    groups_met = sum(r.groups_met for r in rounds)
    parts = [
        _("Rounds: {n}", n=len(rounds)),
        _("groups: {n}", n=sum(r.groups for r in rounds)),
        _("members paired: {n}", n=sum(r.paired for r in rounds)),
    ]
    if asked:
        parts.append(
            _(
                "answered: {answered} of {asked}{percent}",
                answered=answered,
                asked=asked,
                percent=_percent(answered, asked),
            )
        )
        parts.append(
            _(
                "met: {met} of {asked} groups{percent}",
                met=groups_met,
                asked=groups_asked,
                percent=_percent(groups_met, groups_asked),
            )
        )
    parts.append(_("repeats avoided: {n}", n=sum(r.kept_apart for r in rounds)))
    parts.append(_("unavoidable repeats: {n}", n=sum(r.repeats for r in rounds)))
    totals = " · ".join(parts)
    asked_rounds = [r for r in reversed(rounds) if r.followed_up]
    trend = [met_rate_series(asked_rounds)] if asked_rounds else []
    return [
        *heading,
        totals,
        *trend,
        *(f"  {round_line(r, programme.tz)}" for r in rounds[:SHOWN_ROUNDS]),
    ]


def met_rate_series(rounds: list[RoundStats]) -> Series:
    """The share of asked groups that met, per round (oldest first), as a percentage; a round
    with fewer than the minimum of answers is a gap."""
    return Series(
        _("Met rate by round"),
        tuple(_("round {number}", number=r.number) for r in rounds),
        tuple(
            100 * r.groups_met / r.groups_asked
            if r.groups_asked and r.answered >= MIN_GROUP
            else None
            for r in rounds
        ),
        low=0,
        high=100,
        number=lambda v: percent(round(v) / 100),
    )


async def digest_lines(
    services: Services, community_key: str, since: datetime, now: datetime
) -> list[str]:
    """The weekly kindness digest's buddy line: the latest round asked "did you connect?" in
    the last four weeks, its met rate only from at least the minimum of answers."""
    programme = await get_programme(services.db, community_key, KIND)
    if programme is None:
        return []
    rounds = [
        r
        for r in await round_stats(services.db, programme.id, now - timedelta(days=28), limit=8)
        if r.followed_up and r.groups_asked
    ]
    if not rounds:
        return []
    latest = rounds[0]
    if latest.answered < MIN_GROUP:
        return []  # a rate from fewer answers could point at someone
    return [
        ngettext(
            "🤝 Buddy round {number}: met in {met} of {n} group{percent}.",
            "🤝 Buddy round {number}: met in {met} of {n} groups{percent}.",
            latest.groups_asked,
            number=latest.number,
            met=latest.groups_met,
            percent=_percent(latest.groups_met, latest.groups_asked),
        )
    ]


async def buddy_rows(ctx: Context) -> list[StatRow]:
    """One set of rows per round: groups, members paired, answers, met rate and repeats."""
    programme = await get_programme(ctx.db, ctx.community.ref.key, KIND)
    if programme is None:
        return []
    rows: list[StatRow] = []
    for r in reversed(await round_stats(ctx.db, programme.id, limit=100_000)):
        day = local_date(r.started_at, programme.tz)
        rows += [
            StatRow("buddies", day, "groups", r.groups),
            StatRow("buddies", day, "members paired", r.paired),
        ]
        if r.followed_up:
            rows.append(StatRow("buddies", day, "answered", r.answered))
            if r.groups_asked:
                rate = 100 * r.groups_met / r.groups_asked
                rows.append(StatRow("buddies", day, "met rate (% of groups)", rate, r.groups_asked))
        rows += [
            StatRow("buddies", day, "repeats avoided", r.kept_apart),
            StatRow("buddies", day, "unavoidable repeats", r.repeats),
        ]
    return rows
