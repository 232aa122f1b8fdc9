"""Asking for a person: ``/kith support``, and the button under "This isn't what I need".

The moderators' channel is told privately that the member would like someone to reach out (their
name, nothing they wrote); the member sees exactly what was sent, and the resources in any case.
The alert is in the community's language (the moderators' channel reads it) and says which
language the member uses Kith in; the member's own answer is in theirs, quoting the alert as sent.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from bot.choice_ids import ChoiceId
from bot.commands.parse import Invocation
from bot.community import touch_member
from bot.context import Context
from bot.i18n import _, current_language, use_language
from bot.logs import event
from bot.messages import Inline, Mention, Message, Reply, message
from bot.ports import DeliveryError
from bot.safety.care import in_a_language, load_settings, member_region
from bot.safety.care_messages import NOT_A_CRISIS_SERVICE, resource_lines, support_alert
from bot.scheduling.clock import to_epoch

log = logging.getLogger("kith.safety")

# Asking again within this window does not ping the moderators twice.
ASKED_RECENTLY = timedelta(hours=1)


async def support_command(ctx: Context, inv: Invocation) -> Reply:
    return await ask_for_a_person(ctx)


async def support_clicked(ctx: Context, choice: ChoiceId) -> Reply:
    return await ask_for_a_person(ctx)


async def _resources(ctx: Context, region_code: str | None) -> list[str | tuple[Inline, ...]]:
    region = await member_region(ctx, region_code)

    def build() -> Message:
        return message(
            _(
                "If you need someone right now: in danger, call {emergency}; or reach one of "
                "these people, any time:",
                emergency=region.emergency_text(),
            ),
            *resource_lines(region),
            _(NOT_A_CRISIS_SERVICE),
        )

    resources, _language = in_a_language(build, "support resources")
    return list(resources.paragraphs)


async def ask_for_a_person(ctx: Context) -> Reply:
    settings = await load_settings(ctx.db, ctx.community.ref.key)
    resources = await _resources(ctx, settings.region)
    if settings.alert_channel is None:
        return Reply(
            message(
                _(
                    "This community hasn't set up a private moderators' channel for Kith, so I "
                    "couldn't pass this on. A direct message to one of its moderators or admins "
                    "will reach a person."
                ),
                *resources,
            )
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
            return Reply(
                message(
                    _(
                        "I've already let the moderators know, within the last hour, that you'd "
                        "like someone to reach out. They have it."
                    ),
                    *resources,
                )
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
    member, language = Mention(ctx.actor.user, ctx.actor.display_name), current_language()
    with use_language(ctx.community.language):  # the moderators' channel reads the community's
        alert, _sent_in = in_a_language(lambda: support_alert(member, language), "support alert")
    try:
        await ctx.chat.send_channel(
            settings.alert_channel, alert, delivery_key=f"kith-support-{request_id}"
        )
    except DeliveryError as exc:
        event(
            log, "support_request_undelivered", logging.ERROR, request=request_id, reason=exc.reason
        )
        return Reply(
            message(
                _(
                    "I couldn't reach the moderators' channel just now, so your request did not "
                    "get through. Please try again in a little while, or message a moderator "
                    "directly."
                ),
                *resources,
            )
        )
    async with ctx.db.transaction() as tx:
        await tx.execute("UPDATE support_requests SET alerted = 1 WHERE id = ?", request_id)
    event(log, "support_requested", community=key, request=request_id)
    return Reply(_sent(alert, resources))


def _sent(alert: Message, resources: list[str | tuple[Inline, ...]]) -> Message:
    """The member's answer in their language; the alert quoted exactly as the moderators got it
    (in the community's language, which may not be the member's)."""
    return message(
        _(
            "💛 I've let this community's moderators know, privately, that you'd like someone to "
            "reach out. This is what they see:"
        ),
        *alert.paragraphs,
        _("Nothing else you wrote to Kith was passed on."),
        *resources,
    )
