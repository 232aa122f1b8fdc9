"""Care that cannot be delivered privately, through the real slack-bolt app and the fake: a member
who turned off direct messages gets the resources in the ephemeral answer to their command, and
the moderators are told Kith could not reach them privately."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.conftest import START
from tests.e2e.slack_world import ADA, SlackWorld, block_text, open_world

MODS = "C0MODS"
ELI = "U0ELI"


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[SlackWorld]:
    opened = await open_world(tmp_path / "kith.sqlite3", "socket", START)
    opened.fake.add_channel(MODS, "mods")
    opened.fake.add_user(ELI, "Eli", dm_error="messages_tab_disabled")
    yield opened
    await opened.close()


async def test_closed_dms_get_the_resources_ephemerally_and_moderators_hear_the_truth(
    world: SlackWorld,
) -> None:
    setup = await world.command(ADA, f"setup safety alerts:<#{MODS}|mods> resources:uk")
    assert "saved" in block_text(setup["blocks"])
    # Kindness isn't set up, so /kind is refused; its words are screened all the same.
    answer = await world.command(ELI, "nothing, I want to die", command="/kind")
    assert answer["response_type"] == "ephemeral"
    text = block_text(answer["blocks"])
    assert "116 123" in text and "Samaritans" in text and "set up" in text
    [alert] = world.fake.posts(MODS)
    shown = block_text(alert["blocks"])
    assert "could not reach them privately" in shown
    assert "sent support resources privately" not in shown
