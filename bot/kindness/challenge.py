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
from bot.i18n import N_, _, current_language
from bot.i18n.formats import day_month, weekday
from bot.i18n.languages import DEFAULT_LANGUAGE
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
from bot.prompts import Catalogue, Prompt
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


BOARD_MODES = {
    "opt-in": N_("leaderboard opt-in"),
    "everyone": N_("leaderboard everyone"),
    "off": N_("leaderboard off"),
}


def digest_day() -> str:
    """The digest's weekday: the word admins type in English (``fri``), the day's name in
    other languages (``viernes``)."""
    if current_language() == DEFAULT_LANGUAGE:
        return DAY_NAMES[DIGEST_DAY]
    return weekday(DIGEST_DAY)


def describe(programme: Programme) -> str:
    """The programme in one line (status, home), in the current language."""
    config = KindnessConfig.of(programme)
    parts = [_(BOARD_MODES.get(config.leaderboard, BOARD_MODES["opt-in"]))]
    if config.digest_on:
        parts.append(_("weekly digest {day} {time}", day=digest_day(), time=DIGEST_TIME))
    if config.challenge_on and config.challenge_start and config.challenge_end:
        parts.append(
            _(
                "{days}-day challenge {start} – {end}, daily at {time} ({tz})",
                days=CHALLENGE_DAYS,
                start=day_month(config.challenge_start),
                end=day_month(config.challenge_end),
                time=config.time,
                tz=programme.tz,
            )
        )
    else:
        parts.append(_("no challenge running"))
    return " · ".join(parts)


KINDNESS_KIND = ProgrammeKind(
    name=KIND,
    title=N_("Kindness streaks"),
    slots=slots,
    grace=grace,
    describe=describe,
    aliases=("kind", "streaks", "challenge"),
)


def challenge_message(
    occurrence_id: int, day: int, prompt: Prompt, catalogue: Catalogue
) -> Message:
    """A day's post, in the current language (the scheduler's: the community's)."""
    done = Choice(
        choice_ids.encode(CHOICE_KIND, occurrence_id),
        _("✅ I did it"),
        "done",
        ChoiceStyle.PRIMARY,
    )
    return message(
        (
            Text(
                _("🌱 Kindness challenge · day {day} of {days}", day=day, days=CHALLENGE_DAYS),
                bold=True,
            ),
        ),
        catalogue.text(prompt),
        _("Done it? Tap ✅ to log it, or log your own with /kind. Every small act counts."),
        choices=(done,),
    )


async def deliver_challenge(ctx: DeliveryContext) -> MessageRef | None:
    config = KindnessConfig.of(ctx.programme)
    deck = ctx.services.catalogue.challenge
    day = config.challenge_day(date.fromisoformat(ctx.occurrence.slot))
    if day is None or day > len(deck):
        return None  # the challenge was changed after this day was laid out
    prompt = deck[day - 1]
    # The key is what counts: "I did it" renders the day's text in the clicker's language. The
    # English text stays beside it for a deck that no longer holds the key.
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
        challenge_message(ctx.occurrence.id, day, prompt, ctx.services.catalogue),
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
        raise UserError(_("I can't find that challenge day here, so nothing was logged."))
    occurrence = Occurrence.from_row(row)
    if ctx.now - occurrence.due_at > DONE_WINDOW:
        raise UserError(
            _(
                "That challenge day has passed, so nothing was logged. Today's suggestion is in "
                "the kindness channel, or log your own act with /kind."
            )
        )
    payload = occurrence.payload
    day = int(payload.get("day", 0))
    catalogue = ctx.services.catalogue
    prompt = next((p for p in catalogue.challenge if p.key == payload.get("prompt_key")), None)
    suggestion = catalogue.text(prompt) if prompt else str(payload.get("prompt_text", ""))
    # The act goes in the member's journal in their own language.
    text = _("Challenge day {day}: {suggestion}", day=day, suggestion=suggestion)
    return await log_and_reply(ctx, text, "challenge")
