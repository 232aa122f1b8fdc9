"""A community leaving and coming back: pause, lose nothing, resume what the removal paused."""

from __future__ import annotations

from datetime import timedelta

from bot.identity import CommunityRef
from bot.lifecycle import community_joined, community_left
from tests.fakes import COMMUNITY, Harness, reply_text, snapshot

SETUP = "/kith setup checkin channel:#general time:09:00 days:mon-fri tz:Europe/London"


async def checkin_paused(harness: Harness) -> bool:
    paused = await harness.db.fetchval(
        "SELECT paused FROM programmes WHERE community_id = ? AND kind = 'checkin'", COMMUNITY.key
    )
    return bool(paused)


async def test_joining_creates_the_community_once(harness: Harness) -> None:
    newcomer = CommunityRef("test", "c2")
    first = await community_joined(harness.kith, newcomer, harness.clock.now())
    before = await snapshot(harness.db)
    second = await community_joined(harness.kith, newcomer, harness.clock.now())
    assert first == second and first.active
    assert await snapshot(harness.db) == before


async def test_leaving_pauses_programmes_keeps_data_and_rejoining_resumes_them(
    harness: Harness,
) -> None:
    await harness.say("ada", SETUP)
    await harness.advance(timedelta(hours=4))  # Monday's post goes out
    await harness.click("bo", harness.chat.to("#general")[0].choice("4"))
    moods_before = await harness.db.fetchall("SELECT * FROM moods")

    assert await community_left(harness.kith, COMMUNITY, harness.clock.now()) >= 1
    assert await checkin_paused(harness)
    await harness.advance(timedelta(days=2))
    assert len(harness.chat.to("#general")) == 1  # nothing posted while removed
    assert await harness.db.fetchall("SELECT * FROM moods") == moods_before
    row = await harness.db.fetchone("SELECT active FROM communities WHERE id = ?", COMMUNITY.key)
    assert row is not None and row["active"] == 0
    assert "paused" in reply_text(await harness.say("ada", "/kith status"))

    await community_joined(harness.kith, COMMUNITY, harness.clock.now())
    assert not await checkin_paused(harness)
    await harness.advance(timedelta(days=1))
    assert len(harness.chat.to("#general")) == 2  # posting again from the next day


async def test_a_programme_an_admin_paused_stays_paused_after_rejoining(harness: Harness) -> None:
    await harness.say("ada", SETUP)
    await harness.say("ada", "/kith pause checkin")
    await community_left(harness.kith, COMMUNITY, harness.clock.now())
    await community_joined(harness.kith, COMMUNITY, harness.clock.now())
    assert await checkin_paused(harness)


async def test_leaving_an_unknown_community_changes_nothing(harness: Harness) -> None:
    before = await snapshot(harness.db)
    assert (
        await community_left(harness.kith, CommunityRef("test", "nope"), harness.clock.now()) == 0
    )
    assert await snapshot(harness.db) == before
