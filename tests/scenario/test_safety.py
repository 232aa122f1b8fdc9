"""Safety through the core: screening every free text, caring once a day, alerting moderators."""

from __future__ import annotations

from datetime import timedelta

from bot.store.faults import DAMAGED_TEXT, WriteRefused
from tests.fakes import Harness, reply_text, snapshot

SETUP = "/kith setup checkin channel:#general time:09:00 days:mon-fri tz:Europe/London"


async def reflect(h: Harness, name: str, text: str) -> str:
    post = h.chat.to("#general")[0]
    await h.click(name, post.choice("reflect"))
    return reply_text(await h.say(name, text))


async def test_a_worrying_reflection_gets_a_caring_private_message_and_the_flow_goes_on(
    harness: Harness,
) -> None:
    await harness.say("ada", SETUP)
    await harness.advance(timedelta(hours=4))
    await harness.say("cy", "/kith timezone Europe/London")
    answer = await reflect(harness, "cy", "Honestly I just want to die some days.")
    assert answer.startswith("Saved, privately")  # the reflection itself went ahead
    [care] = harness.chat.to("@cy")
    assert care.private and "not a crisis service" in care.text
    assert "Samaritans" in care.text and "116 123" in care.text  # UK, from Cy's time zone
    assert [c.value for c in care.message.choices] == ["notneeded", "false"]
    row = await harness.db.fetchone("SELECT * FROM safety_events")
    assert row is not None and (row["severity"], row["cared"], row["alerted"]) == (2, 1, 0)
    assert "want to die" not in str(row.values())  # the text is never kept in safety events


async def test_at_most_one_caring_message_a_day_unless_it_gets_more_serious(
    harness: Harness,
) -> None:
    await harness.say("bo", "I feel so hopeless lately")
    await harness.say("bo", "still hopeless, nobody would miss me")
    assert len(harness.chat.to("@bo")) == 1
    await harness.say("bo", "I think about suicide")  # more serious: a new message
    assert len(harness.chat.to("@bo")) == 2
    await harness.say("bo", "thinking about suicide again")
    assert len(harness.chat.to("@bo")) == 2
    await harness.advance(timedelta(hours=25))
    await harness.say("bo", "I want to end my life")
    assert len(harness.chat.to("@bo")) == 3
    assert await harness.db.fetchval("SELECT COUNT(*) FROM safety_events") == 5


async def test_moderators_are_alerted_without_the_text_unless_quoting_is_on(
    harness: Harness,
) -> None:
    reply = reply_text(await harness.say("ada", "/kith setup safety alerts:#mods resources:us"))
    assert "saved" in reply
    await harness.say("bo", "I keep wanting to hurt myself")
    [alert] = harness.chat.to("#mods")
    assert "@Bo" in alert.text and "a private message to Kith" in alert.text
    assert "hurt myself" not in alert.text
    assert "988" in harness.chat.to("@bo")[0].text  # the community chose US resources
    await harness.say("ada", "/kith setup safety quote:on")
    await harness.say("cy", "i want to kill myself")
    assert "i want to kill myself" in harness.chat.to("#mods")[-1].text
    assert alert.message.pings == frozenset()  # named, never pinged


async def test_idioms_do_not_trigger_and_ordinary_messages_are_untouched(harness: Harness) -> None:
    for text in ("I was dying of laughter", "you're killing it", "this game is killing me"):
        await harness.say("bo", text)
    assert harness.chat.sent == []
    assert await harness.db.fetchval("SELECT COUNT(*) FROM safety_events") == 0


async def test_false_alarm_is_recorded_and_only_by_the_member(harness: Harness) -> None:
    await harness.say("bo", "I feel like a burden, I'm a burden")
    care = harness.chat.to("@bo")[0]
    refused = reply_text(await harness.click("cy", care.choice("false")))
    assert "Only the person" in refused
    assert "sorry for the worry" in reply_text(await harness.click("bo", care.choice("false")))
    assert await harness.db.fetchval("SELECT feedback FROM safety_events") == "false_alarm"


async def test_community_phrases_and_bad_settings(harness: Harness) -> None:
    await harness.say("bo", "/kith help")
    before = await snapshot(harness.db)
    assert "resources: is one of" in reply_text(
        await harness.say("ada", "/kith setup safety resources:mars")
    )
    assert "quote: is on or off" in reply_text(
        await harness.say("ada", "/kith setup safety quote:maybe")
    )
    assert "isn't a channel" in reply_text(
        await harness.say("ada", "/kith setup safety alerts:mods")
    )
    assert "admins" in reply_text(await harness.say("bo", "/kith setup safety alerts:#x"))
    assert await snapshot(harness.db) == before
    await harness.say("ada", "/kith safety phrases add like a ghost")
    await harness.say("bo", "I feel like a ghost here")
    assert len(harness.chat.to("@bo")) == 1


async def test_worry_about_someone_else_gets_support_advice_and_no_alert_names_the_member(
    harness: Harness,
) -> None:
    await harness.say("ada", "/kith setup safety alerts:#mods resources:uk")
    await harness.say("bo", "my friend told me she wants to die and I don't know what to do")
    [support] = harness.chat.to("@bo")
    assert support.private and "worried about someone" in support.text
    assert "Samaritans" in support.text and "not a crisis service" in support.text
    assert "sounded heavy" not in support.text  # not the message for a member at risk
    assert harness.chat.to("#mods") == []  # no moderator alert naming Bo as at risk
    row = await harness.db.fetchone("SELECT severity, cared, alerted FROM safety_events")
    assert row is not None and (row["severity"], row["cared"], row["alerted"]) == (0, 1, 0)
    # Bo then says something about themself: that is more serious, so it gets its own care and,
    # this time, the moderators' alert.
    await harness.say("bo", "honestly I want to die too")
    assert "sounded heavy" in harness.chat.to("@bo")[-1].text
    [alert] = harness.chat.to("#mods")
    assert "@Bo" in alert.text and "may be at risk" in alert.text


async def test_care_and_the_alert_go_out_even_when_the_signal_cannot_be_saved(
    harness: Harness,
) -> None:
    await harness.say("ada", "/kith setup safety alerts:#mods resources:us")
    await harness.say("bo", "/kith timezone America/New_York")
    harness.db.damaged = WriteRefused("the database file is damaged", DAMAGED_TEXT)
    await harness.say("bo", "I want to end my life tonight, I have a plan")
    [care] = harness.chat.to("@bo")
    assert "not a crisis service" in care.text and "988" in care.text
    assert care.message.choices == ()  # no event was saved for an answer to mark
    [alert] = harness.chat.to("#mods")
    assert "@Bo" in alert.text and "sent support resources privately" in alert.text
    harness.db.damaged = None
    assert await harness.db.fetchval("SELECT COUNT(*) FROM safety_events") == 0
