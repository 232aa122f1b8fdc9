"""Asking for a person: ``/kith support``, and the button under "This isn't what I need".

The moderators' channel is told privately that the member would like someone to reach out (their
name, nothing they wrote); the member sees exactly what was sent, and the resources in any case.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from bot.choice_ids import ChoiceId
from bot.commands.parse import Invocation
from bot.community import member_timezone, touch_member
from bot.context import Context
from bot.logs import event
from bot.messages import Inline, Mention, Message, Reply, message
from bot.ports import DeliveryError
from bot.safety.care import load_settings
from bot.safety.care_messages import NOT_A_CRISIS_SERVICE, resource_lines, support_alert
from bot.safety.resources import region_for
from bot.scheduling.clock import to_epoch

log = logging.getLogger("kith.safety")

# Asking again within this window does not ping the moderators twice.
ASKED_RECENTLY = timedelta(hours=1)


async def support_command(ctx: Context, inv: Invocation) -> Reply:
    return await ask_for_a_person(ctx)


async def support_clicked(ctx: Context, choice: ChoiceId) -> Reply:
    return await ask_for_a_person(ctx)


async def _resources(ctx: Context, region_code: str | None) -> list[str | tuple[Inline, ...]]:
    zone = await member_timezone(ctx.db, ctx.community, ctx.actor.user.key)
    region = region_for(region_code, zone)
    return [
        f"If you need someone right now: in danger, call {region.emergency}; or reach one of "
        "these people, any time:",
        *resource_lines(region),
        NOT_A_CRISIS_SERVICE,
    ]


async def ask_for_a_person(ctx: Context) -> Reply:
    settings = await load_settings(ctx.db, ctx.community.ref.key)
    resources = await _resources(ctx, settings.region)
    if settings.alert_channel is None:
        return Reply.text(
            "This community hasn't set up a private moderators' channel for Kith, so I couldn't "
            "pass this on. A direct message to one of its moderators or admins will reach a "
            "person.",
            *resources,
        )
    key, user = ctx.community.ref.key, ctx.actor.user.key
    async with ctx.db.transaction() as tx:
        await touch_member(tx, ctx.actor, ctx.now)
        recent = await tx.fetchval(
            "SELECT COUNT(*) FROM support_requests WHERE community_id = ? AND user_key = ?"
            " AND alerted = 1 AND created_at > ?",
            key,
            user,
            to_epoch(ctx.now - ASKED_RECENTLY),
        )
        if int(recent):
            return Reply.text(
                "I've already let the moderators know, within the last hour, that you'd like "
                "someone to reach out. They have it.",
                *resources,
            )
        request_id = int(
            await tx.fetchval(
                "INSERT INTO support_requests (community_id, user_key, created_at)"
                " VALUES (?, ?, ?) RETURNING id",
                key,
                user,
                to_epoch(ctx.now),
            )
        )
    alert = support_alert(Mention(ctx.actor.user, ctx.actor.display_name))
    try:
        await ctx.chat.send_channel(
            settings.alert_channel, alert, delivery_key=f"kith-support-{request_id}"
        )
    except DeliveryError as exc:
        event(
            log, "support_request_undelivered", logging.ERROR, request=request_id, reason=exc.reason
        )
        return Reply.text(
            "I couldn't reach the moderators' channel just now, so your request did not get "
            "through. Please try again in a little while, or message a moderator directly.",
            *resources,
        )
    async with ctx.db.transaction() as tx:
        await tx.execute("UPDATE support_requests SET alerted = 1 WHERE id = ?", request_id)
    event(log, "support_requested", community=key, request=request_id)
    return Reply(_sent(alert, resources))


def _sent(alert: Message, resources: list[str | tuple[Inline, ...]]) -> Message:
    return message(
        "💛 I've let this community's moderators know, privately, that you'd like someone to "
        "reach out. This is what they see:",
        *alert.paragraphs,
        "Nothing else you wrote to Kith was passed on.",
        *resources,
    )
