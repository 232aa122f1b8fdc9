"""Forged and oversized platform payloads through the adapters' inbound parsing.

The pure functions that turn Discord interactions and Slack payloads into core events must take
any JSON at all without raising: a missing key, a string where an object belongs or a 100,000
character value becomes an event the core refuses politely (or no event), never an exception in
the adapter, where the member would only see "interaction failed".
"""

from __future__ import annotations

import re
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from adapters.discord import inbound as discord_inbound
from adapters.discord.commands import build_tree
from adapters.slack import inbound as slack_inbound
from bot.commands.parse import bind, normalise, split_words
from bot.events import Actor, ClickEvent, CommandEvent, DirectTextEvent, FormSubmitEvent
from bot.features import build_registry
from bot.identity import CommunityRef, UserRef
from bot.registry import OptionKind
from tests.fuzzing import fuzz_settings

REGISTRY = build_registry()
TREE = build_tree(REGISTRY)
GUILD = "111111111111111111"
DISCORD_ACTOR = discord_inbound.actor(GUILD, "222222222222222222", "Bo", permissions=0)
SLACK_ACTOR = Actor(UserRef(CommunityRef("slack", "T1"), "U1"), "bo")
KEYS = st.sampled_from(
    [
        "name",
        "type",
        "options",
        "value",
        "focused",
        "custom_id",
        "components",
        "component",
        "user",
        "team",
        "id",
        "team_id",
        "username",
        "channel",
        "container",
        "view",
        "state",
        "values",
        "callback_id",
        "private_metadata",
        "response_url",
        "trigger_id",
        "message",
        "message_ts",
        "ts",
        "channel_id",
        "channel_type",
        "subtype",
        "bot_id",
        "text",
        "event",
        "command",
        "user_id",
        "user_name",
        "action_id",
        "type",
    ]
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True),
    st.text(max_size=30),
    st.sampled_from([1, 2, 18, "im", "home", "modal", "<!here>", "<@U1>", "x" * 3000]),
)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=5),
    max_leaves=10,
)
PAYLOAD = st.dictionaries(KEYS, JSON, max_size=6)


@fuzz_settings(40)
@given(data=PAYLOAD)
def test_discord_command_payloads_never_raise(data: dict[str, Any]) -> None:
    invocation = discord_inbound.parse_invocation(data)
    assert all(isinstance(word, str) for word in invocation.path)
    assert all(isinstance(name, str) for name in invocation.values)


REFS = (OptionKind.USER, OptionKind.CHANNEL)
MENTION_ID = st.one_of(
    st.integers(0, 10**22),
    st.sampled_from(["123456789012345678", "1 2", "1> @everyone <@2", "everyone", "&1", ""]),
)


MENTIONS = [
    leaf for leaf in sorted(TREE.leaves) if any(p.kind in REFS for p in TREE.leaves[leaf].params)
]


@fuzz_settings(40)
@given(leaf=st.sampled_from(sorted(TREE.leaves)), data=st.data())
def test_discord_option_values_of_any_type_make_a_command_line(
    leaf: tuple[str, ...], data: st.DataObject
) -> None:
    known = TREE.leaves[leaf]
    values = {p.name: data.draw(JSON) for p in known.params}
    text = discord_inbound.command_text(discord_inbound.Invocation(leaf, values), known)
    assert text.startswith("/" + " ".join(known.command_path)) and "\n" not in text


@fuzz_settings(40)
@given(leaf=st.sampled_from(MENTIONS), data=st.data())
def test_discord_member_and_channel_options_are_one_mention_or_nothing(
    leaf: tuple[str, ...], data: st.DataObject
) -> None:
    """Whatever a forged interaction puts in a member or channel option becomes one mention
    word or nothing, so it cannot smuggle more words (or a broadcast) into the command."""
    known = TREE.leaves[leaf]
    values = {
        p.name: data.draw(st.one_of(JSON, MENTION_ID)) for p in known.params if p.kind in REFS
    }
    text = discord_inbound.command_text(discord_inbound.Invocation(leaf, values), known)
    words = split_words(text)[len(known.command_path) :]
    for word in words:
        mention = word.split(":", 1)[1] if not word.startswith("<") else word
        assert re.fullmatch(r"<[@#]\d{1,21}>", mention), text


@fuzz_settings(40)
@given(components=JSON)
def test_discord_modal_components_never_raise(components: Any) -> None:
    values = discord_inbound.modal_values(components if isinstance(components, list) else [])
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in values.items())
    event = discord_inbound.form_event(DISCORD_ACTOR, "v1:reflect:1", components)
    assert isinstance(event, FormSubmitEvent)


@fuzz_settings(40)
@given(custom_id=st.one_of(st.text(max_size=200), st.just("v1:mood:1:3" + "9" * 5000)))
def test_discord_any_custom_id_reaches_the_core_unchanged(custom_id: str) -> None:
    event = discord_inbound.click_event(
        DISCORD_ACTOR, custom_id, guild_id=GUILD, channel_id=3, message_id=4
    )
    assert isinstance(event, ClickEvent) and event.choice_id == custom_id


SLACK_SPECIAL = re.compile(r"<![a-z]")


@fuzz_settings(40)
@given(body=PAYLOAD, action=PAYLOAD, event=PAYLOAD)
def test_slack_payloads_never_raise(
    body: dict[str, Any], action: dict[str, Any], event: dict[str, Any]
) -> None:
    for who in (
        slack_inbound.who_from_command(body),
        slack_inbound.who_from_interaction(body),
        slack_inbound.who_from_event(body),
    ):
        assert all(isinstance(v, str) for v in (who.team_id, who.user_id, who.name))
    for origin in (
        slack_inbound.command_origin(body),
        slack_inbound.interaction_origin(body),
        slack_inbound.form_origin(body),
    ):
        assert origin.channel_id is None or isinstance(origin.channel_id, str)
        assert origin.response_url is None or isinstance(origin.response_url, str)
    command = slack_inbound.command_event(body, SLACK_ACTOR)
    assert isinstance(command, CommandEvent) and command.text.startswith("/")
    clicked = slack_inbound.click_event(body, action, SLACK_ACTOR)
    assert isinstance(clicked, ClickEvent) and isinstance(clicked.choice_id, str)
    form = slack_inbound.form_event(body, SLACK_ACTOR)
    assert isinstance(form, FormSubmitEvent) and isinstance(form.form_id, str)
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in form.values.items())
    text = slack_inbound.direct_text_event(event, SLACK_ACTOR)
    assert text is None or (isinstance(text, DirectTextEvent) and text.text)


@fuzz_settings(40)
@given(
    command=st.one_of(st.text(max_size=20), st.sampled_from(["/kith", "kith", "/kind"])),
    text=st.lists(
        st.one_of(
            st.text(st.characters(exclude_characters="<"), max_size=20),
            st.sampled_from(
                [
                    "<!here>",
                    "<!channel>",
                    "<!everyone>",
                    "<!subteam^S1|@team>",
                    "<@U1|bo>",
                    "<#C1|general>",
                    "<https://x.example|@everyone>",
                    "<!here|@here>",
                    ">",
                    "lt;",
                    "&amp;",
                    "&",
                    "“",
                    "”",
                    "<!date^1|today>",
                    "x" * 5000,
                    " ",
                    "\n",
                ]
            ),
        ),
        max_size=8,
    ).map("".join),
)
def test_slack_command_text_keeps_no_broadcast_markup(command: str, text: str) -> None:
    """Slack sends a typed ``<`` as ``&lt;``, so every ``<`` it sends opens markup; the markup
    for @here and friends never reaches the core as markup (typed text is escaped on the way
    out by the renderer)."""
    rebuilt = slack_inbound.command_text(command, text)
    assert rebuilt.startswith("/")
    assert not SLACK_SPECIAL.search(rebuilt), rebuilt


def test_oversized_payloads_become_events_the_core_refuses() -> None:
    huge = "x" * 100_000
    body = {
        "command": "/kith",
        "text": huge,
        "user": {"id": huge},
        "view": {"callback_id": huge, "state": {"values": {huge: {huge: {"value": huge}}}}},
        "container": {"channel_id": huge, "message_ts": huge},
    }
    assert len(slack_inbound.command_event(body, SLACK_ACTOR).text) > 100_000
    assert slack_inbound.click_event(body, {"action_id": huge}, SLACK_ACTOR).channel is None
    assert slack_inbound.form_event(body, SLACK_ACTOR).values == {huge: huge}
    data = {"name": huge, "options": [{"name": huge, "type": 3, "value": huge}] * 50}
    assert discord_inbound.parse_invocation(data).path == (huge,)


TEXT_LEAVES = [
    leaf
    for leaf in sorted(TREE.leaves)
    if any(p.positional and p.kind is OptionKind.TEXT for p in TREE.leaves[leaf].params)
]


@fuzz_settings(40)
@given(
    leaf=st.sampled_from(TEXT_LEAVES),
    text=st.lists(
        st.one_of(
            st.text(max_size=12),
            st.sampled_from(["for:mum", "for:<@123456789012345678>", '"for:x', "time:", "\\for:"]),
        ),
        max_size=5,
    ).map(" ".join),
)
def test_discord_text_fields_never_become_options(leaf: tuple[str, ...], text: str) -> None:
    """On Discord each option has its own field, so words typed in a text field that look like
    ``for:mum`` reach the core as text, never as the command's options."""
    known = TREE.leaves[leaf]
    values = {p.name: text for p in known.params if p.positional and p.kind is OptionKind.TEXT}
    line = discord_inbound.command_text(discord_inbound.Invocation(leaf, values), known)
    command = REGISTRY.commands[known.command_path]
    invocation = bind(split_words(normalise(line)), len(command.path), command.option_names)
    assert invocation.options == {}, line


def test_a_backslash_keeps_a_declared_option_as_text() -> None:
    """Regression: Discord's "what I did" field holding "cooked for:mum" became the for: option
    and the member was told “mum” isn't a member here."""
    names = REGISTRY.commands[("kind",)].option_names
    invocation = bind(split_words(normalise("/kind cooked \\for:mum")), 1, names)
    assert invocation.args == ("cooked", "for:mum") and invocation.options == {}
    leaf = TREE.leaves[("kind",)]
    typed = {"what_i_did": "cooked for:mum", "for": "123456789012345678"}
    line = discord_inbound.command_text(discord_inbound.Invocation(("kind",), typed), leaf)
    invocation = bind(split_words(normalise(line)), 1, names)
    assert invocation.rest == "cooked for:mum"
    assert invocation.options == {"for": "<@123456789012345678>"}
