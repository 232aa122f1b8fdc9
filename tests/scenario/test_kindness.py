"""Kind acts, streaks, thanks and milestones through the real core, store and a simulated clock."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bot.community import touch_member
from bot.identity import UserRef
from bot.kindness import Outcome, record_act
from bot.kindness.streaks import recount
from bot.messages import Mention
from bot.ports import DeliveryError
from tests.fakes import COMMUNITY, FakeChat, Harness, reply_text, snapshot

SETUP = "/kith setup kindness channel:#kindness"


async def setup(h: Harness, text: str = SETUP) -> None:
    reply = reply_text(await h.say("ada", text))
    assert "set up" in reply or "updated" in reply, reply


async def days_later(h: Harness, n: int = 1) -> None:
    await h.advance(timedelta(days=n))


async def test_kind_needs_the_programme_and_changes_nothing_until_then(harness: Harness) -> None:
    await harness.say("bo", "/kith help")  # the community exists from its first event
    before = await snapshot(harness.db)
    reply = reply_text(await harness.say("bo", "/kind helped a neighbour"))
    assert "aren't set up here yet" in reply
    assert await snapshot(harness.db) == before


async def test_an_act_is_logged_and_answered_with_the_streak(harness: Harness) -> None:
    await setup(harness)
    reply = await harness.say("bo", "/kind carried a neighbour's shopping upstairs")
    text = reply_text(reply)
    assert reply.private
    assert "Logged: “carried a neighbour's shopping upstairs”" in text
    assert "Your streak: 1 day (longest 1 day)" in text and "1 of 3 acts counted" in text
    row = await harness.db.fetchone("SELECT * FROM kind_acts")
    assert row is not None
    assert (row["user_key"], row["local_date"], row["counted"], row["source"]) == (
        "test:c1:bo",
        "2026-03-02",
        1,
        "kind",
    )


async def test_at_most_three_acts_a_day_count_and_repeats_count_once(harness: Harness) -> None:
    await setup(harness)
    for text in ("made tea for the team", "held the door", "sent a kind note"):
        assert "Logged:" in reply_text(await harness.say("bo", f"/kind {text}"))
    repeat = reply_text(await harness.say("bo", "/kind  Held the door! "))
    assert "already logged" in repeat and "counts once" in repeat
    fourth = reply_text(await harness.say("bo", "/kind watered the office plants"))
    assert "in your journal but not your totals" in fourth
    acts = await harness.db.fetchall("SELECT text, counted FROM kind_acts ORDER BY id")
    assert [(a["text"], a["counted"]) for a in acts] == [
        ("made tea for the team", 1),
        ("held the door", 1),
        ("sent a kind note", 1),
        ("watered the office plants", 0),
    ]
    totals = await harness.db.fetchall("SELECT period, acts FROM kind_totals ORDER BY period")
    assert {(t["period"], t["acts"]) for t in totals} == {
        ("all", 3),
        ("w2026-10", 3),
        ("m2026-03", 3),
    }
    # The same text on another day counts again.
    await days_later(harness)
    assert "Logged:" in reply_text(await harness.say("bo", "/kind held the door"))


async def test_a_days_journal_holds_twenty_acts_then_politely_stops(harness: Harness) -> None:
    await setup(harness)
    for n in range(20):
        await harness.say("bo", f"/kind small thing number {n}")
    before = await snapshot(harness.db)
    full = reply_text(await harness.say("bo", "/kind one more small thing"))
    assert "20 acts logged today" in full and "nothing more was added" in full
    assert await snapshot(harness.db) == before
    await days_later(harness)
    assert "Logged:" in reply_text(await harness.say("bo", "/kind one more small thing"))


async def test_bad_kind_input_gets_a_clear_message_and_changes_nothing(harness: Harness) -> None:
    await setup(harness)
    await harness.say("bo", "/kind first act of the day")
    before = await snapshot(harness.db)
    cases = {
        "/kind": "Tell me what you did",
        "/kind  \u200b ok": "Tell me what you did",
        "/kind " + "x" * 301: "up to 300 characters",
        "/kind made tea for:@bo": "for: is for someone else",
        "/kind made tea for:nobody": "isn't a member here",
        "/kind made tea for:@al for:@cy": "given twice",
    }
    await harness.refuses("bo", cases)
    assert await snapshot(harness.db) == before


async def test_an_act_can_say_who_it_was_for(harness: Harness) -> None:
    await setup(harness)
    await harness.say("bo", "/kind cooked dinner for:@cy")
    assert await harness.db.fetchval("SELECT for_user FROM kind_acts") == "test:c1:cy"
    assert not harness.chat.to("@cy")  # logging an act never messages anyone else


async def test_a_bot_actor_cannot_log_acts_or_thank(harness: Harness) -> None:
    await setup(harness)
    before = await snapshot(harness.db)
    from bot.events import Actor, CommandEvent
    from bot.identity import ChannelRef

    robot = Actor(UserRef(COMMUNITY, "robot"), "Robot", is_bot=True)
    for text in ("/kind beep boop", "/thanks @bo for the logs"):
        reply = await harness.kith.handle(
            CommandEvent(robot, text, ChannelRef(COMMUNITY, "general")), harness.chat
        )
        assert "people" in reply_text(reply)
    assert await snapshot(harness.db) == before


async def test_streak_grows_daily_survives_one_rest_day_and_ends_at_a_second(
    harness: Harness,
) -> None:
    await setup(harness)
    expected = [1, 2, 3]
    for day, want in enumerate(expected):
        if day:
            await days_later(harness)
        assert f"Your streak: {want} day" in reply_text(await harness.say("bo", f"/kind act {day}"))
    await days_later(harness, 2)  # Thursday missed: a rest day
    reply = reply_text(await harness.say("bo", "/kind back at it"))
    assert "Your streak: 4 days" in reply and "Yesterday was a rest day" in reply
    await days_later(harness, 2)  # Saturday missed too: within 7 days of Thursday
    reply = reply_text(await harness.say("bo", "/kind starting again"))
    assert "Your streak: 1 day (longest 4 days)" in reply


async def test_streak_command_shows_rule_today_rest_and_settings(harness: Harness) -> None:
    await setup(harness)
    await harness.say("bo", "/kind one")
    await days_later(harness, 2)
    text = reply_text(await harness.say("bo", "/streak"))
    assert "Your streak: 1 day · longest: 1 day" in text
    assert "Mon 02 Mar was not" not in text
    assert "Tue 03 Mar was a rest day" in text and "log an act today" in text
    assert "One missed day in any 7 is forgiven" in text  # the rule is shown
    assert "not on the leaderboard (/leaderboard join adds you)" in text
    assert "celebrated by name" in text
    await days_later(harness)
    gone = reply_text(await harness.say("bo", "/streak"))
    assert "Your streak: 0 days · longest: 1 day" in gone and "starts a streak" in gone


async def test_local_dates_follow_the_members_own_time_zone(harness: Harness) -> None:
    """Bo lives in New York. 23:30 there on Monday is already Tuesday in UTC, the community's zone;
    00:30 on Tuesday and 23:30 on Tuesday are one local day apart and one day."""
    await setup(harness)
    await harness.say("bo", "/kith timezone America/New_York")
    harness.clock.set(datetime(2026, 3, 3, 4, 30, tzinfo=UTC))  # Mon 23:30 in New York
    first = reply_text(await harness.say("bo", "/kind late call with my sister"))
    assert "(Mon 02 Mar)" in first
    harness.clock.set(datetime(2026, 3, 3, 5, 30, tzinfo=UTC))  # Tue 00:30
    second = reply_text(await harness.say("bo", "/kind left a kind review"))
    assert "Your streak: 2 days" in second and "(Tue 03 Mar)" in second
    harness.clock.set(datetime(2026, 3, 4, 4, 30, tzinfo=UTC))  # Tue 23:30
    third = reply_text(await harness.say("bo", "/kind thanked the bus driver"))
    assert "Your streak: 2 days" in third and "2 of 3 acts counted (Tue 03 Mar)" in third
    dates = [r["local_date"] for r in await harness.db.fetchall("SELECT local_date FROM kind_acts")]
    assert dates == ["2026-03-02", "2026-03-03", "2026-03-03"]


async def test_platform_time_zone_is_used_when_the_member_set_none(harness: Harness) -> None:
    await setup(harness)
    harness.clock.set(datetime(2026, 3, 2, 23, 30, tzinfo=UTC))  # already Tuesday in Tokyo
    await harness.say("cy", "/kind brought snacks", tz="Asia/Tokyo")
    assert await harness.db.fetchval("SELECT local_date FROM kind_acts") == "2026-03-03"


async def test_a_member_moving_west_never_loses_or_doubles_a_day(harness: Harness) -> None:
    """Tokyo → Honolulu: the calendar goes back a day. The act counts on the day already logged,
    so the streak is neither inflated by reliving Tuesday nor broken."""
    await setup(harness)
    await harness.say("cy", "/kith timezone Asia/Tokyo")
    harness.clock.set(datetime(2026, 3, 3, 23, 0, tzinfo=UTC))  # Wed 08:00 in Tokyo
    await harness.say("cy", "/kind greeted the new neighbour")
    await harness.say("cy", "/kith timezone Pacific/Honolulu")
    harness.clock.set(datetime(2026, 3, 4, 6, 0, tzinfo=UTC))  # Tue 20:00 in Honolulu
    reply = reply_text(await harness.say("cy", "/kind called an old friend"))
    assert "Your streak: 1 day" in reply and "2 of 3 acts counted (Wed 04 Mar)" in reply
    harness.clock.set(datetime(2026, 3, 6, 6, 0, tzinfo=UTC))  # Thu 20:00 in Honolulu
    assert "Your streak: 2 days" in reply_text(await harness.say("cy", "/kind helped a friend"))


async def test_stored_streaks_and_totals_equal_a_recount_from_the_acts(harness: Harness) -> None:
    """After a busy fortnight of acts at all hours by members in different zones, the O(1)
    state in kind_members and kind_totals is exactly what recounting kind_acts gives."""
    await setup(harness)
    zones = {"al": "Europe/London", "bo": "America/New_York", "cy": "Asia/Tokyo"}
    for name, zone in zones.items():
        await harness.say(name, f"/kith timezone {zone}")
    pattern = {"al": "xxxx.xxxx.xxxxx", "bo": "xx..xxx.x.xxxxx", "cy": "x.x.x.xxxxxxx.x"}
    for day in range(15):
        for hour in (1, 11, 22):
            harness.clock.set(datetime(2026, 3, 3, tzinfo=UTC) + timedelta(days=day, hours=hour))
            for name, marks in pattern.items():
                if marks[day] == "x":
                    await harness.say(name, f"/kind act {day} at {hour}")
                    await harness.say(name, f"/kind another act {day} {hour}")
    for name in zones:
        key = f"test:c1:{name}"
        rows = await harness.db.fetchall(
            "SELECT local_date, counted FROM kind_acts WHERE user_key = ?", key
        )
        expected = recount(date.fromisoformat(r["local_date"]) for r in rows)
        stored = await harness.db.fetchone("SELECT * FROM kind_members WHERE user_key = ?", key)
        assert stored is not None
        assert (stored["current_len"], stored["longest"], stored["run_start"]) == (
            expected.length,
            expected.longest,
            expected.start.isoformat() if expected.start else None,
        ), name
        per_day: dict[str, int] = {}
        for r in rows:
            per_day[r["local_date"]] = per_day.get(r["local_date"], 0) + r["counted"]
        assert max(per_day.values()) == 3  # six acts a day, three counted
        total = await harness.db.fetchval(
            "SELECT acts FROM kind_totals WHERE user_key = ? AND period = 'all'", key
        )
        assert total == sum(r["counted"] for r in rows)


# ---- thanks ---------------------------------------------------------------------------------


@dataclass
class BotAwareChat(FakeChat):
    """A chat port that can tell bots apart, as the Discord and Slack ports can."""

    bots: set[str] = field(default_factory=set)

    async def is_bot(self, user: UserRef) -> bool:
        return user.id in self.bots


async def test_thanks_tells_the_recipient_privately_and_counts_on_their_tally(
    harness: Harness,
) -> None:
    await setup(harness)
    await harness.say("cy", "/kind hello")  # cy is known, with a display name
    reply = reply_text(await harness.say("bo", "/thanks @cy for covering my shift"))
    assert "Thanks sent to Cy, privately" in reply
    told = harness.chat.to("@cy")
    assert len(told) == 1 and told[0].private
    assert "Bo thanked you: “for covering my shift”" in told[0].text
    assert "noticed once" in told[0].text
    assert not told[0].message.pings  # a mention of the giver, never a ping
    assert any(isinstance(i, Mention) for p in told[0].message.paragraphs for i in p)
    # The tally, not the giver's streak.
    assert (
        await harness.db.fetchval("SELECT COUNT(*) FROM kind_acts WHERE user_key = 'test:c1:bo'")
        == 0
    )
    assert "kindness noticed: 1 time." in reply_text(await harness.say("cy", "/streak"))


async def test_thanks_count_once_a_day_per_giver_and_at_most_three_are_sent(
    harness: Harness,
) -> None:
    await setup(harness)
    await harness.say("bo", "/thanks @cy for lunch")
    second = reply_text(await harness.say("bo", "/thanks @cy for the lift home"))
    assert "once a day" in second
    await harness.say("bo", "/thanks @cy for the laugh")
    before = await snapshot(harness.db)
    fourth = reply_text(await harness.say("bo", "/thanks @cy for the tea"))
    assert "3 times today" in fourth and "nothing more was sent" in fourth
    assert await snapshot(harness.db) == before
    await harness.say("al", "/thanks @cy for the cake")
    await days_later(harness)
    await harness.say("bo", "/thanks @cy for the advice")
    assert len(harness.chat.to("@cy")) == 5
    assert (
        await harness.db.fetchval("SELECT noticed FROM kind_members WHERE user_key = 'test:c1:cy'")
        == 3
    )


async def test_self_thanks_bots_and_bad_thanks_are_refused_and_change_nothing(
    tmp_path: Path,
) -> None:
    from tests.conftest import START
    from tests.fakes import make_harness

    h = await make_harness(tmp_path / "k.sqlite3", START)
    h.admins.add("ada")
    h.chat = BotAwareChat(capabilities=h.chat.capabilities, bots={"kith", "helperbot"})
    try:
        await setup(h)
        before = await snapshot(h.db)
        cases = {
            "/thanks @bo for being me": "can't thank yourself",
            "/thanks @kith for the reminders": "That's a bot",
            "/thanks @helperbot thanks": "That's a bot",
            "/thanks": "Say who and why",
            "/thanks @cy": "Say who and why",
            "/thanks cy for lunch": "isn't a member here",
            "/thanks @cy " + "y" * 501: "up to 500 characters",
        }
        await h.refuses("bo", cases)
        assert await snapshot(h.db) == before
        assert h.chat.sent == []
    finally:
        await h.db.close()


async def test_thanks_to_someone_with_closed_dms_is_still_recorded(harness: Harness) -> None:
    await setup(harness)
    harness.chat.fail_next.append(
        DeliveryError("cannot send messages to this user", permanent=True)
    )
    reply = reply_text(await harness.say("bo", "/thanks @cy for the flowers"))
    assert "couldn't reach them privately" in reply and "still counts" in reply
    assert await harness.db.fetchval("SELECT noticed FROM kind_members") == 1


# ---- milestones -----------------------------------------------------------------------------


async def log_daily(h: Harness, name: str, days: int) -> list[str]:
    replies = []
    for day in range(days):
        if day:
            await days_later(h)
        replies.append(reply_text(await h.say(name, f"/kind act on day {day}")))
    await h.run_due()
    return replies


def celebrations(h: Harness) -> list[str]:
    return [s.text for s in h.chat.to("#kindness") if "kindness streak" in s.text]


async def test_milestones_are_celebrated_by_name_without_a_ping(harness: Harness) -> None:
    await setup(harness)
    replies = await log_daily(harness, "bo", 8)
    assert "That's a 3-day streak, a milestone! I'll celebrate it in #kindness" in replies[2]
    assert "milestone" in replies[6] and "milestone" not in replies[7]
    posts = [s for s in harness.chat.to("#kindness") if "kindness streak" in s.text]
    assert [p.text.splitlines()[0] for p in posts] == [
        "🎉 @Bo reached a 3-day kindness streak!",
        "🎉 @Bo reached a 7-day kindness streak!",
    ]
    for post in posts:
        assert not post.message.pings and not post.private
        mention = post.message.paragraphs[0][1]
        assert isinstance(mention, Mention) and mention.user == UserRef(COMMUNITY, "bo")
    await harness.run_due()  # never twice
    assert len(celebrations(harness)) == 2
    days = [r["days"] for r in await harness.db.fetchall("SELECT days FROM kind_milestones")]
    assert days == [3, 7]


async def test_members_who_opted_out_of_public_mentions_are_celebrated_only_privately(
    harness: Harness,
) -> None:
    await setup(harness)
    done = reply_text(await harness.say("bo", "/streak milestones private"))
    assert "stay private" in done
    replies = await log_daily(harness, "bo", 3)
    assert "That's a 3-day streak, a milestone!" in replies[2]
    assert "celebrate it in #kindness" not in replies[2]
    assert celebrations(harness) == []  # no post at all: not even an anonymous one
    assert "celebrated privately" in reply_text(await harness.say("bo", "/streak"))
    assert "celebrated by name" in reply_text(await harness.say("bo", "/streak milestones public"))


async def test_a_change_of_mind_before_the_post_goes_out_is_respected(harness: Harness) -> None:
    await setup(harness)
    for day in range(3):
        if day:
            await days_later(harness)
        await harness.say("bo", f"/kind act {day}")  # the 3-day post is queued, not yet sent
    await harness.say("bo", "/streak milestones private")
    await harness.run_due()
    assert celebrations(harness) == []


async def test_no_celebration_posts_while_kindness_is_paused(harness: Harness) -> None:
    await setup(harness)
    await harness.say("ada", "/kith pause kindness")
    replies = await log_daily(harness, "bo", 3)
    assert "Your streak: 3 days" in replies[2]  # logging still works while paused
    assert celebrations(harness) == []


async def test_bad_milestone_setting_is_refused(harness: Harness) -> None:
    await setup(harness)
    before = await snapshot(harness.db)
    assert "/streak milestones public" in reply_text(
        await harness.say("bo", "/streak milestones loud")
    )
    assert await snapshot(harness.db) == before


# ---- the function other features call ---------------------------------------------------------


async def test_record_act_runs_inside_the_callers_transaction(harness: Harness) -> None:
    await setup(harness)
    now = harness.clock.now()
    async with harness.db.transaction() as tx:
        await touch_member(tx, harness.actor("bo"), now)
        result = await record_act(
            tx, COMMUNITY.key, "test:c1:bo", "We met for coffee", "buddy", now
        )
    assert result.outcome is Outcome.COUNTED and result.current == 1 and result.act_id
    again = reply_text(await harness.say("bo", "/kind we met for coffee."))
    assert "already logged" in again  # same text, same day: once
    try:
        async with harness.db.transaction() as tx:
            await record_act(tx, COMMUNITY.key, "test:c1:cy", "We met", "buddy", now, "Asia/Tokyo")
            raise RuntimeError("the caller's own write failed")
    except RuntimeError:
        pass
    assert (
        await harness.db.fetchval("SELECT COUNT(*) FROM kind_acts WHERE user_key = 'test:c1:cy'")
        == 0
    )
    async with harness.db.transaction() as tx:
        tokyo = await record_act(
            tx, COMMUNITY.key, "test:c1:cy", "We met", "buddy", now, "Asia/Tokyo"
        )
    assert tokyo.local_date == date(2026, 3, 2)  # 15:00 in Tokyo


async def test_stats_show_kindness_in_aggregate(harness: Harness) -> None:
    await setup(harness)
    await harness.say("bo", "/kind one")
    await harness.say("cy", "/kind two")
    await harness.say("bo", "/thanks @cy for two")
    stats = reply_text(await harness.say("ada", "/kith stats window:7d"))
    assert "Kindness, last 7 days" in stats
    assert "Kind acts counted: 2" in stats and "members logging: 2" in stats
    assert "thanks given: 1" in stats and "streaks alive now: 2" in stats


async def test_kind_act_notes_and_thanks_are_screened_for_safety(harness: Harness) -> None:
    await setup(harness)
    reply = reply_text(await harness.say("bo", "/kind helped a friend though I feel hopeless"))
    assert "Logged:" in reply  # the act itself goes ahead
    [care] = harness.chat.to("@bo")
    assert care.private and "not a crisis service" in care.text
    await harness.say("cy", "/thanks @al for being there when I wanted to end my life")
    assert any("not a crisis service" in s.text for s in harness.chat.to("@cy"))
    assert [s for s in harness.chat.to("@al") if "thanked you" in s.text]  # still delivered
    sources = [r["source"] for r in await harness.db.fetchall("SELECT source FROM safety_events")]
    assert sources == ["a kind-act note", "a thank-you note"]


async def test_a_phrase_the_community_just_added_screens_the_next_kind_act(
    harness: Harness,
) -> None:
    await setup(harness)
    await harness.say("bo", "/kind walked with a friend who felt like a ghost")
    assert harness.chat.to("@bo") == []  # not a built-in phrase
    await harness.say("ada", "/kith safety phrases add like a ghost")
    reply = reply_text(await harness.say("bo", "/kind sat with cy, who feels like a ghost"))
    assert "Logged:" in reply
    [care] = harness.chat.to("@bo")
    assert care.private and "not a crisis service" in care.text
