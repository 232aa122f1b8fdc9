"""Slack payloads → the core's events (pure: no I/O).

Slack sends slash-command text with ``&``, ``<`` and ``>`` escaped and, with "escape channels,
users, and links" on (the manifest turns it on), mentions as ``<@U123|name>`` and ``<#C123|name>``.
The text is rebuilt into the one command line the core's parser reads on every platform:
mentions become ``<@U123|name>`` / ``<#C123>`` (which ``SlackChat.parse_mention`` understands,
and which the renderer shows as ``@name`` and a channel link when member text is echoed),
special mentions (``<!here>``) and links become plain text, and entities are unescaped so member
text is stored as the member typed it (the renderer escapes it again on the way out).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.events import Actor, ClickEvent, CommandEvent, DirectTextEvent, FormSubmitEvent
from bot.identity import ChannelRef, CommunityRef, MessageRef, UserRef

PLATFORM = "slack"

USER_ID = re.compile(r"^[UW][A-Z0-9]{2,30}$")
CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{2,30}$")
_MARKUP = re.compile(r"<([^<>]*)>")
_MENTION = re.compile(r"^<([@#])([A-Z0-9]{3,31})(?:\|[^<>]*)?>$")
_LABEL = re.compile(r"^[\w.\-]{1,80}$")
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"'})


# A Slack conversation id says what it is by its first letter: C a public channel (Kith may join
# it without an invite), D a direct message with Kith, G a private channel or group DM.
def is_public_channel(channel_id: str) -> bool:
    return channel_id.startswith("C")


def is_direct_message(channel_id: str) -> bool:
    return channel_id.startswith("D")


def community(team_id: str) -> CommunityRef:
    return CommunityRef(PLATFORM, team_id)


def _markup_to_text(match: re.Match[str]) -> str:
    inner = match.group(1)
    target, _, label = inner.partition("|")
    if target.startswith("@") and USER_ID.match(target[1:]):
        # Keep a one-word label (Slack sends the username): the renderer shows it as "@name".
        return f"<{target}|{label}>" if _LABEL.match(label) else f"<{target}>"
    if target.startswith("#") and CHANNEL_ID.match(target[1:]):
        return f"<{target}>"
    if target.startswith("!"):
        # <!here>, <!channel>, <!subteam^S1|@team>, <!date^…|fallback>: keep the words only.
        return label or "@" + target[1:].split("^", 1)[0]
    return label or target  # a link: what the member saw


def unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def slack_text(text: str) -> str:
    """Text as Slack sent it (escaped, with markup) → plain text with canonical mentions."""
    return unescape(_MARKUP.sub(_markup_to_text, text)).translate(_QUOTES)


def command_text(command: str, text: str) -> str:
    """``/kith`` + ``setup checkin channel:<#C1|general>``
    → ``/kith setup checkin channel:<#C1>``."""
    name = command.strip()
    if not name.startswith("/"):
        name = "/" + name
    rest = slack_text(text).strip()
    return f"{name} {rest}" if rest else name


def parse_mention(team: CommunityRef, token: str) -> UserRef | ChannelRef | None:
    """``<@U123>``, ``<@U123|name>``, ``<#C123>`` or ``<#C123|name>`` → a reference."""
    match = _MENTION.match(token.strip())
    if match is None:
        return None
    sigil, ident = match.groups()
    if sigil == "@" and USER_ID.match(ident):
        return UserRef(team, ident)
    if sigil == "#" and CHANNEL_ID.match(ident) and not is_direct_message(ident):
        return ChannelRef(team, ident)
    return None


@dataclass(frozen=True, slots=True)
class Who:
    """The member behind a payload, as far as the payload says."""

    team_id: str
    user_id: str
    name: str

    @property
    def user(self) -> UserRef:
        return UserRef(community(self.team_id), self.user_id)


@dataclass(frozen=True, slots=True)
class Origin:
    """Where an interaction came from, so the reply goes back there."""

    channel_id: str | None = None
    response_url: str | None = None
    trigger_id: str | None = None
    home: bool = False  # a click in the App Home tab


def _s(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _m(value: Any) -> Mapping[str, Any]:
    """A payload's nested object, or an empty one when it is missing or not an object: a
    malformed payload gives an event the core turns away, never an exception here."""
    return value if isinstance(value, Mapping) else {}


def who_from_command(body: Mapping[str, Any]) -> Who:
    return Who(_s(body.get("team_id")), _s(body.get("user_id")), _s(body.get("user_name")))


def who_from_interaction(body: Mapping[str, Any]) -> Who:
    user, team = _m(body.get("user")), _m(body.get("team"))
    team_id = _s(team.get("id")) or _s(user.get("team_id"))
    name = _s(user.get("name")) or _s(user.get("username"))
    return Who(team_id, _s(user.get("id")), name)


def who_from_event(body: Mapping[str, Any]) -> Who:
    event = _m(body.get("event"))
    team_id = _s(body.get("team_id")) or _s(event.get("team"))
    return Who(team_id, _s(event.get("user")), "")


def command_origin(body: Mapping[str, Any]) -> Origin:
    return Origin(
        channel_id=_s(body.get("channel_id")) or None,
        response_url=_s(body.get("response_url")) or None,
        trigger_id=_s(body.get("trigger_id")) or None,
    )


def interaction_origin(body: Mapping[str, Any]) -> Origin:
    container = _m(body.get("container"))
    channel = _m(body.get("channel"))
    view = _m(body.get("view"))
    channel_id = _s(channel.get("id")) or _s(container.get("channel_id"))
    return Origin(
        channel_id=channel_id or None,
        response_url=_s(body.get("response_url")) or None,
        trigger_id=_s(body.get("trigger_id")) or None,
        home=view.get("type") == "home",
    )


def command_event(body: Mapping[str, Any], actor: Actor) -> CommandEvent:
    text = command_text(_s(body.get("command")), _s(body.get("text")))
    channel_id = _s(body.get("channel_id"))
    channel = ChannelRef(actor.community, channel_id) if CHANNEL_ID.match(channel_id) else None
    return CommandEvent(actor, text, channel)


def click_event(body: Mapping[str, Any], action: Mapping[str, Any], actor: Actor) -> ClickEvent:
    origin = interaction_origin(body)
    container = _m(body.get("container"))
    channel = (
        ChannelRef(actor.community, origin.channel_id)
        if origin.channel_id and CHANNEL_ID.match(origin.channel_id)
        else None
    )
    message_ts = _s(container.get("message_ts")) or _s(_m(body.get("message")).get("ts"))
    message = MessageRef(channel.key, message_ts) if channel and message_ts else None
    return ClickEvent(actor, _s(action.get("action_id")), message, channel)


def form_values(view: Mapping[str, Any]) -> dict[str, str]:
    """``view.state.values[block_id][action_id].value`` → ``{action_id: value}``."""
    values: dict[str, str] = {}
    blocks = _m(_m(view.get("state")).get("values"))
    for actions in blocks.values():
        for action_id, state in _m(actions).items():
            if isinstance(state, Mapping):
                value = state.get("value")
                values[str(action_id)] = value if isinstance(value, str) else ""
    return values


def form_event(body: Mapping[str, Any], actor: Actor) -> FormSubmitEvent:
    view = _m(body.get("view"))
    return FormSubmitEvent(actor, _s(view.get("callback_id")), form_values(view))


def form_metadata(origin: Origin) -> str:
    """What a modal remembers about where it was opened (view ``private_metadata``)."""
    data = {"c": origin.channel_id or "", "r": origin.response_url or ""}
    return json.dumps(data, separators=(",", ":"))


def form_origin(body: Mapping[str, Any]) -> Origin:
    view = _m(body.get("view"))
    try:
        data = json.loads(_s(view.get("private_metadata")) or "{}")
    except ValueError:
        data = {}
    if not isinstance(data, dict):
        data = {}
    channel_id, response_url = _s(data.get("c")), _s(data.get("r"))
    return Origin(
        channel_id=channel_id if CHANNEL_ID.match(channel_id) else None,
        response_url=response_url or None,
    )


def direct_text_event(event: Mapping[str, Any], actor: Actor) -> DirectTextEvent | None:
    """A member's own message in their DM with Kith; edits, bots and joins are not."""
    if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id"):
        return None
    text = slack_text(_s(event.get("text"))).strip()
    if not text:
        return None
    return DirectTextEvent(actor, text)
