"""Care that cannot be delivered privately, through the real discord.py client and the fake: a
member whose DMs are closed gets the resources in the ephemeral reply to what they wrote, and the
moderators are told Kith could not reach them privately."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.conftest import START
from tests.e2e.discord_helpers import World, discord_world


@pytest.fixture
async def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[World]:
    async with discord_world(tmp_path, monkeypatch, START) as w:
        yield w


async def test_closed_dms_get_the_resources_ephemerally_and_moderators_hear_the_truth(
    world: World,
) -> None:
    mods = world.fake.channel(world.gid, "kindness")
    setup = await world.slash(
        world.ada, "kith setup safety", {"alerts": f"<#{mods['id']}>", "resources": "uk"}
    )
    assert "saved" in setup.text, setup.text
    world.fake.closed_dms.add(world.bo["id"])
    # Kindness isn't set up, so the command is refused; its words are screened all the same.
    reply = await world.slash(world.bo, "kind", {"what_i_did": "nothing, I want to die"})
    assert reply.ephemeral
    assert "116 123" in reply.text and "Samaritans" in reply.text
    assert "aren't set up here yet" in reply.text  # and the refusal itself
    dm = world.fake.dm_of.get(world.bo["id"])
    assert dm is None or world.fake.posts(dm) == []  # nothing reached Bo's DMs
    [alert] = world.fake.posts(mods["id"])
    assert "could not reach them privately" in alert["content"]
    assert "sent support resources privately" not in alert["content"]
    assert alert["allowed_mentions"]["parse"] == []  # named, never pinged
