"""Turning option text into values, with one clear message for each kind of bad input."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from difflib import get_close_matches

from bot.commands.parse import Invocation
from bot.context import Context
from bot.errors import UserError
from bot.i18n import N_, _
from bot.identity import ChannelRef, UserRef
from bot.scheduling.timezones import UnknownTimeZone, canonical_zone


def channel_value(ctx: Context, text: str) -> ChannelRef:
    if not text.strip():  # "alerts:" with nothing after it
        raise UserError(_("No channel was given. Mention one, like #general."))
    found = ctx.chat.parse_mention(ctx.community.ref, text.strip())
    if not isinstance(found, ChannelRef):
        raise UserError(
            _("“{text}” isn't a channel here. Mention one, like #general.", text=text[:40])
        )
    return found


def user_value(ctx: Context, text: str) -> UserRef:
    if not text.strip():
        raise UserError(_("No member was given. Mention them, like @name."))
    found = ctx.chat.parse_mention(ctx.community.ref, text.strip())
    if not isinstance(found, UserRef):
        raise UserError(
            _("“{text}” isn't a member here. Mention them, like @name.", text=text[:40])
        )
    return found


def timezone_value(text: str) -> str:
    try:
        return canonical_zone(text)
    except UnknownTimeZone as exc:
        raise UserError(exc.member_text()) from None


MAX_GRACE_MINUTES = 24 * 60
A_POST = N_("a post may still go out")


def grace_value(text: str, what: str = A_POST) -> int:
    """``grace:`` — minutes late a scheduled firing may still happen (``90`` or ``90m``).
    ``what`` is a clause marked with ``N_`` (``N_("a round may still start")``)."""
    grace = text.strip().removesuffix("m")
    # isdecimal, not isdigit: "²" is a digit to Python but no number to int().
    if not grace.isdecimal() or len(grace) > 6 or int(grace) > MAX_GRACE_MINUTES:
        raise UserError(
            _(
                "grace: is how many minutes late {what}, 0 to {max}. Nothing was changed.",
                what=_(what),
                max=MAX_GRACE_MINUTES,
            )
        )
    return int(grace)


def refuse_stray_words(inv: Invocation, options: Iterable[str], command: str) -> None:
    """Settings commands take only ``name:value`` options. Anything else (an unknown option,
    often a typo like ``dya:mon``, or a bare word) is refused with a clear message instead of
    being ignored while the reply says the settings were updated."""
    if not inv.args:
        return
    names = sorted(options)
    listed = ", ".join(f"{name}:" for name in names)
    word = inv.args[0]
    key, colon, _rest = word.partition(":")
    if colon and key:
        close = get_close_matches(key.lower(), names, n=1)
        if close:
            raise UserError(
                _(
                    "{command} has no option “{key}:”. Did you mean {close}:? Its options are "
                    "{options}. Nothing was changed.",
                    command=command,
                    key=key[:30],
                    close=close[0],
                    options=listed,
                )
            )
        raise UserError(
            _(
                "{command} has no option “{key}:”. Its options are {options}. Nothing was changed.",
                command=command,
                key=key[:30],
                options=listed,
            )
        )
    if not names:
        raise UserError(
            _(
                "{command} doesn't know what to do with “{word}”: it takes nothing after it. "
                "Nothing was changed.",
                command=command,
                word=word[:30],
            )
        )
    raise UserError(
        _(
            "{command} doesn't know what to do with “{word}”: each setting is written "
            "name:value, like day:mon. Its options are {options}. Nothing was changed.",
            command=command,
            word=word[:30],
            options=listed,
        )
    )


def until_value(inv: Invocation, command: str) -> date:
    """``until:YYYY-MM-DD`` (or the date as the first word) for a pause, e.g. ``/buddy pause``."""
    text = (inv.options.get("until") or (inv.args[0] if inv.args else "")).strip()
    example = f"{command} until:2026-04-01"
    if not text:
        raise UserError(_("Until when? Give a date, like {example}.", example=example))
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UserError(
            _(
                "“{text}” isn't a date: use YYYY-MM-DD, like {example}.",
                text=text[:20],
                example=example,
            )
        ) from None
