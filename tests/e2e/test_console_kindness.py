"""A scripted console month of kindness: 2 March to 1 April 2026, three members in three zones.

New York moves its clocks on 8 March and London on 29 March. Each member keeps a pattern a person
can check on a calendar; the expected streaks below are worked out by hand from those patterns,
not by Kith's code.

- ana, Europe/London, logs at 23:30 local every day but 19 March (one rest day):
  31 days − 1 = 30 act days in one streak. Milestones 3 (4 Mar), 7 (8 Mar), 14 (15 Mar) and
  30 (1 Apr, her 30th act day). She joins the leaderboard.
- ben, America/New_York, logs at 00:15 local every day but 11 and 12 March (two days in a row:
  the streak ends). First streak 2–10 March = 9 days; second 13 March – 1 April = 20 days.
  He turns public milestone mentions off and leaves the leaderboard: he is never named.
- cho, Asia/Tokyo, logs at 07:00 local every day but 6, 14, 21 and 25 March. 6 and 14 March are
  8 days apart (both rest days); 21 March is 7 days after 14 March (a rest day too); 25 March is
  only 4 days after 21 March, so the streak ends on 24 March: 2–24 March less 3 rest days = 20
  act days. Then 26 March – 1 April = 7 days. Milestones 3 (4 Mar), 7 (9 Mar), 14 (17 Mar),
  then 3 (28 Mar) and 7 (1 Apr).
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from tests.e2e.console_helpers import console

FIRST = date(2026, 3, 2)
DAYS = [FIRST + timedelta(days=i) for i in range(31)]  # 2 March … 1 April
MEMBERS = {
    "ana": ("Europe/London", time(23, 30), {date(2026, 3, 19)}),
    "ben": ("America/New_York", time(0, 15), {date(2026, 3, 11), date(2026, 3, 12)}),
    "cho": (
        "Asia/Tokyo",
        time(7, 0),
        {date(2026, 3, 6), date(2026, 3, 14), date(2026, 3, 21), date(2026, 3, 25)},
    ),
}
# name → (current streak on the evening of 1 April, longest), by hand (see the module docstring)
EXPECTED = {"ana": (30, 30), "ben": (20, 20), "cho": (7, 20)}
EXPECTED_MILESTONES = [
    ("cho", 3),  # 4 Mar 07:00 Tokyo = 3 Mar 22:00 UTC, before ana's 4 Mar 23:30
    ("ana", 3),
    ("cho", 7),  # 9 Mar 07:00 Tokyo = 8 Mar 22:00 UTC, before ana's 8 Mar 23:30
    ("ana", 7),
    ("ana", 14),
    ("cho", 14),
    ("cho", 3),
    ("cho", 7),  # 1 Apr 07:00 Tokyo = 31 Mar 22:00 UTC
    ("ana", 30),
]


def script() -> str:
    events: list[tuple[datetime, str]] = []
    for name, (zone, at, missed) in MEMBERS.items():
        for n, day in enumerate(DAYS):
            if day not in missed:
                instant = datetime.combine(day, at, ZoneInfo(zone))
                events.append((instant, f"@{name}: /kind small kindness number {n + 1}"))
    # Settings and checks at moments that fall between acts.
    extra = [
        (datetime(2026, 3, 10, 12, 0, tzinfo=ZoneInfo("UTC")), "@ana: /leaderboard window:all"),
        (
            datetime(2026, 3, 10, 12, 1, tzinfo=ZoneInfo("UTC")),
            ":admin ada\n@ada: /kith setup kindness leaderboard:everyone",
        ),
        (datetime(2026, 3, 10, 12, 2, tzinfo=ZoneInfo("UTC")), "@ana: /leaderboard window:all"),
        (datetime(2026, 3, 20, 12, 0, tzinfo=ZoneInfo("UTC")), "@ana: /thanks @cho for the tea"),
        (datetime(2026, 4, 1, 23, 0, tzinfo=ZoneInfo("UTC")), "@ana: /streak"),
        (datetime(2026, 4, 1, 23, 0, tzinfo=ZoneInfo("UTC")), "@ben: /streak"),
        (datetime(2026, 4, 1, 23, 0, tzinfo=ZoneInfo("UTC")), "@cho: /streak"),
        (
            datetime(2026, 4, 1, 23, 1, tzinfo=ZoneInfo("UTC")),
            "@cho: /leaderboard window:all by:streak\n@cho: /leaderboard window:all by:acts\n"
            "@cho: /leaderboard by:streak\n@cho: /leaderboard window:challenge\n"
            "@cho: /streak @ben\n@cho: /streak @ana",
        ),
    ]
    lines = [
        "# A month of kindness across the clock changes, in three time zones.",
        ":admin ada",
        "@ada: /kith setup kindness channel:#kindness challenge:31-day time:09:00",
        ":tz ana Europe/London",
        ":tz ben America/New_York",
        ":tz cho Asia/Tokyo",
        "@ana: /leaderboard join",
        "@ben: /leaderboard leave",
        "@ben: /streak milestones private",
    ]
    for instant, text in sorted(events + extra, key=lambda e: e[0]):
        lines.append(f":at {instant.isoformat()}")
        lines.append(text)
    return "\n".join(lines) + "\n"


def private_to(messages: list[dict[str, Any]], name: str) -> list[str]:
    return [m["text"] for m in messages if m["to"] == f"@{name}" and m["private"]]


def test_a_month_of_kindness_across_dst_in_three_time_zones(tmp_path: Path) -> None:
    messages, errors = console(
        script(), tmp_path, "--start", "2026-03-01T20:00", "--tz", "Europe/London"
    )
    assert errors == []

    # Streaks a person checking by hand agrees with.
    for name, (current, longest) in EXPECTED.items():
        streak = [t for t in private_to(messages, name) if t.startswith("🔥 Your streak")][-1]
        assert streak.startswith(f"🔥 Your streak: {current} days · longest: {longest} days"), (
            name,
            streak,
        )
    # Every act was answered on the member's own local date (the reply names the date).
    for name, (_, _, missed) in MEMBERS.items():
        logged = [t for t in private_to(messages, name) if t.startswith("💛 Logged")]
        dates = [re.search(r"\((\w{3} \d\d \w{3})\)", t) for t in logged]
        expected = [f"{d:%a %d %b}" for d in DAYS if d not in missed]
        assert [m.group(1) if m else None for m in dates] == expected, name

    # Milestones: named without a ping for ana and cho, never for ben, who opted out.
    channel = [m for m in messages if m["to"] == "#kindness"]
    celebrated = [
        (found.group(1), int(found.group(2)))
        for m in channel
        if (found := re.match(r"🎉 @(\w+) reached a (\d+)-day kindness streak", m["text"]))
    ]
    assert celebrated == EXPECTED_MILESTONES
    assert not any("@ben" in m["text"] for m in channel)
    ben = private_to(messages, "ben")
    assert sum("That's a 3-day streak, a milestone!" in t for t in ben) == 2  # told privately

    # The 31-day challenge: one suggestion a day at 09:00 London time, across the change.
    posts = [m for m in channel if m["text"].startswith("🌱 Kindness challenge")]
    assert len(posts) == 31
    local = [datetime.fromisoformat(p["at"]).astimezone(ZoneInfo("Europe/London")) for p in posts]
    assert [t.date() for t in local] == DAYS
    assert {(t.hour, t.minute) for t in local} == {(9, 0)}
    assert [p["text"].splitlines()[0] for p in posts][-1] == "🌱 Kindness challenge · day 31 of 31"

    # Leaderboards respect every opt-out, in both modes.
    boards = [t for name in MEMBERS for t in private_to(messages, name) if t.startswith("🏆")]
    assert boards and not any("@ben" in b for b in boards)
    ana_boards = [t for t in private_to(messages, "ana") if t.startswith("🏆")]
    # 10 March, opt-in: only ana joined. Then everyone (ben left): ana and cho both have 8 acts;
    # cho's 8th (10 Mar 07:00 Tokyo) came before ana's (9 Mar 23:30 London), so cho leads.
    assert "1. @ana — 8 acts" in ana_boards[0] and "@cho" not in ana_boards[0]
    assert "1. @cho — 8 acts" in ana_boards[1] and "2. @ana — 8 acts" in ana_boards[1]
    cho_boards = [t for t in private_to(messages, "cho") if t.startswith("🏆")]
    longest, acts, current, challenge = cho_boards
    assert "1. @ana — 30 days" in longest and "2. @cho — 20 days" in longest
    assert "1. @ana — 30 acts" in acts and "2. @cho — 27 acts" in acts
    assert "1. @ana — 30 days" in current and "2. @cho — 7 days" in current
    assert "31-day challenge (02 Mar – 01 Apr)" in challenge and "1. @ana — 30 acts" in challenge
    cho = private_to(messages, "cho")
    assert any("@ben keeps their streak to themselves" in t for t in cho)
    assert any(t.startswith("🔥 @ana's streak: 30 days") for t in cho)
    assert any("ana thanked you" in t for t in cho)
