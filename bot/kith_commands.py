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

NOT_A_CRISIS_SERVICE = (
    "Kith is a peer-support companion, not a therapy or crisis service. If you or someone else "
    "is in danger, please call your local emergency number now."
)


def local_label(instant: datetime, tz: str) -> str:
    local = instant.astimezone(zone(tz))
    return local.strftime("%a %d %b %H:%M ") + (local.tzname() or tz)


async def help_command(ctx: Context, inv: Invocation) -> Reply:
    registry = ctx.services.registry
    member = [c for c in registry.commands.values() if not c.admin]
    lines = [f"{c.synopsis} — {c.summary}" for c in sorted(member, key=lambda c: c.path)]
    paragraphs: list[str | tuple[Text, ...]] = [
        (
            Text("Kith helps this community feel a little less alone", bold=True),
            Text(": daily check-ins, buddy pairing and kindness streaks."),
        ),
        *lines,
    ]
    if ctx.is_admin:
        admin = sorted((c for c in registry.commands.values() if c.admin), key=lambda c: c.path)
        paragraphs.append((Text("For admins:", bold=True),))
        paragraphs.extend(f"{c.synopsis} — {c.summary}" for c in admin)
    paragraphs.extend((NOT_A_CRISIS_SERVICE, SCREENING_IN_SHORT))
    return Reply.text(*paragraphs)


async def timezone_command(ctx: Context, inv: Invocation) -> Reply:
    if not inv.args:
        current = await member_timezone(
            ctx.db, ctx.community, ctx.actor.user.key, ctx.actor.platform_tz
        )
        return Reply.text(
            f"Your time zone here is {current}. Change it with "
            "/kith timezone Area/City, like /kith timezone Europe/London."
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
        f"Done: your time zone is now {tz}; it's {local_label(ctx.now, tz)} there. "
        "Streaks and check-in days follow your local date."
    )


async def status_command(ctx: Context, inv: Invocation) -> Reply:
    programmes = await list_programmes(ctx.db, ctx.community.ref.key)
    if not programmes:
        return Reply.text(
            "Nothing is set up yet. Start with /kith setup checkin "
            "channel:#channel time:09:00 days:mon-fri."
        )
    registry = ctx.services.registry
    # Lay out upcoming occurrences first so "Next" is right even before the timer's next tick.
    await Scheduler(ctx.services).materialise(ctx.now)
    paragraphs: list[str | tuple[Text, ...]] = []
    for programme in programmes:
        kind = registry.programme_kinds.get(programme.kind)
        title = kind.title if kind else programme.kind
        state = "paused" if programme.paused else "active"
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
            paragraphs.append(f"  Next: {local_label(from_epoch(next_due), programme.tz)}")
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
            paragraphs.append(
                f"  {row['state'].capitalize()}: "
                f"{local_label(from_epoch(row['due_at']), programme.tz)} — "
                f"{row['detail']}"
            )
        if kind is not None and kind.status is not None:
            paragraphs.extend(f"  {line}" for line in await kind.status(ctx, programme))
    return Reply.text(*paragraphs)


def _problem_line(problem: DeliveryProblem, tz: str) -> str:
    """What is wrong right now, since when, and whether Kith is still trying."""
    affected = f" ({problem.affected} posts affected)" if problem.affected > 1 else ""
    reason = problem.reason.rstrip(".")
    if problem.retry_at is not None:  # the adapters' "; will retry" is said better by the time
        reason = reason.removesuffix("; will retry").removesuffix("; will try again")
    line = f"  ⚠ Delivery problem since {local_label(problem.since, tz)}{affected}: {reason}"
    if problem.retry_at is not None:
        line += f". Next try: {local_label(problem.retry_at, tz)}"
    return line + "."


async def _set_paused(ctx: Context, inv: Invocation, paused: bool) -> Reply:
    verb = "pause" if paused else "resume"
    names = ", ".join(k.name for k in ctx.services.registry.programme_kinds.values())
    if not inv.args:
        raise UserError(f"Which programme? /kith {verb} <{names.replace(', ', '|')}>")
    kind = ctx.services.registry.programme_named(inv.args[0])
    if kind is None:
        raise UserError(f"“{inv.args[0][:30]}” isn't a programme. Choose one of: {names}.")
    programme = await get_programme(ctx.db, ctx.community.ref.key, kind.name)
    if programme is None:
        raise UserError(f"{kind.title} isn't set up here yet.")
    if programme.paused == paused:
        return Reply.text(f"{kind.title} is already {'paused' if paused else 'running'}.")
    async with ctx.db.transaction() as tx:
        await set_paused(tx, programme, paused, ctx.now)
    if paused:
        return Reply.text(
            f"{kind.title} is paused. Nothing is lost; /kith resume {kind.name} starts it again."
        )
    return Reply.text(f"{kind.title} is running again.")


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
        return Reply.text(
            "Platform admins can always run admin commands.",
            (Text("Added here: "), *(listed or [Text("nobody yet")]), Text(".")),
            "/kith admins add @member or /kith admins remove @member changes the list.",
        )
    if action not in {"add", "remove"} or len(inv.args) != 2:
        raise UserError(
            "Use /kith admins list, /kith admins add @member or /kith admins remove @member."
        )
    member = user_value(ctx, inv.args[1])
    if action == "remove" and member.key not in current:
        raise UserError("That member isn't on the list, so nothing changed.")
    current = current | {member.key} if action == "add" else current - {member.key}
    async with ctx.db.transaction() as tx:
        await tx.execute(
            "UPDATE communities SET admin_users = ? WHERE id = ?",
            json.dumps(sorted(current)),
            ctx.community.ref.key,
        )
    name = (await display_names(ctx.db, ctx.community.ref.key, [member.key]))[member.key]
    verb = "can now" if action == "add" else "can no longer"
    return Reply.text((Mention(member, name), Text(f" {verb} run admin commands here.")))


STATS_WINDOWS = {"7d": 7, "week": 7, "30d": 30, "month": 30, "90d": 90}


async def stats_command(ctx: Context, inv: Invocation) -> Reply:
    window = (inv.options.get("window") or (inv.args[0] if inv.args else "30d")).lower()
    if window not in STATS_WINDOWS:
        raise UserError(f"window: is one of {', '.join(STATS_WINDOWS)}.")
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
        paragraphs.append("Nothing to report yet.")
    reply = Reply.text(*paragraphs)
    chart = await stats_chart(f"Kith stats, last {days} days", series)
    if chart is not None and reply.message is not None:
        reply = Reply(replace(reply.message, attachment=chart))
    return reply


def register(registry: Registry) -> None:
    registry.command(
        Command(("kith", "help"), "what Kith does here and its commands", help_command)
    )
    registry.command(
        Command(
            ("kith", "timezone"), "see or set my time zone", timezone_command, usage="<Area/City>"
        )
    )
    registry.command(
        Command(
            ("kith", "status"),
            "each programme, its channel and next post",
            status_command,
            admin=True,
        )
    )
    registry.command(
        Command(
            ("kith", "stats"),
            "participation and trends, aggregate only",
            stats_command,
            admin=True,
            options=(Option("window", OptionKind.CHOICE, "period", choices=tuple(STATS_WINDOWS)),),
        )
    )
    registry.command(
        Command(
            ("kith", "stats", "export"),
            "a CSV of rounds and weekly figures, aggregate only, sent only to you",
            stats_export_command,
            admin=True,
        )
    )
    registry.command(
        Command(
            ("kith", "pause"),
            "pause a programme, keeping its data",
            pause_command,
            admin=True,
            usage="<programme>",
        )
    )
    registry.command(
        Command(
            ("kith", "resume"),
            "restart a paused programme",
            resume_command,
            admin=True,
            usage="<programme>",
        )
    )
    registry.command(
        Command(
            ("kith", "admins"),
            "who may run admin commands here",
            admins_command,
            admin=True,
            usage="[list|add @member|remove @member]",
        )
    )
