"""Privacy: the catalogue covers every table, export gives a member everything of theirs,
forget leaves nothing personal behind, and retention trims old free text exactly once a day."""

from __future__ import annotations

import json
from datetime import timedelta

from bot.privacy.catalogue import NOT_PERSONAL, PERSONAL
from bot.store.base import Database
from tests.fakes import Harness, reply_text, snapshot


async def live_tables(db: Database) -> dict[str, list[str]]:
    return await db.table_columns()


async def fill_community(h: Harness) -> None:
    """Xavi and Yara use every feature, with and about each other."""
    await h.say("ada", "/kith setup checkin channel:#general time:09:00 tz:UTC")
    await h.say("ada", "/kith setup kindness channel:#kind leaderboard:everyone")
    await h.say("ada", "/kith setup buddies channel:#buddies every:1w day:mon time:10:00 tz:UTC")
    await h.say("ada", "/kith setup safety alerts:#mods")
    await h.say("ada", "/kith admins add @xavi")
    for name in ("xavi", "yara", "zed"):
        await h.say(name, "/kith timezone Europe/Paris")
        await h.say(name, "/buddy join")
    await h.say("xavi", "/buddy avoid @zed")
    await h.say("yara", "/buddy avoid @xavi")
    await h.advance(timedelta(hours=5))  # 11:00: check-in posted, buddy round started
    post = h.chat.to("#general")[0]
    await h.click("xavi", post.choice("4"))
    await h.click("yara", post.choice("2"))
    await h.click("xavi", post.choice("reflect"))
    await h.say("xavi", "Feeling hopeless about work but my friend called.")
    await h.say("xavi", "/kind carried shopping for my neighbour for:@yara")
    await h.say("yara", "/kind made tea for everyone for:@xavi")
    await h.say("xavi", "/thanks @yara for the lovely tea")
    await h.say("yara", "/thanks @xavi for the shopping help")
    await h.say("xavi", "/kith prompts add What made you laugh out loud this week?")
    await h.say("xavi", "/leaderboard join")


async def test_every_table_is_classified_as_personal_or_not(harness: Harness) -> None:
    await fill_community(harness)
    classified = {t.table for t in PERSONAL} | set(NOT_PERSONAL)
    unclassified = set(await live_tables(harness.db)) - classified - {"sqlite_sequence"}
    assert unclassified == set(), "classify new tables in bot/privacy/catalogue.py"


async def test_export_holds_all_of_my_data_and_none_of_anyone_elses(harness: Harness) -> None:
    await fill_community(harness)
    reply = await harness.say("xavi", "/kith export")
    assert reply.private and reply.message and reply.message.attachment
    document = json.loads(reply.message.attachment.content)
    tables = document["tables"]
    for table in (
        "members",
        "moods",
        "reflections",
        "kind_acts",
        "kind_thanks",
        "buddy_members",
        "buddy_avoid",
        "safety_events",
        "member_prefs",
    ):
        assert tables.get(table), table
    assert "hopeless about work" in json.dumps(tables["reflections"])
    assert {r["user_key"] for r in tables["moods"]} == {"test:c1:xavi"}
    assert not any(
        "made tea" in json.dumps(r) and r["user_key"] != "test:c1:yara" for r in tables["kind_acts"]
    )


async def test_forget_leaves_nothing_that_names_the_member_and_keeps_others_data(
    harness: Harness,
) -> None:
    await fill_community(harness)
    yara_acts = await harness.db.fetchval(
        "SELECT COUNT(*) FROM kind_acts WHERE user_key = 'test:c1:yara'"
    )
    confirm = await harness.say("xavi", "/kith forget")
    assert confirm.message and [c.value for c in confirm.message.choices] == ["yes", "no"]
    yes = confirm.message.choices[0].id
    # Nobody can confirm on Xavi's behalf, and "no" deletes nothing.
    assert "someone else" in reply_text(await harness.click("yara", yes))
    assert "Nothing was deleted" in reply_text(
        await harness.click("xavi", confirm.message.choices[1].id)
    )
    done = reply_text(await harness.click("xavi", yes))
    assert done.startswith("Done:")
    # Scan every column of every table for anything that identifies Xavi.
    needles = ("test:c1:xavi", "Xavi", "hopeless about work", "carried shopping", "lovely tea")
    leftovers = []
    for table, columns in (await live_tables(harness.db)).items():
        for row in await harness.db.fetchall(f"SELECT * FROM {table}"):
            for column in columns:
                value = str(row[column])
                leftovers += [f"{table}.{column}" for n in needles if n in value]
    assert leftovers == []
    # Yara keeps her own acts, and the thanks she received still counts on her tally.
    assert (
        await harness.db.fetchval("SELECT COUNT(*) FROM kind_acts WHERE user_key = 'test:c1:yara'")
        == yara_acts
    )
    assert (
        await harness.db.fetchval(
            "SELECT noticed FROM kind_members WHERE user_key = 'test:c1:yara'"
        )
        == 1
    )


async def test_an_expired_forget_confirmation_deletes_nothing(harness: Harness) -> None:
    await harness.say("bo", "/kith timezone Europe/Rome")
    confirm = await harness.say("bo", "/kith forget")
    assert confirm.message
    await harness.advance(timedelta(minutes=11))
    before = await snapshot(harness.db)
    assert "expired" in reply_text(await harness.click("bo", confirm.message.choices[0].id))
    assert await snapshot(harness.db) == before


async def test_privacy_shows_what_is_stored_and_changes_settings_in_one_step(
    harness: Harness,
) -> None:
    await fill_community(harness)
    shown = await harness.say("yara", "/kith privacy")
    text = reply_text(shown)
    assert "check-in moods: 1" in text and "Show me on the leaderboard: on" in text
    assert shown.message
    toggle = next(c for c in shown.message.choices if c.value == "leaderboard")
    after = reply_text(await harness.click("yara", toggle.id))
    assert "Show me on the leaderboard: off" in after
    board = reply_text(await harness.say("xavi", "/leaderboard"))
    assert "Yara" not in board
    notify = next(c for c in shown.message.choices if c.value == "notify")
    assert "Tell me privately when someone thanks me: off" in reply_text(
        await harness.click("yara", notify.id)
    )


async def test_retention_trims_old_text_once_a_day_and_keeps_the_rest(harness: Harness) -> None:
    await fill_community(harness)
    reflections = await harness.db.fetchval("SELECT COUNT(*) FROM reflections")
    assert reflections == 1
    assert "7 to 365" in reply_text(await harness.say("ada", "/kith setup privacy retention:3"))
    assert "now kept for 30 days" in reply_text(
        await harness.say("ada", "/kith setup privacy retention:30")
    )
    await harness.advance(timedelta(days=29))
    assert await harness.db.fetchval("SELECT COUNT(*) FROM reflections") == 1
    await harness.advance(timedelta(days=2))
    assert await harness.db.fetchval("SELECT COUNT(*) FROM reflections") == 0
    notes = await harness.db.fetchall("SELECT text FROM kind_acts WHERE source = 'kind'")
    assert notes and all(r["text"] == "" for r in notes)  # acts stay, their notes go
    runs = await harness.db.fetchall("SELECT slot FROM maintenance_runs WHERE job = 'retention'")
    assert len(runs) == len({r["slot"] for r in runs}) >= 30  # once per day, never twice


async def test_anonymous_sharing_setting_removes_the_named_choice(harness: Harness) -> None:
    await harness.say("ada", "/kith setup checkin channel:#general time:09:00 tz:UTC")
    await harness.advance(timedelta(hours=4))
    shown = await harness.say("cy", "/kith privacy")
    assert shown.message
    anonymous = next(c for c in shown.message.choices if c.value == "anonymous")
    await harness.click("cy", anonymous.id)
    post = harness.chat.to("#general")[0]
    await harness.click("cy", post.choice("reflect"))
    saved = await harness.say("cy", "Grateful for a slow morning.")
    assert saved.message and [c.value for c in saved.message.choices] == ["keep", "anon"]
    await harness.click("cy", saved.message.choices[1].id)
    shared = [s for s in harness.chat.to("#general") if s.thread == post.id]
    assert "Someone shared" in shared[0].text and "Cy" not in shared[0].text


async def test_a_member_who_turned_thank_you_notes_off_gets_none_but_is_still_credited(
    harness: Harness,
) -> None:
    await harness.say("ada", "/kith setup kindness channel:#kind")
    shown = await harness.say("yara", "/kith privacy")
    assert shown.message
    await harness.click("yara", next(c for c in shown.message.choices if c.value == "notify").id)
    sent_before = len(harness.chat.to("@yara"))
    reply = reply_text(await harness.say("xavi", "/thanks @yara for the tea"))
    assert "chosen not to get thank-you notes" in reply
    assert len(harness.chat.to("@yara")) == sent_before
    assert (
        await harness.db.fetchval(
            "SELECT noticed FROM kind_members WHERE user_key = 'test:c1:yara'"
        )
        == 1
    )
