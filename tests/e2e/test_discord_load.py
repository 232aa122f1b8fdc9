"""A small run of the Discord load driver (``bench/discord_load.py``): the bot in a child process,
slash commands and mood clicks from many members through the fake's gateway. Every action must be
acknowledged and answered without error, and what it did must be in the database. Timing is the
benchmark's business, not this test's."""

from __future__ import annotations

from pathlib import Path

from bench.discord_load import run_once


async def test_every_action_is_acknowledged_answered_and_recorded(tmp_path: Path) -> None:
    result = await run_once(rate=100, seconds=2, members=20, workdir=tmp_path, warmup=0)
    assert result.sent == 200 and result.acked == 200
    assert result.errors == 0, result.error_samples
    assert result.by_action == {"kind": 67, "streak": 67, "mood": 66}
    assert result.recorded_acts == 67  # one act per /kind (distinct texts, under the daily cap)
    assert result.recorded_moods == result.clickers == 20  # one mood per member per check-in
