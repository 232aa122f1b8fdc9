"""A member's own check-in: ``/checkin daily``, ``off``, ``pause``, ``resume``, and what an admin
sees of them in ``/kith status`` (a count, never names)."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

from bot.checkins.personal_plan import (
    PersonalSettings,
    load_settings,
    personal_slot,
    replan,
)
from bot.checkins.rule import KIND, PERSONAL, personal_enabled
from bot.commands.parse import Invocation
from bot.commands.values import until_value
from bot.community import member_timezone, touch_member
from bot.context import Context
from bot.errors import UserError
from bot.i18n import _, ngettext
from bot.i18n.formats import dated
from bot.i18n.stored import render
from bot.kith_commands import local_label
from bot.messages import Reply
from bot.programmes import Programme, get_programme
from bot.scheduling.clock import to_epoch
from bot.scheduling.recurrence import DailyRule, ScheduleError, format_days, parse_days, parse_time
from bot.scheduling.timezones import local_date
from bot.store.base import Tx

DEFAULT_DAYS = tuple(range(5))  # mon-fri, as Geekbot and DailyBot start members off
MAX_PAUSE = timedelta(days=366)
SWITCHES = {"on": True, "off": False}
USAGE = "/checkin daily time:08:30 [days:mon-fri] [remind:on|off]"


def not_set_up() -> str:
    return _("Check-ins aren't set up here yet. An admin can start them with /kith setup checkin.")


async def _programme(ctx: Context) -> Programme:
    programme = await get_programme(ctx.db, ctx.community.ref.key, KIND)
    if programme is None:
        raise UserError(not_set_up())
    if not personal_enabled(programme):
        raise UserError(
            _(
                "Personal check-ins are switched off in this community. /checkin still gives "
                "you today's check-in privately."
            )
        )
    return programme


async def _next_firing(
    tx: Tx, programme: Programme, settings: PersonalSettings, tz: str, now: datetime
) -> datetime | None:
    """The member's next check-in: the first firing from now whose date has not been sent."""
    rule = DailyRule(parse_time(settings.at), settings.days, tz)
    for day, instant in rule.firings(now, now + timedelta(days=MAX_PAUSE.days + 8)):
        if settings.paused_until and day.isoformat() < settings.paused_until:
            continue
        sent = await tx.fetchval(
            "SELECT 1 FROM occurrences WHERE programme_id = ? AND kind = ? AND slot = ?"
            " AND state <> 'pending'",
            programme.id,
            PERSONAL,
            personal_slot(settings.id, day),
        )
        if not sent:
            return instant
    return None


def _switch(inv: Invocation, name: str) -> bool | None:
    text = inv.options.get(name)
    if text is None:
        return None
    value = SWITCHES.get(text.strip().lower())
    if value is None:
        raise UserError(_("{name}: is on or off, like {name}:on. Nothing was changed.", name=name))
    return value


async def _describe(
    tx: Tx, ctx: Context, programme: Programme, settings: PersonalSettings, tz: str
) -> str:
    upcoming = await _next_firing(tx, programme, settings, tz, ctx.now)
    values = {"time": settings.at, "days": format_days(settings.days), "tz": tz}
    lines = (
        _(
            "{time} {days} ({tz}), privately, with one gentle reminder 3 hours later if you "
            "haven't answered.",
            **values,
        )
        if settings.remind
        else _("{time} {days} ({tz}), privately, with no reminders.", **values)
    )
    if settings.paused_until:
        until = dated(date.fromisoformat(settings.paused_until))
        lines += " " + _("Paused until {date}.", date=until)
    if upcoming is not None:
        lines += " " + _("Next one: {when}.", when=local_label(upcoming, tz))
    return lines


async def checkin_daily(ctx: Context, inv: Invocation) -> Reply:
    programme = await _programme(ctx)
    opts = inv.options
    remind = _switch(inv, "remind")
    try:
        at = parse_time(opts["time"]).strftime("%H:%M") if "time" in opts else None
        days = parse_days(opts["days"]) if "days" in opts else None
    except ScheduleError as exc:
        raise UserError(_("{problem} Nothing was changed.", problem=exc)) from None
    async with ctx.db.transaction() as tx:
        existing, _zone = await load_settings(tx, ctx.community.ref.key, ctx.actor.user.key)
        if at is None and (existing is None or not existing.active):
            if days is not None or remind is not None:
                raise UserError(_("Give a time too: {usage}. Nothing was changed.", usage=USAGE))
            raise UserError(
                _(
                    "Choose your time, and Kith will check in with you privately: {usage}",
                    usage=USAGE,
                )
            )
        await touch_member(tx, ctx.actor, ctx.now)
        tz = await member_timezone(tx, ctx.community, ctx.actor.user.key, ctx.actor.platform_tz)
        if existing is None:
            await tx.execute(
                "INSERT INTO personal_checkins (community_id, user_key, at_time, days, remind,"
                " tz, materialised_until, planned_at, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                ctx.community.ref.key,
                ctx.actor.user.key,
                at,
                json.dumps(list(days or DEFAULT_DAYS)),
                int(bool(remind)),
                tz,
                to_epoch(ctx.now),
                to_epoch(ctx.now),
                to_epoch(ctx.now),
                to_epoch(ctx.now),
            )
        else:
            assert existing is not None
            await tx.execute(
                "UPDATE personal_checkins SET at_time = ?, days = ?, remind = ?, active = 1,"
                " stopped_reason = NULL, updated_at = ? WHERE id = ?",
                at or existing.at,
                json.dumps(list(days or existing.days)),
                int(existing.remind if remind is None else remind),
                to_epoch(ctx.now),
                existing.id,
            )
            await replan(tx, existing.id, ctx.now, tz)
        settings, tz_now = await load_settings(tx, ctx.community.ref.key, ctx.actor.user.key)
        assert settings is not None and tz_now is not None
        described = await _describe(tx, ctx, programme, settings, tz_now)
    done = (
        _("Your own check-in is set: {settings}", settings=described)
        if existing is None or not existing.active
        else _("Your own check-in is updated: {settings}", settings=described)
    )
    return Reply.text(
        done,
        _(
            "Answers count in the community's stats only as totals, never by name. "
            "/checkin off stops it; /checkin pause until:YYYY-MM-DD takes a break; "
            "/kith timezone changes the zone it follows."
        ),
    )


async def _own_settings(ctx: Context, tx: Tx) -> PersonalSettings:
    settings, _zone = await load_settings(tx, ctx.community.ref.key, ctx.actor.user.key)
    if settings is None or not settings.active:
        raise UserError(
            _("You don't have a personal check-in. Start one with {usage}.", usage=USAGE)
        )
    return settings


async def checkin_off(ctx: Context, inv: Invocation) -> Reply:
    async with ctx.db.transaction() as tx:
        settings = await _own_settings(ctx, tx)
        await tx.execute(
            "UPDATE personal_checkins SET active = 0, updated_at = ? WHERE id = ?",
            to_epoch(ctx.now),
            settings.id,
        )
        await replan(tx, settings.id, ctx.now)
    return Reply.text(
        _(
            "Your personal check-ins are off: nothing more from me unless you ask. "
            "{usage} starts them again.",
            usage=USAGE,
        )
    )


async def checkin_pause(ctx: Context, inv: Invocation) -> Reply:
    programme = await _programme(ctx)
    until = until_value(inv, "/checkin pause")
    async with ctx.db.transaction() as tx:
        settings = await _own_settings(ctx, tx)
        tz = await member_timezone(tx, ctx.community, ctx.actor.user.key, ctx.actor.platform_tz)
        today = local_date(ctx.now, tz)
        if until <= today:
            raise UserError(_("That date has already come. Pick a later one, like next week."))
        if until - today > MAX_PAUSE:
            raise UserError(_("Pauses go up to a year. For longer, /checkin off and start again."))
        await tx.execute(
            "UPDATE personal_checkins SET paused_until = ?, updated_at = ? WHERE id = ?",
            until.isoformat(),
            to_epoch(ctx.now),
            settings.id,
        )
        await replan(tx, settings.id, ctx.now, tz)
        settings = await _own_settings(ctx, tx)
        described = await _describe(tx, ctx, programme, settings, tz)
    return Reply.text(
        _(
            "Taking a break until {date}. Your check-in: {settings}",
            date=dated(until),
            settings=described,
        ),
        _("/checkin resume ends the break early."),
    )


async def checkin_resume(ctx: Context, inv: Invocation) -> Reply:
    programme = await _programme(ctx)
    async with ctx.db.transaction() as tx:
        settings = await _own_settings(ctx, tx)
        if not settings.paused_until:
            raise UserError(_("Your check-ins aren't paused, so there is nothing to resume."))
        tz = await member_timezone(tx, ctx.community, ctx.actor.user.key, ctx.actor.platform_tz)
        await tx.execute(
            "UPDATE personal_checkins SET paused_until = NULL, updated_at = ? WHERE id = ?",
            to_epoch(ctx.now),
            settings.id,
        )
        await replan(tx, settings.id, ctx.now, tz)
        settings = await _own_settings(ctx, tx)
        described = await _describe(tx, ctx, programme, settings, tz)
    return Reply.text(_("Welcome back. Your check-in: {settings}", settings=described))


async def timezone_changed(tx: Tx, ctx: Context, tz: str) -> None:
    """``/kith timezone``: the member's check-ins follow the new zone from now on."""
    settings, _zone = await load_settings(tx, ctx.community.ref.key, ctx.actor.user.key)
    if settings is not None and settings.active and settings.tz != tz:
        await replan(tx, settings.id, ctx.now, tz)


async def todays_personal(ctx: Context, programme: Programme) -> int | None:
    """The member's own check-in sent today (their local date), for ``/checkin``."""
    async with ctx.db.transaction() as tx:
        settings, tz = await load_settings(tx, ctx.community.ref.key, ctx.actor.user.key)
        if settings is None or tz is None:
            return None
        value = await tx.fetchval(
            "SELECT id FROM occurrences WHERE programme_id = ? AND kind = ? AND slot = ?"
            " AND state = 'sent'",
            programme.id,
            PERSONAL,
            personal_slot(settings.id, local_date(ctx.now, tz)),
        )
    return None if value is None else int(value)


async def personal_status(ctx: Context, programme: Programme) -> list[str]:
    """How many members use their own check-ins: counts only, never who."""
    if not personal_enabled(programme):
        return [
            _("Personal check-ins: switched off (/kith setup checkin personal:on allows them).")
        ]
    row = await ctx.db.fetchone(
        "SELECT SUM(CASE WHEN active = 1 THEN 1 ELSE 0 END) AS active,"
        " SUM(CASE WHEN active = 1 AND paused_until > ? THEN 1 ELSE 0 END) AS paused,"
        " SUM(CASE WHEN active = 0 AND stopped_reason IS NOT NULL THEN 1 ELSE 0 END) AS stopped"
        " FROM personal_checkins WHERE community_id = ?",
        local_date(ctx.now, programme.tz).isoformat(),
        ctx.community.ref.key,
    )
    active = int(row["active"] or 0) if row else 0
    paused = int(row["paused"] or 0) if row else 0
    stopped = int(row["stopped"] or 0) if row else 0
    if paused:
        line = ngettext(
            "Personal check-ins: {n} member uses their own time ({paused} on a break).",
            "Personal check-ins: {n} members use their own time ({paused} on a break).",
            active,
            paused=paused,
        )
    else:
        line = ngettext(
            "Personal check-ins: {n} member uses their own time.",
            "Personal check-ins: {n} members use their own time.",
            active,
        )
    if stopped:
        line += " " + ngettext(
            "{n} could not be reached privately, so theirs stopped.",
            "{n} could not be reached privately, so theirs stopped.",
            stopped,
        )
    return [line, *await _personal_problems(ctx, programme)]


async def _personal_problems(ctx: Context, programme: Programme) -> list[str]:
    """Personal check-ins that did not go out in the last week: how many, and the latest
    reason (never who)."""
    row = await ctx.db.fetchone(
        "SELECT COUNT(*) AS n, MAX(due_at) AS latest FROM occurrences WHERE programme_id = ?"
        " AND kind = ? AND due_at >= ? AND (state IN ('missed', 'failed')"
        " OR (state = 'pending' AND attempts > 0))",
        programme.id,
        PERSONAL,
        to_epoch(ctx.now - timedelta(days=7)),
    )
    if row is None or not row["n"]:
        return []
    detail = await ctx.db.fetchval(
        "SELECT detail FROM occurrences WHERE programme_id = ? AND kind = ? AND due_at = ?"
        " AND state <> 'sent' ORDER BY id DESC LIMIT 1",
        programme.id,
        PERSONAL,
        row["latest"],
    )
    reason = render(detail, _("unknown error"))  # stored, read in the admin's language
    return [
        ngettext(
            "⚠ {n} personal check-in not sent in the last 7 days (latest: {detail}).",
            "⚠ {n} personal check-ins not sent in the last 7 days (latest: {detail}).",
            int(row["n"]),
            detail=reason,
        )
    ]
