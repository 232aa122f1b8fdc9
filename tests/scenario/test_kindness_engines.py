"""The kindness feature on PostgreSQL: the same portable SQL, the same answers as on SQLite.

Skipped, with the reason shown, when no PostgreSQL server is reachable (see tests/pg.py).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.app import build_kith
from bot.scheduling.clock import SimulatedClock
from tests.fakes import FakeChat, Harness, reply_text
from tests.pg import scratch_database


async def test_acts_thanks_boards_and_milestones_on_postgresql() -> None:
    async with scratch_database() as url:
        clock = SimulatedClock(datetime(2026, 3, 2, 6, tzinfo=UTC))
        kith, db = await build_kith(url, clock)
        h = Harness(kith, db, clock, FakeChat(), admins={"ada"})
        try:
            setup = "/kith setup kindness channel:#kindness challenge:31-day leaderboard:everyone"
            assert "set up" in reply_text(await h.say("ada", setup))
            assert "Logged:" in reply_text(await h.say("bo", "/kind helped a neighbour"))
            assert "counts once" in reply_text(await h.say("bo", "/kind Helped a neighbour."))
            assert "Thanks sent" in reply_text(await h.say("cy", "/thanks @bo for the tea"))
            await h.say("cy", "/kind brought biscuits")
            await h.say("cy", "/leaderboard leave")
            for day in range(3):
                await h.advance(timedelta(days=1))
                await h.say("bo", f"/kind daily {day}")
            await h.run_due()
            board = reply_text(await h.say("cy", "/leaderboard window:all by:streak"))
            assert "1. @Bo — 4 days" in board and "@Cy" not in board
            streak = reply_text(await h.say("bo", "/streak"))
            assert "Your streak: 4 days" in streak and "kindness noticed: 1 time" in streak
            channel = [s.text for s in h.chat.to("#kindness")]
            assert sum(t.startswith("🌱 Kindness challenge") for t in channel) == 3  # 2–4 March
            assert any(t.startswith("🎉 @Bo reached a 3-day kindness streak!") for t in channel)
            stats = reply_text(await h.say("ada", "/kith stats window:7d"))
            assert "Kind acts counted: 5" in stats and "thanks given: 1" in stats
        finally:
            await db.close()
