"""Scheduled posts and intros through the Slack chat port: exactly once, through faults."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from adapters.slack.chat import SlackChat
from adapters.slack.directory import Directory
from adapters.slack.inbound import Origin, Who, community
from adapters.slack.run import make_client
from bot.identity import ChannelRef, UserRef
from bot.messages import Reply, message
from bot.ports import DeliveryError
from tests.conftest import START
from tests.e2e.slack_fake import BOT_TOKEN, TEAM, Fault
from tests.e2e.slack_world import ADA, BO, CY, DEE, GENERAL, SlackWorld, block_text, open_world

TEAM_REF = community(TEAM)
SETUP = "setup checkin channel:<#{channel}|c> time:09:00 days:mon-fri tz:Europe/London"


@pytest.fixture
async def world(tmp_path) -> AsyncIterator[SlackWorld]:  # type: ignore[no-untyped-def]
    opened = await open_world(tmp_path / "kith.sqlite3", "http", START)
    yield opened
    await opened.close()


@pytest.fixture
def no_jitter(monkeypatch: pytest.MonkeyPatch) -> None:
    """The rate-limit handler sleeps Retry-After plus up to 1 s of jitter; tests skip the jitter."""
    monkeypatch.setattr(random, "random", lambda: 0.0)


async def setup(world: SlackWorld, channel: str = GENERAL) -> None:
    answer = await world.command(ADA, SETUP.format(channel=channel))
    assert "set up" in block_text(answer["blocks"]), answer


async def occurrence(world: SlackWorld) -> dict[str, object]:
    row = await world.db.fetchone(
        "SELECT state, attempts, detail, message_key FROM occurrences WHERE kind = 'checkin.post'"
        " ORDER BY due_at LIMIT 1"
    )
    assert row is not None
    return dict(row)


async def test_a_post_whose_answer_was_lost_is_found_not_posted_again(world: SlackWorld) -> None:
    await setup(world)
    # Slack posts the message, but the answer is lost (a 500 after the work was done).
    world.fake.fail("chat.postMessage", Fault(error="internal_error", status=500, after=True))
    await world.advance(timedelta(hours=4))
    posts = world.fake.posts(GENERAL)
    assert len(posts) == 1  # the client did not blindly retry, and the retry found it
    assert len(world.fake.called("chat.postMessage")) == 1
    history = world.fake.called("conversations.history")
    assert len(history) == 1 and history[0].args["include_all_metadata"] in (True, "true", "1")
    row = await occurrence(world)
    assert row["state"] == "sent" and row["attempts"] == 2
    assert row["message_key"] == f"slack:T0KITH:{GENERAL}|{posts[0]['ts']}"
    # A later retry of the same key (another process, a restart) returns the same message.
    fresh = SlackChat(
        make_client(BOT_TOKEN, world.fake.api_url),
        world.db,
        world.clock,
        Directory(world.adapter.client),
    )
    again = await fresh.send_channel(
        ChannelRef(TEAM_REF, GENERAL),
        message("x"),
        delivery_key="kith-occ-1",
    )
    assert again.id == posts[0]["ts"] and len(world.fake.posts(GENERAL)) == 1


async def test_a_retry_in_a_public_channel_kith_is_not_in_joins_to_check(
    world: SlackWorld,
) -> None:
    world.fake.add_channel("C0PUBLIC", "public", member=False)
    await setup(world, "C0PUBLIC")
    world.fake.fail("chat.postMessage", Fault(error="internal_error", status=500, after=True))
    await world.advance(timedelta(hours=4))
    assert len(world.fake.posts("C0PUBLIC")) == 1
    assert [c.args["channel"] for c in world.fake.called("conversations.join")] == ["C0PUBLIC"]
    assert (await occurrence(world))["state"] == "sent"


async def test_a_429_during_a_send_is_retried_after_retry_after(
    world: SlackWorld, no_jitter: None
) -> None:
    await setup(world)
    world.fake.fail("chat.postMessage", Fault(error="ratelimited", status=429, retry_after=0))
    await world.advance(timedelta(hours=4))
    assert len(world.fake.posts(GENERAL)) == 1
    assert len(world.fake.called("chat.postMessage")) == 2
    row = await occurrence(world)
    assert row["state"] == "sent" and row["attempts"] == 1  # retried by the client, in time


async def test_rate_limit_that_outlasts_the_retries_is_retried_later(
    world: SlackWorld, no_jitter: None
) -> None:
    await setup(world)
    world.fake.fail(
        "chat.postMessage", *[Fault(error="ratelimited", status=429, retry_after=0)] * 4
    )
    await world.advance(timedelta(hours=3))  # 09:00 London: the first attempt, and no further
    row = await occurrence(world)
    assert row["state"] == "pending" and "rate limited" in str(row["detail"])
    assert world.fake.posts(GENERAL) == []
    await world.advance(timedelta(minutes=5))
    assert len(world.fake.posts(GENERAL)) == 1
    assert (await occurrence(world))["state"] == "sent"


@pytest.mark.parametrize(
    ("channel", "expected"),
    [
        ("C0GONE", "the channel was not found"),
        ("C0SECRET", "Kith is not in that channel: invite it with /invite @Kith"),
        ("C0OLD", "the channel is archived"),
    ],
)
async def test_a_permanent_failure_is_shown_in_status_and_not_retried(
    world: SlackWorld, channel: str, expected: str
) -> None:
    world.fake.add_channel("C0SECRET", "secret", private=True, member=False)
    world.fake.add_channel("C0OLD", "old", archived=True)
    await setup(world, channel)
    await world.advance(timedelta(hours=4))
    row = await occurrence(world)
    assert row["state"] == "failed" and row["attempts"] == 1
    assert expected in str(row["detail"])
    status = await world.command(ADA, "status")
    assert "Failed:" in block_text(status["blocks"]) and expected in block_text(status["blocks"])
    # The next day is tried again (a fixed channel works without a restart).
    await world.command(ADA, "setup checkin channel:<#C0GENERAL|general>")
    await world.advance(timedelta(days=1))
    assert len(world.fake.posts(GENERAL)) == 1


async def test_group_intro_opens_one_group_dm_once(world: SlackWorld) -> None:
    team = TEAM_REF
    members = [UserRef(team, BO), UserRef(team, CY), UserRef(team, DEE)]
    intro = message("👋 Meet your buddies for this round!", "Ask each other: what made you smile?")
    chat = world.adapter.chat
    first = await chat.send_group(
        members, intro, channel=ChannelRef(team, GENERAL), delivery_key="kith-group-1"
    )
    [opened] = world.fake.called("conversations.open")
    assert opened.args["users"] == "U0BO,U0CY,U0DEE"
    group = world.fake.dm_of(BO, CY, DEE)
    assert group is not None and group.id.startswith("G")
    assert first.unreachable == () and len(first.messages) == 1
    assert first.messages[0].channel_key == f"slack:T0KITH:{group.id}"
    again = await chat.send_group(
        members, intro, channel=ChannelRef(team, GENERAL), delivery_key="kith-group-1"
    )
    assert again.messages == first.messages
    assert len(world.fake.posts(group.id)) == 1
    assert world.fake.posts(group.id)[0]["metadata"]["event_payload"] == {
        "delivery_key": "kith-group-1"
    }


async def test_group_intro_goes_on_without_members_who_left_or_closed_dms(
    world: SlackWorld,
) -> None:
    team = TEAM_REF
    world.fake.users[DEE].deleted = True
    world.fake.add_user("U0ELI", "Eli", dm_error="messages_tab_disabled")
    members = [UserRef(team, u) for u in (BO, CY, DEE, "U0ELI")]
    # A 503 on the first open is retried by the client with backoff.
    world.fake.fail("conversations.open", Fault(error="service_unavailable", status=503))
    delivery = await world.adapter.chat.send_group(
        members, message("Hello, group"), channel=ChannelRef(team, GENERAL), delivery_key="g2"
    )
    assert sorted(u.id for u in delivery.unreachable) == ["U0DEE", "U0ELI"]
    group = world.fake.dm_of(BO, CY)
    assert group is not None and len(world.fake.posts(group.id)) == 1
    world.fake.users[BO].deleted = world.fake.users[CY].deleted = True
    world.adapter.chat.directory.forget(BO)
    world.adapter.chat.directory.forget(CY)
    with pytest.raises(DeliveryError) as failed:
        await world.adapter.chat.send_group(
            [UserRef(team, BO), UserRef(team, CY)],
            message("x"),
            channel=ChannelRef(team, GENERAL),
            delivery_key="g3",
        )
    assert failed.value.permanent


async def test_users_info_is_cached_briefly_and_a_failed_lookup_is_not_an_admin(
    world: SlackWorld,
) -> None:
    now = [0.0]
    directory = Directory(world.adapter.client, ttl=60, monotonic=lambda: now[0])
    first = await directory.profile(ADA)
    assert first.is_admin and first.tz == "Europe/London"
    await directory.profile(ADA)
    assert len(world.fake.called("users.info")) == 1
    world.fake.users[ADA].is_admin = False  # demoted in Slack
    now[0] = 61.0
    assert not (await directory.profile(ADA)).is_admin
    world.fake.fail("users.info", Fault(error="fatal_error"))
    now[0] = 200.0
    failed = await directory.profile(ADA, "ada")
    assert (failed.found, failed.is_admin, failed.name) == (False, False, "ada")


async def test_a_public_reply_goes_to_the_channel(world: SlackWorld) -> None:
    actor = await world.adapter.directory.actor(Who(TEAM, BO, "bo"))
    public = Reply(message("For everyone <!channel>"), private=False)
    url = world.fake.response_url()
    await world.adapter.deliver(public, actor, Origin(channel_id=GENERAL, response_url=url))
    answer = await world.response_to(url)
    assert answer["response_type"] == "in_channel" and "&lt;!channel&gt;" in answer["text"]
    await world.adapter.deliver(public, actor, Origin(channel_id=GENERAL))
    [post] = world.fake.posts(GENERAL)
    assert "For everyone" in block_text(post["blocks"])
    private = Reply(message("Just for Bo"))
    await world.adapter.deliver(private, actor, Origin(channel_id=GENERAL))
    assert world.fake.ephemeral[-1]["user"] == BO
    await world.adapter.deliver(private, actor, Origin(channel_id=GENERAL, home=True))
    dm = world.fake.dm_of(BO)
    assert dm is not None and "Just for Bo" in block_text(world.fake.posts(dm.id)[0]["blocks"])
