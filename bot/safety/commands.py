"""Safety settings and the member's answer to a caring message."""

from __future__ import annotations

import json

from bot.choice_ids import ChoiceId, ChoiceIdError
from bot.commands.parse import Invocation, clean_text
from bot.commands.values import channel_value
from bot.context import Context
from bot.errors import UserError
from bot.i18n import _
from bot.messages import Reply
from bot.safety.care import load_settings
from bot.safety.care_messages import FALSE_ALARM, not_what_i_need
from bot.safety.resources import regions
from bot.safety.screen import normalise
from bot.scheduling.clock import to_epoch

MAX_EXTRA_PHRASES = 200


async def _save(ctx: Context, **values: object) -> None:
    columns = ", ".join(values)
    marks = ", ".join("?" * len(values))
    updates = ", ".join(f"{c} = excluded.{c}" for c in values)
    async with ctx.db.transaction() as tx:
        await tx.execute(
            f"INSERT INTO safety_settings (community_id, updated_at, {columns})"
            f" VALUES (?, ?, {marks}) ON CONFLICT (community_id) DO UPDATE SET"
            f" updated_at = excluded.updated_at, {updates}",
            ctx.community.ref.key,
            to_epoch(ctx.now),
            *values.values(),
        )


async def setup_safety(ctx: Context, inv: Invocation) -> Reply:
    opts = inv.options
    changes: dict[str, object] = {}
    if not opts:
        current = await load_settings(ctx.db, ctx.community.ref.key)
        if current.alert_channel:
            where = _(
                "Crisis alerts go to: {channel}.",
                channel=ctx.chat.channel_label(current.alert_channel),
            )
        else:
            where = _("Crisis alerts are off.")
        if current.region:
            region = _("Resources: {region}.", region=current.region)
        else:
            region = _(
                "Resources: guessed for each member from their time zone (or, for Spanish and "
                "Portuguese, their app's language)."
            )
        quoted = (
            _("Alerts quote the member's words.")
            if current.quote_text
            else _("Alerts do not quote the member's words.")
        )
        return Reply.text(
            f"{where} {region} {quoted}",
            _(
                "Change with /kith setup safety alerts:#channel|off resources:{regions} "
                "quote:on|off",
                regions="|".join(sorted(regions())),
            ),
        )
    if "alerts" in opts:
        value = opts["alerts"].strip().lower()
        changes["alert_channel_key"] = (
            None if value in {"off", "none"} else channel_value(ctx, opts["alerts"]).key
        )
    if "resources" in opts:
        region = opts["resources"].strip().lower()
        if region not in regions() and region != "auto":
            raise UserError(
                _(
                    "resources: is one of {regions} or auto. Nothing was changed.",
                    regions=", ".join(sorted(regions())),
                )
            )
        changes["region"] = None if region == "auto" else region
    if "quote" in opts:
        quote = opts["quote"].strip().lower()
        if quote not in {"on", "off"}:
            raise UserError(_("quote: is on or off. Nothing was changed."))
        changes["quote_text"] = int(quote == "on")
    await _save(ctx, **changes)
    return Reply.text(
        _(
            "Safety settings saved. Members who seem to be struggling get a private, "
            "caring message with resources; see them with /kith setup safety."
        )
    )


async def phrases_command(ctx: Context, inv: Invocation) -> Reply:
    action = inv.args[0].lower() if inv.args else "list"
    current = await load_settings(ctx.db, ctx.community.ref.key)
    extra = list(current.extra_medium)
    if action == "list":
        if not extra:
            return Reply.text(
                _(
                    "This community has no phrases of its own yet (on top of the maintained "
                    "list). Add with /kith safety phrases add <words>."
                )
            )
        return Reply.text(
            _(
                "This community's own phrases (on top of the maintained list): {phrases}. "
                "Add with /kith safety phrases add <words>.",
                phrases="; ".join(extra),
            )
        )
    phrase = clean_text(" ".join(inv.args[1:])).lower()
    if action not in {"add", "remove"} or not phrase:
        raise UserError(_("Use /kith safety phrases list, add <words> or remove <words>."))
    if action == "add":
        if len(phrase) > 80 or len(phrase) < 3:
            raise UserError(_("A phrase is 3 to 80 characters. Nothing was added."))
        if len(normalise(phrase).replace(" ", "")) < 3:
            # Screening compares letters a to z (accents dropped), so "💔💔💔" or a phrase in
            # another script would be saved and then silently never match.
            raise UserError(
                _(
                    "“{phrase}” has fewer than 3 letters from a to z (accents are fine), so I "
                    "could never match it. Nothing was added.",
                    phrase=phrase[:40],
                )
            )
        if phrase in extra:
            raise UserError(_("That phrase is already on the list."))
        if len(extra) >= MAX_EXTRA_PHRASES:
            raise UserError(_("The list holds up to {limit} phrases.", limit=MAX_EXTRA_PHRASES))
        extra.append(phrase)
    elif phrase not in extra:
        raise UserError(_("That phrase isn't on the list, so nothing changed."))
    else:
        extra.remove(phrase)
    await _save(ctx, extra_medium=json.dumps(extra))
    if action == "add":
        return Reply.text(_("Added “{phrase}”.", phrase=phrase))
    return Reply.text(_("Removed “{phrase}”.", phrase=phrase))


async def care_answered(ctx: Context, choice: ChoiceId) -> Reply:
    event_id = choice.field_int(0)
    answer = choice.fields[1] if len(choice.fields) > 1 else ""
    # "ok" and "false" are on caring messages sent before the two separate buttons existed.
    if answer not in {"ok", "notneeded", "false"}:
        raise ChoiceIdError("unknown answer")
    async with ctx.db.transaction() as tx:
        row = await tx.fetchone(
            "SELECT community_id, user_key FROM safety_events WHERE id = ?", event_id
        )
        if row is None or row["community_id"] != ctx.community.ref.key:
            raise UserError(_("That message is no longer here, so nothing was recorded."))
        if row["user_key"] != ctx.actor.user.key:
            raise UserError(_("Only the person that message was for can answer it."))
        await tx.execute(
            "UPDATE safety_events SET feedback = ? WHERE id = ?",
            {"ok": "ok", "notneeded": "not_needed", "false": "false_alarm"}[answer],
            event_id,
        )
    if answer == "false":
        return Reply.text(_(FALSE_ALARM))
    if answer == "notneeded":
        settings = await load_settings(ctx.db, ctx.community.ref.key)
        return Reply(not_what_i_need(settings.alert_channel is not None))
    return Reply.text(_("I'm glad you're here. Take care of yourself today. 💛"))
