"""Safety settings and the member's answer to a caring message."""

from __future__ import annotations

import json

from bot.choice_ids import ChoiceId, ChoiceIdError
from bot.commands.parse import Invocation, clean_text
from bot.commands.values import channel_value
from bot.context import Context
from bot.errors import UserError
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
        where = ctx.chat.channel_label(current.alert_channel) if current.alert_channel else "off"
        region = current.region or "guessed from each member's time zone"
        return Reply.text(
            f"Crisis alerts go to: {where}. Resources: {region}. "
            f"Alerts quote the member's words: {'yes' if current.quote_text else 'no'}.",
            "Change with /kith setup safety alerts:#channel|off "
            f"resources:{'|'.join(sorted(regions()))} quote:on|off",
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
                f"resources: is one of {', '.join(sorted(regions()))} or auto. Nothing was changed."
            )
        changes["region"] = None if region == "auto" else region
    if "quote" in opts:
        quote = opts["quote"].strip().lower()
        if quote not in {"on", "off"}:
            raise UserError("quote: is on or off. Nothing was changed.")
        changes["quote_text"] = int(quote == "on")
    await _save(ctx, **changes)
    return Reply.text(
        "Safety settings saved. Members who seem to be struggling get a private, "
        "caring message with resources; see them with /kith setup safety."
    )


async def phrases_command(ctx: Context, inv: Invocation) -> Reply:
    action = inv.args[0].lower() if inv.args else "list"
    current = await load_settings(ctx.db, ctx.community.ref.key)
    extra = list(current.extra_medium)
    if action == "list":
        listed = "; ".join(extra) or "none yet"
        return Reply.text(
            f"This community's own phrases (on top of the maintained list): "
            f"{listed}. Add with /kith safety phrases add <words>."
        )
    phrase = clean_text(" ".join(inv.args[1:])).lower()
    if action not in {"add", "remove"} or not phrase:
        raise UserError("Use /kith safety phrases list, add <words> or remove <words>.")
    if action == "add":
        if len(phrase) > 80 or len(phrase) < 3:
            raise UserError("A phrase is 3 to 80 characters. Nothing was added.")
        if len(normalise(phrase).replace(" ", "")) < 3:
            # Screening compares letters a to z (accents dropped), so "💔💔💔" or a phrase in
            # another script would be saved and then silently never match.
            raise UserError(
                f"“{phrase[:40]}” has fewer than 3 letters from a to z (accents are fine), so I "
                "could never match it. Nothing was added."
            )
        if phrase in extra:
            raise UserError("That phrase is already on the list.")
        if len(extra) >= MAX_EXTRA_PHRASES:
            raise UserError(f"The list holds up to {MAX_EXTRA_PHRASES} phrases.")
        extra.append(phrase)
    elif phrase not in extra:
        raise UserError("That phrase isn't on the list, so nothing changed.")
    else:
        extra.remove(phrase)
    await _save(ctx, extra_medium=json.dumps(extra))
    return Reply.text(f"{'Added' if action == 'add' else 'Removed'} “{phrase}”.")


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
            raise UserError("That message is no longer here, so nothing was recorded.")
        if row["user_key"] != ctx.actor.user.key:
            raise UserError("Only the person that message was for can answer it.")
        await tx.execute(
            "UPDATE safety_events SET feedback = ? WHERE id = ?",
            {"ok": "ok", "notneeded": "not_needed", "false": "false_alarm"}[answer],
            event_id,
        )
    if answer == "false":
        return Reply.text(FALSE_ALARM)
    if answer == "notneeded":
        settings = await load_settings(ctx.db, ctx.community.ref.key)
        return Reply(not_what_i_need(settings.alert_channel is not None))
    return Reply.text("I'm glad you're here. Take care of yourself today. 💛")
