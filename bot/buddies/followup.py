"""The rest of a round: the halfway nudge, "did you connect?", and the answers to both questions
Kith asks (the follow-up, and "stay, pause or leave?" for members who have gone quiet).

Answers are checked against the database, never trusted from the button: only a member of the
group may answer its follow-up, only the member asked may answer whether to stay.

"We met" answers live in ``buddy_group_members`` (``answer = 'met'``, ``answered_at``); they are
what counts as a kind act for the streak of those who met.

The nudge and the follow-up are group messages, written in the language the group's members
share, else the community's (as the introduction, ``bot.buddies.intros``); each member's answer
is replied to in their own language.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from bot import choice_ids
from bot.buddies.intros import WRITE_EVERY, group_language, with_people
from bot.buddies.pool import get_member, update
from bot.buddies.rounds import Group, Round, find_round, round_groups, starter_text
from bot.buddies.rule import KIND, date_label, day_label
from bot.choice_ids import ChoiceId, ChoiceIdError
from bot.community import member_languages, member_timezone, touch_member
from bot.context import Context
from bot.errors import UserError
from bot.i18n import N_, _, current_language, use_language
from bot.identity import MessageRef
from bot.kindness.acts import record_act
from bot.logs import event
from bot.messages import Choice, ChoiceStyle, Message, Reply, Text, message
from bot.ports import DeliveryError, GroupDelivery
from bot.programmes import get_programme
from bot.scheduling.clock import to_epoch
from bot.scheduling.occurrences import DeliveryContext
from bot.scheduling.timezones import local_date
from bot.store.base import Database

log = logging.getLogger("kith.buddies")

ANSWERS = {  # the buttons' words, shown with _()
    "met": N_("🤝 We met"),
    "notyet": N_("⏳ Not yet"),
    "couldnt": N_("🙏 Couldn't this time"),
}
PAUSE_FOR = timedelta(weeks=4)  # "pause" in the stay-or-go question
ANSWER_WINDOW = timedelta(days=7)  # answers still count this long after the round ends


def to_epoch_delta(delta: timedelta) -> int:
    return int(delta.total_seconds())


def nudge_message(round_: Round, group: Group, tz: str, starter: str) -> Message:
    ask_day = day_label(round_.ends_at - timedelta(days=1), tz)
    return message(
        (Text(_("🌱 Halfway through buddy round {number}", number=round_.number), bold=True),),
        with_people(_("A gentle nudge for {people}: have you found a time yet?"), group.people),
        _(
            "Even ten minutes counts. If it helps, the starter was: {starter} "
            "I'll ask how it went on {day}.",
            starter=starter,
            day=ask_day,
        ),
    )


def followup_message(round_: Round, group: Group) -> Message:
    choices = tuple(
        Choice(
            choice_ids.encode("buddy.answer", group.id, value),
            _(label),
            value,
            ChoiceStyle.PRIMARY if value == "met" else ChoiceStyle.DEFAULT,
        )
        for value, label in ANSWERS.items()
    )
    return message(
        (Text(_("🤝 Buddy round {number}: did you connect?", number=round_.number), bold=True),),
        with_people(_("This round's group: {people}."), group.people),
        _(
            "Tap one: each of you answers for yourself, only this group can answer, and there's "
            "no wrong answer. Meeting up counts as a kind act."
        ),
        choices=choices,
    )


async def deliver_nudge(ctx: DeliveryContext) -> MessageRef | None:
    return await _to_groups(ctx, "nudge")


async def deliver_followup(ctx: DeliveryContext) -> MessageRef | None:
    return await _to_groups(ctx, "followup")


async def _to_groups(ctx: DeliveryContext, what: str) -> MessageRef | None:
    """Send the nudge or the follow-up to each group whose intro went out, once per group, to
    the members still in the pool. A round that never ran (missed) has nothing to send."""
    db = ctx.services.db
    round_ = await find_round(db, ctx.programme.id, ctx.occurrence.slot)
    if round_ is None:
        return None
    groups = await round_groups(
        db,
        round_.occurrence_id,
        where=f"AND g.intro_state = 'sent' AND g.{what}_state = 'pending'",
    )
    community = current_language()  # a delivery runs in the community's language
    languages = await member_languages(
        db, ctx.programme.community_key, [p.user.key for g in groups for p in g.people if p.active]
    )
    starters: dict[str, str] = {}  # the starter in each language, rendered once
    transient: list[str] = []
    done: list[Sent] = []
    for group in groups:
        people = [p for p in group.people if p.active]
        outcome: GroupDelivery | DeliveryError | None = None
        if people:
            with use_language(group_language(people, languages, community)):
                if what == "nudge":
                    language = current_language()
                    if language not in starters:
                        starters[language] = starter_text(ctx.services.catalogue, round_)
                    build = nudge_message(round_, group, ctx.programme.tz, starters[language])
                else:
                    build = followup_message(round_, group)
            try:
                outcome = await ctx.chat.send_group(
                    [p.user for p in people],
                    build,
                    channel=ctx.programme.channel,
                    delivery_key=f"kith-buddy-{what}-{group.id}",
                )
            except DeliveryError as exc:
                if not exc.permanent:
                    transient.append(exc.reason)
                    continue
                outcome = exc
                event(log, f"buddy_{what}_failed", logging.WARNING, group=group.id)
        done.append(Sent(group, {p.member_id for p in people}, outcome))
        if len(done) >= WRITE_EVERY:
            await _record(db, what, done)
            done = []
    await _record(db, what, done)
    if transient:
        raise DeliveryError(
            f"{len(transient)} group messages will be retried: {transient[0]}", permanent=False
        )
    if what == "followup":
        await db.execute(
            "UPDATE buddy_rounds SET followup_at = ? WHERE occurrence_id = ?",
            to_epoch(ctx.now),
            round_.occurrence_id,
        )
    return None


@dataclass(frozen=True)
class Sent:
    group: Group
    recipients: set[int]  # member ids the message was for (those still in the pool)
    outcome: GroupDelivery | DeliveryError | None  # None: nobody left to send to


async def _record(db: Database, what: str, done: list[Sent]) -> None:
    """Mark each group's nudge or follow-up done; for the follow-up, whom it reached (only they
    count toward "rounds in a row without an answer")."""
    if not done:
        return
    async with db.transaction() as tx:
        for sent in done:
            outcome = sent.outcome
            state = (
                "none"
                if outcome is None
                else "failed"
                if isinstance(outcome, DeliveryError)
                else "sent"
            )
            await tx.execute(
                f"UPDATE buddy_groups SET {what}_state = ? WHERE id = ?", state, sent.group.id
            )
            if what != "followup" or outcome is None:
                continue
            unreachable = (
                {u.key for u in outcome.unreachable} if isinstance(outcome, GroupDelivery) else None
            )
            for person in sent.group.people:
                if person.member_id not in sent.recipients:
                    continue
                reached = unreachable is not None and person.user.key not in unreachable
                await tx.execute(
                    "UPDATE buddy_group_members SET asked = ? WHERE group_id = ? AND member_id = ?",
                    int(reached),
                    sent.group.id,
                    person.member_id,
                )


REPLIES = {
    "met": N_("Wonderful, thank you for making time for each other! 🎉 That counts as a kind act."),
    "notyet": N_("No worries: there's still time. Tap “We met” here whenever you do."),
    "couldnt": N_("Thanks for letting me know. Life gets busy; there's always the next round. 💛"),
}


async def answer_clicked(ctx: Context, choice: ChoiceId) -> Reply:
    """A member answers "did you connect?" for themselves; a second click changes the answer."""
    group_id = choice.field_int(0)
    answer = choice.fields[1] if len(choice.fields) > 1 else ""
    if answer not in ANSWERS:
        raise ChoiceIdError("unknown buddy answer")
    async with ctx.db.transaction() as tx:
        row = await tx.fetchone(
            "SELECT g.followup_state, r.ends_at, r.number"
            " FROM buddy_groups g JOIN buddy_rounds r ON r.occurrence_id = g.round_id"
            " WHERE g.id = ? AND g.community_id = ?",
            group_id,
            ctx.community.ref.key,
        )
        if row is None or row["followup_state"] != "sent":
            raise UserError(_("I can't find that buddy question here, so nothing was recorded."))
        member = await get_member(tx, ctx.community.ref.key, ctx.actor.user.key)
        previous = None
        if member is not None:
            found = await tx.fetchone(
                "SELECT answer FROM buddy_group_members WHERE group_id = ? AND member_id = ?",
                group_id,
                member.id,
            )
            if found is None:
                member = None
            else:
                previous = found["answer"]
        if member is None:
            raise UserError(
                _("That question is for the members of that buddy group, so nothing was recorded.")
            )
        if to_epoch(ctx.now) > int(row["ends_at"]) + to_epoch_delta(ANSWER_WINDOW):
            raise UserError(
                _(
                    "Buddy round {number} has closed, so nothing was recorded. "
                    "Thanks all the same!",
                    number=row["number"],
                )
            )
        await touch_member(tx, ctx.actor, ctx.now)
        await tx.execute(
            "UPDATE buddy_group_members SET answer = ?, answered_at = ?"
            " WHERE group_id = ? AND member_id = ?",
            answer,
            to_epoch(ctx.now),
            group_id,
            member.id,
        )
        if answer == "met" and previous != "met":
            # Meeting up counts as a kind act for the streak (one per group: the text is the
            # same, and kindness counts the same text once a day).
            zone = await member_timezone(tx, ctx.community, ctx.actor.user.key)
            await record_act(
                tx,
                ctx.community.ref.key,
                ctx.actor.user.key,
                # In the member's own words, as their other kind acts are.
                _("met my buddy group in round {number}", number=row["number"]),
                "buddy",
                ctx.now,
                zone,
            )
        # Any answer shows the member is still around, even one given late.
        await update(tx, member, ctx.now, ignored=0)
    if previous == answer:
        return Reply.text(_("You already said “{answer}”; it's noted.", answer=_(ANSWERS[answer])))
    if previous is not None:
        return Reply.text(
            _("Changed your answer to “{answer}”.", answer=_(ANSWERS[answer]))
            + " "
            + _(REPLIES[answer])
        )
    return Reply.text(_(REPLIES[answer]))


async def stay_clicked(ctx: Context, choice: ChoiceId) -> Reply:
    """The answer to "stay, pause or leave?", from the member it was asked of."""
    member_id = choice.field_int(0)
    value = choice.fields[1] if len(choice.fields) > 1 else ""
    if value not in {"stay", "pause", "leave"}:
        raise ChoiceIdError("unknown stay choice")
    back = local_date(ctx.now + PAUSE_FOR, await programme_tz(ctx))
    async with ctx.db.transaction() as tx:
        member = await get_member(tx, ctx.community.ref.key, ctx.actor.user.key)
        if member is None or member.id != member_id:
            raise UserError(_("That question was for someone else, so nothing changed."))
        if not member.awaiting:
            return Reply.text(
                _("You've already answered that one. /buddy status shows where you are.")
            )
        await touch_member(tx, ctx.actor, ctx.now)
        if value == "stay":
            await update(tx, member, ctx.now, awaiting=0, ignored=0)
            reply = _("Glad you're staying! 🙂 You'll be in the next buddy round.")
        elif value == "pause":
            await update(tx, member, ctx.now, awaiting=0, ignored=0, paused_until=back.isoformat())
            reply = _(
                "Paused until {date}. Enjoy the break; you'll be back in the pool after that, "
                "or sooner with /buddy resume.",
                date=date_label(back),
            )
        else:
            await update(tx, member, ctx.now, awaiting=0, ignored=0, active=0)
            reply = _(
                "You've left the buddy pool. Thanks for being part of it; /buddy join any time."
            )
    return Reply.text(reply)


async def programme_tz(ctx: Context) -> str:
    """The buddy programme's time zone: pause dates are round dates, which are local to it."""
    programme = await get_programme(ctx.db, ctx.community.ref.key, KIND)
    return programme.tz if programme else ctx.community.tz
