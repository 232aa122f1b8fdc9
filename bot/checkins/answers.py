"""Answers to a check-in: mood clicks, private reflections, and sharing a reflection."""

from __future__ import annotations

from datetime import timedelta

from bot import choice_ids
from bot.checkins.post import MOOD_EMOJI, prompt_words
from bot.checkins.rule import ANSWERABLE, PERSONAL, POST, slot_date
from bot.choice_ids import ChoiceId, ChoiceIdError
from bot.commands.parse import clean_text
from bot.community import touch_member
from bot.context import Context
from bot.day_counts import count_answer
from bot.errors import UserError
from bot.i18n import _, pgettext, use_language
from bot.identity import ChannelRef, MessageRef
from bot.messages import Choice, ChoiceStyle, Form, FormField, Reply, message
from bot.pending_inputs import await_text
from bot.programmes import get_programme_by_id
from bot.safety.care import look_after
from bot.scheduling.clock import to_epoch
from bot.scheduling.occurrences import Occurrence
from bot.store.base import Database, Tx

ANSWER_WINDOW = timedelta(days=3)  # a mood can be given or changed this long after the post
TEXT_REPLY_WINDOW = timedelta(hours=2)  # how long Kith waits for a reflection typed as a reply
MAX_REFLECTION = 1500
# Where a screened text came from, stored with the event in English: bot.safety.care_messages
# marks it for the catalogue and words it for the moderators.
REFLECTION_SOURCE = "a check-in reflection"


async def _open_checkin(db: Database | Tx, ctx: Context, occurrence_id: int) -> Occurrence:
    row = await db.fetchone("SELECT * FROM occurrences WHERE id = ?", occurrence_id)
    if (
        row is None
        or row["community_id"] != ctx.community.ref.key
        or row["kind"] not in ANSWERABLE
        or row["state"] != "sent"
        or (row["kind"] == PERSONAL and not await _sent_to(db, row["slot"], ctx.actor.user.key))
    ):
        raise UserError(_("I can't find that check-in here, so nothing was recorded."))
    occurrence = Occurrence.from_row(row)
    if ctx.now - occurrence.due_at > ANSWER_WINDOW:
        raise UserError(_("That check-in has closed. Today's is one /checkin away."))
    return occurrence


async def _sent_to(db: Database | Tx, slot: str, user_key: str) -> bool:
    """A personal check-in is answered only by the member it was sent to."""
    owner = await db.fetchval(
        "SELECT user_key FROM personal_checkins WHERE id = ?", int(slot.partition("/")[0])
    )
    return bool(owner == user_key)


async def mood_clicked(ctx: Context, choice: ChoiceId) -> Reply:
    occurrence_id, value = choice.field_int(0), choice.field_int(1)
    if value not in MOOD_EMOJI:
        raise ChoiceIdError("mood out of range")
    async with ctx.db.transaction() as tx:
        occurrence = await _open_checkin(tx, ctx, occurrence_id)
        # The member's row first: on PostgreSQL its lock makes two clicks of the same member
        # take turns, so ``previous`` is what the counts below already hold.
        await touch_member(tx, ctx.actor, ctx.now)
        previous = await tx.fetchval(
            "SELECT mood FROM moods WHERE occurrence_id = ? AND user_key = ?",
            occurrence.id,
            ctx.actor.user.key,
        )
        await tx.execute(
            "INSERT INTO moods (occurrence_id, community_id, user_key, mood, local_date,"
            " answered_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (occurrence_id, user_key)"
            " DO UPDATE SET mood = excluded.mood, answered_at = excluded.answered_at",
            occurrence.id,
            ctx.community.ref.key,
            ctx.actor.user.key,
            value,
            slot_date(occurrence.slot),
            to_epoch(ctx.now),
        )
        first = previous is None
        await count_answer(
            tx,
            ctx.community.ref.key,
            slot_date(occurrence.slot),
            ctx.actor.user.key,
            answers=int(first),
            post_answers=int(first and occurrence.kind == POST),
            mood_sum=value - (0 if first else int(previous)),
        )
    mood = MOOD_EMOJI[value]
    if previous is None:
        return Reply.text(
            _(
                "Thanks for checking in {mood} ({value}/5). "
                "Only you can see this. If you'd like, ✍️ Reflect to jot down a thought.",
                mood=mood,
                value=value,
            )
        )
    if previous == value:
        return Reply.text(
            _("You already said {mood} ({value}/5) today; it's noted.", mood=mood, value=value)
        )
    return Reply.text(
        _(
            "Changed your answer to {mood} ({value}/5). Only you can see this.",
            mood=mood,
            value=value,
        )
    )


def reflection_form(occurrence_id: int, prompt_text: str) -> Form:
    return Form(
        id=choice_ids.encode("reflect", occurrence_id),
        title=_("Reflect privately"),
        fields=(
            FormField(
                "text", _("What's on your mind?"), _("A line or two is plenty."), MAX_REFLECTION
            ),
        ),
        intro=prompt_text,
    )


async def reflect_clicked(ctx: Context, choice: ChoiceId) -> Reply:
    occurrence = await _open_checkin(ctx.db, ctx, choice.field_int(0))
    # The prompt in the member's language, whoever's language the channel post was in.
    form = reflection_form(occurrence.id, prompt_words(ctx.services.catalogue, occurrence.payload))
    if ctx.chat.capabilities.modals:
        return Reply(form=form)
    async with ctx.db.transaction() as tx:
        await await_text(
            tx, ctx.community.ref.key, ctx.actor.user.key, form.id, ctx.now + TEXT_REPLY_WINDOW
        )
    return Reply.text(
        _(
            "✍️ Write your reflection as your next message to me, here in private. "
            "It stays private unless you choose to share it."
        )
    )


async def reflection_submitted(ctx: Context, form: ChoiceId, values: dict[str, str]) -> Reply:
    text = clean_text(values.get("text", ""))
    if not text:
        raise UserError(_("Your reflection was empty, so nothing was saved."))
    if len(text) > MAX_REFLECTION:
        raise UserError(
            _(
                "That's a little long: reflections hold up to {limit} "
                "characters. Nothing was saved; try a shorter version.",
                limit=MAX_REFLECTION,
            )
        )
    async with ctx.db.transaction() as tx:
        occurrence = await _open_checkin(tx, ctx, form.field_int(0))
        await touch_member(tx, ctx.actor, ctx.now)
        reflection_id = await tx.fetchval(
            "INSERT INTO reflections (community_id, user_key, occurrence_id, text, created_at)"
            " VALUES (?, ?, ?, ?, ?) RETURNING id",
            ctx.community.ref.key,
            ctx.actor.user.key,
            occurrence.id,
            text,
            to_epoch(ctx.now),
        )
    flagged = await look_after(ctx, text, REFLECTION_SOURCE) is not None
    options = [
        ("keep", pgettext("button", "Keep private")),
        ("named", pgettext("button", "Share with my name")),
        ("anon", pgettext("button", "Share anonymously")),
    ]
    anonymous_only = await ctx.db.fetchval(
        "SELECT share_anonymously FROM member_prefs WHERE community_id = ? AND user_key = ?",
        ctx.community.ref.key,
        ctx.actor.user.key,
    )
    # The member's privacy setting, or words that just worried Kith: never offer their name.
    if anonymous_only or flagged:
        options = [(how, label) for how, label in options if how != "named"]
    choices = tuple(
        Choice(
            choice_ids.encode("share", reflection_id, how),
            label,
            how,
            # Keeping it private is the default after words that worried Kith.
            ChoiceStyle.PRIMARY if flagged and how == "keep" else ChoiceStyle.DEFAULT,
        )
        for how, label in options
    )
    return Reply(
        message(
            _("Saved, privately. Thank you for taking a moment for yourself."),
            _("Would you like to share it in the check-in thread? Nobody sees it unless you do."),
            choices=choices,
        )
    )


async def share_clicked(ctx: Context, choice: ChoiceId) -> Reply:
    reflection_id, how = choice.field_int(0), choice.fields[1] if len(choice.fields) > 1 else ""
    if how not in {"keep", "named", "anon"}:
        raise ChoiceIdError("unknown share choice")
    if how == "named" and await ctx.db.fetchval(
        "SELECT share_anonymously FROM member_prefs WHERE community_id = ? AND user_key = ?",
        ctx.community.ref.key,
        ctx.actor.user.key,
    ):
        how = "anon"  # the setting wins even over an old button
    row = await ctx.db.fetchone("SELECT * FROM reflections WHERE id = ?", reflection_id)
    if row is None or row["community_id"] != ctx.community.ref.key:
        raise UserError(_("I can't find that reflection any more, so nothing was shared."))
    if row["user_key"] != ctx.actor.user.key:
        raise UserError(_("Only the person who wrote a reflection can share it."))
    if row["shared"] != "private":
        return Reply.text(_("That reflection is already shared."))
    if how == "keep":
        return Reply.text(_("Kept private. 🌱"))
    occurrence_row = await ctx.db.fetchone(
        "SELECT * FROM occurrences WHERE id = ?", row["occurrence_id"]
    )
    if occurrence_row is None:
        raise UserError(_("That check-in is gone, so there is no thread to share in."))
    occurrence = Occurrence.from_row(occurrence_row)
    programme = await get_programme_by_id(ctx.db, occurrence.programme_id)
    if programme is None:
        raise UserError(_("Check-ins are no longer set up here, so there is nowhere to share."))
    thread = occurrence.message if occurrence.kind == POST else None
    channel = ChannelRef.parse(thread.channel_key) if thread else programme.channel
    with use_language(ctx.community.language):  # posted for everyone in the channel
        heading = (
            _("💬 {name} shared a reflection:", name=ctx.actor.display_name)
            if how == "named"
            else _("💬 Someone shared a reflection:")
        )
    sent: MessageRef = await ctx.chat.send_channel(
        channel,
        message(heading, row["text"]),
        thread=thread,
        delivery_key=f"kith-refl-{reflection_id}",
    )
    async with ctx.db.transaction() as tx:
        await tx.execute(
            "UPDATE reflections SET shared = ?, shared_message_key = ? WHERE id = ?",
            "named" if how == "named" else "anonymous",
            sent.key,
            reflection_id,
        )
    return Reply.text(_shared(how, None if thread else ctx.chat.channel_label(channel)))


def _shared(how: str, channel: str | None) -> str:
    """The thank-you after sharing; ``channel`` when there was no thread to share in."""
    if channel is None:
        if how == "anon":
            return _("Shared in the check-in thread anonymously. Thank you for opening up. 💛")
        return _("Shared in the check-in thread. Thank you for opening up. 💛")
    if how == "anon":
        return _("Shared in {channel} anonymously. Thank you for opening up. 💛", channel=channel)
    return _("Shared in {channel}. Thank you for opening up. 💛", channel=channel)
