"""Interaction payloads → core events (pure: raw Discord data in, Kith events out).

Slash commands arrive with typed options; they go back to the core as the text a member would
type (``/kith setup checkin channel:<#1> time:09:00``), so the core keeps one parser for every
platform. Channel and user options become mention tokens that ``parse_mention`` reads back.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from adapters.discord.commands import SUB_COMMAND, SUB_COMMAND_GROUP, Leaf
from adapters.discord.ids import channel_ref, user_ref
from bot.events import Actor, ClickEvent, CommandEvent, FormSubmitEvent
from bot.identity import ChannelRef, MessageRef
from bot.registry import OptionKind

MANAGE_GUILD = 1 << 5
_OPTION_LIKE = re.compile(r"^[a-z_]+:")  # what the core's parser may read as an option
ADMINISTRATOR = 1 << 3
CLOSING_QUOTE = "\u201d"


@dataclass(frozen=True)
class Invocation:
    """A slash command as Discord sent it: its path, its option values and the focused one."""

    path: tuple[str, ...]
    values: dict[str, Any] = field(default_factory=dict)
    focused: str | None = None


def actor(
    guild_id: int | str,
    user_id: int | str,
    display_name: str,
    *,
    permissions: int,
    role_ids: Iterable[int | str] = (),
    is_bot: bool = False,
    locale: str | None = None,
    guild_locale: str | None = None,
) -> Actor:
    """Manage Server (or Administrator) is Discord's verdict on admin rights; roles are passed on
    so the community's own admin roles work too. ``locale`` is the member's Discord client
    language and ``guild_locale`` the server's (tags such as ``es-ES``, ``pt-BR``), which every
    interaction carries: the core picks the member's language from them."""
    return Actor(
        user=user_ref(guild_id, user_id),
        display_name=display_name,
        is_platform_admin=bool(permissions & (MANAGE_GUILD | ADMINISTRATOR)),
        is_bot=is_bot,
        role_ids=frozenset(str(r) for r in role_ids),
        locale=locale or None,
        community_locale=guild_locale or None,
    )


def _objects(value: Any) -> list[Mapping[str, Any]]:
    """The objects in a list from a payload; anything else in it (or no list) is ignored, so a
    malformed payload reaches the core as an unknown command rather than an exception here."""
    if not isinstance(value, (list, tuple)):
        return []
    return [v for v in value if isinstance(v, Mapping)]


def parse_invocation(data: Mapping[str, Any]) -> Invocation:
    """Walk the nested subcommand options down to the leaf's values."""
    path = [str(data.get("name", ""))]
    options = _objects(data.get("options"))
    while options and options[0].get("type") in (SUB_COMMAND, SUB_COMMAND_GROUP):
        path.append(str(options[0].get("name", "")))
        options = _objects(options[0].get("options"))
    values = {str(o.get("name", "")): o.get("value") for o in options}
    focused = next((str(o.get("name", "")) for o in options if o.get("focused")), None)
    return Invocation(tuple(path), values, focused)


def _value_text(kind: OptionKind, value: Any) -> str:
    if value is None:
        return ""
    if kind in (OptionKind.USER, OptionKind.CHANNEL):
        # Discord sends a snowflake; anything else would smuggle words into the command line.
        ident = str(value)
        if not ident.isascii() or not ident.isdigit() or len(ident) > 21:
            return ""
        return f"<@{ident}>" if kind is OptionKind.USER else f"<#{ident}>"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return " ".join(str(value).split())


def _text_words(text: str) -> str:
    """Typed free text, with any ``key:value`` word escaped: on Discord options have their own
    fields, so "cooked dinner for:mum" in the text field is text, not the ``for:`` option."""
    return " ".join(_escaped(word) for word in text.split(" "))


def _escaped(word: str) -> str:
    body = word.lstrip('"')  # the core's parser reads a quoted group as one word
    return word[: len(word) - len(body)] + "\\" + body if _OPTION_LIKE.match(body) else word


def _option_word(name: str, value: str) -> str:
    """``key:value``, quoted as one word when the value has spaces (the core's parser groups
    double-quoted words, so a double quote inside the value becomes a closing curly quote)."""
    word = f"{name}:{value}"
    if any(c.isspace() for c in value) or value.startswith('"'):
        return '"' + word.replace('"', CLOSING_QUOTE) + '"'
    return word


def command_text(invocation: Invocation, leaf: Leaf) -> str:
    words = ["/" + " ".join(leaf.command_path)]
    for param in leaf.params:
        text = _value_text(param.kind, invocation.values.get(param.name))
        if not text:
            continue
        if param.positional and param.kind is OptionKind.TEXT:
            text = _text_words(text)
        words.append(text if param.positional else _option_word(param.core_name, text))
    return " ".join(words)


def command_event(
    who: Actor, channel: ChannelRef | None, invocation: Invocation, leaf: Leaf
) -> CommandEvent:
    return CommandEvent(who, command_text(invocation, leaf), channel)


def click_event(
    who: Actor,
    custom_id: str,
    *,
    guild_id: int | str,
    channel_id: int | str | None,
    message_id: int | str | None,
) -> ClickEvent:
    channel = channel_ref(guild_id, channel_id) if channel_id is not None else None
    message = (
        MessageRef(channel.key, str(message_id))
        if channel is not None and message_id is not None
        else None
    )
    return ClickEvent(who, custom_id, message, channel)


def modal_values(components: Any) -> dict[str, str]:
    """Every text input's value in a modal submission, whether Discord wraps inputs in action
    rows (type 1) or labels (type 18)."""
    values: dict[str, str] = {}
    for component in _objects(components):
        if component.get("type") == 1:
            values.update(modal_values(component.get("components")))
        elif component.get("type") == 18 and isinstance(component.get("component"), Mapping):
            values.update(modal_values([component["component"]]))
        elif "custom_id" in component and isinstance(component.get("value"), str):
            values[str(component["custom_id"])] = component["value"]
    return values


def form_event(who: Actor, custom_id: str, components: Any) -> FormSubmitEvent:
    return FormSubmitEvent(who, custom_id, modal_values(components))
