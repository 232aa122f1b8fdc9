"""/kith forget through the real discord.py client and the fake: Kith deletes its own post that
named the member (a streak celebration), and the confirmation says what it cannot delete."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from tests.conftest import START
from tests.e2e.discord_helpers import World, discord_world


@pytest.fixture
async def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[World]:
    async with discord_world(tmp_path, monkeypatch, START) as w:
        yield w


async def test_forget_deletes_kiths_own_post_naming_the_member(world: World) -> None:
    kindness = world.fake.channel(world.gid, "kindness")
    await world.slash(world.ada, "kith setup kindness", {"channel": kindness["id"]})
    for day, act in enumerate(("watered the plants", "fed the cat", "called round")):
        if day:
            await world.advance(timedelta(days=1))
        await world.slash(world.bo, "kind", {"what_i_did": act})
    await world.advance(timedelta(minutes=5))
    [milestone] = [m for m in world.fake.posts(kindness["id"]) if "3-day" in m["content"]]
    confirm = await world.slash(world.bo, "kith forget")
    done = await world.click(world.bo, confirm.messages[0], "Delete my data")
    assert "deleted 1 of my own posts" in done.text
    assert "What I can't delete" in done.text and "moderator alerts" in done.text
    assert (kindness["id"], milestone["id"]) in world.fake.deleted_messages
    assert not any("3-day" in m["content"] for m in world.fake.posts(kindness["id"]))
