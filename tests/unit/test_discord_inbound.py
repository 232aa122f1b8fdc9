"""Interaction payloads → core events, as pure functions over Discord's documented shapes."""

from __future__ import annotations

from typing import Any

import pytest

from adapters.discord import inbound
from adapters.discord.commands import build_tree
from adapters.discord.ids import parse_mention_token
from bot.commands.parse import bind, normalise, split_words
from bot.features import build_registry
from bot.identity import ChannelRef, CommunityRef, UserRef

GUILD = "111111111111111111"
REGISTRY = build_registry()
TREE = build_tree(REGISTRY)


def data(path: str, **values: Any) -> dict[str, Any]:
    """The ``data`` of an APPLICATION_COMMAND interaction, nested like Discord nests it."""
    words = path.split()
    options: list[dict[str, Any]] = [{"name": k, "type": 3, "value": v} for k, v in values.items()]
    for depth, word in enumerate(reversed(words[1:])):
        options = [{"name": word, "type": 1 if depth == 0 else 2, "options": options}]
    return {"id": "1", "name": words[0], "type": 1, "options": options}


def text_for(path: str, **values: Any) -> str:
    invocation = inbound.parse_invocation(data(path, **values))
    return inbound.command_text(invocation, TREE.leaves[invocation.path])


def test_nested_subcommand_groups_give_the_full_path() -> None:
    invocation = inbound.parse_invocation(data("kith setup checkin", time="09:00"))
    assert invocation.path == ("kith", "setup", "checkin")
    assert invocation.values == {"time": "09:00"}


def test_typed_options_become_key_value_words_the_core_parses() -> None:
    text = text_for(
        "kith setup checkin",
        channel="333333333333333333",
        time="09:00",
        days="mon-fri",
        tz="Europe/London",
        grace=30,
    )
    assert text == (
        "/kith setup checkin channel:<#333333333333333333> time:09:00 days:mon-fri "
        "tz:Europe/London grace:30"
    )
    words = split_words(normalise(text))
    invocation = bind(words, 3, REGISTRY.commands[("kith", "setup", "checkin")].option_names)
    assert invocation.options["channel"] == "<#333333333333333333>"
    assert invocation.options["grace"] == "30"


def test_values_with_spaces_stay_one_option_and_quotes_cannot_break_out() -> None:
    text = text_for("kith setup checkin", days='mon wed "fri')
    words = split_words(normalise(text))
    invocation = bind(words, 3, frozenset({"days"}))
    assert invocation.options == {"days": "mon wed \u201dfri"}
    assert invocation.args == ()


def test_positional_usage_words_come_back_in_order() -> None:
    assert text_for("thanks", member="444444444444444444", why="for the soup") == (
        "/thanks <@444444444444444444> for the soup"
    )
    assert text_for("kith timezone", zone="Europe/Paris") == "/kith timezone Europe/Paris"
    assert text_for("kith admins", action="add", member="444444444444444444") == (
        "/kith admins add <@444444444444444444>"
    )


def test_a_command_offered_as_show_goes_to_the_core_under_its_own_path() -> None:
    assert text_for("streak show", member="444444444444444444") == ("/streak <@444444444444444444>")
    assert text_for("leaderboard show", window="week") == "/leaderboard window:week"


def test_missing_optional_values_are_left_out() -> None:
    assert text_for("kith stats show") == "/kith stats"  # beside /kith stats export
    assert text_for("kith stats export") == "/kith stats export"


def test_autocomplete_reports_the_focused_option() -> None:
    payload = data("kith timezone", zone="lond")
    payload["options"][0]["options"][0]["focused"] = True
    assert inbound.parse_invocation(payload).focused == "zone"


@pytest.mark.parametrize(
    ("permissions", "admin"),
    [(0, False), (1 << 11, False), (1 << 5, True), (1 << 3, True), ((1 << 5) | (1 << 11), True)],
)
def test_manage_server_or_administrator_makes_a_platform_admin(
    permissions: int, admin: bool
) -> None:
    who = inbound.actor(GUILD, 5, "Ada", permissions=permissions, role_ids=[7, "8"])
    assert who.is_platform_admin is admin
    assert who.role_ids == frozenset({"7", "8"})
    assert who.user == UserRef(CommunityRef("discord", GUILD), "5")


def test_the_client_and_server_locales_go_into_the_actor() -> None:
    who = inbound.actor(GUILD, 5, "Ada", permissions=0, locale="es-419", guild_locale="pt-BR")
    assert (who.locale, who.community_locale) == ("es-419", "pt-BR")
    dm = inbound.actor(GUILD, 5, "Ada", permissions=0, locale="", guild_locale=None)
    assert (dm.locale, dm.community_locale) == (None, None)


def test_modal_values_from_labels_and_action_rows() -> None:
    components = [
        {"type": 18, "component": {"type": 4, "custom_id": "text", "value": "hello"}},
        {"type": 1, "components": [{"type": 4, "custom_id": "more", "value": "there"}]},
        {"type": 10, "content": "not an input"},
    ]
    assert inbound.modal_values(components) == {"text": "hello", "more": "there"}


def test_click_event_carries_message_and_channel() -> None:
    who = inbound.actor(GUILD, 5, "Ada", permissions=0)
    evt = inbound.click_event(who, "v1:mood:1:3", guild_id=GUILD, channel_id=9, message_id=10)
    assert evt.channel == ChannelRef(CommunityRef("discord", GUILD), "9")
    assert evt.message is not None and evt.message.id == "10"


def test_mention_tokens() -> None:
    community = CommunityRef("discord", GUILD)
    assert parse_mention_token(community, "<@!123456789012345678>") == UserRef(
        community, "123456789012345678"
    )
    assert parse_mention_token(community, "<#123456789012345678>") == ChannelRef(
        community, "123456789012345678"
    )
    assert parse_mention_token(community, "<@&123456789012345678>") is None
    assert parse_mention_token(community, "@someone") is None
