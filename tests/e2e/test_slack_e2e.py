"""Kith through the real slack-bolt app against the loopback fake of Slack, in both modes.

Every test here runs twice: over HTTP (signed requests) and over Socket Mode (envelopes).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from tests.conftest import START
from tests.e2e.slack_fake import block_actions, dm_message, home_click, home_opened
from tests.e2e.slack_world import (
    ADA,
    BO,
    CY,
    GENERAL,
    SlackWorld,
    block_text,
    buttons,
    open_world,
)
from tests.fakes import snapshot

SETUP = "setup checkin channel:<#C0GENERAL|general> time:09:00 days:mon-fri tz:Europe/London"


@pytest.fixture(params=["http", "socket"])
async def world(request: pytest.FixtureRequest, tmp_path) -> AsyncIterator[SlackWorld]:  # type: ignore[no-untyped-def]
    opened = await open_world(tmp_path / "kith.sqlite3", request.param, START)
    yield opened
    await opened.close()


async def setup_checkin(world: SlackWorld) -> dict[str, object]:
    answer = await world.command(ADA, SETUP)
    assert "Daily check-ins are set up" in block_text(answer["blocks"]), answer  # type: ignore[arg-type]
    await world.advance(timedelta(hours=4))  # 06:00 UTC → past 09:00 London
    [post] = world.fake.posts(GENERAL)
    return post


async def test_checkin_mood_reflection_and_sharing(world: SlackWorld) -> None:
    post = await setup_checkin(world)
    assert post["metadata"] == {
        "event_type": "kith_delivery",
        "event_payload": {"delivery_key": "kith-occ-1"},
    }
    assert post["blocks"][0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "☀️ Daily check-in", "emoji": True},
    }
    assert sorted(buttons(post["blocks"])) == ["1", "2", "3", "4", "5", "reflect"]

    # A mood click: acknowledged privately through the click's response_url.
    click = await world.click(BO, post, "4")
    reply = await world.response_to(click["response_url"])
    assert reply["response_type"] == "ephemeral" and reply["replace_original"] is False
    assert "4/5" in block_text(reply["blocks"])
    rows = await world.db.fetchall("SELECT user_key, mood FROM moods")
    assert [(r["user_key"], r["mood"]) for r in rows] == [("slack:T0KITH:U0BO", 4)]

    # Reflect opens a modal with the click's trigger_id; submitting it saves privately.
    click = await world.click(CY, post, "reflect")
    await world.fake.wait_for(lambda: bool(world.fake.views))
    [opened] = world.fake.called("views.open")
    assert opened.args["trigger_id"] == click["trigger_id"]
    view = world.fake.views[0]
    assert view["type"] == "modal" and view["callback_id"] == "v1:reflect:1"
    await world.submit(CY, view, {"text": "Called my sister <!here> & <@U0BO> :)"})
    saved = await world.response_to(click["response_url"])
    assert "Saved, privately" in block_text(saved["blocks"])
    assert await world.db.fetchval("SELECT text FROM reflections") == (
        "Called my sister <!here> & <@U0BO> :)"
    )

    # Sharing it anonymously posts in the check-in's thread, escaped: nobody is pinged.
    share = {"blocks": saved["blocks"], "ts": "1772442100.000001"}
    click = await world.click(CY, share, "anon")
    await world.response_to(click["response_url"])
    thread = [m for m in world.fake.posts(GENERAL) if m.get("thread_ts") == post["ts"]]
    assert len(thread) == 1
    shown = json.dumps(thread[0]["blocks"])
    assert "&lt;!here&gt;" in shown and "&amp;" in shown and "@someone" in shown
    assert "<!here>" not in shown and "<@U0BO>" not in shown
    assert "Someone shared a reflection" in block_text(thread[0]["blocks"])
    assert "<!here>" not in thread[0]["text"]


async def test_a_second_click_changes_the_answer_and_forged_clicks_change_nothing(
    world: SlackWorld,
) -> None:
    post = await setup_checkin(world)
    await world.response_to((await world.click(BO, post, "2"))["response_url"])
    changed = await world.response_to((await world.click(BO, post, "5"))["response_url"])
    assert "Changed your answer" in block_text(changed["blocks"])
    before = await snapshot(world.db)
    forged = {"ts": post["ts"], "blocks": [{"type": "actions", "elements": [
        {"type": "button", "action_id": "v1:mood:999:3", "value": "x"},
        {"type": "button", "action_id": "v1:mood:1:9", "value": "y"},
    ]}]}  # fmt: skip
    for value in ("x", "y"):
        refused = await world.response_to((await world.click(BO, forged, value))["response_url"])
        assert refused["response_type"] == "ephemeral" and block_text(refused["blocks"])
    assert await snapshot(world.db) == before


async def test_bare_command_and_help(world: SlackWorld) -> None:
    bare = await world.command(BO, "")
    assert "Here's what that can do" in block_text(bare["blocks"])
    assert "/kith timezone" in block_text(bare["blocks"])
    helped = await world.command(BO, "help")
    text = block_text(helped["blocks"])
    assert "/checkin" in text and "not a therapy or crisis service" in text
    assert "For admins" not in text
    assert "For admins" in block_text((await world.command(ADA, "help"))["blocks"])
    buddy = await world.command(BO, "", command="/buddy")
    assert "/buddy join" in block_text(buddy["blocks"])
    checkin = await world.command(BO, "", command="/checkin")
    assert "aren't set up here yet" in block_text(checkin["blocks"])


async def test_admin_commands_need_a_slack_admin_and_change_nothing(world: SlackWorld) -> None:
    await world.command(BO, "help")  # the workspace's first event creates its community row
    before = await snapshot(world.db)
    refused = await world.command(BO, SETUP)
    assert "for this community's admins" in block_text(refused["blocks"])
    assert await snapshot(world.db) == before
    assert world.fake.posts(GENERAL) == []
    allowed = await world.command(ADA, "status")
    assert "Nothing is set up yet" in block_text(allowed["blocks"])
    # A Slack admin makes Bo a Kith admin by mentioning him; then Bo may run admin commands.
    added = await world.command(ADA, "admins add <@U0BO|bo>")
    assert "can now run admin commands" in block_text(added["blocks"]), added
    assert "Nothing is set up yet" in block_text((await world.command(BO, "status"))["blocks"])


async def test_bad_input_gets_a_clear_private_answer(world: SlackWorld) -> None:
    await world.command(ADA, "help")
    before = await snapshot(world.db)
    for text in (
        "setup checkin channel:general time:09:00",  # not a Slack channel mention
        "setup checkin channel:<#C0GENERAL|general> time:25:99",
        'setup checkin channel:<@U0BO|bo> "unclosed',
        "frobnicate",
    ):
        answer = await world.command(ADA, text)
        assert answer["response_type"] == "ephemeral"
        assert block_text(answer["blocks"]).strip()
    assert await snapshot(world.db) == before


async def test_slack_time_zone_is_the_default(world: SlackWorld) -> None:
    answer = await world.command(BO, "timezone")
    assert "America/New_York" in block_text(answer["blocks"])
    changed = await world.command(BO, "timezone Europe/Paris")
    assert "Europe/Paris" in block_text(changed["blocks"])
    assert "Europe/Paris" in block_text((await world.command(BO, "timezone"))["blocks"])


async def test_direct_message_redelivered_is_handled_once(world: SlackWorld) -> None:
    event = dm_message(world.fake, user=BO, text="hello there")
    await world.event(event, event_id="Ev0DM1")
    await world.fake.wait_for(lambda: bool(world.fake.posts(event["channel"])))
    await world.event(event, event_id="Ev0DM1", retry=1)
    await world.event(home_opened(BO), event_id="Ev0HOME")  # a later event, to know we're past it
    await world.fake.wait_for(lambda: BO in world.fake.homes)
    replies = world.fake.posts(event["channel"])
    assert len(replies) == 1
    assert "not a crisis service" in block_text(replies[0]["blocks"])
    assert await world.db.fetchval("SELECT COUNT(*) FROM slack_events") == 2


async def test_home_tab_shows_settings_and_programmes(world: SlackWorld) -> None:
    await world.event(home_opened(BO), event_id="Ev0HOME1")
    await world.fake.wait_for(lambda: BO in world.fake.homes)
    home = world.fake.homes[BO]
    assert home["type"] == "home"
    text = block_text(home["blocks"])
    assert "Your settings" in text and "America/New_York" in text
    assert "Nothing is set up yet" in text
    await setup_checkin(world)
    await world.event(home_opened(ADA), event_id="Ev0HOME2")
    await world.fake.wait_for(lambda: ADA in world.fake.homes)
    text = block_text(world.fake.homes[ADA]["blocks"])
    assert "Daily check-in" in text and "<#C0GENERAL>" in text and "Next:" in text
    assert "You're an admin here" in text


async def test_a_click_in_the_home_tab_is_answered_by_dm_and_the_home_refreshed(
    world: SlackWorld,
) -> None:
    post = await setup_checkin(world)
    mood = buttons(post["blocks"])["3"]
    await world.send("interactive", home_click(world.fake, user=BO, action_id=mood, value="3"))
    await world.fake.wait_for(lambda: BO in world.fake.homes)
    dm = world.fake.dm_of(BO)
    assert dm is not None
    [answer] = world.fake.posts(dm.id)
    assert "3/5" in block_text(answer["blocks"])
    assert not any("3/5" in str(r) for r in world.fake.responses)  # no response_url in a home


async def test_an_expired_trigger_gets_a_clear_answer_instead_of_a_modal(
    world: SlackWorld,
) -> None:
    post = await setup_checkin(world)
    payload = block_actions(
        world.fake,
        user=CY,
        message=post,
        channel=GENERAL,
        action_id=buttons(post["blocks"])["reflect"],
        value="reflect",
    )
    world.fake.expired_triggers.add(payload["trigger_id"])
    await world.send("interactive", payload)
    answer = await world.response_to(payload["response_url"])
    assert "press the button again" in block_text(answer["blocks"])
    assert world.fake.views == []


async def test_uninstalling_pauses_programmes_once_and_keeps_their_data(world: SlackWorld) -> None:
    await setup_checkin(world)
    uninstalled = {"type": "app_uninstalled", "event_ts": "1.1"}
    await world.event(uninstalled, event_id="Ev0GONE")
    # Events are acknowledged before they are handled: wait for the pause to be committed.
    for _ in range(1000):
        if await world.db.fetchval("SELECT paused FROM programmes") == 1:
            break
        await asyncio.sleep(0.01)
    assert await world.db.fetchval("SELECT paused FROM programmes") == 1
    assert await world.db.fetchval("SELECT active FROM communities") == 0
    await world.event(uninstalled, event_id="Ev0GONE", retry=1)  # a redelivery changes nothing
    await world.advance(timedelta(days=2))
    assert len(world.fake.posts(GENERAL)) == 1
    assert await world.db.fetchval("SELECT COUNT(*) FROM moods") == 0


async def test_export_sends_the_file_to_the_members_dm(world: SlackWorld) -> None:
    await setup_checkin(world)
    post = world.fake.posts(GENERAL)[0]
    await world.response_to((await world.click(BO, post, "4"))["response_url"])
    pointer = await world.command(BO, "export")
    assert "sent it to your direct messages" in block_text(pointer["blocks"])
    dm = world.fake.dm_of(BO)
    assert dm is not None
    text, upload = world.fake.posts(dm.id)
    assert "everything Kith stores about you" in block_text(text["blocks"])
    [stored] = world.fake.uploads.values()
    assert stored["channel"] == dm.id and stored["filename"].endswith(".json")
    exported = json.loads(stored["content"])
    assert "slack:T0KITH:U0BO" in json.dumps(exported) and '"mood": 4' in json.dumps(exported)
    assert upload["files"][0]["name"] == stored["filename"]
    # Someone whose DMs with apps are closed is told so, privately, where they asked.
    world.fake.users[CY].dm_error = "messages_tab_disabled"
    failed = await world.command(CY, "export")
    assert "couldn't send it to your direct messages" in block_text(failed["blocks"])


async def test_stats_chart_goes_to_the_admins_dm_and_their_home_tab_only(
    world: SlackWorld,
) -> None:
    await world.command(ADA, "setup kindness channel:<#C0GENERAL>")
    for user in (BO, CY):
        await world.command(user, "made tea for the team", command="/kind")
    pointer = await world.command(ADA, "stats")
    assert "sent it to your direct messages" in block_text(pointer["blocks"])
    dm = world.fake.dm_of(ADA)
    assert dm is not None
    text, upload = world.fake.posts(dm.id)
    assert "Kind acts by day: " in block_text(text["blocks"])  # the numbers, in words
    [stored] = world.fake.uploads.values()
    assert stored["channel"] == dm.id and stored["filename"] == "kith-stats.png"
    assert stored["content"][:8] == b"\x89PNG\r\n\x1a\n"
    assert stored["alt_txt"].startswith("Kith stats, last 30 days. Kind acts by day:")
    file_id = upload["files"][0]["id"]
    await world.event(home_opened(ADA), event_id="Ev0HOMEA")
    await world.fake.wait_for(lambda: ADA in world.fake.homes)
    images = [b for b in world.fake.homes[ADA]["blocks"] if b["type"] == "image"]
    assert images == [
        {
            "type": "image",
            "slack_file": {"id": file_id},
            "alt_text": stored["alt_txt"],
            "title": {"type": "plain_text", "text": "Latest /kith stats chart"},
        }
    ]
    await world.event(home_opened(BO), event_id="Ev0HOMEB")
    await world.fake.wait_for(lambda: BO in world.fake.homes)
    assert not [b for b in world.fake.homes[BO]["blocks"] if b["type"] == "image"]
