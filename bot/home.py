"""A member's home: the overview shown where a platform has a home surface (Slack's App Home).

Platform-neutral: it returns a ``Message`` that adapters render. Features add their own part
("my streak", "my buddy") with ``registry.home_section``; this module adds what every community
has, the member's settings and the programmes running here, so the home is useful from day one.
It only reads: opening a home never changes anything.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.community import ensure_community, member_language, member_timezone
from bot.context import Context, Services
from bot.events import Actor
from bot.i18n import _, use_language
from bot.kith_commands import NOT_A_CRISIS_SERVICE, local_label
from bot.messages import Message, Text, message
from bot.ports import ChatPort
from bot.programmes import Programme, list_programmes
from bot.registry import ProgrammeKind
from bot.scheduling.clock import to_epoch

log = logging.getLogger("kith.home")

NEXT_HORIZON = timedelta(days=35)  # longer than the longest cadence (four-weekly buddy rounds)
Paragraphs = list[str | tuple[Text, ...]]


async def home_message(services: Services, actor: Actor, chat: ChatPort) -> Message:
    now = services.clock.now()
    community = await ensure_community(services.db, actor.community, now)
    ctx = Context(services, chat, actor, community, now, None)
    # Opened outside an event (``Kith.handle`` sets the language there): the member's own, read
    # without remembering anything, as opening a home changes nothing.
    language = await member_language(services.db, community, actor.user.key, actor.locale)
    with use_language(language):
        return await _home(ctx)


async def _home(ctx: Context) -> Message:
    services, community = ctx.services, ctx.community
    paragraphs: Paragraphs = [
        (Text("Kith", bold=True),),
        _(
            "Daily check-ins, buddy pairing and kindness streaks, so this community feels a "
            "little less alone."
        ),
    ]
    for section in services.registry.home_sections:
        try:
            paragraphs.extend(await section(ctx))
        except Exception:  # one broken section must not blank the whole home
            log.exception("event=home_section_error community=%s", community.ref.key)
    paragraphs.extend(await _settings(ctx))
    paragraphs.extend(await _programmes(ctx))
    paragraphs.append(_("/kith help lists every command."))
    return message(*paragraphs, note=_(NOT_A_CRISIS_SERVICE))


async def _settings(ctx: Context) -> Paragraphs:
    tz = await member_timezone(ctx.db, ctx.community, ctx.actor.user.key, ctx.actor.platform_tz)
    lines: Paragraphs = [
        (Text(_("Your settings"), bold=True),),
        _(
            "Time zone: {zone} (it's {now} there). Change it with /kith timezone Area/City.",
            zone=tz,
            now=local_label(ctx.now, tz),
        ),
    ]
    if ctx.is_admin:
        lines.append(_("You're an admin here: /kith status shows each programme and what failed."))
    return lines


async def _programmes(ctx: Context) -> Paragraphs:
    registry = ctx.services.registry
    programmes = await list_programmes(ctx.db, ctx.community.ref.key)
    lines: Paragraphs = [(Text(_("Running here"), bold=True),)]
    if not programmes:
        if ctx.is_admin:
            lines.append(_("Nothing is set up yet. Start with /kith setup checkin."))
        else:
            lines.append(_("Nothing is set up yet."))
        return lines
    tz = await member_timezone(ctx.db, ctx.community, ctx.actor.user.key, ctx.actor.platform_tz)
    for programme in programmes:
        kind = registry.programme_kinds.get(programme.kind)
        title = _(kind.title) if kind else programme.kind
        describe = kind.describe(programme) if kind else ""
        state = " · " + _("paused") if programme.paused else ""
        lines.append(
            (
                Text(title, bold=True),
                Text(f" · {ctx.chat.channel_label(programme.channel)} · {describe}{state}"),
            )
        )
        if programme.paused:
            continue
        next_due = await _next_due(ctx, programme, kind) if kind else None
        if next_due is not None:
            lines.append("  " + _("Next: {when}", when=local_label(next_due, tz)))
    return lines


async def _next_due(ctx: Context, programme: Programme, kind: ProgrammeKind) -> datetime | None:
    """The programme's next firing, from its rule (the home only reads, so it does not lay out
    occurrences the way /kith status does), skipping slots already sent, missed or failed."""
    done = {
        (row["kind"], row["slot"])
        for row in await ctx.db.fetchall(
            "SELECT kind, slot FROM occurrences WHERE programme_id = ? AND state <> 'pending'"
            " AND due_at >= ?",
            programme.id,
            to_epoch(ctx.now),
        )
    }
    upcoming = [
        slot.due_at
        for slot in kind.slots(programme, ctx.now, ctx.now + NEXT_HORIZON)
        if slot.due_at >= ctx.now and (slot.kind, slot.slot) not in done
    ]
    return min(upcoming, default=None)
