"""Per-community, per-day counts behind ``/kith stats``: kind acts, thanks and check-in answers.

Counting millions of acts for each ``/kith stats`` took seconds; these counts are added to in
the same transaction as the act, thank-you or answer they count, so the stats read one row per
day (per slot) instead. Days are local dates: an act's or a thank-you's as the member logged it,
an answer's the check-in's own date.

The counts are anonymous, and they follow the rows they count: ``forget_counts`` takes a
forgotten member's acts, thanks and answers back out before they are deleted, and
``uncount_moods`` does the same for moods the retention job deletes. So the stats never say more
than the kept rows would, and they always equal a scan of them (tests/contract/test_day_counts.py).

On PostgreSQL many transactions commit at once, and one counter row per community and day would
make every act in a busy community wait for the one before it to commit (a row lock held until
commit). So each day has ``SLOTS`` rows, a member's writes go to the slot their key hashes to, and
reads add the slots up. SQLite has a single writer anyway and keeps one row per day. A subtraction
may leave one slot negative (a member's acts counted before the upgrade sit in slot 0): only the
sum means anything.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.scheduling.timezones import local_date, zone
from bot.store.base import Database, Tx

SLOTS = {"postgresql": 8}  # other engines: 1
# The occurrence kinds whose buttons record a mood (bot.checkins.rule.ANSWERABLE, spelled out
# here because the check-in package imports this module; a unit test keeps them equal).
POST_KIND = "checkin.post"
ANSWERED_KINDS = (POST_KIND, "checkin.private", "checkin.personal")

_KIND_UPSERT = (
    "INSERT INTO kind_days (community_id, local_date, slot, acts, thanks) VALUES (?, ?, ?, ?, ?)"
    " ON CONFLICT (community_id, local_date, slot) DO UPDATE SET"
    " acts = kind_days.acts + excluded.acts, thanks = kind_days.thanks + excluded.thanks"
)
_CHECKIN_UPSERT = (
    "INSERT INTO checkin_days (community_id, local_date, slot, answers, post_answers, mood_sum)"
    " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (community_id, local_date, slot) DO UPDATE SET"
    " answers = checkin_days.answers + excluded.answers,"
    " post_answers = checkin_days.post_answers + excluded.post_answers,"
    " mood_sum = checkin_days.mood_sum + excluded.mood_sum"
)


def window_start(now: datetime, tz: str, days: int) -> tuple[date, datetime]:
    """The stats' "last ``days`` days": the first of the last ``days`` local dates in the
    community's zone (today included), and the instant it began. Counts by date take the first;
    what is counted by the instant it happened (check-in posts, reflections, milestones) takes
    the second."""
    first = local_date(now, tz) - timedelta(days=days - 1)
    return first, datetime.combine(first, time(0), zone(tz))


def slot_of(dialect: str, user_key: str) -> int:
    """The slot a member's counts go to: stable per member, so one member's writes (already
    serialised by their own rows) never add a second lock."""
    slots = SLOTS.get(dialect, 1)
    return zlib.crc32(user_key.encode()) % slots if slots > 1 else 0


async def count_kindness(
    tx: Tx, community_key: str, day: str, user_key: str, *, acts: int = 0, thanks: int = 0
) -> None:
    await tx.execute(_KIND_UPSERT, community_key, day, slot_of(tx.dialect, user_key), acts, thanks)


async def count_answer(
    tx: Tx,
    community_key: str,
    day: str,
    user_key: str,
    *,
    answers: int,
    post_answers: int,
    mood_sum: int,
) -> None:
    await tx.execute(
        _CHECKIN_UPSERT,
        community_key,
        day,
        slot_of(tx.dialect, user_key),
        answers,
        post_answers,
        mood_sum,
    )


_MOODS_BY_DAY = (
    "SELECT moods.community_id AS community_id, moods.local_date AS local_date,"
    " COUNT(*) AS answers, SUM(CASE WHEN o.kind = ? THEN 1 ELSE 0 END) AS post_answers,"
    " SUM(moods.mood) AS mood_sum FROM moods JOIN occurrences o ON o.id = moods.occurrence_id"
    " WHERE o.kind IN (?, ?, ?) AND {where} GROUP BY moods.community_id, moods.local_date"
)


async def uncount_moods(tx: Tx, where: str, *params: object) -> None:
    """Take the moods matching ``where`` (on table ``moods``, its columns qualified) out of the
    counts: called in the transaction that deletes them, just before the delete."""
    rows = await tx.fetchall(_MOODS_BY_DAY.format(where=where), POST_KIND, *ANSWERED_KINDS, *params)
    for r in rows:
        await tx.execute(
            _CHECKIN_UPSERT,
            r["community_id"],
            r["local_date"],
            0,
            -int(r["answers"]),
            -int(r["post_answers"]),
            -int(r["mood_sum"]),
        )


async def forget_counts(tx: Tx, community_key: str, user_key: str) -> None:
    """Take a member's acts, thanks (given and received: forget deletes both) and answers out of
    the counts; called in the forget's transaction before the rows are deleted."""
    acts = await tx.fetchall(
        "SELECT local_date, COUNT(*) AS n FROM kind_acts WHERE community_id = ? AND user_key = ?"
        " AND counted = 1 GROUP BY local_date",
        community_key,
        user_key,
    )
    for r in acts:
        await tx.execute(_KIND_UPSERT, community_key, r["local_date"], 0, -int(r["n"]), 0)
    thanks = await tx.fetchall(
        "SELECT local_date, COUNT(*) AS n FROM kind_thanks WHERE community_id = ?"
        " AND (from_user = ? OR to_user = ?) GROUP BY local_date",
        community_key,
        user_key,
        user_key,
    )
    for r in thanks:
        await tx.execute(_KIND_UPSERT, community_key, r["local_date"], 0, 0, -int(r["n"]))
    await uncount_moods(
        tx, "moods.community_id = ? AND moods.user_key = ?", community_key, user_key
    )


@dataclass(frozen=True, slots=True)
class KindDay:
    acts: int
    thanks: int


@dataclass(frozen=True, slots=True)
class CheckinDay:
    answers: int
    post_answers: int
    mood_sum: int


async def kindness_days(
    db: Database, community_key: str, first: date | None = None
) -> dict[date, KindDay]:
    """Each local date from ``first`` on (every date when None) with anything counted."""
    rows = await db.fetchall(
        "SELECT local_date, SUM(acts) AS acts, SUM(thanks) AS thanks FROM kind_days"
        " WHERE community_id = ? AND local_date >= ? GROUP BY local_date",
        community_key,
        first.isoformat() if first else "",
    )
    days = {
        date.fromisoformat(r["local_date"]): KindDay(int(r["acts"]), int(r["thanks"])) for r in rows
    }
    return {day: counts for day, counts in days.items() if counts.acts or counts.thanks}


async def checkin_days(
    db: Database, community_key: str, first: date | None = None
) -> dict[date, CheckinDay]:
    """Each check-in date from ``first`` on (every date when None) with answers."""
    rows = await db.fetchall(
        "SELECT local_date, SUM(answers) AS answers, SUM(post_answers) AS post_answers,"
        " SUM(mood_sum) AS mood_sum FROM checkin_days WHERE community_id = ? AND local_date >= ?"
        " GROUP BY local_date",
        community_key,
        first.isoformat() if first else "",
    )
    days = {
        date.fromisoformat(r["local_date"]): CheckinDay(
            int(r["answers"]), int(r["post_answers"]), int(r["mood_sum"])
        )
        for r in rows
    }
    return {day: counts for day, counts in days.items() if counts.answers}
