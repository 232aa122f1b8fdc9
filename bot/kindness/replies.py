"""Logging an act for the member in front of us, and telling them what it did."""

from __future__ import annotations

from bot.community import touch_member
from bot.context import Context
from bot.errors import UserError
from bot.kindness.acts import (
    MAX_COUNTED_PER_DAY,
    MAX_LOGGED_PER_DAY,
    ActResult,
    MemberState,
    Outcome,
    apply_act,
    load_member,
)
from bot.messages import Reply
from bot.safety.care import load_settings, look_after
from bot.wording import plural

NOT_SET_UP = (
    "Kindness streaks aren't set up here yet. An admin can start them with "
    "/kith setup kindness channel:#channel."
)


def days(n: int) -> str:
    return plural(n, "day")


def quoted(text: str, limit: int = 80) -> str:
    return f"“{text if len(text) <= limit else text[: limit - 1] + '…'}”"


def streak_line(result: ActResult) -> str:
    line = f"🔥 Your streak: {days(result.current)} (longest {days(result.streak.longest)})."
    if result.rest_used:
        line += " Yesterday was a rest day, so your streak carried on."
    return line


def act_reply(result: ActResult, text: str, channel: str | None, public: bool) -> Reply:
    if result.outcome is Outcome.DAY_FULL:
        return Reply.text(
            f"That's {MAX_LOGGED_PER_DAY} acts logged today, which is wonderful. The journal "
            "holds that many a day, so nothing more was added; tomorrow is a fresh page.",
            streak_line(result),
        )
    if result.outcome is Outcome.DUPLICATE:
        return Reply.text(
            f"You already logged {quoted(text)} today, so it counts once. Nothing new was added.",
            streak_line(result),
        )
    paragraphs = []
    if result.outcome is Outcome.OVER_CAP:
        paragraphs.append(
            f"💛 Logged, thank you. Up to {MAX_COUNTED_PER_DAY} acts a day count toward totals, "
            "and you've reached that today, so this one is in your journal but not your totals."
        )
    else:
        paragraphs.append(f"💛 Logged: {quoted(text)}.")
    paragraphs.append(streak_line(result))
    if result.milestone:
        where = f" I'll celebrate it in {channel}." if channel and public else ""
        paragraphs.append(f"🎉 That's a {result.milestone}-day streak, a milestone!{where}")
    if result.outcome is Outcome.COUNTED:
        paragraphs.append(
            f"Today: {result.counted_today} of {MAX_COUNTED_PER_DAY} acts counted "
            f"({result.local_date:%a %d %b})."
        )
    return Reply.text(*paragraphs)


async def log_and_reply(ctx: Context, text: str, source: str, for_user: str | None = None) -> Reply:
    """Record an act for the actor in one transaction, committed before the reply returns."""
    if ctx.actor.is_bot:
        raise UserError("Kind acts are logged by people, so nothing was recorded.")
    async with ctx.db.transaction() as tx:
        state = await load_member(tx, ctx.community.ref.key, ctx.actor.user.key)
        if _stale(state, ctx):
            await touch_member(tx, ctx.actor, ctx.now)
            state = await load_member(tx, ctx.community.ref.key, ctx.actor.user.key)
        if state.programme is None:
            raise UserError(NOT_SET_UP)
        result = await apply_act(tx, state, text, source, ctx.now, for_user=for_user)
        # Words the member wrote are screened (a challenge's words are Kith's own) once the act
        # is safely logged; their community's settings are read here, where it costs least.
        screening = await load_settings(tx, ctx.community.ref.key) if source == "kind" else None
    if screening is not None:
        await look_after(ctx, text, "a kind-act note", screening)
    programme = state.programme
    channel = ctx.chat.channel_label(programme.channel)
    public = state.public_mentions and not programme.paused
    return act_reply(result, text, channel, public)


def _stale(state: MemberState, ctx: Context) -> bool:
    """Whether the members row needs ``touch_member`` (new member, new name or platform zone).
    Checking first saves a write on almost every act."""
    actor = ctx.actor
    return (
        not state.member_row
        or state.display_name != actor.display_name[:80]
        or (actor.platform_tz is not None and actor.platform_tz != state.platform_tz)
    )
