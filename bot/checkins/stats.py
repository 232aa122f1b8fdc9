"""Check-in statistics: participation and a mood trend, as aggregates only.

Any aggregate of fewer than ``MIN_GROUP`` answers is withheld, so a small group's stats can never
reveal one member's mood.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from bot.aggregates import StatRow, week_of
from bot.checkins.rule import PERSONAL, POST
from bot.context import Context
from bot.day_counts import CheckinDay, checkin_days, window_start
from bot.i18n import _, ngettext
from bot.i18n.formats import day_month, decimal
from bot.messages import Text
from bot.scheduling.clock import from_epoch, to_epoch
from bot.scheduling.timezones import local_date
from bot.sparklines import MIN_GROUP, Series, StatsItem, count_series


@dataclass(frozen=True)
class MoodSummary:
    answers: int
    average: float | None  # None when withheld


def summarise(moods: list[int]) -> MoodSummary:
    return summarise_counts(len(moods), sum(moods))


def summarise_counts(answers: int, mood_sum: int) -> MoodSummary:
    """The average of ``answers`` moods adding up to ``mood_sum``, withheld under the minimum."""
    if answers < MIN_GROUP:
        return MoodSummary(answers, None)
    return MoodSummary(answers, mood_sum / answers)


def weekly_trend(days: dict[date, CheckinDay]) -> list[tuple[date, MoodSummary]]:
    """Day counts → one summary per ISO week (keyed by its Monday)."""
    weeks: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    for day, counts in days.items():
        week = weeks[week_of(day)]
        week[0] += counts.answers
        week[1] += counts.mood_sum
    return [(monday, summarise_counts(n, total)) for monday, (n, total) in sorted(weeks.items())]


def _average(summary: MoodSummary) -> str:
    if summary.average is None:
        return _("hidden (fewer than {minimum} answers)", minimum=MIN_GROUP)
    return ngettext(
        "{average}/5 from {n} answer",
        "{average}/5 from {n} answers",
        summary.answers,
        average=decimal(summary.average),
    )


async def checkin_stats(ctx: Context, days: int) -> list[StatsItem]:
    """The last ``days`` dates: answers and moods by the check-in's date, from the day counts
    (bot.day_counts); posts and reflections from the start of the first date."""
    first, since = window_start(ctx.now, ctx.community.tz, days)
    key = ctx.community.ref.key
    sent = {
        r["kind"]: int(r["n"])
        for r in await ctx.db.fetchall(
            "SELECT kind, COUNT(*) AS n FROM occurrences WHERE community_id = ? AND kind IN (?, ?)"
            " AND state = 'sent' AND due_at >= ? GROUP BY kind",
            key,
            POST,
            PERSONAL,
            to_epoch(since),
        )
    }
    posts, personal = sent.get(POST, 0), sent.get(PERSONAL, 0)
    counted = await checkin_days(ctx.db, key, first)
    answers = sum(day.answers for day in counted.values())
    # A distinct count, so not from the day counts: one index entry per answer, no row read.
    people = int(
        await ctx.db.fetchval(
            "SELECT COUNT(DISTINCT user_key) FROM moods WHERE community_id = ? AND local_date >= ?",
            key,
            first.isoformat(),
        )
    )
    # Per channel post, from the answers to channel posts (members' own check-ins have their
    # own count beside it).
    per_post = sum(day.post_answers for day in counted.values()) / posts if posts else 0.0
    reflections = await ctx.db.fetchval(
        "SELECT COUNT(*) FROM reflections WHERE community_id = ? AND created_at >= ?",
        key,
        to_epoch(since),
    )
    overall = summarise_counts(answers, sum(day.mood_sum for day in counted.values()))
    counts = {
        "posts": posts,
        "personal": personal,
        "answers": answers,
        "members": people,
        "per_post": decimal(per_post),
        "reflections": reflections,
    }
    lines: list[StatsItem] = [
        (Text(_("Check-ins, last {days} days", days=days), bold=True),),
        _(
            "Posts: {posts} · personal check-ins sent: {personal} · answers: {answers} from "
            "{members} members · {per_post} answers per post · reflections written: "
            "{reflections}",
            **counts,
        )
        if personal
        else _(
            "Posts: {posts} · answers: {answers} from {members} members · {per_post} answers "
            "per post · reflections written: {reflections}",
            **counts,
        ),
        _("Mood overall: {mood}", mood=_average(overall)),
    ]
    trend = weekly_trend(counted)
    lines.extend(_sparklines(ctx, counted, trend, days))
    for monday, summary in trend:
        week = _("Week of {date}: {mood}", date=day_month(monday), mood=_average(summary))
        lines.append(f"  {week}")
    return lines


def mood_series(trend: list[tuple[date, MoodSummary]]) -> Series:
    """The weekly mood on a fixed 1–5 scale; a week under the minimum is a gap, not a dip."""
    return Series(
        _("Mood by week"),
        tuple(_("week of {date}", date=day_month(monday)) for monday, _summary in trend),
        tuple(summary.average for _monday, summary in trend),
        low=1,
        high=5,
        number=decimal,
        style="line",
    )


def _sparklines(
    ctx: Context,
    days_counted: dict[date, CheckinDay],
    trend: list[tuple[date, MoodSummary]],
    days: int,
) -> list[Series]:
    if not days_counted:
        return []
    counts = {day: c.answers for day, c in days_counted.items()}
    today = local_date(ctx.now, ctx.community.tz)
    first = min([*counts, today - timedelta(days=days - 1)])
    answers = count_series(_("Answers"), counts, first, max([*counts, today]), days)
    return [answers, mood_series(trend)]


async def checkin_rows(ctx: Context) -> list[StatRow]:
    """Week by week: check-in posts, answers, members answering, the average mood and
    reflections written (weeks of the community's time zone)."""
    key = ctx.community.ref.key
    posts = await ctx.db.fetchall(
        "SELECT slot FROM occurrences WHERE community_id = ? AND kind = ? AND state = 'sent'",
        key,
        POST,
    )
    counted = await checkin_days(ctx.db, key)
    # Members answering per week is a distinct count: from the moods index alone.
    answered = await ctx.db.fetchall(
        "SELECT DISTINCT local_date, user_key FROM moods WHERE community_id = ?", key
    )
    reflections = await ctx.db.fetchall(
        "SELECT created_at FROM reflections WHERE community_id = ?", key
    )
    post_weeks = Counter(week_of(date.fromisoformat(r["slot"])) for r in posts)
    by_week: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    for day, counts in counted.items():
        by_week[week_of(day)][0] += counts.answers
        by_week[week_of(day)][1] += counts.mood_sum
    members: dict[date, set[str]] = defaultdict(set)
    for row in answered:
        members[week_of(date.fromisoformat(row["local_date"]))].add(row["user_key"])
    written = Counter(
        week_of(local_date(from_epoch(r["created_at"]), ctx.community.tz)) for r in reflections
    )
    rows: list[StatRow] = []
    for week in sorted(set(post_weeks) | set(by_week) | set(written)):
        answers, mood_sum = by_week.get(week, (0, 0))
        rows += [
            StatRow("checkins", week, "posts", post_weeks[week]),
            StatRow("checkins", week, "answers", answers),
            StatRow("checkins", week, "members answering", len(members.get(week, ()))),
            StatRow("checkins", week, "reflections written", written[week]),
        ]
        if answers:
            rows.append(
                StatRow("checkins", week, "average mood (1-5)", mood_sum / answers, answers)
            )
    return rows
