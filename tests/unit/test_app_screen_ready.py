"""Building Kith compiles the crisis screen, so no member's message waits for it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.app import build_kith
from bot.safety.screen import builtin_phrases
from bot.scheduling.clock import SimulatedClock


async def test_building_kith_compiles_the_screen_before_any_message(tmp_path: Path) -> None:
    builtin_phrases.cache_clear()  # as in a fresh process
    _kith, db = await build_kith(
        f"sqlite:///{tmp_path / 'kith.sqlite3'}", SimulatedClock(datetime(2026, 3, 2, tzinfo=UTC))
    )
    try:
        assert builtin_phrases.cache_info().currsize == 1  # loaded, no message screened yet
        phrases = builtin_phrases()
        assert phrases.models  # the statistical layer came with it
        # Rules read letters typed one by one ("k i l l  m y s e l f") with a pattern compiled
        # then too, not on the first such message.
        assert all(
            rule.squashed is None or hasattr(rule.squashed, "search")
            for ruleset in phrases.builtin
            for rule in ruleset.rules
        )
        assert any(rule.squashed is not None for rule in phrases.builtin[0].rules)
    finally:
        await db.close()
