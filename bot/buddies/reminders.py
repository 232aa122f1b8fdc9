"""The optional reminder the day before a round (``/kith setup buddies remind:1d``).

Everyone the round would pair is told privately that it is coming, with "count me in" (nothing
to do) and "skip this one" (the same as /buddy skip), so people can step out before they are
introduced rather than leave a group waiting. The buttons are checked against the database:
only the member reminded can answer, and only until the round begins.

Each member is reminded in their own language, looked up for everyone at once.
"""

from __future__ import annotations

from datetime import date

from bot import choice_ids
from bot.buddies.intros import send_quietly
from bot.buddies.pool import ELIGIBLE, get_member, update
from bot.buddies.rounds import find_round
from bot.buddies.rule import KIND, buddy_rule, day_label
from bot.choice_ids import ChoiceId, ChoiceIdError
from bot.community import member_languages, touch_member
from bot.context import Context
from bot.errors import UserError
from bot.i18n import N_, _, use_language
from bot.identity import MessageRef, UserRef
from bot.messages import Choice, ChoiceStyle, Message, Reply, Text, message
from bot.programmes import get_programme
from bot.scheduling.occurrences import DeliveryContext

CHOICES = {"in": N_("👍 Count me in"), "skip": N_("⏭️ Skip this one")}


def reminder_message(member_id: int, slot: str, number: int, when: str) -> Message:
    choices = tuple(
        Choice(
            choice_ids.encode("buddy.remind", member_id, slot, value),
            _(label),
            value,
            ChoiceStyle.PRIMARY if value == "in" else ChoiceStyle.DEFAULT,
        )
        for value, label in CHOICES.items()
    )
    return message(
        (
            Text(
                _("⏰ Buddy round {number} starts tomorrow ({when})", number=number, when=when),
                bold=True,
            ),
        ),
        _(
            "You're in the pool, so I'll introduce you to your group then: nothing to do. "
            "Can't make it this time? Skip this one and you'll be back for the round after."
        ),
        choices=choices,
    )


async def deliver_reminder(ctx: DeliveryContext) -> MessageRef | None:
    """Remind everyone the round would pair, once each (a retry resends under the same keys).
    Nothing is sent once the round itself has begun."""
    programme, occurrence = ctx.programme, ctx.occurrence
    db = ctx.services.db
    if await find_round(db, programme.id, occurrence.slot) is not None:
        return None
    rows = await db.fetchall(
        f"SELECT id, user_key FROM buddy_members WHERE community_id = ? AND {ELIGIBLE} ORDER BY id",
        programme.community_key,
        occurrence.slot,
    )
    done = int(
        await db.fetchval("SELECT COUNT(*) FROM buddy_rounds WHERE programme_id = ?", programme.id)
    )
    starts = buddy_rule(programme).at_local(date.fromisoformat(occurrence.slot))
    languages = await member_languages(
        db, programme.community_key, [str(row["user_key"]) for row in rows]
    )
    for row in rows:
        member_id = int(row["id"])
        with use_language(languages[row["user_key"]]):
            reminder = reminder_message(
                member_id, occurrence.slot, done + 1, day_label(starts, programme.tz)
            )
        await send_quietly(
            ctx,
            UserRef.parse(row["user_key"]),
            reminder,
            f"kith-buddy-remind-{occurrence.id}-{member_id}",
        )
    return None


async def remind_clicked(ctx: Context, choice: ChoiceId) -> Reply:
    """ "Count me in" or "skip this one", from the member reminded, before the round begins."""
    if len(choice.fields) != 3 or choice.fields[2] not in CHOICES:
        raise ChoiceIdError("unknown reminder choice")
    member_id, slot, value = choice.field_int(0), choice.fields[1], choice.fields[2]
    programme = await get_programme(ctx.db, ctx.community.ref.key, KIND)
    if programme is None:
        raise UserError(_("Buddy pairing isn't running here any more, so nothing changed."))
    async with ctx.db.transaction() as tx:
        member = await get_member(tx, ctx.community.ref.key, ctx.actor.user.key)
        if member is None or member.id != member_id:
            raise UserError(_("That reminder was for someone else, so nothing changed."))
        if not member.active:
            raise UserError(_("You're not in the buddy pool any more. /buddy join to come back."))
        if await find_round(tx, programme.id, slot) is not None:
            return Reply.text(
                _(
                    "That round has already begun and its groups are made, so nothing changed. "
                    "/buddy status shows your group."
                )
            )
        await touch_member(tx, ctx.actor, ctx.now)
        if value == "in":
            if member.skip_next:
                await update(tx, member, ctx.now, skip_next=0)
                return Reply.text(
                    _("You're back in: I'll introduce you to your group tomorrow. 🙂")
                )
            return Reply.text(_("Great, you're in: I'll introduce you to your group tomorrow. 🙂"))
        if member.skip_next:
            return Reply.text(_("You're already sitting this one out. See you the round after!"))
        await update(tx, member, ctx.now, skip_next=1)
    return Reply.text(
        _(
            "Okay: you'll sit this round out and be back for the one after. Changed your mind? "
            "Tap “Count me in” before the round begins."
        )
    )
