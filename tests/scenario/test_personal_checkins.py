"""Personal check-ins: each member's own private check-in at their local time, through the real
core, a real SQLite file, a simulated clock and a recording chat."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.events import ClickEvent
from bot.identity import MessageRef, UserRef
from bot.messages import Message
from bot.ports import DeliveryError
from tests.fakes import FakeChat, Harness, make_harness, reply_text, snapshot

SETUP = "/kith setup checkin channel:#general time:09:00 days:mon-fri tz:Europe/London"


@dataclass
class DM:
    at: datetime
    to: str
    message: Message
    key: str | None

    @property
    def nudge(self) -> bool:
        return "gentle nudge" in self.message.plain_text

    def choice(self, value: str) -> str:
        return next(c.id for c in self.message.choices if c.value == value)


class ClockedChat(FakeChat):
    """The recording chat, noting when (on the simulated clock) each new private message came."""

    def __init__(self, clock_now) -> None:  # type: ignore[no-untyped-def]
        super().__init__()
        self.clock_now = clock_now
        self.dms: list[DM] = []

    async def send_private(
        self, user: UserRef, message: Message, *, delivery_key: str | None = None
    ) -> MessageRef:
        count = len(self.sent)
        ref = await super().send_private(user, message, delivery_key=delivery_key)
        if len(self.sent) > count:  # a platform dedups a repeated key: not a new message
            self.dms.append(DM(self.clock_now(), user.id, message, delivery_key))
        return ref


async def start(path: Path, at: datetime, chat: ClockedChat | None = None) -> Harness:
    harness = await make_harness(path, at)
    harness.admins.add("ada")
    harness.chat = chat or ClockedChat(harness.clock.now)
    harness.chat.clock_now = harness.clock.now  # type: ignore[attr-defined]
    return harness


async def test_los_angeles_and_tokyo_at_0830_local_through_a_month(tmp_path: Path) -> None:
    """March 2026: Los Angeles springs forward on the 8th; mid-month Lena moves from Los Angeles
    to Tokyo and Taro from Tokyo to Los Angeles; Kith restarts on the 20th. Each gets one
    check-in per chosen local date at 08:30 local, and Lena (remind:on) one nudge on each date
    she leaves unanswered."""
    path = tmp_path / "kith.sqlite3"
    h = await start(path, datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
    assert "set up" in reply_text(await h.say("ada", SETUP))
    await h.say("lena", "/kith timezone America/Los_Angeles")
    await h.say("taro", "/kith timezone Asia/Tokyo")
    lena = reply_text(await h.say("lena", "/checkin daily time:08:30 days:mon-fri remind:on"))
    assert "08:30 mon-fri (America/Los_Angeles)" in lena and "Mon 02 Mar 08:30 PST" in lena
    taro = reply_text(await h.say("taro", "/checkin daily time:08:30 days:daily"))
    assert "08:30 every day (Asia/Tokyo)" in taro and "no reminders" in taro
    chat = h.chat
    assert isinstance(chat, ClockedChat)

    lena_moves = datetime(2026, 3, 16, 20, 0, tzinfo=UTC)  # Mon 13:00 PDT = Tue 05:00 JST
    taro_moves = datetime(2026, 3, 16, 2, 0, tzinfo=UTC)  # Mon 11:00 JST = Sun 19:00 PDT
    restart = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)
    end = datetime(2026, 4, 1, 0, 0, tzinfo=UTC)
    answered: set[date] = set()
    seen = 0
    cursor = h.clock.now()
    while cursor < end:
        cursor += timedelta(hours=1)
        await h.advance_to(cursor)
        if cursor == taro_moves:
            assert "Los_Angeles" in reply_text(
                await h.say("taro", "/kith timezone America/Los_Angeles")
            )
        if cursor == lena_moves:
            assert "Tokyo" in reply_text(await h.say("lena", "/kith timezone Asia/Tokyo"))
        if cursor == restart:  # a new process on the same database and the same platform
            await h.db.close()
            h = await start(path, cursor, chat)
        for dm in chat.dms[seen:]:
            # Lena answers her check-ins on even dates, within the hour.
            zone = ZoneInfo("America/Los_Angeles" if dm.at < lena_moves else "Asia/Tokyo")
            day = dm.at.astimezone(zone).date()
            if dm.to == "lena" and not dm.nudge and day.day % 2 == 0:
                assert "4/5" in reply_text(await h.click("lena", dm.choice("4")))
                answered.add(day)
        seen = len(chat.dms)

    def zone_of(who: str, at: datetime) -> ZoneInfo:
        if who == "lena":
            return ZoneInfo("America/Los_Angeles" if at < lena_moves else "Asia/Tokyo")
        return ZoneInfo("Asia/Tokyo" if at < taro_moves else "America/Los_Angeles")

    for who, weekdays in (("lena", range(5)), ("taro", range(7))):
        checkins = [dm for dm in chat.dms if dm.to == who and not dm.nudge]
        local = [dm.at.astimezone(zone_of(who, dm.at)) for dm in checkins]
        assert all((t.hour, t.minute) == (8, 30) for t in local), [t.isoformat() for t in local]
        dates = Counter(t.date() for t in local)
        assert max(dates.values()) == 1, dates  # never two on one local date
        first, last = min(dates), max(dates)
        expected = {
            first + timedelta(days=n)
            for n in range((last - first).days + 1)
            if (first + timedelta(days=n)).weekday() in weekdays
        }
        assert set(dates) == expected  # never a chosen date skipped
        assert first == date(2026, 3, 2) and last >= date(2026, 3, 30)

    # Lena's nudges: one on each date she left unanswered, three hours after; none otherwise.
    lena_checkins = [dm for dm in chat.dms if dm.to == "lena" and not dm.nudge]
    nudges = [dm for dm in chat.dms if dm.to == "lena" and dm.nudge]
    unanswered = [
        dm
        for dm in lena_checkins
        if dm.at.astimezone(zone_of("lena", dm.at)).date() not in answered
    ]
    assert answered and unanswered
    assert [n.at for n in nudges] == [
        dm.at + timedelta(hours=3) for dm in unanswered if dm.at + timedelta(hours=3) < end
    ]
    assert all(n.choice("3") == dm.choice("3") for n, dm in zip(nudges, unanswered, strict=False))
    assert not [dm for dm in chat.dms if dm.to == "taro" and dm.nudge]
    # Answers are the community's moods on the member's own local dates.
    days = await h.db.fetchall("SELECT local_date FROM moods WHERE user_key = 'test:c1:lena'")
    assert {r["local_date"] for r in days} == {d.isoformat() for d in answered}
    await h.db.close()


MONDAY = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)


async def opted_in(h: Harness, name: str, text: str, tz: str | None = None) -> str:
    if tz:
        await h.say(name, f"/kith timezone {tz}")
    return reply_text(await h.say(name, text))


@pytest.mark.parametrize("answered_at", [timedelta(hours=20), timedelta(hours=40)])
async def test_a_platform_zone_change_moves_the_next_checkin_to_the_new_local_time(
    tmp_path: Path, answered_at: timedelta
) -> None:
    """A Slack profile's zone changes without any command: the next check-in, laid out in the
    old zone, goes out at 08:30 in the new one, and still only once that date. Found when the
    member's horizon is topped up (Tue 02:00 UTC), or only when the check-in falls due (Tue 22:00
    UTC, just before Wed 08:30 JST)."""
    h = await start(tmp_path / "k.sqlite3", MONDAY)
    await h.say("ada", SETUP)
    await h.say("mia", "/checkin daily time:08:30 days:daily", tz="Asia/Tokyo")
    await h.advance(answered_at)  # Tue 08:30 JST = Mon 23:30 UTC: sent
    assert len(h.chat.dms) == 1  # type: ignore[attr-defined]
    # Mia answers from a profile that now says Los Angeles (Slack sends the zone with it).
    tuesday = h.chat.dms[0]  # type: ignore[attr-defined]
    actor = h.actor("mia", tz="America/Los_Angeles")
    await h.kith.handle(ClickEvent(actor, tuesday.choice("3")), h.chat)
    await h.advance_to(MONDAY + timedelta(days=3))
    la = ZoneInfo("America/Los_Angeles")
    times = [dm.at.astimezone(la) for dm in h.chat.dms]  # type: ignore[attr-defined]
    # Wed 08:30 JST (laid out before the change) became Wed 08:30 PST; Tue was already sent.
    assert [(t.date().isoformat(), t.hour, t.minute) for t in times[1:]] == [
        ("2026-03-04", 8, 30),
    ]
    await h.db.close()


async def test_bad_input_gets_a_clear_answer_and_changes_nothing(harness: Harness) -> None:
    await harness.say("ada", SETUP)
    await harness.say("bo", "/checkin daily time:08:30")
    before = await snapshot(harness.db)
    for text, expected in (
        ("/checkin daily time:25:00", "not a time of day"),
        ("/checkin daily time:8.30", "not a time"),
        ("/checkin daily time:08:30 days:someday", "not a list of days"),
        ("/checkin daily time:08:30 remind:maybe", "remind: is on or off"),
        ("/checkin pause until:2026-03-01", "already come"),
        ("/checkin pause until:next-week", "isn't a date"),
        ("/checkin pause until:2028-01-01", "up to a year"),
        ("/checkin resume", "aren't paused"),
    ):
        assert expected in reply_text(await harness.say("bo", text)), text
    assert await snapshot(harness.db) == before
    for text, expected in (
        ("/checkin off", "don't have a personal check-in"),
        ("/checkin daily", "Choose your time"),
        ("/checkin daily days:mon-fri", "Give a time too"),
    ):
        assert expected in reply_text(await harness.say("cy", text)), text
    assert await snapshot(harness.db) == before


async def test_needs_a_checkin_programme(harness: Harness) -> None:
    reply = reply_text(await harness.say("bo", "/checkin daily time:08:30"))
    assert "aren't set up here yet" in reply
    assert await harness.db.fetchval("SELECT COUNT(*) FROM personal_checkins") == 0


async def test_admin_switch_status_count_off_and_pause(harness: Harness) -> None:
    await harness.say("ada", SETUP)
    for name in ("bo", "cy", "di"):
        await harness.say(name, "/checkin daily time:07:00 days:daily")
    status = reply_text(await harness.say("ada", "/kith status"))
    assert "Personal check-ins: 3 members use their own time." in status
    assert "Bo" not in status and "test:c1:bo" not in status  # a count, never names
    await harness.say("cy", "/checkin off")
    await harness.say("di", "/checkin pause until:2026-03-05")
    status = reply_text(await harness.say("ada", "/kith status"))
    assert "2 members use their own time (1 on a break)" in status
    await harness.advance(timedelta(days=4))  # to Fri 06:00 UTC: Mon..Thu 07:00 UTC went out
    got = Counter(dm.to for dm in harness.chat.sent if dm.private)
    assert got == {"test:c1:bo": 4, "test:c1:di": 1}  # Di's break ended on Thursday 5th

    off = reply_text(await harness.say("ada", "/kith setup checkin personal:off"))
    assert "switched off" in off
    assert "switched off" in reply_text(await harness.say("cy", "/checkin daily time:07:00"))
    assert "switched off" in reply_text(await harness.say("ada", "/kith status"))
    await harness.advance(timedelta(days=2))
    assert Counter(dm.to for dm in harness.chat.sent if dm.private) == got  # nothing more
    await harness.say("ada", "/kith setup checkin personal:on")
    await harness.advance(timedelta(days=1))
    after = Counter(dm.to for dm in harness.chat.sent if dm.private)
    assert after == {"test:c1:bo": 5, "test:c1:di": 2}
    bad = reply_text(await harness.say("ada", "/kith setup checkin personal:maybe"))
    assert "personal: is on or off" in bad


async def test_pausing_the_programme_pauses_personal_checkins_and_resuming_restores_them(
    harness: Harness,
) -> None:
    await harness.say("ada", SETUP)
    await harness.say("bo", "/checkin daily time:07:00 days:daily")
    await harness.say("ada", "/kith pause checkin")
    await harness.advance(timedelta(days=2))
    assert not [s for s in harness.chat.sent if s.private]
    await harness.say("ada", "/kith resume checkin")
    await harness.advance(timedelta(days=1))
    assert len([s for s in harness.chat.sent if s.private]) == 1


async def test_answers_count_in_stats_and_checkin_shows_todays_own(harness: Harness) -> None:
    await harness.say("ada", SETUP)
    names = ("bo", "cy", "di", "ed", "fay")
    for name in names:
        await harness.say(name, "/checkin daily time:07:00 days:daily")
    await harness.advance(timedelta(hours=2))  # 07:00 UTC: five private check-ins
    dms = [s for s in harness.chat.sent if s.private]
    assert len(dms) == 5 and "Your own check-in, 07:00 every day (UTC)" in dms[0].text
    for dm in dms:
        await harness.click(dm.to.rsplit(":", 1)[1], dm.choice("4"))
    # Someone else's private check-in cannot be answered with a copied button.
    refused = reply_text(await harness.click("zed", dms[0].choice("1")))
    assert "can't find that check-in" in refused
    # /checkin today gives Bo their own check-in again, not a second one.
    again = await harness.say("bo", "/checkin")
    assert again.message is not None and again.message.choices[0].id == dms[0].choice("1")
    stats = reply_text(await harness.say("ada", "/kith stats"))
    assert "Posts: 0 · personal check-ins sent: 5 · answers: 5 from 5 members" in stats
    assert "4.0/5 from 5 answers" in stats


async def test_closed_dms_stop_a_members_checkins_and_status_says_so(harness: Harness) -> None:
    await harness.say("ada", SETUP)
    await harness.say("bo", "/checkin daily time:07:00 days:daily")
    harness.chat.fail_next.append(
        DeliveryError("cannot send messages to this user", permanent=True)
    )
    await harness.advance(timedelta(days=3))
    assert not [s for s in harness.chat.sent if s.private]  # tried once, then stopped
    status = reply_text(await harness.say("ada", "/kith status"))
    assert "1 could not be reached privately" in status
    assert "Failed" not in status  # not a delivery problem of the programme
    back = reply_text(await harness.say("bo", "/checkin daily time:07:00"))
    assert "is set" in back
    await harness.advance(timedelta(days=1))
    assert len([s for s in harness.chat.sent if s.private]) == 1


async def test_forget_removes_the_settings_and_what_was_laid_out_is_never_sent(
    harness: Harness,
) -> None:
    await harness.say("ada", SETUP)
    await harness.say("bo", "/checkin daily time:07:00 days:daily")
    await harness.advance(timedelta(minutes=1))  # laid out
    reply = await harness.say("bo", "/kith forget")
    assert reply.message is not None
    confirm = next(c.id for c in reply.message.choices if c.value in {"forget", "yes", "confirm"})
    await harness.click("bo", confirm)
    assert await harness.db.fetchval("SELECT COUNT(*) FROM personal_checkins") == 0
    await harness.advance(timedelta(days=2))
    assert not [s for s in harness.chat.sent if s.private and s.to == "test:c1:bo"]


async def test_two_processes_send_each_checkin_once(tmp_path: Path) -> None:
    from bot.app import build_kith
    from bot.scheduling.clock import SimulatedClock

    h = await start(tmp_path / "k.sqlite3", MONDAY)
    await h.say("ada", SETUP)
    for n in range(30):
        await h.say(f"m{n}", "/checkin daily time:07:00 days:daily")
    other, other_db = await build_kith(str(tmp_path / "k.sqlite3"), SimulatedClock(MONDAY))
    import asyncio

    due = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)
    await asyncio.gather(h.kith.run_due(due, h.chat), other.run_due(due, h.chat))
    keys = [s.delivery_key for s in h.chat.sent if s.private]
    assert len(keys) == 30 == len(set(keys))
    rows = await h.db.fetchall(
        "SELECT state, COUNT(*) AS n FROM occurrences WHERE kind = 'checkin.personal'"
        " AND due_at = ? GROUP BY state",
        int(due.timestamp()),
    )
    assert [(r["state"], r["n"]) for r in rows] == [("sent", 30)]
    await other_db.close()
    await h.db.close()


async def test_a_failed_channel_post_stays_visible_beside_personal_checkins(
    harness: Harness,
) -> None:
    await harness.say("ada", SETUP)  # 09:00 London = 09:00 UTC in March before the change
    await harness.say("bo", "/checkin daily time:10:00 days:daily")
    harness.chat.fail_next.append(DeliveryError("missing permissions", permanent=True))
    await harness.advance_to(datetime(2026, 3, 2, 10, 30, tzinfo=UTC))
    assert [s.to for s in harness.chat.sent] == ["test:c1:bo"]  # the post failed, the DM went
    status = reply_text(await harness.say("ada", "/kith status"))
    assert "⚠ Delivery problem since Mon 02 Mar 09:00 GMT" in status
    assert "missing permissions" in status
    assert "personal check-in not sent" not in status
    # A member's DM that fails (for now) is the personal line's business, not the channel's.
    await harness.advance_to(datetime(2026, 3, 3, 9, 30, tzinfo=UTC))  # Tuesday's post went out
    harness.chat.fail_next.append(DeliveryError("Discord is having trouble", permanent=False))
    await harness.advance_to(datetime(2026, 3, 3, 10, 0, 5, tzinfo=UTC))  # retry due at 10:00:15
    status = reply_text(await harness.say("ada", "/kith status"))
    assert "⚠ 1 personal check-in not sent in the last 7 days" in status
    assert "Discord is having trouble" in status


async def test_no_reminder_after_checking_in_another_way_that_day(harness: Harness) -> None:
    await harness.say("ada", SETUP)
    await harness.say("bo", "/checkin daily time:10:00 days:daily remind:on")
    await harness.advance_to(datetime(2026, 3, 2, 9, 30, tzinfo=UTC))
    post = harness.chat.to("#general")[0]  # the channel's 09:00 post
    await harness.click("bo", post.choice("4"))
    await harness.advance_to(datetime(2026, 3, 2, 14, 0, tzinfo=UTC))
    dms = [s.text for s in harness.chat.to("@bo") if s.delivery_key]
    assert len(dms) == 1 and "Your own check-in" in dms[0]  # the check-in, no nudge at 13:00
    await harness.advance_to(datetime(2026, 3, 3, 14, 0, tzinfo=UTC))
    dms = [s.text for s in harness.chat.to("@bo") if s.delivery_key]
    assert len(dms) == 3 and "gentle nudge" in dms[2]  # Tuesday: not answered, one nudge
