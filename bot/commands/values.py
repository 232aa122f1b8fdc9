"""Turning option text into values, with one clear message for each kind of bad input."""

from __future__ import annotations

from bot.context import Context
from bot.errors import UserError
from bot.identity import ChannelRef, UserRef
from bot.timezones import UnknownTimeZone, canonical_zone


def channel_value(ctx: Context, text: str) -> ChannelRef:
    if not text.strip():  # "alerts:" with nothing after it
        raise UserError("No channel was given. Mention one, like #general.")
    found = ctx.chat.parse_mention(ctx.community.ref, text.strip())
    if not isinstance(found, ChannelRef):
        raise UserError(f"“{text[:40]}” isn't a channel here. Mention one, like #general.")
    return found


def user_value(ctx: Context, text: str) -> UserRef:
    if not text.strip():
        raise UserError("No member was given. Mention them, like @name.")
    found = ctx.chat.parse_mention(ctx.community.ref, text.strip())
    if not isinstance(found, UserRef):
        raise UserError(f"“{text[:40]}” isn't a member here. Mention them, like @name.")
    return found


def timezone_value(text: str) -> str:
    try:
        return canonical_zone(text)
    except UnknownTimeZone as exc:
        raise UserError(str(exc)) from None


MAX_GRACE_MINUTES = 24 * 60


def grace_value(text: str, what: str = "a post may still go out") -> int:
    """``grace:`` — minutes late a scheduled firing may still happen (``90`` or ``90m``)."""
    grace = text.strip().removesuffix("m")
    # isdecimal, not isdigit: "²" is a digit to Python but no number to int().
    if not grace.isdecimal() or len(grace) > 6 or int(grace) > MAX_GRACE_MINUTES:
        raise UserError(
            f"grace: is how many minutes late {what}, 0 to {MAX_GRACE_MINUTES}. "
            "Nothing was changed."
        )
    return int(grace)
