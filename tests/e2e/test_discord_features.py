"""Kith's features through the real discord.py client and the fake: slash commands with typed
options, ephemeral answers, autocomplete, scheduled posts with nonces, buttons after a restart,
the reflection modal, rate limits, a deleted channel, DMs, and a kindness streak."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from adapters.discord.handler import FORM_TOO_LATE
from adapters.discord.ids import user_ref
from bot.checkins.post import checkin_message
from bot.commands.parse import Invocation
from bot.context import Context
from bot.core import SORRY
from bot.messages import Reply, message
from bot.prompts import Prompt
from bot.registry import Command, Registry
from tests.e2e.discord_fake import EPHEMERAL, custom_ids
from tests.e2e.discord_helpers import World, discord_world
from tests.fakes import snapshot

START = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)  # Monday 06:00 UTC
POSTS = r"/channels/\d+/messages"


@pytest.fixture
async def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[World]:
    async with discord_world(tmp_path, monkeypatch, START) as w:
        yield w


async def setup_checkin(world: World) -> None:
    reply = await world.slash(
        world.ada,
        "kith setup checkin",
        {
            "channel": world.general["id"],
            "time": "09:00",
            "days": "mon-fri",
            "tz": "Europe/London",
        },
    )
    assert "set up" in reply.text, reply.text
    assert reply.ephemeral


async def first_post(world: World) -> dict[str, object]:
    await world.advance(timedelta(hours=4))  # past 09:00 London
    posts = world.fake.posts(world.general["id"])
    assert len(posts) == 1
    return posts[0]


def occurrence_of(post: dict[str, object]) -> int:
    """The occurrence id a check-in post's mood buttons carry (``v1:mood:<id>:<value>``)."""
    return int(next(c for c in custom_ids(post) if c.startswith("v1:mood:")).split(":")[2])


async def test_admin_setup_with_typed_options_and_a_member_is_refused(world: World) -> None:
    await setup_checkin(world)
    assert world.bot is not None
    before = await snapshot(world.bot.db)
    refused = await world.slash(world.bo, "kith setup checkin", {"time": "10:00"})
    assert "for this community's admins" in refused.text and refused.ephemeral
    assert await snapshot(world.bot.db) == before
    status = await world.slash(world.ada, "kith status")
    assert f"<#{world.general['id']}>" in status.text and "Next:" in status.text


async def test_every_command_answers_privately_without_an_error(world: World) -> None:
    assert world.bot is not None
    for leaf in world.bot.client.command_tree.leaves.values():
        for user in (world.bo, world.ada):
            reply = await world.slash(user, " ".join(leaf.path))
            assert reply.text.strip(), leaf.path
            assert SORRY not in reply.text, (leaf.path, reply.text)


async def test_time_zone_autocomplete_and_setting_it(world: World) -> None:
    record = await world.fake.slash(
        world.gid,
        world.bo,
        world.general["id"],
        "kith timezone",
        {"zone": "new yo"},
        focused="zone",
    )
    await world.fake.answer(record)
    assert record.choices is not None
    assert record.choices[0] == {"name": "America/New_York", "value": "America/New_York"}
    reply = await world.slash(world.bo, "kith timezone", {"zone": "America/New_York"})
    assert "America/New\\_York" in reply.text and reply.ephemeral  # escaped markdown


async def test_scheduled_post_carries_a_nonce_and_a_retry_never_posts_twice(world: World) -> None:
    await setup_checkin(world)
    # The post reaches Discord, but the answer is lost (503): the scheduler retries it later.
    world.fake.fail("POST", POSTS, 503, commit=True, message="Service Unavailable")
    await world.advance(timedelta(hours=3))  # 09:00 London
    attempts = world.fake.calls_to("POST", POSTS)
    assert len(attempts) == 1 and attempts[0].status == 503
    await world.advance(timedelta(minutes=5))
    attempts = world.fake.calls_to("POST", POSTS)
    assert len(attempts) == 2 and attempts[1].status == 200
    first, second = (a.body for a in attempts)
    assert first["nonce"] == second["nonce"] and len(first["nonce"]) <= 25
    assert first["enforce_nonce"] is True and second["enforce_nonce"] is True
    assert len(world.fake.posts(world.general["id"])) == 1  # one post, not two
    assert world.bot is not None
    sent = await world.bot.db.fetchall("SELECT attempts FROM occurrences WHERE state = 'sent'")
    assert [r["attempts"] for r in sent] == [2]


async def test_a_button_sent_before_a_restart_still_works(world: World) -> None:
    await setup_checkin(world)
    post = await first_post(world)
    occurrence = occurrence_of(post)
    assert f"v1:mood:{occurrence}:4" in custom_ids(post)
    await world.restart()
    reply = await world.click(world.bo, post, "4")
    assert "4/5" in reply.text and reply.ephemeral
    again = await world.click(world.bo, post, "2")
    assert "Changed your answer" in again.text
    assert world.bot is not None
    moods = await world.bot.db.fetchall("SELECT user_key, mood FROM moods")
    assert [(m["user_key"], m["mood"]) for m in moods] == [
        (f"discord:{world.gid}:{world.bo['id']}", 2)
    ]


async def test_reflection_modal_then_shared_in_the_posts_thread(world: World) -> None:
    await setup_checkin(world)
    post = await first_post(world)
    opened = await world.click(world.bo, post, "Reflect")
    modal = opened.modal
    assert modal is not None and modal["custom_id"] == f"v1:reflect:{occurrence_of(post)}"
    inputs = [c["component"] for c in modal["components"] if c["type"] == 18]
    assert inputs[0]["custom_id"] == "text" and inputs[0]["max_length"] == 1500
    await world.restart()  # the member was typing while Kith restarted
    record = await world.fake.submit(
        world.bo,
        modal["custom_id"],
        {"text": "Walked to work **in the sun** @everyone"},
        guild_id=world.gid,
        channel_id=world.general["id"],
        message=post,
    )
    saved = await world.fake.answer(record)
    assert "Saved, privately" in saved.text and saved.ephemeral
    shared = await world.click(world.bo, saved.messages[0], "anonymously")
    assert "Shared in the check-in thread" in shared.text
    thread = world.fake.posts(str(post["id"]))
    assert len(thread) == 1
    assert "\\*\\*in the sun\\*\\*" in thread[0]["content"]
    assert "@\u200beveryone" in thread[0]["content"]
    assert thread[0]["allowed_mentions"]["parse"] == []
    assert world.fake.channels[str(post["id"])]["type"] == 11  # a thread from the post


async def test_a_429_with_via_is_waited_out_and_retried(world: World) -> None:
    await setup_checkin(world)
    world.fake.fail("POST", POSTS, 429, retry_after=0.01, via=True)
    await world.advance(timedelta(hours=3, minutes=1))
    attempts = world.fake.calls_to("POST", POSTS)
    assert [a.status for a in attempts] == [429, 200]
    assert len(world.fake.posts(world.general["id"])) == 1


async def test_a_429_without_via_fails_this_attempt_and_the_scheduler_retries(
    world: World,
) -> None:
    await setup_checkin(world)
    world.fake.fail("POST", POSTS, 429, via=False)  # Cloudflare, not Discord's API limiter
    await world.advance(timedelta(hours=3))
    assert [a.status for a in world.fake.calls_to("POST", POSTS)] == [429]
    assert world.fake.posts(world.general["id"]) == []
    await world.advance(timedelta(minutes=5))
    assert len(world.fake.posts(world.general["id"])) == 1


async def test_a_deleted_channel_shows_in_status(world: World) -> None:
    await setup_checkin(world)
    world.fake.delete_channel(world.general["id"])
    await world.advance(timedelta(hours=4))
    other = world.fake.channel(world.gid, "kindness")
    status = await world.slash(world.ada, "kith status", channel=other)
    assert "Failed" in status.text and "no longer exists" in status.text
    assert world.bot is not None
    failed = await world.bot.db.fetchall("SELECT attempts FROM occurrences WHERE state = 'failed'")
    assert [r["attempts"] for r in failed] == [1]  # permanent: not retried


async def test_missing_permissions_show_in_status_and_are_not_retried(world: World) -> None:
    await setup_checkin(world)
    world.fake.fail("POST", POSTS, 403, code=50013, message="Missing Permissions", times=5)
    await world.advance(timedelta(hours=4))
    assert len(world.fake.calls_to("POST", POSTS)) == 1
    status = await world.slash(world.ada, "kith status")
    assert "Send Messages" in status.text and "50013" in status.text


async def test_a_slow_answer_is_deferred_then_delivered(world: World) -> None:
    await world.restart(ack_budget=0.0)
    reply = await world.slash(world.bo, "kith help")
    assert reply.callbacks[0]["type"] == 5
    assert reply.callbacks[0]["data"]["flags"] & EPHEMERAL
    assert "crisis" in reply.text and reply.ephemeral
    await setup_checkin(world)
    post = await first_post(world)
    late = await world.click(world.bo, post, "Reflect")
    assert late.modal is None and FORM_TOO_LATE in late.text


async def test_a_click_in_a_direct_message_acts_in_the_right_server(world: World) -> None:
    await setup_checkin(world)
    occurrence = occurrence_of(await first_post(world))
    assert world.bot is not None
    chat = world.bot.client.chat
    prompt = Prompt("builtin:x", "gratitude", "One small good thing?")
    await chat.send_private(
        user_ref(world.gid, world.cy["id"]), checkin_message(occurrence, prompt)
    )
    (dm,) = world.fake.dm_messages(world.cy["id"])
    reply = await world.click(world.cy, dm, "5")
    assert "5/5" in reply.text
    rows = await world.bot.db.fetchall("SELECT community_id, user_key FROM moods")
    assert [tuple(r.values()) for r in rows] == [
        (f"discord:{world.gid}", f"discord:{world.gid}:{world.cy['id']}")
    ]


async def test_kindness_streak_over_two_days(world: World) -> None:
    kindness = world.fake.channel(world.gid, "kindness")
    setup = await world.slash(world.ada, "kith setup kindness", {"channel": kindness["id"]})
    assert SORRY not in setup.text and "kindness" in setup.text.lower()
    first = await world.slash(world.bo, "kind", {"what_i_did": "carried a neighbour's shopping"})
    assert first.ephemeral and SORRY not in first.text and "streak" in first.text.lower()
    await world.advance(timedelta(days=1))
    second = await world.slash(world.bo, "kind", {"what_i_did": "made tea for the team"})
    assert "2" in second.text
    streak = await world.slash(world.bo, "streak show")
    assert "2" in streak.text
    thanks = await world.slash(world.cy, "thanks", {"member": world.bo["id"], "why": "the soup"})
    assert SORRY not in thanks.text and thanks.ephemeral


async def test_export_arrives_as_a_private_file_in_both_reply_paths(world: World) -> None:
    await world.slash(world.bo, "kith timezone", {"zone": "Europe/Paris"})
    for budget in (1.5, 0.0):  # answered at once, then deferred and delivered by an edit
        await world.restart(ack_budget=budget)
        reply = await world.slash(world.bo, "kith export")
        assert reply.ephemeral
        (file,) = [a for m in reply.messages for a in m["attachments"]]
        assert file["filename"].endswith(".json")
        assert "Europe/Paris" in file["content"]


async def test_a_direct_message_is_screened_and_answered_for_its_server(world: World) -> None:
    assert world.bot is not None
    cy = user_ref(world.gid, world.cy["id"])
    await world.bot.client.chat.send_private(cy, message("Welcome to Kith!"))
    dm_channel = world.fake.dm_of[world.cy["id"]]
    before = len(world.fake.dm_messages(world.cy["id"]))
    for content in ("honestly I want to end it all", "what can you do?"):
        await world.fake.dispatch(
            world.gid,
            "MESSAGE_CREATE",
            {
                "id": world.fake.snowflake(),
                "type": 0,
                "channel_id": dm_channel,
                "author": world.cy,
                "content": content,
                "timestamp": "2026-03-02T06:00:00+00:00",
                "edited_timestamp": None,
                "tts": False,
                "mention_everyone": False,
                "mentions": [],
                "mention_roles": [],
                "attachments": [],
                "embeds": [],
                "pinned": False,
            },
        )

    def answered() -> bool:
        texts = [m["content"] for m in world.fake.dm_messages(world.cy["id"])[before:]]
        return any("/kith help" in t for t in texts) and any(
            "wanted to check in" in t for t in texts
        )

    await world.fake.until(answered)  # both messages have been handled
    sent = world.fake.dm_messages(world.cy["id"])[before:]
    # The caring message, and the pointer to /kith help only for the ordinary message: a message
    # that got care gets nothing cold after it.
    assert len(sent) == 2, [m["content"][:60] for m in sent]
    assert "not a crisis service" in " ".join(m["content"] for m in sent)
    assert sum("I only act on commands" in m["content"] for m in sent) == 1
    assert all(m["allowed_mentions"] == {"parse": []} for m in sent)


async def test_direct_messages_from_strangers_are_ignored(world: World) -> None:
    stranger = world.fake.add_user("Stranger")
    calls = len(world.fake.calls)
    await world.fake.dispatch(
        world.gid,
        "MESSAGE_CREATE",
        {
            "id": world.fake.snowflake(),
            "type": 0,
            "channel_id": world.fake.snowflake(),
            "author": stranger,
            "content": "hello?",
            "timestamp": "2026-03-02T06:00:00+00:00",
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": [],
            "pinned": False,
        },
    )
    reply = await world.slash(world.bo, "kith help")  # a later event: the DM was handled first
    assert "Kith" in reply.text
    assert [c.path for c in world.fake.calls[calls:] if "interactions" not in c.path] == []


async def test_a_public_reply_is_posted_in_the_channel_quick_or_deferred(world: World) -> None:
    async def announce(ctx: Context, inv: Invocation) -> Reply:
        return Reply.text("Everyone: the kettle is on ☕", private=False)

    def extend(registry: Registry) -> None:
        registry.command(Command(("kith", "announce"), "say something to everyone", announce))

    await world.restart(extend=extend)
    quick = await world.slash(world.bo, "kith announce")
    assert not quick.ephemeral and "kettle" in quick.text
    await world.restart(extend=extend, ack_budget=0.0)
    slow = await world.slash(world.bo, "kith announce")
    assert slow.callbacks[0]["type"] == 5
    assert slow.original is not None and slow.original["content"] == "Done."
    await world.fake.until(lambda: bool(slow.followups))
    (public,) = slow.followups
    assert "kettle" in public["content"] and not public["flags"] & EPHEMERAL


async def test_stats_answer_carries_the_chart_image_privately_with_its_alt_text(
    world: World,
) -> None:
    await world.slash(world.ada, "kith setup kindness", {"channel": world.general["id"]})
    for user in (world.bo, world.cy):
        await world.slash(user, "kind", {"what_i_did": "made tea for the team"})
    for budget in (1.5, 0.0):  # answered at once, then deferred and delivered by an edit
        await world.restart(ack_budget=budget)
        reply = await world.slash(world.ada, "kith stats show")  # beside kith stats export
        assert reply.ephemeral
        assert "Kind acts by day: " in reply.text  # the text keeps its numbers
        (image,) = [a for m in reply.messages for a in m["attachments"]]
        assert image["filename"] == "kith-stats.png"
        assert world.fake.file_data[image["id"]][:8] == b"\x89PNG\r\n\x1a\n"
        assert image["description"].startswith("Kith stats, last 30 days. Kind acts by day:")
    export = await world.slash(world.ada, "kith stats export")
    assert export.ephemeral and "under 5" in export.text
    (csv_file,) = [a for m in export.messages for a in m["attachments"]]
    assert csv_file["filename"].startswith("kith-stats-") and csv_file["filename"].endswith(".csv")
    rows = world.fake.file_data[csv_file["id"]].decode().splitlines()
    assert rows[0] == "section,period,measure,value,note"
    assert any(",kind acts counted,,withheld: under 5" in row for row in rows)  # two acts
