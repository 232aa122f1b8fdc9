"""Logging an act for the member in front of us, and telling them what it did."""

from __future__ import annotations

from bot.community import touch_member
from bot.context import Context
from bot.errors import UserError
from bot.i18n import N_, _, ngettext
from bot.i18n.formats import weekday_day_month
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

NOT_SET_UP = N_(
    "Kindness streaks aren't set up here yet. An admin can start them with "
    "/kith setup kindness channel:#channel."
)
# Where a screened text came from, stored with the event in English: bot.safety.care_messages
# marks it for the catalogue and words it for the moderators.
KIND_ACT_NOTE = "a kind-act note"


def days(n: int) -> str:
    """``1 day`` / ``5 days`` in the current language, to stand in a sentence's placeholder."""
    return ngettext("{n} day", "{n} days", n)


def quoted(text: str, limit: int = 80) -> str:
    return f"“{text if len(text) <= limit else text[: limit - 1] + '…'}”"


def streak_line(result: ActResult) -> str:
    line = _(
        "🔥 Your streak: {streak} (longest {longest}).",
        streak=days(result.current),
        longest=days(result.streak.longest),
    )
    if result.rest_used:
        line += " " + _("Yesterday was a rest day, so your streak carried on.")
    return line


def act_reply(result: ActResult, text: str, channel: str | None, public: bool) -> Reply:
    if result.outcome is Outcome.DAY_FULL:
        return Reply.text(
            _(
                "That's {count} acts logged today, which is wonderful. The journal holds that "
                "many a day, so nothing more was added; tomorrow is a fresh page.",
                count=MAX_LOGGED_PER_DAY,
            ),
            streak_line(result),
        )
    if result.outcome is Outcome.DUPLICATE:
        return Reply.text(
            _(
                "You already logged {act} today, so it counts once. Nothing new was added.",
                act=quoted(text),
            ),
            streak_line(result),
        )
    paragraphs = []
    if result.outcome is Outcome.OVER_CAP:
        paragraphs.append(
            _(
                "💛 Logged, thank you. Up to {cap} acts a day count toward totals, and you've "
                "reached that today, so this one is in your journal but not your totals.",
                cap=MAX_COUNTED_PER_DAY,
            )
        )
    else:
        paragraphs.append(_("💛 Logged: {act}.", act=quoted(text)))
    paragraphs.append(streak_line(result))
    if result.milestone:
        cheer = ngettext(
            "🎉 That's a {n}-day streak, a milestone!",
            "🎉 That's a {n}-day streak, a milestone!",
            result.milestone,
        )
        if channel and public:
            cheer += " " + _("I'll celebrate it in {channel}.", channel=channel)
        paragraphs.append(cheer)
    if result.outcome is Outcome.COUNTED:
        paragraphs.append(
            _(
                "Today: {counted} of {cap} acts counted ({date}).",
                counted=result.counted_today,
                cap=MAX_COUNTED_PER_DAY,
                date=weekday_day_month(result.local_date),
            )
        )
    return Reply.text(*paragraphs)


async def log_and_reply(ctx: Context, text: str, source: str, for_user: str | None = None) -> Reply:
    """Record an act for the actor in one transaction, committed before the reply returns."""
    if ctx.actor.is_bot:
        raise UserError(_("Kind acts are logged by people, so nothing was recorded."))
    async with ctx.db.transaction() as tx:
        state = await load_member(tx, ctx.community.ref.key, ctx.actor.user.key)
        if _stale(state, ctx):
            await touch_member(tx, ctx.actor, ctx.now)
            state = await load_member(tx, ctx.community.ref.key, ctx.actor.user.key)
        if state.programme is None:
            raise UserError(_(NOT_SET_UP))
        result = await apply_act(tx, state, text, source, ctx.now, for_user=for_user)
        # Words the member wrote are screened (a challenge's words are Kith's own) once the act
        # is safely logged; their community's settings are read here, where it costs least.
        screening = await load_settings(tx, ctx.community.ref.key) if source == "kind" else None
    if screening is not None:
        await look_after(ctx, text, KIND_ACT_NOTE, screening)
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
