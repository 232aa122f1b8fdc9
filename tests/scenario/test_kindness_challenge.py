"""The kindness programme's setup and its 31-day challenge: one suggestion a day, exactly once."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot import choice_ids
from bot.prompts import load_catalogue
from tests.fakes import Harness, Sent, reply_text, snapshot

LONDON = ZoneInfo("Europe/London")
SETUP = "/kith setup kindness channel:#kindness challenge:31-day time:09:00 tz:Europe/London"


def challenge_posts(h: Harness) -> list[Sent]:
    return [s for s in h.chat.to("#kindness") if s.text.startswith("🌱 Kindness challenge")]


async def test_a_challenge_posts_each_days_suggestion_once_at_local_time_across_dst(
    harness: Harness,
) -> None:
    # Setup on Monday 16 March at 08:00 London; London moves to BST on 29 March.
    harness.clock.set(datetime(2026, 3, 16, 8, 0, tzinfo=UTC))
    reply = reply_text(await harness.say("ada", SETUP))
    assert (
        "31-day challenge: one suggestion a day at 09:00 (Europe/London), 16 Mar – 15 Apr" in reply
    )
    await harness.advance(timedelta(days=40))
    posts = challenge_posts(harness)
    deck = load_catalogue().challenge
    assert len(posts) == 31
    assert [p.text.splitlines()[1] for p in posts] == [p.text for p in deck]
    assert [p.text.splitlines()[0] for p in posts][:2] == [
        "🌱 Kindness challenge · day 1 of 31",
        "🌱 Kindness challenge · day 2 of 31",
    ]
    rows = await harness.db.fetchall(
        "SELECT slot, due_at, finished_at FROM occurrences WHERE kind = 'kindness.challenge'"
        " AND state = 'sent' ORDER BY due_at"
    )
    local = [datetime.fromtimestamp(r["due_at"], UTC).astimezone(LONDON) for r in rows]
    assert [t.date() for t in local] == [date(2026, 3, 16) + timedelta(days=i) for i in range(31)]
    assert all((t.hour, t.minute) == (9, 0) for t in local)
    assert all(r["finished_at"] == r["due_at"] for r in rows)  # on time, never late
    assert all(p.choice("done") for p in posts)


async def test_setup_after_todays_post_time_starts_tomorrow(harness: Harness) -> None:
    harness.clock.set(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))
    reply = reply_text(await harness.say("ada", SETUP))
    assert "03 Mar – 02 Apr" in reply and "Day 1 is posted Tue 03 Mar 09:00 GMT" in reply
    await harness.advance(timedelta(hours=12))
    assert challenge_posts(harness) == []


async def test_repeating_setup_neither_restarts_nor_doubles_a_day(harness: Harness) -> None:
    await harness.say("ada", SETUP)
    await harness.advance(timedelta(days=2, hours=4))  # Wednesday 10:00, day 3 posted
    again = reply_text(await harness.say("ada", SETUP))
    assert "is already running: day 3 of 31" in again
    moved = reply_text(await harness.say("ada", "/kith setup kindness time:11:00"))
    assert "updated" in moved and "is running: day 3 of 31" in moved
    await harness.advance(timedelta(hours=2))  # Wednesday 11:00 passes: day 3 is not posted again
    assert len(challenge_posts(harness)) == 3
    await harness.advance(timedelta(days=1))
    posts = challenge_posts(harness)
    assert [p.text.splitlines()[0][-11:] for p in posts] == [
        "day 1 of 31",
        "day 2 of 31",
        "day 3 of 31",
        "day 4 of 31",
    ]
    last = await harness.db.fetchval(
        "SELECT MAX(due_at) FROM occurrences WHERE kind = 'kindness.challenge' AND state = 'sent'"
    )
    assert datetime.fromtimestamp(last, UTC).astimezone(LONDON).hour == 11


async def test_challenge_off_stops_posts_and_keeps_its_leaderboard(harness: Harness) -> None:
    await harness.say("ada", SETUP + " leaderboard:everyone")
    await harness.advance(timedelta(hours=4))
    await harness.say("bo", "/kind challenge act")
    stopped = reply_text(await harness.say("ada", "/kith setup kindness challenge:off"))
    assert "No 31-day challenge running" in stopped
    await harness.advance(timedelta(days=3))
    assert len(challenge_posts(harness)) == 1
    board = reply_text(await harness.say("bo", "/leaderboard window:challenge"))
    assert "31-day challenge (02 Mar – 01 Apr)" in board and "1. @Bo — 1 act" in board


async def test_i_did_it_logs_the_days_suggestion_once(harness: Harness) -> None:
    await harness.say("ada", SETUP)
    await harness.advance(timedelta(hours=4))
    post = challenge_posts(harness)[0]
    first = reply_text(await harness.click("bo", post.choice("done")))
    assert "Logged: “Challenge day 1: Send a short 'thinking of you' message" in first
    assert "Your streak: 1 day" in first
    again = reply_text(await harness.click("bo", post.choice("done")))
    assert "already logged" in again
    other = reply_text(await harness.click("cy", post.choice("done")))
    assert "Logged:" in other
    rows = await harness.db.fetchall("SELECT user_key, source FROM kind_acts ORDER BY id")
    assert [(r["user_key"], r["source"]) for r in rows] == [
        ("test:c1:bo", "challenge"),
        ("test:c1:cy", "challenge"),
    ]


async def test_forged_or_stale_challenge_clicks_are_refused_and_change_nothing(
    harness: Harness,
) -> None:
    await harness.say("ada", SETUP)
    await harness.advance(timedelta(hours=4))
    post = challenge_posts(harness)[0]
    checkin = await harness.db.fetchval("SELECT MIN(id) FROM occurrences")
    before = await snapshot(harness.db)
    for forged in (
        choice_ids.encode("kchal", 99999),
        choice_ids.encode("kchal", "x"),
        "v1:kchal",
    ):
        assert "nothing was logged" in reply_text(await harness.click("bo", forged)) or (
            "isn't one of mine" in reply_text(await harness.click("bo", forged))
        )
    assert checkin is not None
    await harness.advance(timedelta(days=3))
    before = await snapshot(harness.db)
    stale = reply_text(await harness.click("bo", post.choice("done")))
    assert "has passed" in stale
    assert await snapshot(harness.db) == before


async def test_the_challenge_window_counts_only_acts_during_the_challenge(
    harness: Harness,
) -> None:
    await harness.say("ada", "/kith setup kindness channel:#kindness leaderboard:everyone")
    await harness.say("al", "/kind before the challenge")
    harness.clock.set(datetime(2026, 3, 3, 7, 0, tzinfo=UTC))
    await harness.say("ada", "/kith setup kindness challenge:31-day")
    await harness.say("bo", "/kind during the challenge")
    board = await harness.say("cy", "/leaderboard window:challenge")
    assert "1. @Bo — 1 act" in reply_text(board) and "Al" not in reply_text(board)
    assert "Al" in reply_text(await harness.say("cy", "/leaderboard window:all"))


async def test_bad_setup_input_gets_a_clear_message_and_changes_nothing(harness: Harness) -> None:
    first = reply_text(await harness.say("ada", "/kith setup kindness leaderboard:everyone"))
    assert "give a channel" in first
    assert await harness.db.fetchval("SELECT COUNT(*) FROM programmes") == 0
    await harness.say("ada", SETUP)
    before = await snapshot(harness.db)
    cases = {
        "/kith setup kindness leaderboard:maybe": "leaderboard: is opt-in, everyone or off",
        "/kith setup kindness challenge:60-day": "challenge: is 31-day",
        "/kith setup kindness time:25:00": "not a time of day",
        "/kith setup kindness tz:Europe/Londn": "Did you mean Europe/London",
        "/kith setup kindness channel:kindness": "isn't a channel",
        "/kith setup kindness grace:lots": "grace:",
    }
    await harness.refuses("ada", cases)
    refused = reply_text(await harness.say("bo", "/kith setup kindness leaderboard:off"))
    assert "for this community's admins" in refused
    assert await snapshot(harness.db) == before


async def test_status_describes_it_and_pause_stops_the_challenge(harness: Harness) -> None:
    await harness.say("ada", SETUP)
    status = reply_text(await harness.say("ada", "/kith status"))
    assert "Kindness streaks · #kindness · leaderboard opt-in · 31-day challenge" in status
    assert "Next: Mon 02 Mar 09:00 GMT" in status
    await harness.say("ada", "/kith pause kindness")
    await harness.advance(timedelta(days=2))
    assert challenge_posts(harness) == []
    assert "running again" in reply_text(await harness.say("ada", "/kith resume kindness"))
    await harness.advance(timedelta(days=1))
    assert len(challenge_posts(harness)) == 1  # day 3 only: paused days are not made up
    assert "day 3 of 31" in challenge_posts(harness)[0].text
