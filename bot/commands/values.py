"""Turning option text into values, with one clear message for each kind of bad input."""

from __future__ import annotations

from bot.context import Context
from bot.errors import UserError
from bot.identity import ChannelRef, UserRef
from bot.timezones import UnknownTimeZone, canonical_zone


def channel_value(ctx: Context, text: str) -> ChannelRef:
    found = ctx.chat.parse_mention(ctx.community.ref, text.strip())
    if not isinstance(found, ChannelRef):
        raise UserError(f"“{text[:40]}” isn't a channel here. Mention one, like #general.")
    return found


def user_value(ctx: Context, text: str) -> UserRef:
    found = ctx.chat.parse_mention(ctx.community.ref, text.strip())
    if not isinstance(found, UserRef):
        raise UserError(f"“{text[:40]}” isn't a member here. Mention them, like @name.")
    return found


def timezone_value(text: str) -> str:
    try:
        return canonical_zone(text)
    except UnknownTimeZone as exc:
        raise UserError(str(exc)) from None
