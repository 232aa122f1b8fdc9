"""Check-in commands: setup, today's prompt on demand, and the community's own prompts."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from bot.checkins.personal import not_set_up, todays_personal
from bot.checkins.post import checkin_message, prompt_for
from bot.checkins.rule import CHECKIN_KIND, KIND, POST, PRIVATE, daily_rule, personal_enabled
from bot.commands.parse import Invocation, clean_text
from bot.commands.values import channel_value, grace_value, timezone_value
from bot.context import Context
from bot.errors import UserError
from bot.i18n import _, ngettext
from bot.i18n.formats import clock
from bot.messages import Reply
from bot.programmes import get_programme, save_programme
from bot.prompts import Catalogue
from bot.scheduling.clock import to_epoch
from bot.scheduling.recurrence import ScheduleError, format_days, parse_days, parse_time
from bot.scheduling.timezones import local_date


async def setup_checkin(ctx: Context, inv: Invocation) -> Reply:
    existing = await get_programme(ctx.db, ctx.community.ref.key, KIND)
    opts = inv.options
    if existing is None and not (opts.get("channel") and opts.get("time")):
        raise UserError(
            _(
                "To start check-ins, give a channel and a time: /kith setup checkin "
                "channel:#channel time:09:00 days:mon-fri [tz:Area/City]"
            )
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
        raise UserError(_("{problem} Nothing was changed.", problem=exc)) from None
    if "grace" in opts:
        config["grace_minutes"] = grace_value(opts["grace"])
    if "personal" in opts:
        switch = opts["personal"].strip().lower()
        if switch not in ("on", "off"):
            raise UserError(_("personal: is on or off, like personal:off. Nothing was changed."))
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

    values = {
        "channel": ctx.chat.channel_label(channel),
        "time": clock(rule.at),
        "days": format_days(rule.days),
        "tz": tz,
    }
    done = (
        _("Daily check-ins are updated: {channel} at {time} {days} ({tz}).", **values)
        if existing
        else _("Daily check-ins are set up: {channel} at {time} {days} ({tz}).", **values)
    )
    if upcoming:
        done += " " + _("First post: {when}.", when=local_label(upcoming[1], tz))
    personal = (
        _("Members may also choose their own private time with /checkin daily.")
        if personal_enabled(programme)
        else _("Members' own check-ins are switched off (personal:on allows them).")
    )
    return Reply.text(
        done,
        _(
            "Members tap a mood and can reflect privately; stats stay aggregate. "
            "/kith pause checkin stops it any time."
        ),
        personal,
    )


async def checkin_now(ctx: Context, inv: Invocation) -> Reply:
    """Today's check-in, privately: the day's post if it went out, else a private one."""
    programme = await get_programme(ctx.db, ctx.community.ref.key, KIND)
    if programme is None:
        raise UserError(not_set_up())
    own = await todays_personal(ctx, programme)
    if own is not None:  # the member's own check-in went out today: answer that one
        async with ctx.db.transaction() as tx:
            prompt = await prompt_for(tx, ctx.services, programme, own)
        return Reply(checkin_message(own, prompt, ctx.services.catalogue, private=True))
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
    return Reply(checkin_message(int(row["id"]), prompt, ctx.services.catalogue, private=True))


async def prompts_list(ctx: Context, inv: Invocation) -> Reply:
    catalogue = ctx.services.catalogue
    counts = Counter(p.theme for p in catalogue.checkins)
    # In the order of the titles the reader sees, not of the themes' English keys.
    titled = sorted((catalogue.theme(t), n) for t, n in counts.items())
    themes = ", ".join(f"{title} ({n})" for title, n in titled)
    rows = await ctx.db.fetchall(
        "SELECT id, text FROM custom_prompts WHERE community_id = ? ORDER BY id",
        ctx.community.ref.key,
    )
    lines = [
        ngettext(
            "Built-in deck: {n} prompt — {themes}.",
            "Built-in deck: {n} prompts — {themes}.",
            len(catalogue.checkins),
            themes=themes,
        )
    ]
    if rows:
        lines.append(_("This community's own prompts ({count}):", count=len(rows)))
        lines.extend(f"#{r['id']}: {r['text']}" for r in rows)
    else:
        lines.append(_("No prompts of your own yet: /kith prompts add <text> adds one."))
    return Reply.text(*lines)


async def prompts_add(ctx: Context, inv: Invocation) -> Reply:
    text = clean_text(inv.rest)
    if len(text) < 10:
        raise UserError(
            _(
                "Write the prompt after the command, at least 10 characters: "
                "/kith prompts add What made you smile this week?"
            )
        )
    if len(text) > 300:
        raise UserError(_("Prompts hold up to 300 characters. Nothing was added."))
    if _in_builtin_deck(ctx.services.catalogue, text):
        raise UserError(_("That prompt is already in the built-in deck. Nothing was added."))
    async with ctx.db.transaction() as tx:
        duplicate = await tx.fetchval(
            "SELECT id FROM custom_prompts WHERE community_id = ? AND LOWER(text) = LOWER(?)",
            ctx.community.ref.key,
            text,
        )
        if duplicate is not None:
            raise UserError(
                _("That prompt is already on your list as #{number}.", number=duplicate)
            )
        new_id = await tx.fetchval(
            "INSERT INTO custom_prompts (community_id, text, added_by, created_at)"
            " VALUES (?, ?, ?, ?) RETURNING id",
            ctx.community.ref.key,
            text,
            ctx.actor.user.key,
            to_epoch(ctx.now),
        )
    return Reply.text(
        _("Added prompt #{number}. It joins the deck from the next check-in.", number=new_id)
    )


async def prompts_remove(ctx: Context, inv: Invocation) -> Reply:
    ident = inv.args[0].lstrip("#") if inv.args else ""
    if not ident.isdecimal() or len(ident) > 12:  # "²" passes isdigit() but not int()
        raise UserError(
            _("Which prompt? Give its number from /kith prompts list, like /kith prompts remove 3.")
        )
    async with ctx.db.transaction() as tx:
        removed = await tx.execute(
            "DELETE FROM custom_prompts WHERE id = ? AND community_id = ?",
            int(ident),
            ctx.community.ref.key,
        )
    if not removed:
        raise UserError(
            _(
                "There is no prompt #{number} in this community. See /kith prompts list.",
                number=ident,
            )
        )
    return Reply.text(
        _("Removed prompt #{number}. Built-in prompts stay as they are.", number=ident)
    )


def _in_builtin_deck(catalogue: Catalogue, text: str) -> bool:
    """The same words as a built-in prompt, in English or any language the deck is written in."""
    lowered = text.casefold()
    keys = {p.key for p in catalogue.checkins}
    texts = [p.text for p in catalogue.checkins]
    for translated in catalogue.texts.values():
        texts.extend(t for key, t in translated.items() if key in keys)
    return any(t.casefold() == lowered for t in texts)


__all__ = [
    "CHECKIN_KIND",
    "checkin_now",
    "prompts_add",
    "prompts_list",
    "prompts_remove",
    "setup_checkin",
]
