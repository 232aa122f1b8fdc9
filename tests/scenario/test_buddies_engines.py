"""A short buddy season on every store engine: the aggregated history and pool queries, the
answers and the statistics read the same on SQLite and PostgreSQL."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.app import build_kith
from bot.scheduling.clock import SimulatedClock
from tests.conftest import START
from tests.fakes import FakeChat, Harness, reply_text
from tests.pg import scratch_database
from tests.scenario.test_buddies import (
    a_group_that_could_not_meet,
    groups_within_waking_hours,
    least_repeats_possible,
    repeats_in,
)

SETUP = "/kith setup buddies channel:#buddies every:1w day:mon time:09:00 tz:Europe/London"


@pytest.fixture(params=["sqlite", "postgresql"])
async def engine_harness(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Harness]:
    async def open_at(url: str) -> Harness:
        clock = SimulatedClock(START)
        kith, db = await build_kith(url, clock)
        harness = Harness(kith, db, clock, FakeChat())
        harness.admins.add("ada")
        return harness

    if request.param == "sqlite":
        harness = await open_at(str(tmp_path / "kith.sqlite3"))
        yield harness
        await harness.db.close()
        return
    async with scratch_database() as url:
        harness = await open_at(url)
        yield harness
        await harness.db.close()


async def test_a_season_reads_the_same_on_every_engine(engine_harness: Harness) -> None:
    h = engine_harness
    assert "set up" in reply_text(await h.say("ada", SETUP))
    names = [f"p{i}" for i in range(7)]
    for name in names:
        await h.say(name, "/buddy join")
    await h.say("p0", "/buddy avoid @p1")
    await h.say("p2", "/buddy pause until:2026-03-16")
    await h.say("p3", "/buddy skip")
    for _ in range(4):
        await h.advance(timedelta(weeks=1))
        for name in names:
            questions = [s for s in h.chat.to(f"@{name}") if "did you connect?" in s.text]
            if questions:
                await h.click(name, questions[-1].choice("met"))
    await h.advance(timedelta(hours=4))
    rows = await h.db.fetchall(
        "SELECT r.number, g.id, bm.user_key FROM buddy_rounds r"
        " JOIN buddy_groups g ON g.round_id = r.occurrence_id"
        " JOIN buddy_group_members gm ON gm.group_id = g.id"
        " JOIN buddy_members bm ON bm.id = gm.member_id ORDER BY r.number, g.id, bm.user_key"
    )
    groups: dict[tuple[int, int], list[str]] = {}
    for row in rows:
        groups.setdefault((row["number"], row["id"]), []).append(row["user_key"].rsplit(":")[-1])
    by_round: dict[int, list[list[str]]] = {}
    for (number, _), members in groups.items():
        by_round.setdefault(number, []).append(members)
    assert sorted(by_round) == [1, 2, 3, 4, 5]
    placed = {n: sorted(itertools.chain.from_iterable(g)) for n, g in by_round.items()}
    assert "p2" not in placed[1] and "p2" not in placed[2] and "p2" in placed[3]
    assert "p3" not in placed[1] and "p3" in placed[2]
    for groups_of_round in by_round.values():
        for group in groups_of_round:
            assert not {"p0", "p1"} <= set(group)
    # The history read back from the store keeps every round to the fewest repeats possible.
    total = 0
    for number in sorted(by_round):
        current = [frozenset(g) for g in by_round[number]]
        earlier = [[frozenset(g) for g in by_round[n]] for n in range(number - 1, 0, -1)]
        got = repeats_in(current, earlier)
        pool = sorted(itertools.chain.from_iterable(current))
        assert got == least_repeats_possible(pool, earlier, avoid=(("p0", "p1"),)), number
        total += got[0]
    stats = reply_text(await h.say("ada", "/kith stats"))
    assert "Rounds: 5" in stats and f"unavoidable repeats: {total}" in stats
    asked = await h.db.fetchval("SELECT COUNT(*) FROM buddy_group_members WHERE asked = 1")
    met = await h.db.fetchval("SELECT COUNT(*) FROM buddy_group_members WHERE answer = 'met'")
    assert int(asked) == int(met) > 0
    assert f"answered: {met} of {asked} (100%)" in stats
    status = reply_text(await h.say("ada", "/kith status"))
    assert "Latest round: 5" in status and "Pool: 7 members" in status


async def test_groups_that_could_not_meet_read_the_same_on_every_engine(
    engine_harness: Harness,
) -> None:
    await a_group_that_could_not_meet(engine_harness)


async def test_time_zones_read_the_same_on_every_engine(engine_harness: Harness) -> None:
    await groups_within_waking_hours(engine_harness)
