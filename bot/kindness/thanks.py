"""``/thanks @member <why>``: credit someone's "kindness noticed" tally and tell them privately.

Thanks never touch the giver's streak (that would make thanking a way to farm it). Refused: thanking
yourself, thanking a bot, and more than three thanks to the same person in a day. The tally counts
a giver once per recipient per day, so a flurry of thanks can't inflate it.

Bots: the core knows whether the *actor* is a bot (``Actor.is_bot``), but a mention is only an id.
A chat port that can tell (Discord's resolved user has ``bot``; Slack's ``users.info`` has
``is_bot``, and both know their own bot user) implements ``BotLookup`` and thanking a bot is
refused. A port without it (the console, which has no bots) lets the thanks through.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from bot.commands.parse import Invocation, clean_text
from bot.commands.values import user_value
from bot.community import member_language, touch_member
from bot.context import Context
from bot.day_counts import count_kindness
from bot.errors import UserError
from bot.i18n import N_, _, ngettext, use_language
from bot.i18n.inline import inline
from bot.identity import UserRef
from bot.kindness.acts import load_member
from bot.kindness.replies import NOT_SET_UP, quoted
from bot.messages import Mention, Message, Reply, message
from bot.ports import DeliveryError
from bot.safety.care import look_after
from bot.scheduling.clock import to_epoch

MAX_WHY = 500
MAX_PER_PERSON_PER_DAY = 3
USAGE = N_("Say who and why: /thanks @name for helping me move the sofa.")
THANK_YOU_NOTE = "a thank-you note"  # stored in English; see replies.KIND_ACT_NOTE


@runtime_checkable
class BotLookup(Protocol):
    """Optional chat-port ability: whether a member reference is a bot (including Kith)."""

    async def is_bot(self, user: UserRef) -> bool: ...


def thanks_message(giver: Mention, why: str, noticed: int) -> Message:
    """The thanked member's private note, in the current language (set it to theirs)."""
    return message(
        inline(_("💛 {name} thanked you: {why}"), name=giver, why=quoted(why, MAX_WHY)),
        ngettext(
            "Your kindness has been noticed once here.",
            "Your kindness has been noticed {n} times here.",
            noticed,
        ),
        note=_("Only you can see this. Pass it on with /thanks whenever someone helps you."),
    )


async def _is_bot(ctx: Context, user: UserRef) -> bool:
    if not isinstance(ctx.chat, BotLookup):
        return False
    try:
        return await ctx.chat.is_bot(user)
    except DeliveryError:
        return False  # the platform could not say; a person is the likelier answer


async def thanks_command(ctx: Context, inv: Invocation) -> Reply:
    if ctx.actor.is_bot:
        raise UserError(_("Thanks are given by people, so nothing was sent."))
    if not inv.args:
        raise UserError(_(USAGE))
    target = user_value(ctx, inv.args[0])
    why = clean_text(" ".join(inv.args[1:]))
    if target == ctx.actor.user:
        raise UserError(
            _(
                "You can't thank yourself here, though you deserve it. 💛 Log what you did with "
                "/kind, or thank someone who helped you."
            )
        )
    if await _is_bot(ctx, target):
        raise UserError(_("That's a bot, and thanks here are for people. Nothing was sent."))
    if not why:
        raise UserError(_(USAGE))
    if len(why) > MAX_WHY:
        raise UserError(_("Thanks hold up to {limit} characters. Nothing was sent.", limit=MAX_WHY))
    community_key = ctx.community.ref.key
    async with ctx.db.transaction() as tx:
        await touch_member(tx, ctx.actor, ctx.now)
        state = await load_member(tx, community_key, ctx.actor.user.key)
        if state.programme is None:
            raise UserError(_(NOT_SET_UP))
        day = state.today(ctx.now).isoformat()
        earlier = int(
            await tx.fetchval(
                "SELECT COUNT(*) FROM kind_thanks WHERE community_id = ? AND from_user = ?"
                " AND to_user = ? AND local_date = ?",
                community_key,
                ctx.actor.user.key,
                target.key,
                day,
            )
        )
        name = await tx.fetchval(
            "SELECT display_name FROM members WHERE community_id = ? AND user_key = ?",
            community_key,
            target.key,
        )
        name = str(name or target.id)
        if earlier >= MAX_PER_PERSON_PER_DAY:
            raise UserError(
                _(
                    "You've thanked {name} {count} times today. That's plenty for one day; "
                    "nothing more was sent.",
                    name=name,
                    count=MAX_PER_PERSON_PER_DAY,
                )
            )
        counted = earlier == 0
        thanks_id = await tx.fetchval(
            "INSERT INTO kind_thanks (community_id, from_user, to_user, text, local_date,"
            " counted, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
            community_key,
            ctx.actor.user.key,
            target.key,
            why,
            day,
            int(counted),
            to_epoch(ctx.now),
        )
        await count_kindness(tx, community_key, day, ctx.actor.user.key, thanks=1)
        noticed = await tx.fetchval(
            "INSERT INTO kind_members (community_id, user_key, noticed, pref, updated_at)"
            " VALUES (?, ?, ?, COALESCE((SELECT leaderboard FROM member_prefs"
            " WHERE community_id = ? AND user_key = ?), 'default'), ?)"
            " ON CONFLICT (community_id, user_key) DO UPDATE SET"
            " noticed = kind_members.noticed + excluded.noticed RETURNING noticed",
            community_key,
            target.key,
            int(counted),
            community_key,
            target.key,
            to_epoch(ctx.now),
        )
    await look_after(ctx, why, THANK_YOU_NOTE)
    giver = Mention(ctx.actor.user, ctx.actor.display_name)
    wants_note = await ctx.db.fetchval(
        "SELECT notify_thanks FROM member_prefs WHERE community_id = ? AND user_key = ?",
        community_key,
        target.key,
    )
    if wants_note is not None and not wants_note:  # their privacy setting: no thank-you DMs
        return Reply.text(
            _(
                "💛 Your thanks to {name} is recorded and adds to their “kindness noticed” "
                "tally. They've chosen not to get thank-you notes privately, so none was sent.",
                name=name,
            )
        )
    # The note is theirs to read: in their language, not the giver's.
    with use_language(await member_language(ctx.db, ctx.community, target.key)):
        note = thanks_message(giver, why, int(noticed))
    try:
        await ctx.chat.send_private(target, note, delivery_key=f"kith-thanks-{thanks_id}")
    except DeliveryError:
        return Reply.text(
            _(
                "Your thanks to {name} is recorded, but I couldn't reach them privately (their "
                "direct messages may be closed). It still counts on their “kindness noticed” "
                "tally.",
                name=name,
            )
        )
    if not counted:
        return Reply.text(
            _(
                "💛 Sent to {name}, privately. Their “kindness noticed” tally counts your thanks "
                "once a day, and today's is already in.",
                name=name,
            )
        )
    return Reply.text(
        _(
            "💛 Thanks sent to {name}, privately. It adds to their “kindness noticed” tally.",
            name=name,
        )
    )
