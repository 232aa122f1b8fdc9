"""Milestone celebrations in the kindness channel.

A milestone (3, 7, 14, 30, 50, 100, 365 days) is queued as an occurrence in the same transaction
as the act that reached it (see ``acts._queue_milestone``), so the post goes out exactly once,
is retried like any scheduled post, and is skipped while the programme is paused.

The post names the member, without a ping. A member who turned public mentions off
(``/streak milestones private``) gets no channel post at all: in a small community even an
anonymous "someone reached 7 days" right after they logged could point at them. They still get
the celebration privately, in the reply to the act that reached it. The choice is read again when
the post is sent, so a change of mind just before still counts.
"""

from __future__ import annotations

from bot.i18n import N_, _, ngettext
from bot.i18n.inline import inline
from bot.identity import MessageRef, UserRef
from bot.kindness.prefs import get_prefs
from bot.messages import Mention, Message, message
from bot.scheduling.occurrences import DeliveryContext

CHEERS = {
    3: N_("Three days of small kindnesses. A lovely start!"),
    7: N_("A whole week of kindness. That's a habit forming."),
    14: N_("Two weeks of showing up for others."),
    30: N_("A month of kindness, one day at a time."),
    50: N_("Fifty days! The people around them are lucky."),
    100: N_("One hundred days of kindness. Remarkable."),
    365: N_("A full year of daily kindness. Thank you."),
}
OTHER_CHEER = N_("Small acts, day after day.")


def milestone_message(days: int, mention: Mention) -> Message:
    """The channel's celebration, in the current language (the scheduler's: the community's)."""
    cheer = _(CHEERS.get(days, OTHER_CHEER))
    return message(
        inline(
            ngettext(
                "🎉 {name} reached a {n}-day kindness streak!",
                "🎉 {name} reached a {n}-day kindness streak!",
                days,
                name="{name}",  # filled with the mention by inline
            ),
            name=mention,
        ),
        f"{cheer} 💛",
    )


async def deliver_milestone(ctx: DeliveryContext) -> MessageRef | None:
    payload = ctx.occurrence.payload
    if "user_key" not in payload:
        return None  # the member ran /kith forget after it was queued
    user_key, days = str(payload["user_key"]), int(payload["days"])
    db = ctx.services.db
    still_known = await db.fetchval(
        "SELECT 1 FROM kind_milestones WHERE community_id = ? AND user_key = ? LIMIT 1",
        ctx.programme.community_key,
        user_key,
    )
    if still_known is None:
        return None  # forgotten between being claimed and sent: never post their name
    prefs = await get_prefs(db, ctx.programme.community_key, user_key)
    if not prefs.public_mentions:
        return None  # celebrated privately only; see the module docstring
    name = await db.fetchval(
        "SELECT display_name FROM members WHERE community_id = ? AND user_key = ?",
        ctx.programme.community_key,
        user_key,
    )
    user = UserRef.parse(user_key)
    return await ctx.chat.send_channel(
        ctx.programme.channel,
        milestone_message(days, Mention(user, str(name or user.id))),
        delivery_key=ctx.occurrence.delivery_key,
    )
