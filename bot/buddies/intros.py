"""A round going out: plan it, introduce every group privately, and tell anyone left out.

Each group's intro goes through ``ChatPort.send_group`` (a group DM, a private thread or a DM
each, whatever the platform can do) under a delivery key of its own, and its outcome is recorded
per group. A member the platform cannot reach (closed DMs) is recorded and shown in
``/kith status``; the rest of the round goes on. A transient failure retries only the groups
still waiting, under the same keys.

Every member reads Kith in their own language (``bot.community.member_languages``, looked up once
for the whole round, never once per member). A group message is one text for the whole group, so
it is written in the language its members share; a group whose members read different languages
gets the community's language, the one its channels speak and so the likeliest to be common
ground. Notes to one member (left out, "still up for it?") are in that member's language.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta

from bot import choice_ids
from bot.buddies.rounds import (
    Group,
    Person,
    Round,
    people_by_id,
    plan_round,
    round_groups,
    starter_text,
)
from bot.buddies.rule import day_label
from bot.community import member_languages
from bot.i18n import N_, _, current_language, use_language
from bot.i18n.formats import and_list
from bot.i18n.languages import DEFAULT_LANGUAGE
from bot.identity import MessageRef, UserRef
from bot.logs import event
from bot.messages import Choice, Inline, Mention, Message, Text, message
from bot.ports import DeliveryError, GroupDelivery
from bot.scheduling.occurrences import DeliveryContext
from bot.store.base import Database

log = logging.getLogger("kith.buddies")

WRITE_EVERY = 200  # groups whose outcome is written per transaction while sending


def names(people: Sequence[Person]) -> tuple[Inline, ...]:
    """``@A``, ``@A and @B``, ``@A, @B and @C`` as mentions that never ping, joined the current
    language's way (English as Kith always wrote it, without a serial comma)."""
    mentions = [Mention(person.user, person.name) for person in people]
    if current_language() == DEFAULT_LANGUAGE:
        separators = [" and " if i == len(people) - 1 else ", " for i in range(1, len(people))]
    else:
        # The language's list pattern around markers, then the text between them.
        marks = [f"\x00{i}\x00" for i in range(len(people))]
        joined = and_list(marks)
        separators = [
            joined.split(marks[i - 1], 1)[1].split(marks[i], 1)[0] for i in range(1, len(marks))
        ]
    inlines: list[Inline] = []
    for index, mention in enumerate(mentions):
        if index:
            inlines.append(Text(separators[index - 1]))
        inlines.append(mention)
    return tuple(inlines)


def with_people(template: str, people: Sequence[Person]) -> tuple[Inline, ...]:
    """A translated sentence with ``{people}`` in it, the people as mentions where it stands."""
    before, _mark, after = template.partition("{people}")
    return tuple(
        inline for inline in (Text(before), *names(people), Text(after)) if inline != Text("")
    )


def group_language(people: Sequence[Person], languages: dict[str, str], community: str) -> str:
    """The one language a group message is written in: the members' own when they all share it,
    else the community's (see the module's docstring)."""
    spoken = {languages.get(p.user.key, community) for p in people}
    return spoken.pop() if len(spoken) == 1 else community


def intro_message(round_: Round, group: Group, programme_tz: str, starter: str) -> Message:
    ask_day = day_label(round_.ends_at - timedelta(days=1), programme_tz)
    return message(
        (Text(_("👋 Buddy round {number}", number=round_.number), bold=True),),
        with_people(_("This round's buddies: {people}."), group.people),
        _(
            "Say hello and find a little time before {day}, when I'll ask how it went: a call, "
            "a walk or a coffee chat all count, and fifteen minutes is plenty.",
            day=ask_day,
        ),
        (Text(_("Conversation starter:") + " ", bold=True), Text(starter)),
        note=_(
            "Halfway through I'll send a gentle nudge, and at the end I'll ask whether you "
            "connected. Busy right now? /buddy skip or /buddy pause. Nobody else sees this."
        ),
    )


STAY_CHOICES = (
    ("stay", N_("🙂 Keep me in")),
    ("pause", N_("⏸️ Pause 4 weeks")),
    ("leave", N_("👋 Leave for now")),
)


def ask_to_stay_message(member_id: int) -> Message:
    choices = tuple(
        Choice(choice_ids.encode("buddy.stay", member_id, value), _(label), value)
        for value, label in STAY_CHOICES
    )
    return message(
        (Text(_("Buddy pairing: still up for it?"), bold=True),),
        _(
            "I haven't heard back from you for a few buddy rounds, and that's completely okay: "
            "life gets full. Would you like to stay in the pool, take a break, or leave for now?"
        ),
        _("Until you choose, I'll leave you out of the pairing so nobody waits on a reply."),
        choices=choices,
    )


SOLO_TEXT = N_(
    "It's just you in the buddy pool this time, so there's nobody to pair you with this round. "
    "I'll pair you as soon as someone else joins: maybe invite a friend to /buddy join? 💛"
)
LEFT_OUT_TEXT = N_(
    "I couldn't find a good match for you this round, so you're not paired this time. You're "
    "still in the pool, and first in line for the next round. 💛"
)


async def deliver_round(ctx: DeliveryContext) -> MessageRef | None:
    round_ = await plan_round(ctx)
    db = ctx.services.db
    await _notify_quiet(ctx, round_)
    await _notify_unplaced(ctx, round_)
    groups = await round_groups(db, round_.occurrence_id, where="AND g.intro_state = 'pending'")
    community = current_language()  # a delivery runs in the community's language
    languages = await member_languages(
        db, ctx.programme.community_key, [p.user.key for g in groups for p in g.people]
    )
    starters: dict[str, str] = {}  # the starter in each language, rendered once
    transient: list[str] = []
    outcomes: list[tuple[Group, GroupDelivery | DeliveryError]] = []
    for group in groups:
        language = group_language(group.people, languages, community)
        with use_language(language):
            if language not in starters:
                starters[language] = starter_text(ctx.services.catalogue, round_)
            intro = intro_message(round_, group, ctx.programme.tz, starters[language])
        try:
            delivered = await ctx.chat.send_group(
                [p.user for p in group.people],
                intro,
                channel=ctx.programme.channel,
                delivery_key=f"kith-buddy-{group.id}",
            )
        except DeliveryError as exc:
            if not exc.permanent:
                transient.append(exc.reason)
                continue
            outcomes.append((group, exc))
        else:
            outcomes.append((group, delivered))
        if len(outcomes) >= WRITE_EVERY:
            await record_intros(db, outcomes)
            outcomes = []
    await record_intros(db, outcomes)
    if transient:
        # Retry later: only groups still pending are sent again, under the same keys.
        raise DeliveryError(
            f"{len(transient)} group intros will be retried: {transient[0]}", permanent=False
        )
    return None


async def record_intros(
    db: Database, outcomes: list[tuple[Group, GroupDelivery | DeliveryError]]
) -> None:
    """Write which groups were introduced and whom the platform could not reach."""
    if not outcomes:
        return
    async with db.transaction() as tx:
        for group, outcome in outcomes:
            if isinstance(outcome, DeliveryError):
                await tx.execute(
                    "UPDATE buddy_groups SET intro_state = 'failed', intro_detail = ? WHERE id = ?",
                    outcome.reason[:300],
                    group.id,
                )
                await tx.execute(
                    "UPDATE buddy_group_members SET reached = 0 WHERE group_id = ?", group.id
                )
                event(log, "buddy_intro_failed", logging.WARNING, group=group.id)
                continue
            unreachable = {u.key for u in outcome.unreachable}
            await tx.execute("UPDATE buddy_groups SET intro_state = 'sent' WHERE id = ?", group.id)
            for person in group.people:
                await tx.execute(
                    "UPDATE buddy_group_members SET reached = ? WHERE group_id = ?"
                    " AND member_id = ?",
                    int(person.user.key not in unreachable),
                    group.id,
                    person.member_id,
                )


async def _notify_quiet(ctx: DeliveryContext, round_: Round) -> None:
    rows = await ctx.services.db.fetchall(
        "SELECT id FROM buddy_members WHERE asked_round = ? AND awaiting = 1",
        round_.occurrence_id,
    )
    people = await people_by_id(ctx.services.db, [int(r["id"]) for r in rows])
    languages = await member_languages(
        ctx.services.db, ctx.programme.community_key, [p.user.key for p in people]
    )
    for person in people:
        with use_language(languages[person.user.key]):
            ask = ask_to_stay_message(person.member_id)
        await send_quietly(
            ctx, person.user, ask, f"kith-buddy-ask-{round_.occurrence_id}-{person.member_id}"
        )


async def _notify_unplaced(ctx: DeliveryContext, round_: Round) -> None:
    text = SOLO_TEXT if round_.pool == 1 else LEFT_OUT_TEXT
    people = await people_by_id(ctx.services.db, list(round_.unplaced_ids))
    languages = await member_languages(
        ctx.services.db, ctx.programme.community_key, [p.user.key for p in people]
    )
    for person in people:
        with use_language(languages[person.user.key]):
            note = message(_(text))
        await send_quietly(
            ctx, person.user, note, f"kith-buddy-out-{round_.occurrence_id}-{person.member_id}"
        )


async def send_quietly(ctx: DeliveryContext, user: UserRef, msg: Message, key: str) -> None:
    """A one-person note that must not hold up the round: a closed DM is logged and passed."""
    try:
        await ctx.chat.send_private(user, msg, delivery_key=key)
    except DeliveryError as exc:
        if not exc.permanent:
            raise
        event(log, "buddy_note_undelivered", logging.WARNING, key=key, reason=exc.reason)
