"""The stats' day counts (bot.day_counts) always equal a scan of the rows they count.

Random acts, thanks, mood clicks, forgets and days passing (with the retention job deleting moods
past a 7-day retention period) go through the real core on SQLite and on PostgreSQL; afterwards
every count the stats read (acts, thanks and answers per day, members logging from any date on,
members logging per week) is compared with a direct scan of kind_acts, kind_thanks and moods, and
the migration's backfill, run again on what is stored, gives the same counts.
"""

from __future__ import annotations

import asyncio
from collections import Counter, defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.aggregates import week_of
from bot.app import build_kith
from bot.checkins.rule import ANSWERABLE, POST
from bot.day_counts import ANSWERED_KINDS, POST_KIND, checkin_days, kindness_days
from bot.kindness.stats import monday_of
from bot.scheduling.clock import SimulatedClock
from bot.store.migrations import load_migrations
from tests.fakes import FakeChat, Harness, reply_text
from tests.pg import scratch_database

START = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
COMMUNITY = "test:c1"
# Members far apart in time, so their local dates differ from each other's and the community's.
ZONES = {
    "bo": "Pacific/Kiritimati",
    "cy": "Pacific/Pago_Pago",
    "di": "UTC",
    "ed": "Asia/Kolkata",
    "fi": "America/New_York",
}
MEMBERS = sorted(ZONES)

act = st.tuples(st.just("act"), st.sampled_from(MEMBERS), st.integers(0, 5))
thanks = st.tuples(st.just("thanks"), st.sampled_from(MEMBERS), st.sampled_from(MEMBERS))
mood = st.tuples(st.just("mood"), st.sampled_from(MEMBERS), st.integers(1, 5), st.integers(0, 2))
advance = st.tuples(st.just("advance"), st.integers(1, 40))
forget = st.tuples(st.just("forget"), st.sampled_from(MEMBERS))
OPS = st.lists(st.one_of(act, act, thanks, mood, mood, advance, forget), min_size=1, max_size=45)


@asynccontextmanager
async def harness_on(engine: str, tmp: Path) -> AsyncIterator[Harness]:
    clock = SimulatedClock(START)
    if engine == "sqlite":
        kith, db = await build_kith(str(tmp / "kith.sqlite3"), clock)
        try:
            yield Harness(kith, db, clock, FakeChat(), admins={"ada"})
        finally:
            await db.close()
        return
    async with scratch_database() as url:
        kith, db = await build_kith(url, clock)
        try:
            yield Harness(kith, db, clock, FakeChat(), admins={"ada"})
        finally:
            await db.close()


async def set_up(h: Harness) -> None:
    for text in (
        "/kith setup kindness channel:#kindness",
        "/kith setup checkin channel:#general time:09:00 days:mon-sun tz:Europe/London",
        "/kith setup privacy retention:7",
    ):
        await h.say("ada", text)


async def play(h: Harness, op: tuple[Any, ...]) -> None:
    match op:
        case ("act", who, n):
            await h.say(who, f"/kind helped with chore {n}", tz=ZONES[who])
        case ("thanks", who, whom):
            await h.say(who, f"/thanks @{whom} for the help", tz=ZONES[who])
        case ("mood", who, value, back):
            posts = [p for p in h.chat.to("#general") if p.message.choices]
            if len(posts) > back:
                await h.click(who, posts[-1 - back].choice(str(value)))
        case ("advance", hours):
            await h.advance(timedelta(hours=hours))
        case ("forget", who):
            confirm = await h.say(who, "/kith forget")
            if confirm.message and confirm.message.choices:
                await h.click(who, confirm.message.choices[0].id)


async def scanned(h: Harness) -> dict[str, Any]:
    """Everything the counts stand for, straight from the rows they count."""
    db = h.db
    acts = await db.fetchall(
        "SELECT local_date, user_key FROM kind_acts WHERE community_id = ? AND counted = 1",
        COMMUNITY,
    )
    thanks = await db.fetchall(
        "SELECT local_date FROM kind_thanks WHERE community_id = ?", COMMUNITY
    )
    moods = await db.fetchall(
        "SELECT m.local_date, m.mood, m.user_key, o.kind FROM moods m"
        " JOIN occurrences o ON o.id = m.occurrence_id"
        " WHERE m.community_id = ? AND o.kind IN (?, ?, ?)",
        COMMUNITY,
        *ANSWERABLE,
    )
    kind: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    for r in acts:
        kind[date.fromisoformat(r["local_date"])][0] += 1
    for r in thanks:
        kind[date.fromisoformat(r["local_date"])][1] += 1
    checkins: dict[date, list[int]] = defaultdict(lambda: [0, 0, 0])
    for r in moods:
        day = checkins[date.fromisoformat(r["local_date"])]
        day[0] += 1
        day[1] += r["kind"] == POST
        day[2] += int(r["mood"])
    return {
        "kind": {d: tuple(v) for d, v in kind.items()},
        "checkins": {d: tuple(v) for d, v in checkins.items()},
        "acts": [(date.fromisoformat(r["local_date"]), r["user_key"]) for r in acts],
        "moods": [(date.fromisoformat(r["local_date"]), r["user_key"]) for r in moods],
    }


async def counted(h: Harness) -> dict[str, Any]:
    kind = await kindness_days(h.db, COMMUNITY)
    checkins = await checkin_days(h.db, COMMUNITY)
    return {
        "kind": {d: (c.acts, c.thanks) for d, c in kind.items()},
        "checkins": {d: (c.answers, c.post_answers, c.mood_sum) for d, c in checkins.items()},
    }


async def check(h: Harness) -> None:
    scan = await scanned(h)
    counts = await counted(h)
    assert counts["kind"] == scan["kind"]
    assert counts["checkins"] == scan["checkins"]
    # Members logging from any date on: each member's latest act date against a scan.
    days = {d for d, _ in scan["acts"]} | {START.date()}
    for first in (
        min(days) + timedelta(days=n) for n in range(-1, (max(days) - min(days)).days + 2)
    ):
        people = await h.db.fetchval(
            "SELECT COUNT(*) FROM kind_members WHERE community_id = ? AND last_date >= ?",
            COMMUNITY,
            first.isoformat(),
        )
        assert people == len({u for d, u in scan["acts"] if d >= first}), first
    # Members logging per week: the leaderboard's weekly totals against a scan.
    weekly = await h.db.fetchall(
        "SELECT period, COUNT(*) AS n FROM kind_totals WHERE community_id = ? AND period LIKE 'w%'"
        " AND acts > 0 GROUP BY period",
        COMMUNITY,
    )
    assert {monday_of(r["period"]): r["n"] for r in weekly} == Counter(
        week for week, _ in {(week_of(d), u) for d, u in scan["acts"]}
    )
    # /kith stats shows the scan's figures for its window.
    today = h.clock.now().date()  # the community's zone is UTC
    first = today - timedelta(days=29)
    stats = reply_text(await h.say("ada", "/kith stats window:30d"))
    acts_30 = sum(a for d, (a, _) in scan["kind"].items() if d >= first)
    people_30 = len({u for d, u in scan["acts"] if d >= first})
    answers_30 = sum(n for d, (n, _, _) in scan["checkins"].items() if d >= first)
    answering_30 = len({u for d, u in scan["moods"] if d >= first})
    assert f"Kind acts counted: {acts_30} " in stats
    assert f"members logging: {people_30} " in stats
    assert f"answers: {answers_30} from {answering_30} members" in stats
    # The migration's backfill, run on what is stored now, gives the same counts.
    backfill = [
        s
        for s in next(m for m in load_migrations(h.db.dialect) if m.version == 16).statements
        if "INSERT INTO" in s
    ]
    async with h.db.transaction() as tx:
        await tx.execute("DELETE FROM kind_days")
        await tx.execute("DELETE FROM checkin_days")
        for statement in backfill:
            await tx.execute(statement)
    assert await counted(h) == counts


async def scenario(engine: str, tmp: Path, ops: list[tuple[Any, ...]]) -> dict[str, Any]:
    async with harness_on(engine, tmp) as h:
        await set_up(h)
        for op in ops:
            await play(h, op)
        await check(h)
        return await scanned(h)


def test_kinds_spelled_out_match_the_checkin_rule() -> None:
    assert ANSWERED_KINDS == ANSWERABLE and POST_KIND == POST


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_day_counts_equal_a_scan(engine: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    examples = 25 if engine == "sqlite" else 8

    @settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(OPS)
    def run(ops: list[tuple[Any, ...]]) -> None:
        asyncio.run(scenario(engine, tmp_path_factory.mktemp("counts"), ops))

    run()


def test_a_long_history_with_retention_and_forgets_equals_a_scan(tmp_path: Path) -> None:
    """A fixed, longer history: three weeks, so retention deletes moods past 7 days."""
    ops: list[tuple[Any, ...]] = []
    for day in range(21):
        for i, who in enumerate(MEMBERS):
            ops += [("act", who, day % 4), ("act", who, i), ("mood", who, 1 + (day + i) % 5, 0)]
        ops += [("thanks", MEMBERS[day % 5], MEMBERS[(day + 1) % 5]), ("advance", 24)]
        if day == 12:
            ops.append(("forget", "cy"))
    scan = asyncio.run(scenario("sqlite", tmp_path, ops))
    # What was checked is not trivial: three weeks of acts, Cy's gone, old moods deleted.
    assert len(scan["kind"]) >= 20 and sum(a for a, _ in scan["kind"].values()) > 150
    assert min(d for d, u in scan["acts"] if u == "test:c1:cy") >= date(2026, 3, 14)
    assert 5 <= len(scan["checkins"]) <= 9


async def _retention_deleted(tmp: Path) -> None:
    async with harness_on("sqlite", tmp) as h:
        await set_up(h)
        await h.advance(timedelta(hours=4))
        post = [p for p in h.chat.to("#general") if p.message.choices][-1]
        for who in MEMBERS:
            await h.click(who, post.choice("4"))
        first_day = date(2026, 3, 2)
        assert first_day in (await counted(h))["checkins"]
        await h.advance(timedelta(days=10))
        # Retention (7 days) deleted those moods, and their counts went with them.
        assert first_day not in (await scanned(h))["checkins"]
        assert first_day not in (await counted(h))["checkins"]
        await check(h)


def test_retention_takes_deleted_moods_out_of_the_counts(tmp_path: Path) -> None:
    asyncio.run(_retention_deleted(tmp_path))
