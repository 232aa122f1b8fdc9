"""Group introductions and failures on the real client: a private thread with the group added, DMs
where threads are refused, closed DMs (50007), members who left, transient errors, and a whole
buddy round through slash commands and the scheduler."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from adapters.discord.chat import DiscordChat
from adapters.discord.ids import channel_ref, user_ref
from bot.core import SORRY
from bot.messages import Mention, Text, message
from bot.ports import DeliveryError
from tests.e2e.discord_fake import PRIVATE_THREAD
from tests.e2e.discord_helpers import World, discord_world

START = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)  # Monday 06:00 UTC
THREADS = r"/channels/\d+/threads"


@pytest.fixture
async def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[World]:
    async with discord_world(tmp_path, monkeypatch, START) as w:
        yield w


def chat(world: World) -> DiscordChat:
    assert world.bot is not None
    return world.bot.client.chat


def intro(world: World) -> object:
    bo = user_ref(world.gid, world.bo["id"])
    return message(
        "👋 Meet your buddies for this round",
        (Text("Say hi to "), Mention(bo, "Bo"), Text(" — what made you smile this week?")),
    )


async def test_a_group_gets_a_private_thread_once_even_when_retried(world: World) -> None:
    members = [user_ref(world.gid, u["id"]) for u in (world.bo, world.cy)]
    where = channel_ref(world.gid, world.general["id"])
    first = await chat(world).send_group(
        members, intro(world), channel=where, delivery_key="kith-buddy-1"
    )
    (thread_id,) = {c["id"] for c in world.fake.channels.values() if c["type"] == PRIVATE_THREAD}
    thread = world.fake.channels[thread_id]
    assert thread["parent_id"] == world.general["id"]
    assert thread["name"] == "👋 Meet your buddies for this round"
    assert set(world.fake.thread_members[thread_id]) >= {world.bo["id"], world.cy["id"]}
    (post,) = world.fake.posts(thread_id)
    assert f"<@{world.bo['id']}>" in post["content"]
    assert post["allowed_mentions"] == {"parse": []}  # named, never pinged
    assert first.unreachable == () and first.messages[0].id == post["id"]

    again = await chat(world).send_group(
        members, intro(world), channel=where, delivery_key="kith-buddy-1"
    )
    assert len(world.fake.calls_to("POST", THREADS)) == 1  # the same thread
    assert len(world.fake.posts(thread_id)) == 1  # the nonce returned the same message
    assert again.messages == first.messages
    assert world.fake.dm_messages(world.bo["id"]) == []


async def test_where_threads_are_refused_each_member_gets_a_dm_and_closed_dms_are_reported(
    world: World,
) -> None:
    world.fake.no_threads.add(world.general["id"])
    world.fake.closed_dms.add(world.cy["id"])
    members = [user_ref(world.gid, u["id"]) for u in (world.ada, world.bo, world.cy)]
    delivered = await chat(world).send_group(
        members,
        intro(world),
        channel=channel_ref(world.gid, world.general["id"]),
        delivery_key="kith-buddy-2",
    )
    assert delivered.unreachable == (user_ref(world.gid, world.cy["id"]),)
    assert len(delivered.messages) == 2
    assert len(world.fake.dm_messages(world.ada["id"])) == 1
    assert len(world.fake.dm_messages(world.bo["id"])) == 1
    assert world.fake.dm_messages(world.cy["id"]) == []


async def test_a_member_who_left_gets_a_dm_instead_of_a_thread_seat(world: World) -> None:
    world.fake.left_members.add(world.cy["id"])
    members = [user_ref(world.gid, u["id"]) for u in (world.bo, world.cy)]
    delivered = await chat(world).send_group(
        members,
        intro(world),
        channel=channel_ref(world.gid, world.general["id"]),
        delivery_key="kith-buddy-3",
    )
    assert len(delivered.messages) == 2  # the thread post and Cy's DM
    assert len(world.fake.dm_messages(world.cy["id"])) == 1


async def test_nobody_reachable_is_a_permanent_failure(world: World) -> None:
    world.fake.no_threads.add(world.general["id"])
    world.fake.closed_dms.update({world.bo["id"], world.cy["id"]})
    members = [user_ref(world.gid, u["id"]) for u in (world.bo, world.cy)]
    with pytest.raises(DeliveryError) as caught:
        await chat(world).send_group(
            members,
            intro(world),
            channel=channel_ref(world.gid, world.general["id"]),
            delivery_key="kith-buddy-4",
        )
    assert caught.value.permanent and "nobody" in caught.value.reason


async def test_a_server_error_opening_the_thread_is_retried_later(world: World) -> None:
    world.fake.fail("POST", THREADS, 503)
    members = [user_ref(world.gid, u["id"]) for u in (world.bo, world.cy)]
    with pytest.raises(DeliveryError) as caught:
        await chat(world).send_group(
            members,
            intro(world),
            channel=channel_ref(world.gid, world.general["id"]),
            delivery_key="kith-buddy-5",
        )
    assert not caught.value.permanent
    assert world.fake.dm_messages(world.bo["id"]) == []  # no DMs sent on a transient error


async def test_closed_dms_on_a_private_message_are_permanent(world: World) -> None:
    world.fake.closed_dms.add(world.bo["id"])
    with pytest.raises(DeliveryError) as caught:
        await chat(world).send_private(user_ref(world.gid, world.bo["id"]), message("hi"))
    assert caught.value.permanent and "50007" in caught.value.reason


async def test_a_buddy_round_with_a_429_and_a_closed_dm(world: World) -> None:
    setup = await world.slash(
        world.ada,
        "kith setup buddies",
        {"channel": world.general["id"], "every": "1w", "day": "mon", "time": "10:00"},
    )
    assert SORRY not in setup.text and "buddies" in setup.text.lower(), setup.text
    for user in (world.ada, world.bo, world.cy):
        joined = await world.slash(user, "buddy join")
        assert joined.ephemeral and SORRY not in joined.text
    world.fake.no_threads.add(world.general["id"])  # this server does not allow private threads
    world.fake.closed_dms.add(world.cy["id"])
    world.fake.fail("POST", r"/users/@me/channels", 429, retry_after=0.01)
    await world.advance(timedelta(hours=4, minutes=1))  # Monday 10:01 UTC
    reached = [u for u in (world.ada, world.bo) if world.fake.dm_messages(u["id"])]
    assert reached == [world.ada, world.bo]
    assert all(len(world.fake.dm_messages(u["id"])) == 1 for u in reached)
    status = await world.slash(world.ada, "kith status")
    assert "Cy" in status.text or world.cy["id"] in status.text, status.text
    buddy = await world.slash(world.bo, "buddy status")
    assert SORRY not in buddy.text

    # At the end of the round, "did you connect?" arrives by DM; a click there counts in this
    # server even though Discord sends DM clicks without a server id.
    await world.advance(timedelta(days=6))
    asked = [m for m in world.fake.dm_messages(world.bo["id"]) if m["components"]]
    assert asked, "no follow-up with buttons"
    await world.restart()
    answer = await world.click(world.bo, asked[-1], "met")
    assert answer.ephemeral and SORRY not in answer.text, answer.text
    assert world.bot is not None
    met = "SELECT COUNT(*) FROM buddy_group_members WHERE answer = 'met'"
    assert await world.bot.db.fetchval(met) == 1, answer.text
