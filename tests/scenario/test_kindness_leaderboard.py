"""Leaderboards: the three modes, every opt-out respected, windows, measures and stable ties."""

from __future__ import annotations

import itertools
from datetime import timedelta

from bot.identity import UserRef
from bot.messages import Mention, Reply
from tests.fakes import COMMUNITY, Harness, reply_text, snapshot


async def setup(h: Harness, mode: str = "opt-in") -> None:
    reply = reply_text(
        await h.say("ada", f"/kith setup kindness channel:#kindness leaderboard:{mode}")
    )
    assert "Kindness streaks are" in reply


def names(reply: Reply) -> list[str]:
    """The names on a board, in order, read from its mentions."""
    assert reply.message is not None
    found = []
    for paragraph in reply.message.paragraphs:
        for inline in paragraph:
            if isinstance(inline, Mention):
                found.append(inline.name)
    return found


async def acts(h: Harness, name: str, n: int, tag: str = "") -> None:
    for i in range(n):
        await h.say(name, f"/kind act {tag}{i}")


async def test_opt_in_is_the_default_and_shows_only_members_who_joined(harness: Harness) -> None:
    await setup(harness)
    await acts(harness, "al", 2)
    await acts(harness, "bo", 3)
    empty = await harness.say("al", "/leaderboard")
    assert names(empty) == [] and "Nobody to show yet" in reply_text(empty)
    assert "/leaderboard join adds you" in reply_text(empty)
    assert "You're not on this leaderboard" in reply_text(empty)
    joined = reply_text(await harness.say("al", "/leaderboard join"))
    assert "you're on the leaderboard" in joined and "without pinging you" in joined
    board = await harness.say("bo", "/leaderboard")
    assert names(board) == ["Al"]  # bo has more acts but never opted in
    assert "1. @Al — 2 acts" in reply_text(board)


async def test_everyone_mode_shows_all_but_members_who_left_at_once(harness: Harness) -> None:
    await setup(harness, "everyone")
    await acts(harness, "al", 1)
    await acts(harness, "bo", 3)
    await acts(harness, "cy", 2)
    assert names(await harness.say("al", "/leaderboard")) == ["Bo", "Cy", "Al"]
    left = reply_text(await harness.say("bo", "/leaderboard leave"))
    assert "off the leaderboard" in left
    assert names(await harness.say("al", "/leaderboard")) == ["Cy", "Al"]
    await acts(harness, "bo", 1, "more")  # new acts don't bring bo back
    assert names(await harness.say("al", "/leaderboard")) == ["Cy", "Al"]
    await harness.say("bo", "/leaderboard join")
    assert names(await harness.say("al", "/leaderboard")) == ["Bo", "Cy", "Al"]


async def test_an_opt_out_is_respected_in_every_window_measure_and_mode(harness: Harness) -> None:
    await setup(harness, "everyone")
    await harness.say("ada", "/kith setup kindness challenge:31-day")
    await harness.advance(timedelta(hours=4))
    for name in ("al", "bo", "cy"):
        await acts(harness, name, 2)
    await harness.say("bo", "/leaderboard leave")
    await harness.say("cy", "/leaderboard join")
    for mode in ("everyone", "opt-in"):
        await harness.say("ada", f"/kith setup kindness leaderboard:{mode}")
        for window, by in itertools.product(
            ("week", "month", "all", "challenge"), ("acts", "streak")
        ):
            shown = names(await harness.say("al", f"/leaderboard window:{window} by:{by}"))
            assert "Bo" not in shown, (mode, window, by)
            assert "Cy" in shown, (mode, window, by)
            assert ("Al" in shown) == (mode == "everyone"), (mode, window, by)
        streak = reply_text(await harness.say("al", "/streak @bo"))
        assert "keeps their streak to themselves" in streak


async def test_off_mode_shows_no_board_and_no_one_elses_streak(harness: Harness) -> None:
    await setup(harness, "off")
    await acts(harness, "bo", 1)
    await harness.say("bo", "/leaderboard join")
    off = await harness.say("al", "/leaderboard window:all")
    assert "turned off" in reply_text(off) and names(off) == []
    assert "keeps their streak to themselves" in reply_text(await harness.say("al", "/streak @bo"))
    note = reply_text(await harness.say("cy", "/leaderboard join"))
    assert "off here at the moment" in note
    assert "The leaderboard is off" in reply_text(await harness.say("bo", "/streak"))


async def test_names_are_mentions_that_never_ping(harness: Harness) -> None:
    await setup(harness, "everyone")
    await acts(harness, "bo", 1)
    reply = await harness.say("al", "/leaderboard")
    assert reply.private and reply.message is not None
    assert not reply.message.pings
    mentions = [i for p in reply.message.paragraphs for i in p if isinstance(i, Mention)]
    assert mentions == [Mention(UserRef(COMMUNITY, "bo"), "Bo")]


async def test_ties_go_to_whoever_got_there_first_and_the_order_is_stable(harness: Harness) -> None:
    await setup(harness, "everyone")
    await acts(harness, "cy", 2)
    await harness.advance(timedelta(minutes=5))
    await acts(harness, "al", 2)
    await harness.advance(timedelta(minutes=5))
    await acts(harness, "bo", 3)
    await harness.advance(timedelta(minutes=5))
    await acts(harness, "di", 2)
    first = reply_text(await harness.say("al", "/leaderboard"))
    assert names(await harness.say("al", "/leaderboard")) == ["Bo", "Cy", "Al", "Di"]
    for _ in range(3):
        assert reply_text(await harness.say("al", "/leaderboard")) == first
    assert "Ties go to whoever got there first" in first
    # Streaks tie too (everyone at 1 day): whoever reached it first leads.
    assert names(await harness.say("al", "/leaderboard by:streak")) == ["Cy", "Al", "Bo", "Di"]


async def test_windows_week_month_and_all_time(harness: Harness) -> None:
    await setup(harness, "everyone")
    await acts(harness, "al", 3)  # Monday 2 March
    await harness.advance(timedelta(days=7))  # Monday 9 March: a new week, same month
    await acts(harness, "bo", 1)
    week = await harness.say("cy", "/leaderboard window:week")
    assert names(week) == ["Bo"] and "this week (09 Mar – 15 Mar)" in reply_text(week)
    assert names(await harness.say("cy", "/leaderboard month")) == ["Al", "Bo"]
    await harness.advance(timedelta(days=23))  # 1 April
    assert names(await harness.say("cy", "/leaderboard window:month")) == []
    alltime = await harness.say("cy", "/leaderboard window:all by:acts")
    assert names(alltime) == ["Al", "Bo"] and "1. @Al — 3 acts" in reply_text(alltime)
    assert "2. @Bo — 1 act" in reply_text(alltime)


async def test_by_streak_shows_live_streaks_and_all_time_shows_the_longest(
    harness: Harness,
) -> None:
    await setup(harness, "everyone")
    for day in range(4):
        if day:
            await harness.advance(timedelta(days=1))
        await harness.say("al", f"/kind daily {day}")
        if day < 2:
            await harness.say("bo", f"/kind early {day}")
    # Thursday: al is on 4 days; bo stopped after Tuesday (Wednesday missed: resting today).
    current = await harness.say("cy", "/leaderboard by:streak")
    assert names(current) == ["Al", "Bo"] and "1. @Al — 4 days" in reply_text(current)
    await harness.advance(timedelta(days=1))  # Friday: bo missed two days, so his streak ended
    assert names(await harness.say("cy", "/leaderboard by:streak")) == ["Al"]
    longest = await harness.say("cy", "/leaderboard window:all by:streak")
    assert names(longest) == ["Al", "Bo"] and "2. @Bo — 2 days" in reply_text(longest)
    assert "Longest streaks, all time" in reply_text(longest)


async def test_a_member_outside_the_top_ten_sees_their_own_figure(harness: Harness) -> None:
    await setup(harness, "everyone")
    for i in range(11):
        await acts(harness, f"m{i:02d}", 2)
    await acts(harness, "zed", 1)
    board = await harness.say("zed", "/leaderboard")
    assert len(names(board)) == 10 and "Zed" not in names(board)
    assert "You: 1 act, not in the top 10 this time." in reply_text(board)


async def test_someone_elses_streak_is_shown_only_if_they_would_be_on_the_board(
    harness: Harness,
) -> None:
    await setup(harness)
    await acts(harness, "bo", 1)
    hidden = reply_text(await harness.say("al", "/streak @bo"))
    assert "@Bo keeps their streak to themselves" in hidden and "1 day" not in hidden
    await harness.say("bo", "/leaderboard join")
    shown = reply_text(await harness.say("al", "/streak @bo"))
    assert "@Bo's streak: 1 day · longest: 1 day" in shown


async def test_bad_leaderboard_input_gets_a_clear_message_and_changes_nothing(
    harness: Harness,
) -> None:
    await setup(harness)
    await acts(harness, "bo", 1)
    before = await snapshot(harness.db)
    cases = {
        "/leaderboard window:year": "window: is week, month, all or challenge",
        "/leaderboard by:kindness": "by: is acts or streak",
        "/leaderboard fortnight": "isn't a leaderboard choice",
        "/leaderboard week month": "isn't a leaderboard choice",
        "/leaderboard window:challenge": "No 31-day challenge has run here yet",
        "/streak @": "isn't a member here",
    }
    await harness.refuses("al", cases)
    assert await snapshot(harness.db) == before


async def test_leaderboard_commands_need_the_programme(harness: Harness) -> None:
    for command in ("/leaderboard", "/leaderboard join", "/streak"):
        assert "aren't set up here yet" in reply_text(await harness.say("al", command))
