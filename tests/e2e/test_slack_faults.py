"""Platform faults on Slack, through the real slack-sdk client and the loopback fake.

Two communities share one Kith process: the workspace the fake serves, whose #general suffers
the fault, and a second one (set up through the core, posting to its own channel). For each
fault: Kith backs off (the fake counts the requests it saw), the other community's 09:00
check-in still goes out at 09:00, ``/kith status`` names the problem while it lasts, and once
the fault clears the next attempt posts exactly once and the problem line goes away.
"""

from __future__ import annotations

import logging
import random
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest

from adapters.slack.inbound import community
from bot.events import Actor, CommandEvent
from bot.identity import ChannelRef, UserRef
from bot.messages import message
from bot.ports import DeliveryError
from bot.scheduling.clock import to_epoch
from tests.conftest import START
from tests.e2e.slack_fake import BOT_TOKEN, TEAM, Fault
from tests.e2e.slack_world import ADA, GENERAL, SlackWorld, block_text, open_world

NINE = START + timedelta(hours=3)  # 09:00 London (GMT) on Monday
PROBLEM = "Delivery problem since Mon 02 Mar 09:00 GMT"
SETUP = "setup checkin channel:<#{channel}|c> time:09:00 days:mon-fri tz:Europe/London"
OTHER_TEAM, OTHER = "T0OTHER", "C0OTHER"


def admin_of(team: str, user: str) -> Actor:
    return Actor(UserRef(community(team), user), user, is_platform_admin=True)


@pytest.fixture
async def world(tmp_path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[SlackWorld]:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(random, "random", lambda: 0.0)  # no jitter on top of Retry-After
    opened = await open_world(tmp_path / "kith.sqlite3", "http", START)
    opened.fake.add_channel(OTHER, "other")
    answer = await opened.command(ADA, SETUP.format(channel=GENERAL))
    assert "set up" in block_text(answer["blocks"]), answer
    text = "/kith " + SETUP.format(channel=OTHER).replace("|c>", ">")
    other = CommandEvent(
        admin_of(OTHER_TEAM, "U0ZED"), text, ChannelRef(community(OTHER_TEAM), OTHER)
    )
    reply = await opened.kith.handle(other, opened.adapter.chat)
    assert reply.message is not None and "set up" in reply.message.plain_text
    yield opened
    await opened.close()


async def occurrence(world: SlackWorld, team: str = TEAM) -> dict[str, Any]:
    row = await world.db.fetchone(
        "SELECT state, attempts, detail, finished_at FROM occurrences"
        " WHERE community_id = ? AND kind = 'checkin.post' AND due_at = ?",
        community(team).key,
        to_epoch(NINE),
    )
    assert row is not None
    return dict(row)


async def assert_other_on_time(world: SlackWorld) -> None:
    assert len(world.fake.posts(OTHER)) == 1
    other = await occurrence(world, OTHER_TEAM)
    assert (other["state"], other["attempts"]) == ("sent", 1)
    assert other["finished_at"] == to_epoch(NINE)  # sent in the 09:00 run, not after


async def status(world: SlackWorld) -> str:
    """``/kith status`` as the core answers it (a revoked token cannot look the admin up)."""
    event = CommandEvent(admin_of(TEAM, ADA), "/kith status")
    reply = await world.kith.handle(event, world.adapter.chat)
    assert reply.message is not None
    return reply.message.plain_text


def posts_to_general(world: SlackWorld) -> list[Any]:
    return [c for c in world.fake.called("chat.postMessage") if c.args["channel"] == GENERAL]


async def test_a_burst_of_429s_is_waited_out_as_slack_asks(world: SlackWorld) -> None:
    limited = [Fault(error="ratelimited", status=429, retry_after=1, channel=GENERAL)]
    world.fake.fail(
        "chat.postMessage", *limited, *[Fault("ratelimited", 429, 0, channel=GENERAL)] * 2
    )
    await world.advance_to(NINE)
    calls = posts_to_general(world)
    assert len(calls) == 4 and len(world.fake.posts(GENERAL)) == 1
    assert calls[1].at - calls[0].at >= 1.0  # Retry-After: 1 was honoured
    assert (await occurrence(world))["attempts"] == 1
    await assert_other_on_time(world)
    assert "Delivery problem" not in await status(world)


async def test_429s_beyond_the_clients_retries_back_off_show_in_status_and_clear(
    world: SlackWorld,
) -> None:
    world.fake.fail("chat.postMessage", *[Fault("ratelimited", 429, 0, channel=GENERAL)] * 6)
    await world.advance_to(NINE)
    assert len(posts_to_general(world)) == 4  # the first try and the client's three retries
    assert (await occurrence(world))["state"] == "pending"
    await assert_other_on_time(world)
    shown = await status(world)
    assert PROBLEM in shown and "rate limited" in shown and "Next try" in shown, shown

    await world.advance(timedelta(minutes=5))
    assert len(world.fake.posts(GENERAL)) == 1
    assert (await occurrence(world))["state"] == "sent"
    assert "Delivery problem" not in await status(world)


async def test_a_long_retry_after_is_waited_out_by_the_scheduler_not_in_the_call(
    world: SlackWorld,
) -> None:
    world.fake.fail("chat.postMessage", *[Fault("ratelimited", 429, 600, channel=GENERAL)] * 50)
    await world.advance_to(NINE + timedelta(minutes=9))
    row = await occurrence(world)
    assert (row["state"], row["attempts"]) == ("pending", 1)  # not at 15 s, 45 s, 1¾ min …
    assert len(posts_to_general(world)) == 1  # and the client did not sleep 600 s on it
    await assert_other_on_time(world)
    shown = await status(world)
    assert "asked for 600 s" in shown and "Next try: Mon 02 Mar 09:10 GMT" in shown, shown

    world.fake.clear_faults()
    await world.advance(timedelta(minutes=2))
    assert len(world.fake.posts(GENERAL)) == 1
    assert (await occurrence(world))["attempts"] == 2


async def test_a_server_error_outage_backs_off_exponentially_and_recovers(
    world: SlackWorld,
) -> None:
    world.fake.fail("chat.postMessage", *[Fault("internal_error", 500, channel=GENERAL)] * 1000)
    await world.advance_to(NINE + timedelta(minutes=20))
    row = await occurrence(world)
    assert row["state"] == "pending" and 3 <= row["attempts"] <= 8
    # A post that may have landed is never blindly re-sent by the client: one call per attempt.
    assert len(posts_to_general(world)) == row["attempts"]
    await assert_other_on_time(world)
    shown = await status(world)
    assert PROBLEM in shown and "internal_error" in shown, shown

    world.fake.clear_faults()
    await world.advance(timedelta(minutes=20))
    assert len(world.fake.posts(GENERAL)) == 1
    assert (await occurrence(world))["state"] == "sent"
    assert "Delivery problem" not in await status(world)


async def test_a_post_whose_answer_hangs_times_out_and_the_retry_finds_it(
    world: SlackWorld,
) -> None:
    world.adapter.chat.client.timeout = 0.3  # slack-sdk's own request timeout (default 30 s)
    world.fake.fail("chat.postMessage", Fault(after=True, hang=10, channel=GENERAL))
    await world.advance_to(NINE)
    row = await occurrence(world)
    assert row["state"] == "pending" and "TimeoutError" in row["detail"], row
    await assert_other_on_time(world)
    assert PROBLEM in await status(world)

    world.fake.clear_faults()
    await world.advance(timedelta(minutes=1))
    assert len(world.fake.posts(GENERAL)) == 1  # the retry found the post in the history
    assert len(posts_to_general(world)) == 1
    assert (await occurrence(world))["state"] == "sent"
    assert "Delivery problem" not in await status(world)


async def test_a_deleted_channel_fails_once_shows_until_fixed(world: SlackWorld) -> None:
    del world.fake.channels[GENERAL]
    await world.advance_to(NINE + timedelta(hours=2))
    assert len(posts_to_general(world)) == 1  # permanent: never retried
    await assert_other_on_time(world)
    shown = await status(world)
    assert PROBLEM in shown and "channel was not found" in shown, shown

    world.fake.add_channel("C0NEW", "new")
    moved = await world.command(ADA, "setup checkin channel:<#C0NEW|new>")
    assert "updated" in block_text(moved["blocks"]), moved
    await world.advance(timedelta(days=1))
    assert len(world.fake.posts("C0NEW")) == 1
    shown = await status(world)
    assert "Delivery problem" not in shown and "Failed:" in shown  # the history stays


async def test_a_closed_dm_is_reported_once_and_not_retried(world: SlackWorld) -> None:
    world.fake.add_user("U0ELI", "Eli", dm_error="messages_tab_disabled")
    eli = UserRef(community(TEAM), "U0ELI")
    chat = world.adapter.chat
    for _ in range(2):
        with pytest.raises(DeliveryError) as failed:
            await chat.send_private(eli, message("hello"))
        assert failed.value.permanent and "turned off direct messages" in failed.value.reason
    assert len(world.fake.called("conversations.open")) == 2  # once per send, no retry loop


async def test_a_revoked_token_is_logged_once_retried_sparsely_and_recovers(
    world: SlackWorld, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="kith")
    world.fake.token_error = "token_revoked"
    before = len(world.fake.calls)
    await world.advance_to(NINE + timedelta(minutes=10))
    attempts = 0
    for team in (TEAM, OTHER_TEAM):
        row = await occurrence(world, team)
        assert row["state"] == "pending" and "token was revoked" in row["detail"], row
        assert row["attempts"] <= 7  # 0, 15 s, 45 s, 1¾, 3¾, 7¾ min
        attempts += row["attempts"]
    # One refused request per attempt (a post, or on a retry the history check before it).
    assert len(world.fake.calls) - before == attempts
    rejected = [r for r in caplog.records if "event=slack_token_rejected " in r.getMessage()]
    assert len(rejected) == 1 and rejected[0].levelno == logging.ERROR
    shown = await status(world)
    assert PROBLEM in shown and "revoked" in shown, shown
    logged = caplog.text + "".join(str(r.args) for r in caplog.records)
    assert BOT_TOKEN not in shown and BOT_TOKEN not in logged
    # On Slack itself Kith cannot look the admin up, but the response_url needs no token.
    answer = block_text((await world.command(ADA, "status"))["blocks"])
    assert "rejected its bot token" in answer and BOT_TOKEN not in answer, answer
    assert len(rejected) == 1  # the failed lookup did not log the alarm again

    world.fake.clear_faults()  # a working token again
    await world.advance(timedelta(minutes=10))
    assert len(world.fake.posts(GENERAL)) == 1 and len(world.fake.posts(OTHER)) == 1
    assert "event=slack_token_rejected_cleared" in caplog.text
    assert "Delivery problem" not in await status(world)
    answer = block_text((await world.command(ADA, "status"))["blocks"])
    assert "Daily check-in" in answer and "rejected" not in answer, answer
