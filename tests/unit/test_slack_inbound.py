"""Slack payloads → core events: the command text the core's single parser reads."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.slack import inbound
from adapters.slack.chat import SlackChat
from bot.commands.parse import normalise, split_words
from bot.events import Actor
from bot.identity import ChannelRef, UserRef

TEAM = inbound.community("T1")
ACTOR = Actor(UserRef(TEAM, "U9"), "Nine")


@pytest.mark.parametrize(
    ("command", "text", "expected"),
    [
        ("/kith", "", "/kith"),
        ("/kith", "  help ", "/kith help"),
        (
            "/kith",
            "setup checkin channel:<#C123|general> time:09:00",
            "/kith setup checkin channel:<#C123> time:09:00",
        ),
        ("/thanks", "<@U123|bo smith> for the soup", "/thanks <@U123> for the soup"),
        ("/kind", "tea for <@U0CY|cy.lee>", "/kind tea for <@U0CY|cy.lee>"),
        ("/kind", "fed the cat &amp; the dog &lt;3", "/kind fed the cat & the dog <3"),
        ("/kind", "told <!here> and <!subteam^S1|@team>", "/kind told @here and @team"),
        ("/kind", "read <https://x.org/a|this> <mailto:a@b.c>", "/kind read this mailto:a@b.c"),
        ("/kind", "typed &lt;!channel&gt; literally", "/kind typed <!channel> literally"),
        ("/kith", "prompts add “What went well?”", '/kith prompts add "What went well?"'),
        ("kith", "help", "/kith help"),
    ],
)
def test_command_text_is_rebuilt_for_the_core(command: str, text: str, expected: str) -> None:
    assert inbound.command_text(command, text) == expected


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("<#C123|general>", ChannelRef(TEAM, "C123")),
        ("<#C123>", ChannelRef(TEAM, "C123")),
        ("<#G42ABC>", ChannelRef(TEAM, "G42ABC")),
        ("<@U123>", UserRef(TEAM, "U123")),
        ("<@U123|bo>", UserRef(TEAM, "U123")),
        ("<@W0ENTERPRISE>", UserRef(TEAM, "W0ENTERPRISE")),
        ("<#D123>", None),  # a DM is not a channel to set up
        ("<@C123>", None),
        ("<!here>", None),
        ("#general", None),
        ("@bo", None),
        ("<#c123>", None),
        ("<#C123|general", None),
        ("", None),
    ],
)
def test_parse_mention(token: str, expected: object) -> None:
    assert inbound.parse_mention(TEAM, token) == expected
    assert SlackChat.parse_mention(None, TEAM, token) == expected  # type: ignore[arg-type]


def test_the_chat_port_labels_channels_without_pinging() -> None:
    assert SlackChat.channel_label(None, ChannelRef(TEAM, "C123")) == "<#C123>"  # type: ignore[arg-type]


def test_click_event_from_a_message_and_from_the_home_tab() -> None:
    body = {
        "container": {"type": "message", "message_ts": "1.2", "channel_id": "C0AB12"},
        "channel": {"id": "C0AB12"},
        "response_url": "http://x/r",
        "trigger_id": "t",
    }
    event = inbound.click_event(body, {"action_id": "v1:mood:1:3"}, ACTOR)
    assert event.choice_id == "v1:mood:1:3"
    assert event.channel == ChannelRef(TEAM, "C0AB12")
    assert event.message is not None and event.message.id == "1.2"
    home = {"container": {"type": "view"}, "view": {"type": "home"}, "trigger_id": "t"}
    assert inbound.interaction_origin(home).home
    assert inbound.click_event(home, {"action_id": "v1:x"}, ACTOR).channel is None


def test_form_values_and_origin_round_trip() -> None:
    origin = inbound.Origin(channel_id="C0AB12", response_url="http://x/r")
    body = {
        "view": {
            "callback_id": "v1:reflect:4",
            "private_metadata": inbound.form_metadata(origin),
            "state": {"values": {"text": {"text": {"type": "plain_text_input", "value": "hi"}},
                                 "other": {"x": {"type": "plain_text_input", "value": None}}}},
        }
    }  # fmt: skip
    event = inbound.form_event(body, ACTOR)
    assert event.form_id == "v1:reflect:4" and event.values == {"text": "hi", "x": ""}
    assert inbound.form_origin(body) == origin
    assert inbound.form_origin({"view": {"private_metadata": "not json"}}) == inbound.Origin()
    assert inbound.form_origin({"view": {"private_metadata": '{"c":"../x"}'}}).channel_id is None


@pytest.mark.parametrize(
    ("event", "wanted"),
    [
        ({"channel_type": "im", "text": "hello &amp; bye", "user": "U9"}, "hello & bye"),
        ({"channel_type": "im", "text": "x", "subtype": "message_changed"}, None),
        ({"channel_type": "im", "text": "x", "bot_id": "B1"}, None),
        ({"channel_type": "channel", "text": "x"}, None),
        ({"channel_type": "im", "text": "   "}, None),
    ],
)
def test_direct_text_events(event: dict[str, str], wanted: str | None) -> None:
    found = inbound.direct_text_event(event, ACTOR)
    assert (found.text if found else None) == wanted


def test_who_from_payloads() -> None:
    assert inbound.who_from_command({"team_id": "T1", "user_id": "U1", "user_name": "a"}) == (
        inbound.Who("T1", "U1", "a")
    )
    interaction = {"user": {"id": "U2", "username": "b", "team_id": "T2"}, "team": None}
    assert inbound.who_from_interaction(interaction) == inbound.Who("T2", "U2", "b")
    event = {"team_id": "T3", "event": {"user": "U3"}}
    assert inbound.who_from_event(event) == inbound.Who("T3", "U3", "")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_slack_text_becomes_a_command_the_parser_reads_or_refuses_cleanly(text: str) -> None:
    line = inbound.command_text("/kind", text)
    assert line.startswith("/kind")
    try:
        split_words(normalise(line))
    except ValueError:
        pass  # the core turns this into a clear private message
