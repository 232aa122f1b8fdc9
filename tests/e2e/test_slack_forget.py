"""/kith forget through the real slack-bolt app and the fake: Kith deletes its own post that named
the member (a streak celebration) with chat.delete, and says what it cannot delete."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from tests.conftest import START
from tests.e2e.slack_world import ADA, BO, SlackWorld, block_text, open_world

KINDNESS = "C0KIND"


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[SlackWorld]:
    opened = await open_world(tmp_path / "kith.sqlite3", "socket", START)
    opened.fake.add_channel(KINDNESS, "kindness")
    yield opened
    await opened.close()


async def test_forget_deletes_kiths_own_post_naming_the_member(world: SlackWorld) -> None:
    await world.command(ADA, f"setup kindness channel:<#{KINDNESS}|kindness>")
    for day, act in enumerate(("watered the plants", "fed the cat", "called round")):
        if day:
            await world.advance(timedelta(days=1))
        await world.command(BO, act, command="/kind")
    await world.advance(timedelta(minutes=5))
    assert any("3-day" in block_text(m["blocks"]) for m in world.fake.posts(KINDNESS))
    confirm = await world.command(BO, "forget")
    click = await world.click(BO, confirm, "yes")
    done = block_text((await world.response_to(click["response_url"]))["blocks"])
    assert "deleted 1 of my own posts" in done and "What I can't delete" in done
    assert len(world.fake.called("chat.delete")) == 1
    assert not any("3-day" in block_text(m["blocks"]) for m in world.fake.posts(KINDNESS))
