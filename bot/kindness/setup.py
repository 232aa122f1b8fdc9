"""``/kith setup kindness``: the channel, the leaderboard mode and the 31-day challenge."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from bot.commands.parse import Invocation
from bot.commands.values import channel_value, grace_value, timezone_value
from bot.context import Context
from bot.errors import UserError
from bot.i18n import N_, _
from bot.i18n.formats import clock, day_month, weekday_day_month
from bot.kindness.challenge import challenge_rule, digest_day, first_day
from bot.kindness.config import CHALLENGE_DAYS, DIGEST_TIME, KIND, KindnessConfig
from bot.messages import Reply
from bot.programmes import Programme, get_programme, save_programme
from bot.scheduling.recurrence import ScheduleError, parse_time
from bot.scheduling.timezones import local_date, zone

MODE_WORDS = {
    "opt-in": "opt-in",
    "optin": "opt-in",
    "opt_in": "opt-in",
    "everyone": "everyone",
    "all": "everyone",
    "off": "off",
    "none": "off",
}
CHALLENGE_WORDS = {"31-day": True, "31": True, "on": True, "start": True, "off": False}
DIGEST_WORDS = {"on": True, "off": False}


async def setup_kindness(ctx: Context, inv: Invocation) -> Reply:
    existing = await get_programme(ctx.db, ctx.community.ref.key, KIND)
    opts = inv.options
    if existing is None and not opts.get("channel"):
        raise UserError(
            _(
                "To start kindness streaks, give a channel: /kith setup kindness "
                "channel:#channel [leaderboard:opt-in|everyone|off] [challenge:31-day]"
            )
        )
    config = (
        KindnessConfig.of(existing)
        if existing
        else KindnessConfig(grace_minutes=ctx.services.default_grace_minutes)
    )
    # Validate everything before writing anything.
    if "leaderboard" in opts:
        mode = MODE_WORDS.get(opts["leaderboard"].lower())
        if mode is None:
            raise UserError(_("leaderboard: is opt-in, everyone or off. Nothing was changed."))
        config = replace(config, leaderboard=mode)
    if "time" in opts:
        try:
            config = replace(config, time=parse_time(opts["time"]).strftime("%H:%M"))
        except ScheduleError as exc:
            raise UserError(f"{exc} " + _("Nothing was changed.")) from None
    if "grace" in opts:
        late = grace_value(opts["grace"], N_("a challenge post may still go out"))
        config = replace(config, grace_minutes=late)
    challenge = None
    if "challenge" in opts:
        challenge = CHALLENGE_WORDS.get(opts["challenge"].lower())
        if challenge is None:
            raise UserError(_("challenge: is 31-day (start one) or off. Nothing was changed."))
    if "digest" in opts:
        digest = DIGEST_WORDS.get(opts["digest"].lower())
        if digest is None:
            raise UserError(_("digest: is on or off. Nothing was changed."))
        config = replace(config, digest_on=digest)
    channel = channel_value(ctx, opts["channel"]) if "channel" in opts else None
    tz = timezone_value(opts["tz"]) if "tz" in opts else None
    tz = tz or (existing.tz if existing else ctx.community.tz)
    channel = channel or (existing.channel if existing else None)
    assert channel is not None
    running = _running(config, ctx.now, tz)
    if challenge is True and not running:
        start = first_day(ctx.now, tz, parse_time(config.time))
        config = replace(config, challenge_on=True, challenge_start=start)
    elif challenge is False:
        config = replace(config, challenge_on=False)
    async with ctx.db.transaction() as tx:
        programme = await save_programme(
            tx, ctx.community.ref.key, KIND, channel, tz, config.to_dict(), ctx.now
        )
    where = ctx.chat.channel_label(channel)
    lines = [
        _(
            "Kindness streaks are updated in {channel}. Members log acts with /kind and thank "
            "each other with /thanks.",
            channel=where,
        )
        if existing
        else _(
            "Kindness streaks are set up in {channel}. Members log acts with /kind and thank "
            "each other with /thanks.",
            channel=where,
        ),
        _mode_line(config.leaderboard),
        _challenge_line(programme, config, ctx.now, already=challenge is True and running),
        _digest_line(programme, config),
    ]
    return Reply.text(*lines)


def local_label(instant: datetime, tz: str) -> str:
    """``Tue 03 Mar 09:00 GMT`` in the current language's way of writing the date."""
    local = instant.astimezone(zone(tz))
    return f"{weekday_day_month(local)} {clock(local)} {local.tzname() or tz}"


def _digest_line(programme: Programme, config: KindnessConfig) -> str:
    if not config.digest_on:
        return _("Weekly digest: off; digest:on posts a short look back each week.")
    return _(
        "Weekly digest: on, {day} {time} ({tz}) in the kindness channel: the week's acts, "
        "thanks and public milestones, never a ranking.",
        day=digest_day(),
        time=DIGEST_TIME,
        tz=programme.tz,
    )


def _running(config: KindnessConfig, now: datetime, tz: str) -> bool:
    end = config.challenge_end
    return bool(config.challenge_on and end and local_date(now, tz) <= end)


def _mode_line(mode: str) -> str:
    if mode == "off":
        return _("Leaderboard: off. Members still see their own streaks with /streak.")
    if mode == "everyone":
        return _(
            "Leaderboard: everyone. Members who log acts appear (names, never pings) "
            "unless they opt out with /leaderboard leave."
        )
    return _("Leaderboard: opt-in. Members appear only after /leaderboard join.")


def _challenge_line(
    programme: Programme, config: KindnessConfig, now: datetime, *, already: bool
) -> str:
    start, end = config.challenge_start, config.challenge_end
    if not config.challenge_on or start is None or end is None:
        return _("No 31-day challenge running; add challenge:31-day to start one.")
    span = _(
        "{days}-day challenge: one suggestion a day at {time} ({tz}), {start} – {end}.",
        days=CHALLENGE_DAYS,
        time=config.time,
        tz=programme.tz,
        start=day_month(start),
        end=day_month(end),
    )
    if start >= first_day(now, programme.tz, parse_time(config.time)):
        upcoming = next(iter(challenge_rule(programme).firings(now, now + timedelta(days=3))), None)
        if upcoming is None:
            return span
        return (
            span + " " + _("Day 1 is posted {when}.", when=local_label(upcoming[1], programme.tz))
        )
    today = local_date(now, programme.tz)
    if today > end:
        return _(
            "The last {days}-day challenge ended on {end}; challenge:31-day starts a new one.",
            days=CHALLENGE_DAYS,
            end=day_month(end),
        )
    values = {
        "days": CHALLENGE_DAYS,
        "start": day_month(start),
        "end": day_month(end),
        "time": config.time,
        "tz": programme.tz,
        "day": (today - start).days + 1,
    }
    if already:
        return _(
            "The {days}-day challenge ({start} – {end}, daily at {time} {tz}) is already "
            "running: day {day} of {days}. challenge:off stops it.",
            **values,
        )
    return _(
        "The {days}-day challenge ({start} – {end}, daily at {time} {tz}) is running: day {day} "
        "of {days}. challenge:off stops it.",
        **values,
    )
