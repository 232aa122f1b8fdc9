"""Privacy promises around /kith forget and /kith export: someone else's do-not-pair list is theirs,
an export never carries another member's private words or who avoids you, and nothing queued
before a forget goes out afterwards naming the member."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import timedelta

import pytest

from bot.app import build_kith
from bot.clock import SimulatedClock
from tests.conftest import START
from tests.fakes import FakeChat, Harness, reply_text
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
