"""Check-in commands: setup, today's prompt on demand, and the community's own prompts."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from bot.checkins.personal import todays_personal
from bot.checkins.post import checkin_message, prompt_for
from bot.checkins.rule import CHECKIN_KIND, KIND, POST, PRIVATE, daily_rule, personal_enabled
from bot.commands.parse import Invocation, clean_text
from bot.commands.values import channel_value, grace_value, timezone_value
from bot.context import Context
from bot.errors import UserError
from bot.messages import Reply
from bot.programmes import get_programme, save_programme
from bot.scheduling.clock import to_epoch
from bot.scheduling.recurrence import ScheduleError, format_days, parse_days, parse_time
from bot.scheduling.timezones import local_date


async def setup_checkin(ctx: Context, inv: Invocation) -> Reply:
    existing = await get_programme(ctx.db, ctx.community.ref.key, KIND)
    opts = inv.options
    if existing is None and not (opts.get("channel") and opts.get("time")):
        raise UserError(
            "To start check-ins, give a channel and a time: /kith setup checkin "
            "channel:#channel time:09:00 days:mon-fri [tz:Area/City]"
        )
    config = (
        dict(existing.config)
        if existing
        else {"days": list(range(5)), "grace_minutes": ctx.services.default_grace_minutes}
    )
    # Validate everything before writing anything.
    try:
        if "time" in opts:
            config["time"] = parse_time(opts["time"]).strftime("%H:%M")
        if "days" in opts:
            config["days"] = list(parse_days(opts["days"]))
    except ScheduleError as exc:
        raise UserError(f"{exc} Nothing was changed.") from None
    if "grace" in opts:
        config["grace_minutes"] = grace_value(opts["grace"])
    if "personal" in opts:
        switch = opts["personal"].strip().lower()
        if switch not in ("on", "off"):
            raise UserError("personal: is on or off, like personal:off. Nothing was changed.")
        config["personal"] = switch == "on"
    channel = channel_value(ctx, opts["channel"]) if "channel" in opts else existing.channel  # type: ignore[union-attr]
    tz = (
        timezone_value(opts["tz"])
        if "tz" in opts
        else (existing.tz if existing else ctx.community.tz)
    )
    async with ctx.db.transaction() as tx:
        programme = await save_programme(
            tx, ctx.community.ref.key, KIND, channel, tz, config, ctx.now
        )
    rule = daily_rule(programme)
    upcoming = next(iter(rule.firings(ctx.now, ctx.now + timedelta(days=8))), None)
    from bot.kith_commands import local_label

    next_text = f" First post: {local_label(upcoming[1], tz)}." if upcoming else ""
    verb = "updated" if existing else "set up"
    personal = (
        "Members may also choose their own private time with /checkin daily."
        if personal_enabled(programme)
        else "Members' own check-ins are switched off (personal:on allows them)."
    )
    return Reply.text(
        f"Daily check-ins are {verb}: {ctx.chat.channel_label(channel)} at {rule.at:%H:%M} "
        f"{format_days(rule.days)} ({tz}).{next_text}",
        "Members tap a mood and can reflect privately; stats stay aggregate. "
        "/kith pause checkin stops it any time.",
        personal,
    )


async def checkin_now(ctx: Context, inv: Invocation) -> Reply:
    """Today's check-in, privately: the day's post if it went out, else a private one."""
    programme = await get_programme(ctx.db, ctx.community.ref.key, KIND)
    if programme is None:
        raise UserError(
            "Check-ins aren't set up here yet. An admin can start them with /kith setup checkin."
        )
    own = await todays_personal(ctx, programme)
    if own is not None:  # the member's own check-in went out today: answer that one
        async with ctx.db.transaction() as tx:
            prompt = await prompt_for(tx, ctx.services, programme, own)
        return Reply(checkin_message(own, prompt, private=True))
    today = local_date(ctx.now, programme.tz).isoformat()
    async with ctx.db.transaction() as tx:
        row = await tx.fetchone(
            "SELECT id FROM occurrences WHERE programme_id = ? AND slot = ? AND state = 'sent'"
            " AND kind IN (?, ?) ORDER BY kind LIMIT 1",
            programme.id,
            today,
            POST,
            PRIVATE,
        )
        if row is None:
            await tx.execute(
                "INSERT INTO occurrences (programme_id, community_id, kind, slot, due_at,"
                " ready_at, state, finished_at) VALUES (?, ?, ?, ?, ?, ?, 'sent', ?)"
                " ON CONFLICT (programme_id, kind, slot) DO NOTHING",
                programme.id,
                programme.community_key,
                PRIVATE,
                today,
                to_epoch(ctx.now),
                to_epoch(ctx.now),
                to_epoch(ctx.now),
            )
            row = await tx.fetchone(
                "SELECT id FROM occurrences WHERE programme_id = ? AND kind = ? AND slot = ?",
                programme.id,
                PRIVATE,
                today,
            )
        assert row is not None
        prompt = await prompt_for(tx, ctx.services, programme, int(row["id"]))
    return Reply(checkin_message(int(row["id"]), prompt, private=True))


async def prompts_list(ctx: Context, inv: Invocation) -> Reply:
    catalogue = ctx.services.catalogue
    counts = Counter(p.theme for p in catalogue.checkins)
    themes = ", ".join(f"{catalogue.themes.get(t, t)} ({n})" for t, n in sorted(counts.items()))
    rows = await ctx.db.fetchall(
        "SELECT id, text FROM custom_prompts WHERE community_id = ? ORDER BY id",
        ctx.community.ref.key,
    )
    lines = [f"Built-in deck: {len(catalogue.checkins)} prompts — {themes}."]
    if rows:
        lines.append(f"This community's own prompts ({len(rows)}):")
        lines.extend(f"#{r['id']}: {r['text']}" for r in rows)
    else:
        lines.append("No prompts of your own yet: /kith prompts add <text> adds one.")
    return Reply.text(*lines)


async def prompts_add(ctx: Context, inv: Invocation) -> Reply:
    text = clean_text(inv.rest)
    if len(text) < 10:
        raise UserError(
            "Write the prompt after the command, at least 10 characters: "
            "/kith prompts add What made you smile this week?"
        )
    if len(text) > 300:
        raise UserError("Prompts hold up to 300 characters. Nothing was added.")
    lowered = text.casefold()
    if any(p.text.casefold() == lowered for p in ctx.services.catalogue.checkins):
        raise UserError("That prompt is already in the built-in deck. Nothing was added.")
    async with ctx.db.transaction() as tx:
        duplicate = await tx.fetchval(
            "SELECT id FROM custom_prompts WHERE community_id = ? AND LOWER(text) = LOWER(?)",
            ctx.community.ref.key,
            text,
        )
        if duplicate is not None:
            raise UserError(f"That prompt is already on your list as #{duplicate}.")
        new_id = await tx.fetchval(
            "INSERT INTO custom_prompts (community_id, text, added_by, created_at)"
            " VALUES (?, ?, ?, ?) RETURNING id",
            ctx.community.ref.key,
            text,
            ctx.actor.user.key,
            to_epoch(ctx.now),
        )
    return Reply.text(f"Added prompt #{new_id}. It joins the deck from the next check-in.")


async def prompts_remove(ctx: Context, inv: Invocation) -> Reply:
    ident = inv.args[0].lstrip("#") if inv.args else ""
    if not ident.isdecimal() or len(ident) > 12:  # "²" passes isdigit() but not int()
        raise UserError(
            "Which prompt? Give its number from /kith prompts list, like /kith prompts remove 3."
        )
    async with ctx.db.transaction() as tx:
        removed = await tx.execute(
            "DELETE FROM custom_prompts WHERE id = ? AND community_id = ?",
            int(ident),
            ctx.community.ref.key,
        )
    if not removed:
        raise UserError(f"There is no prompt #{ident} in this community. See /kith prompts list.")
    return Reply.text(f"Removed prompt #{ident}. Built-in prompts stay as they are.")


__all__ = [
    "CHECKIN_KIND",
    "checkin_now",
    "prompts_add",
    "prompts_list",
    "prompts_remove",
    "setup_checkin",
]
