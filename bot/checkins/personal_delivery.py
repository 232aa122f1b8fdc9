"""Sending a member's own check-in, and its one reminder, privately.

The database work for a whole claimed batch is done in one transaction (``prepare_*``): each
occurrence is checked against the member's settings as they are now, and its prompt is chosen
and stored. The sends then run concurrently (``deliver_*``). The occurrence row itself never
names the member: the slot carries the settings' id, and the message reference is not kept.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from bot.checkins.deck import prompt_for_day
from bot.checkins.personal_plan import (
    PersonalSettings,
    parse_personal_slot,
    replan,
    settings_by_id,
)
from bot.checkins.post import checkin_message, community_deck, stored_prompt
from bot.checkins.rule import PERSONAL, POST, PRIVATE, personal_enabled
from bot.i18n import _, use_language
from bot.identity import MessageRef, UserRef
from bot.messages import Message, Text, message
from bot.ports import DeliveryError
from bot.scheduling.clock import to_epoch
from bot.scheduling.occurrences import DeliveryContext
from bot.scheduling.recurrence import format_days
from bot.scheduling.scheduler import Reschedule, SkipDelivery
from bot.scheduling.timezones import local_date, zone
from bot.store.base import Tx


@dataclass(frozen=True, slots=True)
class Plan:
    """What to do with one claimed occurrence: send ``message`` to ``user_key``, or not."""

    user_key: str = ""
    message: Message | None = None
    skip: str | None = None
    later: datetime | None = None  # rescheduled to this instant (the member changed zone)
    personal_id: int = 0


async def _stop_if_unreachable(
    ctx: DeliveryContext, plan: Plan, send: MessageRef | DeliveryError
) -> None:
    if isinstance(send, DeliveryError):
        if not send.permanent:
            raise send
        # Closed DMs or a member who left: trying every day would only fail every day.
        async with ctx.services.db.transaction() as tx:
            await tx.execute(
                "UPDATE personal_checkins SET active = 0, stopped_reason = ?, updated_at = ?"
                " WHERE id = ?",
                send.reason[:200],
                to_epoch(ctx.now),
                plan.personal_id,
            )
            await replan(tx, plan.personal_id, ctx.now)
        raise SkipDelivery(
            f"could not reach the member privately ({send.reason}); "
            "their personal check-ins are stopped until they set them again"
        )


async def _send(ctx: DeliveryContext, plan: Plan) -> None:
    if plan.skip is not None:
        raise SkipDelivery(plan.skip)
    if plan.later is not None:
        raise Reschedule(plan.later, "the member's time zone changed; due at the new local time")
    assert plan.message is not None
    outcome: MessageRef | DeliveryError
    try:
        outcome = await ctx.chat.send_private(
            UserRef.parse(plan.user_key), plan.message, delivery_key=ctx.occurrence.delivery_key
        )
    except DeliveryError as exc:
        outcome = exc
    await _stop_if_unreachable(ctx, plan, outcome)


def _firing_on(settings: PersonalSettings, day: date, tz: str) -> datetime | None:
    """The instant of the member's check-in on local ``day`` in zone ``tz``."""
    start = datetime.combine(day, time(0), zone(tz)) - timedelta(seconds=1)
    for fired_on, instant in settings.rule(tz).firings(start, start + timedelta(days=1, hours=2)):
        if fired_on == day:
            return instant
    return None


@dataclass(frozen=True, slots=True)
class _Now:
    settings: PersonalSettings
    tz: str
    day: str
    language: str  # the member's: what Kith sends them privately is in it


async def _settings_now(tx: Tx, ctx: DeliveryContext) -> _Now | str:
    """The member's settings, zone and language as they are now, or why nothing should be
    sent."""
    personal_id, day = parse_personal_slot(ctx.occurrence.slot)
    settings, tz, language = await settings_by_id(tx, personal_id)
    if settings is None or tz is None or not settings.active:
        return "the member switched their personal check-ins off"
    if not personal_enabled(ctx.programme):
        return "personal check-ins are switched off in this community"
    if settings.paused_until and day < settings.paused_until:
        return "the member paused their check-ins"
    return _Now(settings, tz, day, language)


async def prepare_personal(tx: Tx, ctx: DeliveryContext) -> Plan:
    found = await _settings_now(tx, ctx)
    if isinstance(found, str):
        return Plan(skip=found)
    settings, tz, day = found.settings, found.tz, found.day
    if tz != settings.tz:
        # Laid out in the member's old zone (a platform profile changed without a command):
        # lay the rest out again, and send this date's check-in at its time in the new zone.
        await replan(tx, settings.id, ctx.now, tz)
        due = _firing_on(settings, date.fromisoformat(day), tz)
        if due is not None and due > ctx.now:
            return Plan(later=due)
        if due is None or local_date(ctx.now, tz).isoformat() != day:
            return Plan(skip="the member's time zone changed and this date has passed there")
    occurrence = ctx.occurrence
    payload = dict(occurrence.payload)
    prompt = stored_prompt(payload)
    if prompt is None:
        deck = await community_deck(tx, ctx.services, occurrence.community_key)
        prompt = prompt_for_day(deck, f"{occurrence.community_key}:{settings.id}", _day(day))
        payload.update(prompt_key=prompt.key, theme=prompt.theme, prompt_text=prompt.text)
        await tx.execute(
            "UPDATE occurrences SET payload = ? WHERE id = ?", json.dumps(payload), occurrence.id
        )
    with use_language(found.language):
        note = _(
            "Your own check-in, {time} {days} ({tz}). "
            "/checkin off stops it; /checkin pause until:YYYY-MM-DD takes a break.",
            time=settings.at,
            days=format_days(settings.days),
            tz=tz,
        )
        checkin = checkin_message(occurrence.id, prompt, ctx.services.catalogue, private=True)
    return Plan(settings.user_key, replace(checkin, note=note), personal_id=settings.id)


def _day(text: str) -> date:
    return date.fromisoformat(text)


async def deliver_personal(ctx: DeliveryContext) -> MessageRef | None:
    plan = ctx.prepared
    if not isinstance(plan, Plan):  # delivered outside a scheduler batch
        async with ctx.services.db.transaction() as tx:
            plan = await prepare_personal(tx, ctx)
    await _send(ctx, plan)
    return None  # the reference would name the member's DM: not kept on the occurrence


async def prepare_nudge(tx: Tx, ctx: DeliveryContext) -> Plan:
    found = await _settings_now(tx, ctx)
    if isinstance(found, str):
        return Plan(skip=found)
    settings, day = found.settings, found.day
    if not settings.remind:
        return Plan(skip="the member no longer wants a reminder")
    checkin = await tx.fetchone(
        "SELECT id, state, payload FROM occurrences WHERE programme_id = ? AND kind = ?"
        " AND slot = ?",
        ctx.occurrence.programme_id,
        PERSONAL,
        ctx.occurrence.slot,
    )
    if checkin is None or checkin["state"] != "sent":
        return Plan(skip="the check-in it would remind about was not sent")
    # Answered this check-in, or checked in some other way that local date (the channel's
    # post, /checkin): either way they have checked in today, and a reminder would nag.
    # Each probe is a key lookup: the day's channel and on-demand check-ins by their unique
    # slot, the moods by (occurrence, member).
    answered = await tx.fetchval(
        "SELECT 1 FROM moods WHERE user_key = ? AND occurrence_id IN (SELECT ? UNION ALL"
        " SELECT id FROM occurrences WHERE programme_id = ? AND kind IN (?, ?) AND slot = ?)"
        " UNION ALL SELECT 1 FROM reflections WHERE community_id = ? AND user_key = ?"
        " AND occurrence_id = ?",
        settings.user_key,
        checkin["id"],
        ctx.occurrence.programme_id,
        POST,
        PRIVATE,
        day,
        settings.community_key,
        settings.user_key,
        checkin["id"],
    )
    if answered:
        return Plan(skip="already answered: no reminder needed")
    prompt = stored_prompt(json.loads(checkin["payload"] or "{}"))
    if prompt is None:
        return Plan(skip="the check-in it would remind about has no prompt")
    catalogue = ctx.services.catalogue
    with use_language(found.language):
        buttons = checkin_message(int(checkin["id"]), prompt, catalogue, private=True).choices
        body = message(
            (Text(_("🌱 A gentle nudge"), bold=True),),
            _(
                "You asked for one reminder: today's check-in is still open whenever you're "
                "ready. This is the only one."
            ),
            catalogue.text(prompt),
            choices=buttons,
            note=_("/checkin daily remind:off turns this reminder off."),
        )
    return Plan(settings.user_key, body, personal_id=settings.id)


async def deliver_nudge(ctx: DeliveryContext) -> MessageRef | None:
    plan = ctx.prepared
    if not isinstance(plan, Plan):
        async with ctx.services.db.transaction() as tx:
            plan = await prepare_nudge(tx, ctx)
    await _send(ctx, plan)
    return None
