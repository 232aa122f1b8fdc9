"""Care around a signal, through the core: nothing cold after care, escalation inside the quiet
period, every free text screened even when the command is refused, the truth when care cannot be
delivered privately, asking for a person, and two honest buttons."""

from __future__ import annotations

from datetime import timedelta

from bot.messages import ChoiceStyle
from bot.ports import DeliveryError
from tests.fakes import Harness, reply_text

ALERTS = "/kith setup safety alerts:#mods resources:uk"


async def test_a_message_that_got_care_gets_nothing_else(harness: Harness) -> None:
    reply = await harness.say("bo", "I want to die")
    assert reply.message is None  # no "I only act on commands here"
    [care] = harness.chat.to("@bo")
    assert "check in" in care.text
    ordinary = reply_text(await harness.say("cy", "hello there"))
    assert "I only act on commands" in ordinary  # an ordinary message still gets the pointer


async def test_a_more_concrete_disclosure_in_the_quiet_period_gets_a_follow_up_and_repeat_alert(
    harness: Harness,
) -> None:
    await harness.say("ada", ALERTS)
    await harness.say("bo", "I want to die")
    assert len(harness.chat.to("@bo")) == 1 and len(harness.chat.to("#mods")) == 1
    await harness.advance(timedelta(hours=2))
    reply = await harness.say("bo", "I want to end my life tonight, I have a plan")
    assert reply.message is None
    followup = harness.chat.to("@bo")[-1]
    assert len(harness.chat.to("@bo")) == 2 and "I'm still here" in followup.text
    assert "Samaritans" in followup.text
    repeat = harness.chat.to("#mods")[-1]
    assert repeat.text.startswith("🛟 Repeat: @Bo again") and "2nd time in 24 hours" in repeat.text
    # The same level again: the member is left in peace, moderators see the count.
    reply = await harness.say("bo", "I want to end it all tonight, I have a plan")
    assert reply.message is None and len(harness.chat.to("@bo")) == 2
    note = harness.chat.to("#mods")[-1]
    assert "3rd time in 24 hours" in note.text and "did not message them again" in note.text
    rows = await harness.db.fetchall("SELECT cared, concrete FROM safety_events ORDER BY id")
    assert [(r["cared"], r["concrete"]) for r in rows] == [(1, 0), (1, 1), (0, 1)]


async def test_every_free_text_is_screened_even_when_the_command_is_refused(
    harness: Harness,
) -> None:
    await harness.say("ada", ALERTS)
    refused = {
        "bo": "/kind I want to kill myself",  # kindness isn't set up
        "cy": "/thanks I want to die",  # nobody to thank
        "di": "/frobnicate i want to end my life",  # no such command
        "ed": "/kind " + "I feel hopeless. " * 40,  # over the length limit (once set up)
    }
    await harness.say("bo", refused["bo"])
    await harness.say("cy", refused["cy"])
    await harness.say("di", refused["di"])
    await harness.say("ada", "/kith setup kindness channel:#kind")
    reply = reply_text(await harness.say("ed", refused["ed"]))
    assert "Nothing was" in reply or "long" in reply  # still refused
    for name in refused:
        [care] = harness.chat.to(f"@{name}")
        assert "check in" in care.text, name
    assert len(harness.chat.to("#mods")) == 4
    # An admin's screening phrases are about screening, not about the admin.
    await harness.say("ada", "/kith safety phrases add want to vanish forever")
    assert harness.chat.to("@ada") == []


async def test_undeliverable_care_is_shown_where_they_wrote_and_moderators_hear_the_truth(
    harness: Harness,
) -> None:
    await harness.say("ada", ALERTS)
    await harness.say("ada", "/kith setup kindness channel:#kind")
    harness.chat.fail_next.append(DeliveryError("cannot send to this user", permanent=True))
    reply = await harness.say("bo", "/kind made soup, though honestly I want to die")
    assert reply.private and reply.message is not None
    text = reply.message.plain_text
    assert "check in" in text and "Samaritans" in text  # the resources, only to Bo
    assert "Logged" in text  # and the act still went in
    assert [c.value for c in reply.message.choices][:2] == ["notneeded", "false"]
    assert harness.chat.to("@bo") == []
    [alert] = harness.chat.to("#mods")
    assert "could not reach them privately" in alert.text
    assert "have been sent support resources privately" not in alert.text


async def test_asking_for_a_person(harness: Harness) -> None:
    alone = reply_text(await harness.say("bo", "/kith support"))
    assert "hasn't set up a private moderators' channel" in alone and "findahelpline" in alone
    await harness.say("ada", ALERTS)
    reply = reply_text(await harness.say("bo", "/kith support"))
    [alert] = harness.chat.to("#mods")
    assert "@Bo would like someone to reach out" in alert.text
    assert "This is what they see" in reply and "@Bo would like someone to reach out" in reply
    assert "Samaritans" in reply
    again = reply_text(await harness.say("bo", "/kith support"))
    assert "already let the moderators know" in again and len(harness.chat.to("#mods")) == 1
    await harness.advance(timedelta(hours=2))
    await harness.say("bo", "/kith support")
    assert len(harness.chat.to("#mods")) == 2
    help_text = reply_text(await harness.say("cy", "/kith help"))
    assert "/kith support" in help_text and "screened" in help_text
    assert "never your moods or reflections" in help_text
    privacy = reply_text(await harness.say("cy", "/kith privacy"))
    assert "screened" in privacy and "Moderators never see" in privacy


async def test_not_what_i_need_and_false_alarm_are_different_answers(harness: Harness) -> None:
    await harness.say("ada", ALERTS)
    await harness.say("bo", "I feel so hopeless")
    care = harness.chat.to("@bo")[0]
    labels = [c.label for c in care.message.choices]
    assert labels == ["This isn't what I need", "False alarm"]
    gentle = await harness.click("bo", care.choice("notneeded"))
    assert "sorry that missed the mark" in reply_text(gentle)
    assert "false alarm" not in reply_text(gentle).lower()
    assert gentle.message is not None
    [ask] = gentle.message.choices
    asked = reply_text(await harness.click("bo", ask.id))
    assert "This is what they see" in asked
    assert "would like someone to reach out" in harness.chat.to("#mods")[-1].text
    assert await harness.db.fetchval("SELECT feedback FROM safety_events") == "not_needed"
    await harness.say("cy", "I feel so hopeless")
    quiet = reply_text(await harness.click("cy", harness.chat.to("@cy")[0].choice("false")))
    assert "stay quiet" in quiet and "missed the mark" not in quiet


async def test_a_flagged_reflection_is_not_offered_sharing_with_a_name(harness: Harness) -> None:
    await harness.say("ada", "/kith setup checkin channel:#general time:09:00 days:mon-fri")
    await harness.advance(timedelta(hours=4))
    post = harness.chat.to("#general")[0]
    await harness.click("bo", post.choice("reflect"))
    flagged = await harness.say("bo", "Some days I just want to disappear forever and die.")
    assert flagged.message is not None
    assert [c.value for c in flagged.message.choices] == ["keep", "anon"]
    assert flagged.message.choices[0].style is ChoiceStyle.PRIMARY
    await harness.click("cy", post.choice("reflect"))
    ordinary = await harness.say("cy", "Had a lovely walk with my neighbour.")
    assert ordinary.message is not None
    assert [c.value for c in ordinary.message.choices] == ["keep", "named", "anon"]
