"""Privacy promises around /kith forget and /kith export: someone else's do-not-pair list is theirs,
an export never carries another member's private words or who avoids you, and nothing queued
before a forget goes out afterwards naming the member."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path

import pytest

from adapters.discord.store import AdapterStore
from adapters.slack.store import DeliveryLog
from bot.app import build_kith
from bot.identity import UserRef
from bot.scheduling.clock import SimulatedClock
from tests.conftest import START
from tests.fakes import COMMUNITY, FakeChat, Harness, reply_text
from tests.pg import scratch_database
from tests.scenario.test_buddies import join, key, rounds, setup, weeks_with_answers


async def forget(h: Harness, name: str) -> str:
    confirm = await h.say(name, "/kith forget")
    assert confirm.message
    return reply_text(await h.click(name, confirm.message.choices[0].id))


async def export(h: Harness, name: str) -> dict[str, list[dict[str, object]]]:
    reply = await h.say(name, "/kith export")
    assert reply.message and reply.message.attachment
    tables: dict[str, list[dict[str, object]]] = json.loads(reply.message.attachment.content)[
        "tables"
    ]
    return tables


async def test_forget_never_undoes_someone_elses_avoid_even_after_rejoining(
    harness: Harness,
) -> None:
    h = harness
    await setup(h)
    await join(h, "dan", "mira", "ola", "pip")
    assert "won't be paired with @Mira" in reply_text(await h.say("dan", "/buddy avoid @mira"))
    assert (await forget(h, "mira")).startswith("Done:")
    # Dan's row stays, but Mira's platform id is gone from it: a keyed hash stands in.
    rows = await h.db.fetchall("SELECT user_key, avoid_key FROM buddy_avoid")
    assert [r["user_key"] for r in rows] == [key("dan")]
    assert key("mira") not in json.dumps(rows)
    status = reply_text(await h.say("dan", "/buddy status"))
    assert "1 person Kith no longer knows" in status and "Mira" not in status
    await join(h, "mira")
    assert "@Mira" in reply_text(await h.say("dan", "/buddy status"))
    # Four people, pairs of two, six rounds: without the avoid, Dan and Mira meet by round 3.
    await weeks_with_answers(h, 6, ["dan", "mira", "ola", "pip"], "met")
    paired = await rounds(h)
    assert len(paired) >= 6
    for number, groups in paired.items():
        assert not any({"dan", "mira"} <= group for group in groups), (number, groups)
    # Dan can still take it back.
    assert "can be paired with you again" in reply_text(await h.say("dan", "/buddy unavoid @mira"))


async def test_unavoid_reaches_a_forgotten_member_and_a_second_forget_keeps_one_row(
    harness: Harness,
) -> None:
    h = harness
    await setup(h)
    await join(h, "dan", "mira")
    await h.say("dan", "/buddy avoid @mira")
    await forget(h, "mira")
    await h.say("dan", "/buddy avoid @mira")  # again, by mention, while Mira is forgotten
    await forget(h, "mira")
    assert await h.db.fetchval("SELECT COUNT(*) FROM buddy_avoid") == 1
    assert "can be paired with you again" in reply_text(await h.say("dan", "/buddy unavoid @mira"))
    assert await h.db.fetchval("SELECT COUNT(*) FROM buddy_avoid") == 0


async def test_export_and_privacy_never_reveal_who_avoids_you(harness: Harness) -> None:
    h = harness
    await setup(h)
    await join(h, "dan", "mira", "ola", "pip")
    await h.say("dan", "/buddy avoid @mira")
    await h.say("ola", "/buddy avoid @mira")
    await h.say("mira", "/buddy avoid @pip")
    tables = await export(h, "mira")
    assert [(r["user_key"], r["avoid_key"]) for r in tables["buddy_avoid"]] == [
        (key("mira"), key("pip"))
    ]
    document = json.dumps(tables)
    assert key("dan") not in document and key("ola") not in document
    privacy = reply_text(await h.say("mira", "/kith privacy"))
    assert "your do-not-pair list: 1" in privacy


async def test_export_holds_no_other_members_private_text(harness: Harness) -> None:
    h = harness
    await h.say("ada", "/kith setup kindness channel:#kind leaderboard:everyone")
    await h.say("yara", "/kind made tea and left a secret note for:@xavi")
    await h.say("yara", "/thanks @xavi for the shopping help")
    await h.say("xavi", "/kind walked the dog for:@yara")
    tables = await export(h, "xavi")
    document = json.dumps(tables)
    # Yara's own act is hers, even though it was for Xavi: neither its words nor her key.
    assert "secret note" not in document
    assert not any(r["user_key"] == key("yara") for r in tables.get("kind_acts", []))
    # Xavi's own act and the thanks he was shown are his.
    assert "walked the dog" in document and "shopping help" in document
    # Forgetting Xavi keeps Yara's act and clears only the reference to him.
    await forget(h, "xavi")
    row = await h.db.fetchone(
        "SELECT text, for_user FROM kind_acts WHERE user_key = ?", key("yara")
    )
    assert row is not None and "secret note" in row["text"] and row["for_user"] is None


async def test_a_milestone_queued_before_forget_is_never_posted(harness: Harness) -> None:
    h = harness
    await h.say("ada", "/kith setup kindness channel:#kind leaderboard:everyone")
    await h.say("mira", "/kind watered the plants")
    await h.advance(timedelta(days=1))
    await h.say("mira", "/kind fed the cat")
    await h.advance(timedelta(days=1))
    await h.say("mira", "/kind called my aunt")  # a 3-day streak: its post is queued
    queued = await h.db.fetchval(
        "SELECT COUNT(*) FROM occurrences WHERE kind = 'kindness.milestone' AND state = 'pending'"
    )
    assert queued == 1
    await forget(h, "mira")
    await h.advance(timedelta(hours=2))
    assert [s.text for s in h.chat.to("#kind") if "streak" in s.text] == []
    leftovers = await h.db.fetchall(
        "SELECT slot, payload, state FROM occurrences WHERE kind = 'kindness.milestone'"
    )
    assert key("mira") not in json.dumps(leftovers)
    assert [r["state"] for r in leftovers] == ["skipped"]


def raw_bytes(h: Harness) -> bytes:
    """The database file and its write-ahead log, as anyone with the disk would read them."""
    path = Path(h.db.path)  # type: ignore[attr-defined]
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


async def test_deleted_text_is_gone_from_the_database_file_and_its_wal(harness: Harness) -> None:
    h = harness
    await h.say("ada", "/kith setup checkin channel:#general time:09:00 days:mon-fri")
    await h.say("ada", "/kith setup privacy retention:7")
    await h.advance(timedelta(hours=4))
    post = h.chat.to("#general")[0]
    for name, words in (("bo", "zebra marmalade seventeen"), ("cy", "narwhal teacup ninety")):
        await h.click(name, post.choice("reflect"))
        await h.say(name, f"Today felt like {words}.")
    before = raw_bytes(h)
    assert b"zebra marmalade" in before and b"narwhal teacup" in before
    await forget(h, "bo")
    after_forget = raw_bytes(h)
    assert b"zebra marmalade" not in after_forget
    assert b"narwhal teacup" in after_forget  # Cy's reflection is hers until retention
    await h.advance(timedelta(days=8))  # the daily retention job runs
    assert await h.db.fetchval("SELECT COUNT(*) FROM reflections") == 0
    assert b"narwhal teacup" not in raw_bytes(h)


async def test_raw_moods_and_safety_events_last_only_the_retention_period(harness: Harness) -> None:
    h = harness
    await h.say("ada", "/kith setup checkin channel:#general time:09:00 days:mon-fri")
    await h.say("ada", "/kith setup safety alerts:#mods")
    await h.say("ada", "/kith setup privacy retention:7")
    await h.advance(timedelta(hours=4))
    await h.click("bo", h.chat.to("#general")[0].choice("3"))
    await h.say("bo", "I feel so hopeless")
    await h.say("bo", "/kith support")
    counts = "SELECT (SELECT COUNT(*) FROM moods), (SELECT COUNT(*) FROM safety_events),"
    counts += " (SELECT COUNT(*) FROM support_requests) AS n"
    assert list((await h.db.fetchone(counts) or {}).values()) == [1, 1, 1]
    await h.advance(timedelta(days=6))
    assert list((await h.db.fetchone(counts) or {}).values()) == [1, 1, 1]
    await h.advance(timedelta(days=2))
    assert list((await h.db.fetchone(counts) or {}).values()) == [0, 0, 0]
    privacy = reply_text(await h.say("bo", "/kith privacy"))
    assert "moods and safety check-ins are deleted after 7 days" in privacy


async def test_forget_drops_the_members_direct_message_routing_at_once(harness: Harness) -> None:
    h = harness
    bo, cy = UserRef(COMMUNITY, "bo"), UserRef(COMMUNITY, "cy")
    discord, slack = AdapterStore(h.db), DeliveryLog(h.db)
    now = h.clock.now()
    await discord.remember_dm("m1", "dm-bo", bo, now)
    await discord.remember_dm("m2", "dm-cy", cy, now)
    await slack.begin("kith-care-1", "D0BO", None, now, member=bo)
    await slack.begin("kith-care-2", "D0CY", None, now, member=cy)
    await slack.begin("kith-post-1", "C0GENERAL", None, now)
    await forget(h, "bo")
    routes = await h.db.fetchall("SELECT dm_channel_id FROM discord_dm_routes")
    assert [r["dm_channel_id"] for r in routes] == ["dm-cy"]
    deliveries = await h.db.fetchall("SELECT channel_id FROM slack_deliveries ORDER BY channel_id")
    assert [r["channel_id"] for r in deliveries] == ["C0GENERAL", "D0CY"]


async def test_forget_deletes_kiths_own_posts_with_the_members_words_or_name(
    harness: Harness,
) -> None:
    h = harness
    await h.say("ada", "/kith setup checkin channel:#general time:09:00 days:mon-fri")
    await h.say("ada", "/kith setup kindness channel:#kind")
    await h.advance(timedelta(hours=4))
    await h.click("bo", h.chat.to("#general")[0].choice("reflect"))
    saved = await h.say("bo", "A slow morning with a good book.")
    assert saved.message is not None
    await h.click("bo", next(c.id for c in saved.message.choices if c.value == "named"))
    for day, act in enumerate(("watered the plants", "fed the cat", "called round")):
        if day:
            await h.advance(timedelta(days=1))
        await h.say("bo", f"/kind {act}")
    await h.advance(timedelta(minutes=5))
    posts = [s for s in h.chat.sent if not s.private and ("Bo" in s.text or "good book" in s.text)]
    assert len(posts) == 2  # the shared reflection and the streak celebration
    done = await forget(h, "bo")
    assert "deleted 2 of my own posts" in done and "What I can't delete" in done
    assert {(p.to, p.id) for p in posts} == {(d.channel_key, d.id) for d in h.chat.deleted}


async def test_retention_deletes_the_posts_of_shared_reflections_it_deletes(
    harness: Harness,
) -> None:
    h = harness
    await h.say("ada", "/kith setup checkin channel:#general time:09:00 days:mon-fri")
    await h.say("ada", "/kith setup privacy retention:7")
    await h.advance(timedelta(hours=4))
    await h.click("bo", h.chat.to("#general")[0].choice("reflect"))
    saved = await h.say("bo", "A slow morning with a good book.")
    assert saved.message is not None
    await h.click("bo", next(c.id for c in saved.message.choices if c.value == "anon"))
    [shared] = [s for s in h.chat.sent if "good book" in s.text and not s.private]
    await h.advance(timedelta(days=6))
    assert h.chat.deleted == []  # still within the retention period
    await h.advance(timedelta(days=2))
    assert [(d.channel_key, d.id) for d in h.chat.deleted] == [(shared.to, shared.id)]
    assert await h.db.fetchval("SELECT COUNT(*) FROM reflections") == 0


@pytest.mark.parametrize(
    "scenario",
    [
        test_forget_never_undoes_someone_elses_avoid_even_after_rejoining,
        test_unavoid_reaches_a_forgotten_member_and_a_second_forget_keeps_one_row,
        test_a_milestone_queued_before_forget_is_never_posted,
    ],
)
async def test_the_same_promises_hold_on_postgresql(
    scenario: Callable[[Harness], Awaitable[None]],
) -> None:
    async with scratch_database() as url:
        clock = SimulatedClock(START)
        kith, db = await build_kith(url, clock)
        try:
            await scenario(Harness(kith, db, clock, FakeChat(), admins={"ada"}))
        finally:
            await db.close()
