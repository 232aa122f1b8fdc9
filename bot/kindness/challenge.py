"""The kindness programme kind and its 31-day challenge.

When the challenge is on, each day's suggestion from ``prompts/kindness.toml`` is posted in the
kindness channel at the programme's local time. Each post is an occurrence whose slot is the
local date, so ``UNIQUE(programme, kind, slot)`` makes it exactly once per day whatever the clocks
or restarts do. A post carries an "I did it" button that logs the day's suggestion as a kind act.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

from bot import choice_ids
from bot.choice_ids import ChoiceId
from bot.context import Context
from bot.errors import UserError
from bot.identity import MessageRef
from bot.kindness.config import (
    CHALLENGE_DAYS,
    CHALLENGE_POST,
    DIGEST_DAY,
    DIGEST_POST,
    DIGEST_TIME,
    KIND,
    KindnessConfig,
)
from bot.kindness.replies import log_and_reply
from bot.messages import Choice, ChoiceStyle, Message, Reply, Text, message
from bot.programmes import Programme
from bot.prompts import Prompt
from bot.registry import ProgrammeKind, Slot
from bot.scheduling.occurrences import DeliveryContext, Occurrence
from bot.scheduling.recurrence import DAY_NAMES, DailyRule, parse_time
from bot.scheduling.timezones import zone

CHOICE_KIND = "kchal"
DONE_WINDOW = timedelta(days=2)  # "I did it" still works this long after the day's post


def challenge_rule(programme: Programme) -> DailyRule:
    config = KindnessConfig.of(programme)
    return DailyRule(parse_time(config.time), tuple(range(7)), programme.tz)


def first_day(now: datetime, tz: str, at: time) -> date:
    """Day 1 of a challenge started now: today if today's post time is still ahead, else
    tomorrow, so day 1 is never skipped or posted late."""
    today = now.astimezone(zone(tz)).date()
    return today if now < datetime.combine(today, at, zone(tz)) else today + timedelta(days=1)


def digest_rule(programme: Programme) -> DailyRule:
    return DailyRule(parse_time(DIGEST_TIME), (DIGEST_DAY,), programme.tz)


def slots(programme: Programme, after: datetime, until: datetime) -> Iterator[Slot]:
    config = KindnessConfig.of(programme)
    if config.digest_on:
        for local, instant in digest_rule(programme).firings(after, until):
            yield Slot(DIGEST_POST, local.isoformat(), instant)
    if not config.challenge_on or config.challenge_start is None or config.challenge_end is None:
        return
    for local, instant in challenge_rule(programme).firings(after, until):
        if local > config.challenge_end:
            return
        if local >= config.challenge_start:
            yield Slot(CHALLENGE_POST, local.isoformat(), instant)


def grace(programme: Programme) -> timedelta:
    return timedelta(minutes=KindnessConfig.of(programme).grace_minutes)


def describe(programme: Programme) -> str:
    config = KindnessConfig.of(programme)
    board = f"leaderboard {config.leaderboard}"
    if config.digest_on:
        board += f" · weekly digest {DAY_NAMES[DIGEST_DAY]} {DIGEST_TIME}"
    if config.challenge_on and config.challenge_start and config.challenge_end:
        return (
            f"{board} · {CHALLENGE_DAYS}-day challenge {config.challenge_start:%d %b} – "
            f"{config.challenge_end:%d %b}, daily at {config.time} ({programme.tz})"
        )
    return f"{board} · no challenge running"


KINDNESS_KIND = ProgrammeKind(
    name=KIND,
    title="Kindness streaks",
    slots=slots,
    grace=grace,
    describe=describe,
    aliases=("kind", "streaks", "challenge"),
)


def challenge_message(occurrence_id: int, day: int, prompt: Prompt) -> Message:
    done = Choice(
        choice_ids.encode(CHOICE_KIND, occurrence_id), "✅ I did it", "done", ChoiceStyle.PRIMARY
    )
    return message(
        (Text(f"🌱 Kindness challenge · day {day} of {CHALLENGE_DAYS}", bold=True),),
        prompt.text,
        "Done it? Tap ✅ to log it, or log your own with /kind. Every small act counts.",
        choices=(done,),
    )


async def deliver_challenge(ctx: DeliveryContext) -> MessageRef | None:
    config = KindnessConfig.of(ctx.programme)
    deck = ctx.services.catalogue.challenge
    day = config.challenge_day(date.fromisoformat(ctx.occurrence.slot))
    if day is None or day > len(deck):
        return None  # the challenge was changed after this day was laid out
    prompt = deck[day - 1]
    payload = {**ctx.occurrence.payload, "day": day, "prompt_key": prompt.key}
    payload["prompt_text"] = prompt.text
    async with ctx.services.db.transaction() as tx:
        await tx.execute(
            "UPDATE occurrences SET payload = ? WHERE id = ?",
            json.dumps(payload),
            ctx.occurrence.id,
        )
    return await ctx.chat.send_channel(
        ctx.programme.channel,
        challenge_message(ctx.occurrence.id, day, prompt),
        delivery_key=ctx.occurrence.delivery_key,
    )


async def challenge_done(ctx: Context, choice: ChoiceId) -> Reply:
    """ "I did it" on a challenge post: log that day's suggestion as the member's kind act."""
    row = await ctx.db.fetchone("SELECT * FROM occurrences WHERE id = ?", choice.field_int(0))
    if (
        row is None
        or row["community_id"] != ctx.community.ref.key
        or row["kind"] != CHALLENGE_POST
        or row["state"] != "sent"
    ):
        raise UserError("I can't find that challenge day here, so nothing was logged.")
    occurrence = Occurrence.from_row(row)
    if ctx.now - occurrence.due_at > DONE_WINDOW:
        raise UserError(
            "That challenge day has passed, so nothing was logged. Today's suggestion is in the "
            "kindness channel, or log your own act with /kind."
        )
    day = int(occurrence.payload.get("day", 0))
    text = f"Challenge day {day}: {occurrence.payload.get('prompt_text', '')}"
    return await log_and_reply(ctx, text, "challenge")
