"""``/leaderboard`` and a member's choice to be on it (``/leaderboard join`` / ``leave``)."""

from __future__ import annotations

from datetime import date

from bot.commands.parse import Invocation
from bot.context import Context
from bot.errors import UserError
from bot.i18n import N_, _, ngettext
from bot.identity import UserRef
from bot.kindness.acts import MemberState
from bot.kindness.commands import member_state, require_programme
from bot.kindness.config import KindnessConfig
from bot.kindness.leaderboard import LIMIT, RANK_BY, WINDOWS, Board, board, own_total, period_for
from bot.kindness.prefs import BoardChoice, set_leaderboard, visible
from bot.kindness.streaks import current_on
from bot.messages import Mention, Reply, Text
from bot.scheduling.timezones import local_date

MODE_NOTES = {
    "opt-in": N_(
        "Only members who chose to appear are shown: /leaderboard join adds you, "
        "/leaderboard leave takes you off."
    ),
    "everyone": N_("Everyone who logs acts is shown unless they opt out with /leaderboard leave."),
}


def amount(value: int, unit: str) -> str:
    """``3 acts`` or ``5 days``, a board's measure in the current language."""
    if unit == "day":
        return ngettext("{n} day", "{n} days", value)
    return ngettext("{n} act", "{n} acts", value)


async def join_command(ctx: Context, inv: Invocation) -> Reply:
    return await _set_visibility(ctx, BoardChoice.JOINED)


async def leave_command(ctx: Context, inv: Invocation) -> Reply:
    return await _set_visibility(ctx, BoardChoice.LEFT)


async def _set_visibility(ctx: Context, choice: str) -> Reply:
    programme = await require_programme(ctx)
    mode = KindnessConfig.of(programme).leaderboard
    async with ctx.db.transaction() as tx:
        await set_leaderboard(tx, ctx.community.ref.key, ctx.actor.user.key, choice, ctx.now)
    if choice == BoardChoice.LEFT:
        return Reply.text(
            _(
                "Done: you're off the leaderboard, from now on. Your streak keeps counting, just "
                "for you. /leaderboard join puts you back."
            )
        )
    done = _(
        "Done: you're on the leaderboard. Your name is shown without pinging you; "
        "/leaderboard leave takes you off any time."
    )
    if mode == "off":
        done += " " + _(
            "The leaderboard is off here at the moment; you'll appear if an admin turns it on."
        )
    return Reply.text(done)


async def leaderboard_command(ctx: Context, inv: Invocation) -> Reply:
    window = inv.options.get("window", "").lower()
    by = inv.options.get("by", "").lower()
    for word in (w.lower() for w in inv.args):
        if word in WINDOWS and not window:
            window = word
        elif word in RANK_BY and not by:
            by = word
        else:
            raise UserError(
                _(
                    "“{word}” isn't a leaderboard choice. Try /leaderboard "
                    "[window:week|month|all|challenge] [by:acts|streak].",
                    word=word[:20],
                )
            )
    window, by = window or "week", by or "acts"
    if window not in WINDOWS:
        raise UserError(_("window: is week, month, all or challenge."))
    if by not in RANK_BY:
        raise UserError(_("by: is acts or streak."))
    programme = await require_programme(ctx)
    config = KindnessConfig.of(programme)
    if config.leaderboard == "off":
        return Reply.text(
            _(
                "The leaderboard is turned off in this community. Your own streak is one "
                "/streak away."
            )
        )
    if window == "challenge" and config.challenge_start is None:
        raise UserError(
            _(
                "No 31-day challenge has run here yet. An admin can start one with "
                "/kith setup kindness challenge:31-day."
            )
        )
    today = local_date(ctx.now, programme.tz)
    result = await board(
        ctx.db, ctx.community.ref.key, config.leaderboard, window, by, today, ctx.now, config
    )
    state = await member_state(ctx)
    return Reply.text(*await _render_board(ctx, result, state, config, today))


async def _render_board(
    ctx: Context, result: Board, state: MemberState, config: KindnessConfig, today: date
) -> list[str | tuple[Text | Mention, ...]]:
    lines: list[str | tuple[Text | Mention, ...]] = [(Text(f"🏆 {result.title}", bold=True),)]
    if not result.entries:
        lines.append(_("Nobody to show yet."))
    for entry in result.entries:
        lines.append(
            (
                Text(f"{entry.rank}. "),
                Mention(UserRef.parse(entry.user_key), entry.name),
                Text(f" — {amount(entry.value, result.unit)}"),
            )
        )
    shown = visible(config.leaderboard, state.pref)
    listed = any(e.user_key == state.user_key for e in result.entries)
    if shown and not listed:
        mine = await _own_value(ctx, result, state, config, today)
        lines.append(
            _(
                "You: {amount}, not in the top {limit} this time.",
                amount=amount(mine, result.unit),
                limit=LIMIT,
            )
        )
    elif not shown:
        lines.append(_("You're not on this leaderboard."))
    lines.append(_(MODE_NOTES[config.leaderboard]) + " " + _("Ties go to whoever got there first."))
    return lines


async def _own_value(
    ctx: Context, result: Board, state: MemberState, config: KindnessConfig, today: date
) -> int:
    if result.by == "streak":
        if result.window == "all":
            return state.streak.longest
        return current_on(state.streak, state.today(ctx.now))
    period = period_for(result.window, today, config)
    return await own_total(ctx.db, state.community_key, state.user_key, period or "")
