"""Discord ids as Kith references (pure).

A community is a guild (``discord:<guild>``); members and channels are scoped to it
(``discord:<guild>:<user>``), so the same person in two guilds is two members, as SPEC asks.
"""

from __future__ import annotations

import re

from bot.identity import ChannelRef, CommunityRef, UserRef

PLATFORM = "discord"
_USER_MENTION = re.compile(r"^<@!?(\d{15,21})>$")
_CHANNEL_MENTION = re.compile(r"^<#(\d{15,21})>$")
_SNOWFLAKE = re.compile(r"^\d{15,21}$")


def community_ref(guild_id: int | str) -> CommunityRef:
    return CommunityRef(PLATFORM, str(guild_id))


def user_ref(guild_id: int | str, user_id: int | str) -> UserRef:
    return UserRef(community_ref(guild_id), str(user_id))


def channel_ref(guild_id: int | str, channel_id: int | str) -> ChannelRef:
    return ChannelRef(community_ref(guild_id), str(channel_id))


def snowflake(text: str) -> int:
    """The numeric id inside a reference; a ValueError for anything that is not one."""
    if not _SNOWFLAKE.match(text):
        raise ValueError(f"not a Discord id: {text[:30]!r}")
    return int(text)


def is_discord(ref: CommunityRef) -> bool:
    return ref.platform == PLATFORM and bool(_SNOWFLAKE.match(ref.id))


def parse_mention_token(community: CommunityRef, token: str) -> UserRef | ChannelRef | None:
    """``<@123>``/``<@!123>`` → member, ``<#123>`` → channel; names are resolved elsewhere.

    Slash-command options arrive typed (the adapter writes them back as these mention forms), so
    only hand-typed text needs the name lookup the client does from its cache.
    """
    token = token.strip()
    if (found := _USER_MENTION.match(token)) is not None:
        return UserRef(community, found.group(1))
    if (found := _CHANNEL_MENTION.match(token)) is not None:
        return ChannelRef(community, found.group(1))
    return None
