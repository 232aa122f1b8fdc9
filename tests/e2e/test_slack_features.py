"""A buddy round and a kindness streak through the real slack-bolt app, in both modes."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from tests.conftest import START
from tests.e2e.slack_fake import Fault, home_opened
from tests.e2e.slack_world import (
    ADA,
    BO,
    CY,
    DEE,
    SlackWorld,
    block_text,
    buttons,
    open_world,
)

BUDDIES = "C0BUDDIES"
KINDNESS = "C0KIND"
EVE = "U0EVE"


@pytest.fixture(params=["http", "socket"])
async def world(request: pytest.FixtureRequest, tmp_path) -> AsyncIterator[SlackWorld]:  # type: ignore[no-untyped-def]
    opened = await open_world(tmp_path / "kith.sqlite3", request.param, START)
    opened.fake.add_channel(BUDDIES, "buddies")
    opened.fake.add_channel(KINDNESS, "kindness")
    opened.fake.add_user(EVE, "Eve")
    yield opened
    await opened.close()


async def ok(world: SlackWorld, user: str, text: str, command: str = "/kith") -> str:
    answer = await world.command(user, text, command=command)
    assert answer["response_type"] == "ephemeral"
    return block_text(answer["blocks"])


async def test_buddy_round_group_dm_followup_and_streak(
    world: SlackWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(random, "random", lambda: 0.0)  # no jitter on Retry-After
    assert "set up" in await ok(world, ADA, f"setup kindness channel:<#{KINDNESS}|kindness>")
    setup = f"setup buddies channel:<#{BUDDIES}|buddies> every:1w day:mon time:09:00"
    assert "Buddy pairing is set up" in await ok(world, ADA, setup + " tz:Europe/London")
    for member in (BO, CY, DEE, EVE):
        assert "You're in the buddy pool" in await ok(world, member, "join", "/buddy")
    world.fake.users[EVE].deleted = True  # Eve leaves the workspace before the round
    world.fake.fail("chat.postMessage", Fault(error="ratelimited", status=429, retry_after=0))
    await world.advance(timedelta(hours=4))

    # Each group got one conversation with everyone reachable; Eve, who left, got nothing.
    intros = {
        channel.id: channel
        for channel in world.fake.channels.values()
        if channel.is_dm and any("Buddy round 1" in m["text"] for m in channel.messages)
    }
    assert all(EVE not in c.members for c in intros.values())
    assert sorted(u for c in intros.values() for u in c.members) == sorted([BO, CY, DEE])
    assert any(c.id.startswith("G") and len(c.members) > 1 for c in intros.values())
    bo_group = next(c for c in intros.values() if BO in c.members)
    [intro] = world.fake.posts(bo_group.id)  # the 429 was retried: one intro, not two
    assert "Conversation starter" in block_text(intro["blocks"])
    assert "<!" not in intro["text"]
    assert world.fake.posts(BUDDIES) == []  # nothing about groups in public
    status = await ok(world, ADA, "status")
    assert "Couldn't reach @Eve" in status

    await world.advance(timedelta(days=6))  # Sunday: "did you connect?"
    question = next(m for m in world.fake.posts(bo_group.id) if buttons(m.get("blocks", [])))
    assert sorted(buttons(question["blocks"])) == ["couldnt", "met", "notyet"]
    click = await world.click(BO, question, "met", channel=bo_group.id)
    answer = await world.response_to(click["response_url"])
    assert answer["response_type"] == "ephemeral" and "kind act" in block_text(answer["blocks"])
    answered = await world.db.fetchall(
        "SELECT bm.user_key, gm.answer FROM buddy_group_members gm"
        " JOIN buddy_members bm ON bm.id = gm.member_id WHERE gm.answer IS NOT NULL"
    )
    assert [(r["user_key"], r["answer"]) for r in answered] == [(f"slack:T0KITH:{BO}", "met")]
    # The App Home shows Bo's buddy status beside the settings and programmes.
    await world.event(home_opened(BO), event_id="Ev0HOMEBO")
    await world.fake.wait_for(lambda: BO in world.fake.homes)
    home = block_text(world.fake.homes[BO]["blocks"])
    assert "Buddy pairing" in home and "You're in the buddy pool" in home
    assert "Your settings" in home and "Running here" in home


async def test_kindness_streak_thanks_and_leaderboard(world: SlackWorld) -> None:
    assert "set up" in await ok(world, ADA, f"setup kindness channel:<#{KINDNESS}|kindness>")
    logged = await ok(world, BO, "carried a neighbour's shopping &amp; post", "/kind")
    # Stored as typed, shown escaped for mrkdwn (Slack displays "&").
    assert "Logged: “carried a neighbour's shopping &amp; post”" in logged
    stored = await world.db.fetchval("SELECT text FROM kind_acts")
    assert stored == "carried a neighbour's shopping & post"
    assert "Your streak: 1 day" in logged
    await world.advance(timedelta(days=1))
    again = await ok(world, BO, "made tea for <@U0CY|cy>", "/kind")
    assert "Your streak: 2 days" in again
    await ok(world, CY, "said hello", "/kind")  # Cy is known to Kith
    thanked = await ok(world, BO, "<@U0CY|cy> for covering my shift", "/thanks")
    assert "Thanks sent to Cy, privately" in thanked
    dm = world.fake.dm_of(CY)
    assert dm is not None
    [told] = world.fake.posts(dm.id)
    assert "thanked you" in block_text(told["blocks"]) and "<@U0BO>" not in str(told["blocks"])
    refused = await ok(world, BO, "<@U0BO|bo> for me", "/thanks")
    assert "yourself" in refused.lower()
    streak = await ok(world, BO, "", "/streak")
    assert "2 days" in streak
