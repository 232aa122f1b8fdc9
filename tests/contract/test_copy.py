"""Moving a live SQLite database to PostgreSQL with ``kith db copy``."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.app import build_kith
from bot.scheduling.clock import SimulatedClock
from tests.conftest import START
from tests.e2e.console_helpers import kith
from tests.fakes import FakeChat, Harness, make_harness, reply_text
from tests.pg import scratch_database


async def test_copy_sqlite_to_postgresql_keeps_every_row_and_kith_carries_on(
    tmp_path: Path,
) -> None:
    source = tmp_path / "kith.sqlite3"
    h = await make_harness(source, START)
    h.admins.add("ada")
    await h.say("ada", "/kith setup checkin channel:#general time:09:00 tz:Europe/London")
    await h.advance(timedelta(days=2, hours=4))
    post = h.chat.to("#general")[0]
    await h.click("bo", post.choice("4"))
    await h.click("cy", post.choice("reflect"))
    await h.say("cy", "A quiet but good day.")
    await h.say("ada", "/kith prompts add What helped you rest this week?")
    counts = {
        t: await h.db.fetchval(f"SELECT COUNT(*) FROM {t}")
        for t in (
            "communities",
            "programmes",
            "occurrences",
            "moods",
            "reflections",
            "custom_prompts",
            "prompt_uses",
            "members",
        )
    }
    await h.db.close()

    async with scratch_database() as url:
        result = kith("db", "copy", "--from", str(source), "--to", url, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert "Copied" in result.stdout
        again = kith("db", "copy", "--from", str(source), "--to", url, cwd=tmp_path)
        assert again.returncode == 2 and "already holds communities" in again.stderr

        clock = SimulatedClock(h.clock.now())
        pg, db = await build_kith(url, clock)
        try:
            for table, count in counts.items():
                assert await db.fetchval(f"SELECT COUNT(*) FROM {table}") == count, table
            chat = FakeChat()
            # Nothing already sent goes out again; the next day's post does, exactly once.
            report = await pg.run_due(clock.now(), chat)
            assert report.sent == 0
            clock.set(clock.now() + timedelta(days=1))
            assert (await pg.run_due(clock.now(), chat)).sent == 1
            # New rows get fresh ids after the copied ones (sequences moved past them).
            on_pg = Harness(pg, db, clock, chat, admins={"ada"})
            added = reply_text(
                await on_pg.say("ada", "/kith prompts add Who made you laugh today?")
            )
            assert "Added prompt #2" in added
        finally:
            await db.close()
