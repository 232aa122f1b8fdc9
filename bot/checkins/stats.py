"""Check-in statistics: participation and a mood trend, as aggregates only.

Any aggregate of fewer than ``MIN_GROUP`` answers is withheld, so a small group's stats can never
reveal one member's mood.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from bot.aggregates import StatRow, week_of
from bot.checkins.rule import ANSWERABLE, PERSONAL, POST
from bot.context import Context
from bot.messages import Text
from bot.scheduling.clock import from_epoch, to_epoch
from bot.scheduling.timezones import local_date
from bot.sparklines import MIN_GROUP, Series, StatsItem, count_series
from bot.store.base import Row


@dataclass(frozen=True)
class MoodSummary:
    answers: int
    average: float | None  # None when withheld


def summarise(moods: list[int]) -> MoodSummary:
    if len(moods) < MIN_GROUP:
        return MoodSummary(len(moods), None)
    return MoodSummary(len(moods), sum(moods) / len(moods))


def weekly_trend(rows: list[tuple[str, int]]) -> list[tuple[date, MoodSummary]]:
    """(local date, mood) pairs → one summary per ISO week (keyed by its Monday)."""
    weeks: dict[date, list[int]] = defaultdict(list)
    for day_text, mood in rows:
        day = date.fromisoformat(day_text)
        weeks[day - timedelta(days=day.weekday())].append(mood)
    return [(monday, summarise(moods)) for monday, moods in sorted(weeks.items())]


def _average(summary: MoodSummary) -> str:
    if summary.average is None:
        return f"hidden (fewer than {MIN_GROUP} answers)"
    return f"{summary.average:.1f}/5 from {summary.answers} answers"


async def checkin_stats(ctx: Context, days: int) -> list[StatsItem]:
    since = ctx.now - timedelta(days=days)
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
    rows = await ctx.db.fetchall(
        "SELECT m.local_date, m.mood, m.occurrence_id, m.user_key, o.kind FROM moods m"
        " JOIN occurrences o ON o.id = m.occurrence_id"
        " WHERE m.community_id = ? AND o.kind IN (?, ?, ?) AND o.due_at >= ?",
        key,
        *ANSWERABLE,
        to_epoch(since),
    )
    people = len({r["user_key"] for r in rows})
    # Per channel post, from the answers to channel posts (members' own check-ins have their
    # own count beside it).
    per_post = sum(1 for r in rows if r["kind"] == POST) / posts if posts else 0.0
    reflections = await ctx.db.fetchval(
        "SELECT COUNT(*) FROM reflections WHERE community_id = ? AND created_at >= ?",
        key,
        to_epoch(since),
    )
    lines: list[StatsItem] = [
        (Text(f"Check-ins, last {days} days", bold=True),),
        f"Posts: {posts}"
        + (f" · personal check-ins sent: {personal}" if personal else "")
        + f" · answers: {len(rows)} from {people} members · "
        f"{per_post:.1f} answers per post · reflections written: {reflections}",
        f"Mood overall: {_average(summarise([r['mood'] for r in rows]))}",
    ]
    trend = weekly_trend([(r["local_date"], r["mood"]) for r in rows])
    lines.extend(_sparklines(ctx, rows, trend, days))
    for monday, summary in trend:
        lines.append(f"  Week of {monday:%d %b}: {_average(summary)}")
    return lines


def mood_series(trend: list[tuple[date, MoodSummary]]) -> Series:
    """The weekly mood on a fixed 1–5 scale; a week under the minimum is a gap, not a dip."""
    return Series(
        "Mood by week",
        tuple(f"week of {monday:%d %b}" for monday, _ in trend),
        tuple(summary.average for _, summary in trend),
        low=1,
        high=5,
        number=lambda v: f"{v:.1f}",
        style="line",
    )


def _sparklines(
    ctx: Context, rows: list[Row], trend: list[tuple[date, MoodSummary]], days: int
) -> list[Series]:
    if not rows:
        return []
    counts: dict[date, int] = defaultdict(int)
    for row in rows:
        counts[date.fromisoformat(row["local_date"])] += 1
    today = local_date(ctx.now, ctx.community.tz)
    first = min([*counts, today - timedelta(days=days - 1)])
    answers = count_series("Answers", counts, first, max([*counts, today]), days)
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
    moods = await ctx.db.fetchall(
        "SELECT m.local_date, m.mood, m.user_key FROM moods m"
        " JOIN occurrences o ON o.id = m.occurrence_id"
        " WHERE m.community_id = ? AND o.kind IN (?, ?, ?)",
        key,
        *ANSWERABLE,
    )
    reflections = await ctx.db.fetchall(
        "SELECT created_at FROM reflections WHERE community_id = ?", key
    )
    post_weeks = Counter(week_of(date.fromisoformat(r["slot"])) for r in posts)
    by_week: dict[date, list[tuple[int, str]]] = defaultdict(list)
    for row in moods:
        by_week[week_of(date.fromisoformat(row["local_date"]))].append(
            (int(row["mood"]), row["user_key"])
        )
    written = Counter(
        week_of(local_date(from_epoch(r["created_at"]), ctx.community.tz)) for r in reflections
    )
    rows: list[StatRow] = []
    for week in sorted(set(post_weeks) | set(by_week) | set(written)):
        answers = by_week.get(week, [])
        rows += [
            StatRow("checkins", week, "posts", post_weeks[week]),
            StatRow("checkins", week, "answers", len(answers)),
            StatRow("checkins", week, "members answering", len({user for _, user in answers})),
            StatRow("checkins", week, "reflections written", written[week]),
        ]
        if answers:
            average = sum(mood for mood, _ in answers) / len(answers)
            rows.append(StatRow("checkins", week, "average mood (1-5)", average, len(answers)))
    return rows
