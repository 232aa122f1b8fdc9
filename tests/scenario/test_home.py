"""A member's home (bot.home): platform-neutral, read-only, and open to features' sections."""

from __future__ import annotations

from datetime import timedelta

from bot.context import Context
from bot.home import home_message
from bot.messages import Text
from tests.fakes import Harness, snapshot


async def home_text(h: Harness, name: str, **kw: object) -> str:
    return (await home_message(h.kith.services, h.actor(name, **kw), h.chat)).plain_text  # type: ignore[arg-type]


async def test_home_before_anything_is_set_up(harness: Harness) -> None:
    text = await home_text(harness, "bo", tz="America/New_York")
    assert "Your settings" in text and "Time zone: America/New_York" in text
    assert "Nothing is set up yet." in text and "/kith setup" not in text
    assert "not a therapy or crisis service" in text
    assert "Start with /kith setup checkin" in await home_text(harness, "ada")


async def test_home_lists_programmes_with_their_next_post_in_my_zone(harness: Harness) -> None:
    await harness.say("ada", "/kith setup checkin channel:#general time:09:00 tz:Europe/London")
    text = await home_text(harness, "bo", tz="Asia/Tokyo")
    assert "Daily check-in · #general · 09:00" in text
    assert "Next: Mon 02 Mar 18:00 JST" in text  # 09:00 London is 18:00 in Tokyo
    assert "You're an admin here" not in text
    assert "You're an admin here" in await home_text(harness, "ada")
    await harness.say("ada", "/kith pause checkin")
    paused = await home_text(harness, "bo")
    assert "· paused" in paused and "Next:" not in paused


async def test_opening_the_home_changes_nothing(harness: Harness) -> None:
    await harness.say("ada", "/kith setup checkin channel:#general time:09:00")
    await harness.advance(timedelta(hours=1))
    before = await snapshot(harness.db)
    await home_text(harness, "newcomer", tz="Europe/Paris")
    assert await snapshot(harness.db) == before


async def test_features_add_sections_and_a_broken_one_does_not_blank_the_home(
    harness: Harness,
) -> None:
    async def mine(ctx: Context) -> list[str | tuple[Text, ...]]:
        return [(Text("My streak", bold=True),), f"3 days, {ctx.actor.display_name}"]

    async def broken(ctx: Context) -> list[str | tuple[Text, ...]]:
        raise RuntimeError("boom")

    harness.kith.services.registry.home_section(broken)
    harness.kith.services.registry.home_section(mine)
    text = await home_text(harness, "bo")
    assert "My streak\n3 days, Bo" in text and "Your settings" in text


async def test_the_platform_zone_counts_before_kith_stored_anything(harness: Harness) -> None:
    shown = await harness.say("bo", "/kith timezone", tz="Australia/Sydney")
    assert "Your time zone here is Australia/Sydney" in shown.message.plain_text  # type: ignore[union-attr]
    await harness.say("bo", "/kith timezone Europe/Lisbon", tz="Australia/Sydney")
    own = await harness.say("bo", "/kith timezone", tz="Australia/Sydney")
    assert "Your time zone here is Europe/Lisbon" in own.message.plain_text  # type: ignore[union-attr]
