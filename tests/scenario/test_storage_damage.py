"""A database damaged while Kith runs: the first write that meets the damage is refused, and so
is every write after it (none can be trusted), while reads are still answered and /healthz
fails with a pointer to ``kith restore``. Start-up's quick_check would have caught this file;
here it is bounded to nothing, as on a database too large to check in time."""

from __future__ import annotations

import logging
import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.ops.health import check
from bot.store import sqlite as sqlite_store
from bot.store.faults import DAMAGED_TEXT
from tests.fakes import make_harness, reply_text

START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


async def _damage_kind_acts(path: Path) -> None:
    h = await make_harness(path, START)
    h.admins.add("ada")
    await h.say("ada", "/kith setup kindness channel:#general leaderboard:off")
    assert "Logged" in reply_text(await h.say("bo", "/kind helped a neighbour"))
    await h.db.close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'kind_acts'").fetchone()
    page = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    with path.open("r+b") as f:
        f.seek((root[0] - 1) * page)
        f.write(b"\xff" * page)


async def test_a_damaged_page_met_at_run_time_stops_every_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "kith.sqlite3"
    await _damage_kind_acts(path)
    monkeypatch.setattr(sqlite_store, "QUICK_CHECK_SECONDS", 0.0)
    monkeypatch.setattr(sqlite_store, "_quick_check", lambda conn, path: None)
    h = await make_harness(path, START)
    try:
        with caplog.at_level(logging.ERROR, logger="kith.store"):
            refused = reply_text(await h.say("bo", "/kind carried the shopping"))
        assert refused == DAMAGED_TEXT
        assert "event=write_refused" in caplog.text and "kith restore" in caplog.text
        # A write that would not even touch the damaged page is refused too.
        assert reply_text(await h.say("cy", "/kith timezone Europe/London")) == DAMAGED_TEXT
        assert await h.db.fetchval("SELECT COUNT(*) FROM member_prefs") == 0
        # Reads are still answered.
        assert "/kind" in reply_text(await h.say("cy", "/kith help"))
        health = await check(h.db, time.monotonic())
        assert not health.ok
        assert str(health.body["database"]).startswith("writes are refused: the database file")
        assert "kith restore" in str(health.body["database"])
    finally:
        await h.db.close()


async def test_quick_check_at_start_up_is_bounded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "kith.sqlite3"
    conn = sqlite3.connect(path)  # big enough that checking it takes more than no time at all
    with conn:
        conn.execute("CREATE TABLE padding (x TEXT)")
        conn.executemany("INSERT INTO padding VALUES (?)", [("p" * 500,)] * 5000)
    conn.close()
    monkeypatch.setattr(sqlite_store, "QUICK_CHECK_SECONDS", 0.0)
    with caplog.at_level(logging.WARNING, logger="kith.store"):
        h = await make_harness(path, START)
    await h.db.close()
    assert "event=quick_check_skipped" in caplog.text
