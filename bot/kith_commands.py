"""The ``/kith`` commands every community has, whatever features it runs: help, timezone,
status, stats, pause and resume, and admins. A feature's own ``/kith setup …`` lives in
the feature."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime

from bot.aggregates import stats_export_command
from bot.charts import stats_chart
from bot.commands.parse import Invocation
from bot.commands.values import timezone_value, user_value
from bot.community import display_names, member_timezone, touch_member
from bot.context import Context
from bot.errors import UserError
from bot.i18n import N_, _, ngettext
from bot.i18n.formats import date_time
from bot.i18n.inline import inline
from bot.i18n.stored import render
from bot.identity import UserRef
from bot.messages import Inline, Mention, Reply, Text
from bot.programmes import get_programme, list_programmes, set_paused
from bot.registry import Command, Option, OptionKind, Registry
from bot.safety.care_messages import SCREENING_IN_SHORT
from bot.scheduling.clock import from_epoch, to_epoch
from bot.scheduling.delivery_health import DeliveryProblem, delivery_problem, kinds_left_out
from bot.scheduling.scheduler import Scheduler
from bot.scheduling.timezones import zone
from bot.sparklines import Series

NOT_A_CRISIS_SERVICE = N_(
    "Kith is a peer-support companion, not a therapy or crisis service. If you or someone else "
    "is in danger, please call your local emergency number now."
)


def local_label(instant: datetime, tz: str) -> str:
    """``Mon 02 Mar 09:00 GMT`` in the reader's language (the zone's abbreviation as it is)."""
    local = instant.astimezone(zone(tz))
    return f"{date_time(local)} {local.tzname() or tz}"


def _intro() -> tuple[Text, ...]:
    """The help's first line, its words up to the colon in bold (one sentence to translate)."""
    # Translators: keep the colon; the words before it are shown in bold.
    sentence = _(
        "Kith helps this community feel a little less alone: daily check-ins, buddy pairing "
        "and kindness streaks."
    )
    head, colon, rest = sentence.partition(":")
    return (Text(head, bold=True), Text(colon + rest)) if colon else (Text(sentence),)


def command_line(command: Command) -> str:
    return f"{command.synopsis} — {_(command.summary)}"


async def help_command(ctx: Context, inv: Invocation) -> Reply:
    registry = ctx.services.registry
    member = [c for c in registry.commands.values() if not c.admin]
    lines = [command_line(c) for c in sorted(member, key=lambda c: c.path)]
    paragraphs: list[str | tuple[Text, ...]] = [_intro(), *lines]
    if ctx.is_admin:
        admin = sorted((c for c in registry.commands.values() if c.admin), key=lambda c: c.path)
        paragraphs.append((Text(_("For admins:"), bold=True),))
        paragraphs.extend(command_line(c) for c in admin)
    paragraphs.extend((_(NOT_A_CRISIS_SERVICE), _(SCREENING_IN_SHORT)))
    return Reply.text(*paragraphs)


async def timezone_command(ctx: Context, inv: Invocation) -> Reply:
    if not inv.args:
        current = await member_timezone(
            ctx.db, ctx.community, ctx.actor.user.key, ctx.actor.platform_tz
        )
        return Reply.text(
            _(
                "Your time zone here is {zone}. Change it with "
                "/kith timezone Area/City, like /kith timezone Europe/London.",
                zone=current,
            )
        )
    tz = timezone_value(" ".join(inv.args))
    async with ctx.db.transaction() as tx:
        await touch_member(tx, ctx.actor, ctx.now)
        await tx.execute(
            "UPDATE members SET tz = ? WHERE community_id = ? AND user_key = ?",
            tz,
            ctx.community.ref.key,
            ctx.actor.user.key,
        )
        for listener in ctx.services.registry.timezone_listeners:
            await listener(tx, ctx, tz)
    return Reply.text(
        _(
            "Done: your time zone is now {zone}; it's {now} there. "
            "Streaks and check-in days follow your local date.",
            zone=tz,
            now=local_label(ctx.now, tz),
        )
    )


async def status_command(ctx: Context, inv: Invocation) -> Reply:
    programmes = await list_programmes(ctx.db, ctx.community.ref.key)
    if not programmes:
        return Reply.text(
            _(
                "Nothing is set up yet. Start with /kith setup checkin "
                "channel:#channel time:09:00 days:mon-fri."
            )
        )
    registry = ctx.services.registry
    # Lay out upcoming occurrences first so "Next" is right even before the timer's next tick.
    await Scheduler(ctx.services).materialise(ctx.now)
    paragraphs: list[str | tuple[Text, ...]] = []
    for programme in programmes:
        kind = registry.programme_kinds.get(programme.kind)
        title = _(kind.title) if kind else programme.kind
        state = _("paused") if programme.paused else _("active")
        describe = kind.describe(programme) if kind else ""
        paragraphs.append(
            (
                Text(f"{title}", bold=True),
                Text(f" · {ctx.chat.channel_label(programme.channel)} · {describe} · {state}"),
            )
        )
        next_due = await ctx.db.fetchval(
            "SELECT MIN(due_at) FROM occurrences WHERE programme_id = ? AND state = 'pending'"
            " AND due_at >= ?",
            programme.id,
            to_epoch(ctx.now),
        )
        if next_due is not None and not programme.paused:
            when = local_label(from_epoch(next_due), programme.tz)
            paragraphs.append("  " + _("Next: {when}", when=when))
        skip = kind.member_kinds if kind else ()
        problem = await delivery_problem(ctx.db, programme.id, skip)
        if problem is not None and not programme.paused:
            paragraphs.append(_problem_line(problem, programme.tz))
        problems = await ctx.db.fetchall(
            "SELECT state, due_at, detail FROM occurrences WHERE programme_id = ?"
            " AND state IN ('missed', 'failed') AND due_at >= ?"
            + kinds_left_out(skip)
            + " ORDER BY due_at DESC LIMIT 5",
            programme.id,
            to_epoch(ctx.now) - 30 * 86400,
            *skip,
        )
        for row in problems:
            when = local_label(from_epoch(row["due_at"]), programme.tz)
            detail = render(row["detail"], _("unknown error"))
            if row["state"] == "missed":
                line = _("Missed: {when} — {detail}", when=when, detail=detail)
            else:
                line = _("Failed: {when} — {detail}", when=when, detail=detail)
            paragraphs.append("  " + line)
        if kind is not None and kind.status is not None:
            paragraphs.extend(f"  {line}" for line in await kind.status(ctx, programme))
    return Reply.text(*paragraphs)


# How the adapters' reasons end when Kith will try again, in every language: said better by the
# time of the next try when there is one.
RETRY_ENDINGS = (N_("; will retry"), N_("; will try again"))


def _problem_line(problem: DeliveryProblem, tz: str) -> str:
    """What is wrong right now, since when, and whether Kith is still trying."""
    reason = problem.reason.rstrip(".")
    if problem.retry_at is not None:
        for ending in RETRY_ENDINGS:
            reason = reason.removesuffix(_(ending)).removesuffix(ending)
    since = local_label(problem.since, tz)
    if problem.affected > 1:
        line = ngettext(
            "⚠ Delivery problem since {since} ({n} post affected): {reason}",
            "⚠ Delivery problem since {since} ({n} posts affected): {reason}",
            problem.affected,
            since=since,
            reason=reason,
        )
    else:
        line = _("⚠ Delivery problem since {since}: {reason}", since=since, reason=reason)
    if problem.retry_at is not None:
        line += ". " + _("Next try: {when}", when=local_label(problem.retry_at, tz))
    return "  " + line + "."


async def _set_paused(ctx: Context, inv: Invocation, paused: bool) -> Reply:
    verb = "pause" if paused else "resume"
    kinds = [k.name for k in ctx.services.registry.programme_kinds.values()]
    if not inv.args:
        raise UserError(
            _("Which programme? /kith {verb} <{names}>", verb=verb, names="|".join(kinds))
        )
    kind = ctx.services.registry.programme_named(inv.args[0])
    if kind is None:
        raise UserError(
            _(
                "“{word}” isn't a programme. Choose one of: {names}.",
                word=inv.args[0][:30],
                names=", ".join(kinds),
            )
        )
    programme = await get_programme(ctx.db, ctx.community.ref.key, kind.name)
    title = _(kind.title)
    if programme is None:
        raise UserError(_("{title} isn't set up here yet.", title=title))
    if programme.paused == paused:
        if paused:
            return Reply.text(_("{title} is already paused.", title=title))
        return Reply.text(_("{title} is already running.", title=title))
    async with ctx.db.transaction() as tx:
        await set_paused(tx, programme, paused, ctx.now)
    if paused:
        return Reply.text(
            _(
                "{title} is paused. Nothing is lost; /kith resume {name} starts it again.",
                title=title,
                name=kind.name,
            )
        )
    return Reply.text(_("{title} is running again.", title=title))


async def pause_command(ctx: Context, inv: Invocation) -> Reply:
    return await _set_paused(ctx, inv, True)


async def resume_command(ctx: Context, inv: Invocation) -> Reply:
    return await _set_paused(ctx, inv, False)


async def admins_command(ctx: Context, inv: Invocation) -> Reply:
    """Admins beyond the platform's own (Discord Manage Server, Slack admins and owners)."""
    action = inv.args[0].lower() if inv.args else "list"
    current = set(ctx.community.admin_users)
    if action == "list":
        names = await display_names(ctx.db, ctx.community.ref.key, sorted(current))
        listed: list[Inline] = []
        for key in sorted(current):
            listed += [Text(", ")] if listed else []
            listed.append(Mention(UserRef.parse(key), names[key]))
        added = (
            inline(_("Added here: {names}."), names=listed)
            if listed
            else (Text(_("Added here: nobody yet.")),)
        )
        return Reply.text(
            _("Platform admins can always run admin commands."),
            added,
            _("/kith admins add @member or /kith admins remove @member changes the list."),
        )
    if action not in {"add", "remove"} or len(inv.args) != 2:
        raise UserError(
            _("Use /kith admins list, /kith admins add @member or /kith admins remove @member.")
        )
    member = user_value(ctx, inv.args[1])
    if action == "remove" and member.key not in current:
        raise UserError(_("That member isn't on the list, so nothing changed."))
    current = current | {member.key} if action == "add" else current - {member.key}
    async with ctx.db.transaction() as tx:
        await tx.execute(
            "UPDATE communities SET admin_users = ? WHERE id = ?",
            json.dumps(sorted(current)),
            ctx.community.ref.key,
        )
    name = (await display_names(ctx.db, ctx.community.ref.key, [member.key]))[member.key]
    done = (
        _("{member} can now run admin commands here.")
        if action == "add"
        else _("{member} can no longer run admin commands here.")
    )
    return Reply.text(inline(done, member=Mention(member, name)))


STATS_WINDOWS = {"7d": 7, "week": 7, "30d": 30, "month": 30, "90d": 90}


async def stats_command(ctx: Context, inv: Invocation) -> Reply:
    window = (inv.options.get("window") or (inv.args[0] if inv.args else "30d")).lower()
    if window not in STATS_WINDOWS:
        raise UserError(_("window: is one of {choices}.", choices=", ".join(STATS_WINDOWS)))
    days = STATS_WINDOWS[window]
    paragraphs: list[str | tuple[Text, ...]] = []
    series: list[Series] = []
    for section in ctx.services.registry.stats_sections:
        for item in await section(ctx, days):
            if isinstance(item, Series):
                series.append(item)
                paragraphs.append(item.line())
            else:
                paragraphs.append(item)
    if not paragraphs:
        paragraphs.append(_("Nothing to report yet."))
    reply = Reply.text(*paragraphs)
    title = ngettext("Kith stats, last {n} day", "Kith stats, last {n} days", days)
    chart = await stats_chart(title, series)
    if chart is not None and reply.message is not None:
        reply = Reply(replace(reply.message, attachment=chart))
    return reply


def register(registry: Registry) -> None:
    registry.command(
        Command(("kith", "help"), N_("what Kith does here and its commands"), help_command)
    )
    registry.command(
        Command(
            ("kith", "timezone"),
            N_("see or set my time zone"),
            timezone_command,
            usage=N_("<Area/City>"),
        )
    )
    registry.command(
        Command(
            ("kith", "status"),
            N_("each programme, its channel and next post"),
            status_command,
            admin=True,
        )
    )
    registry.command(
        Command(
            ("kith", "stats"),
            N_("participation and trends, aggregate only"),
            stats_command,
            admin=True,
            options=(
                Option("window", OptionKind.CHOICE, N_("period"), choices=tuple(STATS_WINDOWS)),
            ),
        )
    )
    registry.command(
        Command(
            ("kith", "stats", "export"),
            N_("a CSV of rounds and weekly figures, aggregate only, sent only to you"),
            stats_export_command,
            admin=True,
        )
    )
    registry.command(
        Command(
            ("kith", "pause"),
            N_("pause a programme, keeping its data"),
            pause_command,
            admin=True,
            usage=N_("<programme>"),
        )
    )
    registry.command(
        Command(
            ("kith", "resume"),
            N_("restart a paused programme"),
            resume_command,
            admin=True,
            usage=N_("<programme>"),
        )
    )
    registry.command(
        Command(
            ("kith", "admins"),
            N_("who may run admin commands here"),
            admins_command,
            admin=True,
            usage=N_("[list|add @member|remove @member]"),
        )
    )
