"""Member commands: /kind, /streak and /streak milestones."""

from __future__ import annotations

from datetime import date

from bot.commands.parse import Invocation, clean_text
from bot.commands.values import user_value
from bot.context import Context
from bot.errors import UserError
from bot.i18n import _, ngettext
from bot.i18n.formats import weekday_day_month
from bot.i18n.inline import inline
from bot.identity import UserRef
from bot.kindness.acts import MAX_ACT_LENGTH, MAX_COUNTED_PER_DAY, MIN_ACT_LENGTH, MemberState
from bot.kindness.acts import load_member as _load_member
from bot.kindness.config import KIND, KindnessConfig
from bot.kindness.leaderboard import own_total
from bot.kindness.periods import week_key
from bot.kindness.prefs import set_public_mentions, visible
from bot.kindness.replies import NOT_SET_UP, days, log_and_reply
from bot.kindness.streaks import REST_SPACING, current_on, next_rest_available, rest_day_in_use
from bot.messages import Mention, Reply, Text
from bot.programmes import Programme, get_programme


def rule() -> str:
    """How streaks work, in the current language."""
    return _(
        "How streaks work: each day (in your time zone) with at least one kind act adds a day. "
        "One missed day in any {spacing} is forgiven as a rest day (it keeps your streak but "
        "doesn't add to it); a second missed day within {spacing} days ends it. "
        "Up to {cap} acts a day count toward totals, and the same act twice in a day "
        "counts once.",
        spacing=REST_SPACING,
        cap=MAX_COUNTED_PER_DAY,
    )


async def member_state(ctx: Context, user_key: str | None = None) -> MemberState:
    return await _load_member(ctx.db, ctx.community.ref.key, user_key or ctx.actor.user.key)


async def kind_command(ctx: Context, inv: Invocation) -> Reply:
    text = clean_text(inv.rest)
    for_user = None
    if inv.options.get("for"):
        target = user_value(ctx, inv.options["for"])
        if target == ctx.actor.user:
            raise UserError(
                _("for: is for someone else. Kindness to yourself counts too: just leave for: out.")
            )
        for_user = target.key
    if len(text) < MIN_ACT_LENGTH:
        raise UserError(
            _(
                "Tell me what you did after /kind, like /kind helped a neighbour carry their "
                "shopping."
            )
        )
    if len(text) > MAX_ACT_LENGTH:
        raise UserError(
            _(
                "That's a little long: kind acts hold up to {limit} characters. "
                "Nothing was logged; try a shorter version.",
                limit=MAX_ACT_LENGTH,
            )
        )
    return await log_and_reply(ctx, text, "kind", for_user)


async def require_programme(ctx: Context) -> Programme:
    """The kindness programme, or a friendly answer that it isn't set up."""
    programme = await get_programme(ctx.db, ctx.community.ref.key, KIND)
    if programme is None:
        raise UserError(_(NOT_SET_UP))
    return programme


async def streak_command(ctx: Context, inv: Invocation) -> Reply:
    programme = await require_programme(ctx)
    if inv.args:
        target = user_value(ctx, inv.args[0])
        if target != ctx.actor.user:
            return await _someone_elses_streak(ctx, programme, target.key)
    state = await member_state(ctx)
    today = state.today(ctx.now)
    streak = state.streak
    current = current_on(streak, today)
    week = await own_total(ctx.db, state.community_key, state.user_key, week_key(today))
    total = await own_total(ctx.db, state.community_key, state.user_key, "all")
    paragraphs: list[str | tuple[Text, ...]] = [
        (
            Text(_("🔥 Your streak: {streak}", streak=days(current)), bold=True),
            Text(" · " + _("longest: {longest}", longest=days(streak.longest))),
        ),
        _(
            "Acts counted this week: {week} · all time: {total} · kindness noticed: {noticed}.",
            week=week,
            total=total,
            noticed=ngettext("{n} time", "{n} times", state.noticed),
        ),
        _today_line(state, today, current),
    ]
    rest = _rest_line(state, today, current)
    if rest:
        paragraphs.append(rest)
    paragraphs.append(rule())
    config = KindnessConfig.of(programme)
    shown = visible(config.leaderboard, state.pref)
    if config.leaderboard == "off":
        board_line = _("The leaderboard is off in this community.")
    elif shown:
        board_line = _("You're on the leaderboard (/leaderboard leave takes you off).")
    else:
        board_line = _("You're not on the leaderboard (/leaderboard join adds you).")
    mentions = (
        _(
            "Milestones are celebrated by name in the kindness channel "
            "(/streak milestones private turns that off)."
        )
        if state.public_mentions
        else _(
            "Milestones are celebrated privately, only with you "
            "(/streak milestones public shares them)."
        )
    )
    paragraphs.append(f"{board_line} {mentions}")
    return Reply.text(*paragraphs)


def _today_line(state: MemberState, today: date, current: int) -> str:
    label = f"{weekday_day_month(today)}, {state.tz}"
    counted = state.counted_on(today)
    if counted:
        return _(
            "Today ({day}): {counted} of {cap} acts counted.",
            day=label,
            counted=counted,
            cap=MAX_COUNTED_PER_DAY,
        )
    if current:
        return _("Today ({day}): nothing logged yet; one /kind keeps your streak going.", day=label)
    return _("Today ({day}): nothing logged yet; one /kind starts a streak.", day=label)


def _rest_line(state: MemberState, today: date, current: int) -> str | None:
    streak = state.streak
    resting = rest_day_in_use(streak, today)
    if resting is not None:
        return _(
            "{day} was a rest day: your streak is safe if you log an act today.",
            day=weekday_day_month(resting),
        )
    if not current:
        return None
    available = next_rest_available(streak)
    if available is None or available <= today:
        return _("Your rest day is available: missing one day won't break your streak.")
    return _(
        "You used a rest day recently; the next is available from {day}.",
        day=weekday_day_month(available),
    )


async def _someone_elses_streak(ctx: Context, programme: Programme, user_key: str) -> Reply:
    config = KindnessConfig.of(programme)
    state = await member_state(ctx, user_key)
    who = Mention(UserRef.parse(user_key), state.display_name)
    if not visible(config.leaderboard, state.pref):
        return Reply.text(
            inline(
                _("{name} keeps their streak to themselves here. Your own is one /streak away."),
                name=who,
            )
        )
    current = current_on(state.streak, state.today(ctx.now))
    return Reply.text(
        inline(
            _("🔥 {name}'s streak: {streak} · longest: {longest}"),
            name=who,
            streak=days(current),
            longest=days(state.streak.longest),
        )
    )


async def milestones_command(ctx: Context, inv: Invocation) -> Reply:
    choice = inv.args[0].lower() if inv.args else ""
    if choice not in ("public", "private"):
        raise UserError(
            _(
                "/streak milestones public celebrates your milestones by name (never a ping) in "
                "the kindness channel; /streak milestones private keeps them between you and Kith."
            )
        )
    async with ctx.db.transaction() as tx:
        await set_public_mentions(
            tx, ctx.community.ref.key, ctx.actor.user.key, choice == "public", ctx.now
        )
    if choice == "public":
        return Reply.text(
            _(
                "Done: your streak milestones will be celebrated by name in the kindness channel, "
                "without pinging you."
            )
        )
    return Reply.text(
        _(
            "Done: your milestones stay private. I'll celebrate them with you here, and never "
            "name you in the channel."
        )
    )
