"""Many personal check-ins and a busy channel on the real slack-bolt app: every post goes out
once, paced under chat.postMessage's limits (per channel and per workspace), which the fake
enforces with 429s (none may be served)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from adapters.slack.chat import POST_LIMIT_CHANNEL
from adapters.slack.inbound import community
from bot.identity import ChannelRef, UserRef
from bot.messages import message
from bot.pacing import Pacer, RateLimit
from tests.e2e.slack_fake import TEAM
from tests.e2e.slack_world import GENERAL, SlackWorld, open_world

START = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
MEMBERS = 40
TEAM_REF = community(TEAM)


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[SlackWorld]:
    opened = await open_world(tmp_path / "kith.sqlite3", "http", START)
    yield opened
    await opened.close()


async def test_a_busy_channel_keeps_to_one_post_a_second_after_a_short_burst(
    world: SlackWorld,
) -> None:
    world.fake.post_limit_channel = (4, 1.0)  # 1 a second, a short burst tolerated
    chat = world.adapter.chat
    where = ChannelRef(TEAM_REF, GENERAL)
    await asyncio.gather(
        *(chat.send_channel(where, message(f"post {n}"), delivery_key=f"k{n}") for n in range(7))
    )
    assert world.fake.rate_limited == 0
    texts = sorted(m["text"] for m in world.fake.posts(GENERAL))
    assert texts == [f"post {n}" for n in range(7)]  # each once
    assert chat.pacer.per_key == POST_LIMIT_CHANNEL


async def test_many_private_checkins_stay_under_the_workspace_limit_and_go_out_once(
    world: SlackWorld,
) -> None:
    # The workspace's limit scaled down (Slack's is several hundred a minute) so that a test of
    # a few seconds meets it: the fake refuses a 26th post within a second; Kith books 20.
    world.fake.post_limit_workspace = (25, 1.0)
    world.fake.post_limit_channel = (4, 1.0)
    chat = world.adapter.chat
    chat.pacer = Pacer(RateLimit(20, burst=2), POST_LIMIT_CHANNEL)
    await world.command("U0ADA", "setup checkin channel:<#C0GENERAL> time:09:00 days:mon-fri")
    users = [f"U0M{n:03d}" for n in range(MEMBERS)]
    for n, user in enumerate(users):
        world.fake.add_user(user, f"Member {n}", tz="UTC")
    async with world.db.transaction() as tx:
        await tx.executemany(
            "INSERT INTO personal_checkins (community_id, user_key, at_time, days, tz,"
            " materialised_until, planned_at, created_at, updated_at)"
            " VALUES (?, ?, '07:00', ?, 'UTC', ?, ?, 0, 0)",
            [
                (
                    TEAM_REF.key,
                    UserRef(TEAM_REF, user).key,
                    json.dumps([0, 1, 2, 3, 4]),
                    int(START.timestamp()),
                    int(START.timestamp()),
                )
                for user in users
            ],
        )
    await world.advance(timedelta(hours=1, minutes=30))
    for user in users:
        dm = world.fake.dm_of(user)
        assert dm is not None
        (post,) = world.fake.posts(dm.id)  # exactly one each
        assert "Your own check-in" in post["text"] or "check-in" in json.dumps(post["blocks"])
    assert world.fake.rate_limited == 0  # paced: Slack never had to refuse one
