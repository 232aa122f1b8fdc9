"""Daily check-ins through the real core, a real SQLite store, a simulated clock and a fake chat."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot import choice_ids
from bot.ports import DeliveryError
from tests.fakes import Harness, reply_text, snapshot

SETUP = "/kith setup checkin channel:#general time:09:00 days:mon-fri tz:Europe/London"


async def setup(h: Harness, text: str = SETUP) -> None:
    reply = await h.say("ada", text)
    assert "set up" in reply_text(reply) or "updated" in reply_text(reply), reply_text(reply)


async def test_posts_at_local_time_on_configured_days(harness: Harness) -> None:
    await setup(harness)
    await harness.advance(timedelta(days=7))
    posts = harness.chat.to("#general")
    london = ZoneInfo("Europe/London")
    # Monday 2 March 06:00 UTC start → Mon..Fri posts, none at the weekend.
    assert len(posts) == 5
    rows = await harness.db.fetchall(
        "SELECT slot, due_at, finished_at FROM occurrences WHERE state = 'sent' ORDER BY due_at"
    )
    for row in rows:
        local = datetime.fromtimestamp(row["due_at"], UTC).astimezone(london)
        assert (local.hour, local.minute) == (9, 0) and local.weekday() < 5
        assert row["finished_at"] == row["due_at"]  # delivered on time, not late
    assert len({p.text for p in posts}) == 5  # a different prompt every day


async def test_mood_click_recorded_once_and_second_click_changes_it(harness: Harness) -> None:
    await setup(harness)
    await harness.advance(timedelta(hours=4))
    post = harness.chat.to("#general")[0]
    first = await harness.click("bo", post.choice("4"))
    assert "4/5" in reply_text(first) and first.private
    second = await harness.click("bo", post.choice("2"))
    assert "Changed your answer" in reply_text(second)
    rows = await harness.db.fetchall("SELECT user_key, mood FROM moods")
    assert [(r["user_key"], r["mood"]) for r in rows] == [("test:c1:bo", 2)]


async def test_click_on_missing_or_foreign_checkin_is_refused_and_changes_nothing(
    harness: Harness,
) -> None:
    await setup(harness)
    await harness.advance(timedelta(hours=4))
    before = await snapshot(harness.db)
    forged = (
        choice_ids.encode("mood", 999, 3),
        choice_ids.encode("mood", 1, 7),
        "v1:mood:1",
        "v2:mood:1:3",
        "not-a-choice",
        "v1:mood:1:3:" + "x" * 120,
    )
    await harness.refuses_clicks("bo", forged)  # a clear private answer, no crash
    assert await snapshot(harness.db) == before


async def test_answers_close_after_the_answer_window(harness: Harness) -> None:
    await setup(harness)
    await harness.advance(timedelta(hours=4))
    post = harness.chat.to("#general")[0]
    await harness.advance(timedelta(days=4))
    reply = await harness.click("bo", post.choice("3"))
    assert "closed" in reply_text(reply)
    assert await harness.db.fetchval("SELECT COUNT(*) FROM moods") == 0


async def test_reflection_by_text_reply_then_shared_anonymously_in_thread(harness: Harness) -> None:
    await setup(harness)
    await harness.advance(timedelta(hours=4))
    post = harness.chat.to("#general")[0]
    ask = await harness.click("cy", post.choice("reflect"))
    assert "next message" in reply_text(ask)
    saved = await harness.say("cy", "Slow day, but I called my sister.")
    assert "Saved" in reply_text(saved)
    assert saved.message is not None
    share_id = next(c.id for c in saved.message.choices if c.value == "anon")
    # Someone else cannot share it.
    refused = await harness.click("bo", share_id)
    assert "Only the person" in reply_text(refused)
    shared = await harness.click("cy", share_id)
    assert "anonymously" in reply_text(shared)
    thread_posts = [s for s in harness.chat.to("#general") if s.thread == post.id]
    assert len(thread_posts) == 1
    assert "Someone shared" in thread_posts[0].text and "Cy" not in thread_posts[0].text
    assert "called my sister" in thread_posts[0].text
    again = await harness.click("cy", share_id)
    assert "already shared" in reply_text(again)


async def test_reflection_opens_a_form_where_the_platform_has_modals(harness: Harness) -> None:
    harness.chat.capabilities = type(harness.chat.capabilities)(modals=True)
    await setup(harness)
    await harness.advance(timedelta(hours=4))
    post = harness.chat.to("#general")[0]
    reply = await harness.click("cy", post.choice("reflect"))
    assert reply.form is not None and reply.message is None
    empty = await harness.submit("cy", reply.form.id, {"text": "   \u200b "})
    assert "empty" in reply_text(empty)
    saved = await harness.submit("cy", reply.form.id, {"text": "Grateful for today."})
    assert "Saved" in reply_text(saved)
    assert await harness.db.fetchval("SELECT text FROM reflections") == "Grateful for today."


async def test_stats_hide_aggregates_of_fewer_than_five_answers(harness: Harness) -> None:
    await setup(harness)
    await harness.advance(timedelta(hours=4))
    post = harness.chat.to("#general")[0]
    for name, mood in [("a1", 4), ("a2", 5), ("a3", 3), ("a4", 4)]:
        await harness.click(name, post.choice(str(mood)))
    hidden = reply_text(await harness.say("ada", "/kith stats"))
    assert "Mood overall: hidden (fewer than 5 answers)" in hidden and "/5" not in hidden
    await harness.click("a5", post.choice("4"))
    shown = reply_text(await harness.say("ada", "/kith stats window:7d"))
    assert "Mood overall: 4.0/5 from 5 answers" in shown
    refused = reply_text(await harness.say("bo", "/kith stats"))
    assert "for this community's admins" in refused


async def test_pause_and_resume_keep_data_and_stop_posts(harness: Harness) -> None:
    await setup(harness)
    await harness.advance(timedelta(hours=4))
    assert "paused" in reply_text(await harness.say("ada", "/kith pause checkin"))
    await harness.advance(timedelta(days=3))
    assert len(harness.chat.to("#general")) == 1
    assert "paused" in reply_text(await harness.say("ada", "/kith status"))
    assert "running again" in reply_text(await harness.say("ada", "/kith resume checkins"))
    await harness.advance(timedelta(days=1))
    assert len(harness.chat.to("#general")) == 2
    assert await harness.db.fetchval("SELECT COUNT(*) FROM occurrences WHERE state = 'missed'") == 0


async def test_changing_the_time_never_posts_twice_on_one_day(harness: Harness) -> None:
    await setup(harness)
    await harness.advance(timedelta(hours=4))  # 10:00 London, today's 09:00 post is out
    await harness.say("ada", "/kith setup checkin time:11:00")
    await harness.advance(timedelta(hours=4))
    assert len(harness.chat.to("#general")) == 1
    await harness.advance(timedelta(days=1))
    posts = await harness.db.fetchall(
        "SELECT due_at FROM occurrences WHERE state = 'sent' ORDER BY due_at"
    )
    second = datetime.fromtimestamp(posts[1]["due_at"], UTC).astimezone(ZoneInfo("Europe/London"))
    assert (second.hour, len(posts)) == (11, 2)


async def test_late_within_grace_is_sent_once_and_beyond_grace_is_missed(harness: Harness) -> None:
    await setup(harness)
    await harness.run_due()
    # Kith is "down" until Tuesday 10:30 London: Monday is past grace, Tuesday is 90 min late.
    harness.clock.set(datetime(2026, 3, 3, 10, 30, tzinfo=UTC))
    report = await harness.run_due()
    assert (report.sent, report.missed) == (1, 1)
    status = reply_text(await harness.say("ada", "/kith status"))
    assert "Missed: Mon 02 Mar 09:00 GMT" in status and "not running" in status
    assert len(harness.chat.to("#general")) == 1


async def test_transient_failure_is_retried_and_permanent_failure_is_shown(
    harness: Harness,
) -> None:
    await setup(harness)
    harness.chat.fail_next.append(DeliveryError("rate limited", permanent=False))
    await harness.advance(timedelta(hours=4))
    assert len(harness.chat.to("#general")) == 1  # retried after a backoff, posted once
    harness.chat.fail_next.append(DeliveryError("unknown channel", permanent=True))
    await harness.advance(timedelta(days=1))
    status = reply_text(await harness.say("ada", "/kith status"))
    assert "Failed: Tue 03 Mar 09:00 GMT — unknown channel" in status


async def test_bad_setup_input_gets_a_clear_message_and_changes_nothing(harness: Harness) -> None:
    await setup(harness)
    before = await snapshot(harness.db)
    cases = {
        "/kith setup checkin time:25:00": "not a time of day",
        "/kith setup checkin time:9am": "not a time",
        "/kith setup checkin days:funday": "not a list of days",
        "/kith setup checkin tz:Mars/Olympus": "don't know the time zone",
        "/kith setup checkin channel:general": "isn't a channel",
        "/kith setup checkin grace:forever": "grace:",
        "/kith setup checkin time:10:00 time:11:00": "given twice",
    }
    await harness.refuses("ada", cases)
    assert "admins" in reply_text(await harness.say("bo", "/kith setup checkin time:10:00"))
    assert "don't know the command" in reply_text(await harness.say("bo", "/kith frobnicate"))
    assert await snapshot(harness.db) == before


async def test_first_setup_needs_channel_and_time(harness: Harness) -> None:
    reply = await harness.say("ada", "/kith setup checkin days:mon-fri")
    assert "give a channel and a time" in reply_text(reply)
    assert await harness.db.fetchval("SELECT COUNT(*) FROM programmes") == 0


async def test_checkin_command_gives_todays_prompt_privately(harness: Harness) -> None:
    assert "aren't set up" in reply_text(await harness.say("bo", "/checkin"))
    await setup(harness)
    early = await harness.say("bo", "/checkin")  # before today's post: a private occurrence
    assert early.private and early.message and len(early.message.choices) == 6
    await harness.advance(timedelta(hours=4))
    after = await harness.say("bo", "/checkin")
    post = harness.chat.to("#general")[0]
    assert after.message and post.choice("3") == after.message.choices[2].id


async def test_custom_prompts_join_the_deck(harness: Harness) -> None:
    await setup(harness)
    added = reply_text(
        await harness.say("ada", "/kith prompts add What small win are you proud of?")
    )
    assert "Added prompt #1" in added
    dup = reply_text(await harness.say("ada", "/kith prompts add what small win are you proud of?"))
    assert "already on your list" in dup
    assert "What small win" in reply_text(await harness.say("ada", "/kith prompts list"))
    assert "no prompt #7" in reply_text(await harness.say("ada", "/kith prompts remove 7"))
    assert "Removed prompt #1" in reply_text(await harness.say("ada", "/kith prompts remove #1"))
    assert await harness.db.fetchval("SELECT COUNT(*) FROM custom_prompts") == 0


async def test_member_timezone_is_validated_with_suggestions(harness: Harness) -> None:
    reply = reply_text(await harness.say("bo", "/kith timezone america/new_york"))
    assert "America/New_York" in reply
    wrong = reply_text(await harness.say("bo", "/kith timezone Europe/Londn"))
    assert "Did you mean Europe/London" in wrong
    tz = await harness.db.fetchval("SELECT tz FROM members WHERE user_key = 'test:c1:bo'")
    assert tz == "America/New_York"


async def test_help_lists_commands_and_says_it_is_not_a_crisis_service(harness: Harness) -> None:
    member = reply_text(await harness.say("bo", "/kith help"))
    assert "/checkin" in member and "not a therapy or crisis service" in member
    assert "/kith setup checkin" not in member
    assert "/kith setup checkin" in reply_text(await harness.say("ada", "/kith help"))


async def test_buddy_prompts_are_dealt_only_where_buddy_pairing_runs(harness: Harness) -> None:
    from bot.checkins.post import community_deck
    from tests.fakes import COMMUNITY

    async def buddy_prompts() -> list[str]:
        async with harness.db.transaction() as tx:
            deck = await community_deck(tx, harness.kith.services, COMMUNITY.key)
        return [p.key for p in deck if "buddy" in p.text.lower()]

    await harness.say("ada", "/kith setup checkin channel:#general time:09:00 days:mon-fri")
    assert await buddy_prompts() == []
    await harness.say("ada", "/kith setup buddies channel:#buddies every:1w day:mon time:10:00")
    assert len(await buddy_prompts()) == 2
    await harness.say("ada", "/kith pause buddies")
    assert await buddy_prompts() == []
