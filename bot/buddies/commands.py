"""Buddy commands: the admin's ``/kith setup buddies`` and the member's ``/buddy …``.

Every reply is private. Bad input gets a clear message and changes nothing: values are checked
before the one transaction that writes.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from bot.buddies import pool
from bot.buddies.followup import ANSWERS
from bot.buddies.pairing import DEFAULT_WINDOW
from bot.buddies.pool import BuddyMember, get_member
from bot.buddies.rounds import latest_round, starter_text
from bot.buddies.rule import (
    DEFAULT_SIZE,
    FOLLOWUP,
    KIND,
    MAX_WINDOW,
    NUDGE,
    REMIND_BEFORE,
    TIMEZONE_MODES,
    BuddyRule,
    buddy_rule,
    date_label,
    day_label,
    describe,
    time_label,
)
from bot.buddies.stats import round_line, round_stats
from bot.commands.parse import Invocation
from bot.commands.values import (
    channel_value,
    grace_value,
    refuse_stray_words,
    timezone_value,
    until_value,
    user_value,
)
from bot.community import touch_member
from bot.context import Context
from bot.errors import UserError
from bot.i18n import N_, _, current_language, ngettext
from bot.i18n.formats import and_list
from bot.i18n.languages import DEFAULT_LANGUAGE
from bot.identity import UserRef
from bot.messages import Reply, Text
from bot.privacy.pseudonyms import is_pseudonym, known_pseudonym, restore_references
from bot.programmes import Programme, get_programme, save_programme
from bot.registry import Option, OptionKind
from bot.scheduling.clock import to_epoch
from bot.scheduling.recurrence import DAY_NAMES, DailyRule, ScheduleError, parse_time
from bot.scheduling.timezones import local_date
from bot.store.base import Tx

EVERY = {"1w": 1, "2w": 2, "4w": 4, "weekly": 1, "fortnightly": 2, "biweekly": 2, "monthly": 4}
MAX_PAUSE = timedelta(days=366)
MAX_AVOID = 100
SETUP_COMMAND = "/kith setup buddies"
SETUP_USAGE = (
    f"{SETUP_COMMAND} channel:#channel every:1w|2w|4w day:mon time:09:00 [size:2..4] "
    f"[window:1..{MAX_WINDOW}] [timezones:use|ignore] [remind:1d|off] [tz:Area/City]"
)
SETUP_OPTIONS = (
    Option("channel", OptionKind.CHANNEL, N_("the buddy programme's channel")),
    Option("every", OptionKind.CHOICE, N_("how often"), choices=("1w", "2w", "4w")),
    Option(
        "day",
        OptionKind.CHOICE,
        N_("day of the round"),
        choices=("mon", "tue", "wed", "thu", "fri", "sat", "sun"),
    ),
    Option("time", OptionKind.TIME, N_("local time, HH:MM")),
    Option("size", OptionKind.CHOICE, N_("people per group"), choices=("2", "3", "4")),
    # The catalogue needs the text whole: keep 12 here in step with MAX_WINDOW (a test checks).
    Option("window", OptionKind.INTEGER, N_("rounds before the same people meet again, 1-12")),
    Option(
        "timezones",
        OptionKind.CHOICE,
        N_("group members within shared waking hours, or ignore time zones"),
        choices=TIMEZONE_MODES,
    ),
    Option(
        "remind",
        OptionKind.CHOICE,
        N_("remind members the day before a round, with a skip button"),
        choices=tuple(REMIND_BEFORE),
    ),
    Option("tz", OptionKind.TIMEZONE, N_("time zone, like Europe/London")),
    Option("grace", OptionKind.INTEGER, N_("minutes a late round may still start")),
)
NOT_SET_UP = N_(
    "Buddy pairing isn't set up here yet. An admin can start it with /kith setup buddies."
)


# --- admin ----------------------------------------------------------------------------------


def _parse_every(text: str) -> int:
    every = EVERY.get(text.strip().lower())
    if every is None:
        raise UserError(_("every: is how often rounds happen: 1w, 2w or 4w. Nothing was changed."))
    return every


def _parse_day(text: str) -> int:
    word = text.strip().lower()[:3]
    if word not in DAY_NAMES or len(text.strip()) < 3:
        raise UserError(
            _("day: is one day of the week, like mon or thursday. Nothing was changed.")
        )
    return DAY_NAMES.index(word)


def _parse_size(text: str) -> int:
    if text.strip() not in {"2", "3", "4"}:
        raise UserError(_("size: is how many people per group: 2, 3 or 4. Nothing was changed."))
    return int(text)


def _parse_window(text: str) -> int:
    rounds = text.strip().lower().removesuffix("rounds").strip()
    if not rounds.isdecimal() or len(rounds) > 3 or not 1 <= int(rounds) <= MAX_WINDOW:
        raise UserError(
            _(
                "window: is how many rounds pass before the same people are grouped again: "
                "a whole number from 1 to {most}. Nothing was changed.",
                most=MAX_WINDOW,
            )
        )
    return int(rounds)


def _parse_timezones(text: str) -> str:
    mode = text.strip().lower()
    if mode not in TIMEZONE_MODES:
        raise UserError(
            _(
                "timezones: is use (group members within their shared waking hours, where "
                "their time zones are known) or ignore. Nothing was changed."
            )
        )
    return mode


def _parse_remind(text: str) -> str:
    word = text.strip().lower()
    if word not in REMIND_BEFORE:
        raise UserError(
            _(
                "remind: is 1d (remind members the day before each round, with a button to "
                "skip it) or off. Nothing was changed."
            )
        )
    return word


def first_round_day(day: int, at_text: str, tz: str, earliest: datetime) -> date:
    """The first date on ``day`` at ``at_text`` local time after ``earliest``: the new anchor."""
    weekly = DailyRule(parse_time(at_text), (day,), tz)
    found = next(iter(weekly.firings(earliest, earliest + timedelta(days=9))), None)
    assert found is not None, "a weekly rule fires within nine days"
    return found[0]


async def setup_buddies(ctx: Context, inv: Invocation) -> Reply:
    existing = await get_programme(ctx.db, ctx.community.ref.key, KIND)
    opts = inv.options
    refuse_stray_words(inv, (o.name for o in SETUP_OPTIONS), SETUP_COMMAND)
    if existing is not None and not opts:
        return Reply.text(
            _(
                "Buddy pairing is {channel}, {settings}. Nothing was changed: give the settings "
                "to change, like {usage}",
                channel=ctx.chat.channel_label(existing.channel),
                settings=describe(existing),
                usage=SETUP_USAGE,
            )
        )
    if existing is None and not all(opts.get(k) for k in ("channel", "every", "day", "time")):
        raise UserError(
            _(
                "To start buddy pairing, give a channel, how often, a day and a time: {usage}",
                usage=SETUP_USAGE,
            )
        )
    config: dict[str, Any] = (
        dict(existing.config)
        if existing
        else {
            "size": DEFAULT_SIZE,
            "window": DEFAULT_WINDOW,
            "grace_minutes": ctx.services.default_grace_minutes,
        }
    )
    # Check every value before writing anything.
    if "every" in opts:
        config["every"] = _parse_every(opts["every"])
    if "day" in opts:
        config["day"] = _parse_day(opts["day"])
    if "time" in opts:
        try:
            config["time"] = parse_time(opts["time"]).strftime("%H:%M")
        except ScheduleError as exc:
            raise UserError(_("{problem} Nothing was changed.", problem=exc)) from None
    if "size" in opts:
        config["size"] = _parse_size(opts["size"])
    if "window" in opts:
        config["window"] = _parse_window(opts["window"])
    if "timezones" in opts:
        config["timezones"] = _parse_timezones(opts["timezones"])
    if "remind" in opts:
        config["remind"] = _parse_remind(opts["remind"])
    if "grace" in opts:
        config["grace_minutes"] = grace_value(opts["grace"], _("a round may still start"))
    channel = channel_value(ctx, opts["channel"]) if "channel" in opts else None
    tz = timezone_value(opts["tz"]) if "tz" in opts else None
    if existing is not None:
        channel = channel or existing.channel
        tz = tz or existing.tz
    assert channel is not None
    tz = tz or ctx.community.tz
    reschedule = existing is None or any(k in opts for k in ("every", "day", "time", "tz"))
    async with ctx.db.transaction() as tx:
        current = await latest_round(tx, existing.id) if existing else None
        if reschedule:
            earliest = ctx.now
            if current is not None:
                # Let the round under way run its course before the next one starts.
                length = timedelta(weeks=int(config["every"])) - timedelta(days=1)
                earliest = max(ctx.now, current.started_at + length)
            anchor = first_round_day(int(config["day"]), str(config["time"]), tz, earliest)
            config["anchor"] = anchor.isoformat()
        programme = await save_programme(
            tx, ctx.community.ref.key, KIND, channel, tz, config, ctx.now
        )
        if existing is not None and current is not None and current.followup_at is None:
            await _keep_round_going(tx, existing, programme, current.slot, ctx.now)
    upcoming = buddy_rule(programme).next_round(ctx.now)
    values = {"channel": ctx.chat.channel_label(channel), "settings": describe(programme)}
    if existing:
        done = _("Buddy pairing is updated: {channel}, {settings}.", **values)
    else:
        done = _("Buddy pairing is set up: {channel}, {settings}.", **values)
    if upcoming:
        done += " " + _("Next round: {when}.", when=time_label(upcoming[1], tz))
    return Reply.text(
        done,
        _(
            "Members join with /buddy join and are introduced privately each round, with a "
            "conversation starter. /kith pause buddies stops it any time."
        ),
    )


async def _keep_round_going(
    tx: Tx, before: Programme, after: Programme, slot: str, now: datetime
) -> None:
    """A schedule change drops occurrences not yet due; the round under way keeps its nudge and
    follow-up at the times its members were told."""
    old = buddy_rule(before)
    day = date.fromisoformat(slot)
    for kind, offset in ((NUDGE, old.nudge_after), (FOLLOWUP, old.followup_after)):
        due = old.at_local(day + offset)
        if due <= now:
            continue
        await tx.execute(
            "INSERT INTO occurrences (programme_id, community_id, kind, slot, due_at, ready_at)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (programme_id, kind, slot) DO NOTHING",
            after.id,
            after.community_key,
            kind,
            slot,
            to_epoch(due),
            to_epoch(due),
        )


# --- members --------------------------------------------------------------------------------


async def _programme(ctx: Context) -> Programme:
    programme = await get_programme(ctx.db, ctx.community.ref.key, KIND)
    if programme is None:
        raise UserError(_(NOT_SET_UP))
    return programme


async def _in_pool(tx: Tx, ctx: Context) -> BuddyMember:
    member = await get_member(tx, ctx.community.ref.key, ctx.actor.user.key)
    if member is None or not member.active:
        raise UserError(_("You're not in the buddy pool. /buddy join to start."))
    return member


def _next_round_text(rule: BuddyRule, now: datetime, tz: str) -> str:
    upcoming = rule.next_round(now)
    return time_label(upcoming[1], tz) if upcoming else _("not scheduled")


async def buddy_join(ctx: Context, inv: Invocation) -> Reply:
    programme = await _programme(ctx)
    rule = buddy_rule(programme)
    async with ctx.db.transaction() as tx:
        await touch_member(tx, ctx.actor, ctx.now)
        member = await get_member(tx, ctx.community.ref.key, ctx.actor.user.key)
        if member is not None and member.active and not member.awaiting:
            return Reply.text(
                _(
                    "You're already in the buddy pool. /buddy status shows your group and the "
                    "next round."
                )
            )
        if member is not None and member.active:
            await pool.update(tx, member, ctx.now, awaiting=0, ignored=0)
        else:
            await pool.join(tx, ctx.community.ref.key, ctx.actor.user.key, ctx.now)
        # Someone who avoided this member before they ran /kith forget still avoids them.
        await restore_references(tx, ctx.community.ref.key, ctx.actor.user.key)
    return Reply.text(
        _joined_text(programme),
        _(
            "Rounds: {settings}. Next round: {when}.",
            settings=describe(programme),
            when=_next_round_text(rule, ctx.now, programme.tz),
        ),
        _("/buddy skip, /buddy pause until:YYYY-MM-DD or /buddy leave any time."),
    )


def _joined_text(programme: Programme) -> str:
    size = int(programme.config.get("size", DEFAULT_SIZE))
    if size == 2:
        return _(
            "You're in the buddy pool! 🎉 Each round I'll introduce you privately to a buddy, "
            "with a conversation starter."
        )
    return _(
        "You're in the buddy pool! 🎉 Each round I'll introduce you privately to a small group "
        "({size} people), with a conversation starter.",
        size=size,
    )


async def buddy_leave(ctx: Context, inv: Invocation) -> Reply:
    await _programme(ctx)
    async with ctx.db.transaction() as tx:
        member = await _in_pool(tx, ctx)
        await touch_member(tx, ctx.actor, ctx.now)
        await pool.update(tx, member, ctx.now, active=0, awaiting=0, skip_next=0, paused_until=None)
    return Reply.text(
        _(
            "You've left the buddy pool: no more intros or reminders from now on. "
            "Thanks for being part of it; /buddy join any time to come back."
        )
    )


async def buddy_pause(ctx: Context, inv: Invocation) -> Reply:
    programme = await _programme(ctx)
    until = until_value(inv, "/buddy pause")
    today = local_date(ctx.now, programme.tz)
    if until <= today:
        raise UserError(_("That date has already come. Pick a later one, like next month."))
    if until - today > MAX_PAUSE:
        raise UserError(_("Pauses go up to a year. For longer, /buddy leave and join again later."))
    async with ctx.db.transaction() as tx:
        member = await _in_pool(tx, ctx)
        await touch_member(tx, ctx.actor, ctx.now)
        await pool.update(
            tx, member, ctx.now, paused_until=until.isoformat(), awaiting=0, ignored=0
        )
    rule = buddy_rule(programme)
    back = rule.next_round(rule.at_local(until) - timedelta(minutes=1))
    if back:
        return Reply.text(
            _(
                "Paused until {date}: you'll sit out the rounds before then and come back by "
                "yourself. Your first round back: {when}. /buddy resume ends the pause early.",
                date=date_label(until),
                when=time_label(back[1], programme.tz),
            )
        )
    return Reply.text(
        _(
            "Paused until {date}: you'll sit out the rounds before then and come back by "
            "yourself. /buddy resume ends the pause early.",
            date=date_label(until),
        )
    )


async def buddy_resume(ctx: Context, inv: Invocation) -> Reply:
    programme = await _programme(ctx)
    async with ctx.db.transaction() as tx:
        member = await _in_pool(tx, ctx)
        today = local_date(ctx.now, programme.tz)
        if not (member.paused_on(today) or member.skip_next or member.awaiting):
            return Reply.text(_("You're not paused or skipping, so you're in the next round."))
        await touch_member(tx, ctx.actor, ctx.now)
        await pool.update(
            tx, member, ctx.now, paused_until=None, skip_next=0, awaiting=0, ignored=0
        )
    return Reply.text(
        _(
            "Welcome back! You're in the next round: {when}.",
            when=_next_round_text(buddy_rule(programme), ctx.now, programme.tz),
        )
    )


async def buddy_skip(ctx: Context, inv: Invocation) -> Reply:
    programme = await _programme(ctx)
    upcoming = _next_round_text(buddy_rule(programme), ctx.now, programme.tz)
    async with ctx.db.transaction() as tx:
        member = await _in_pool(tx, ctx)
        if member.skip_next:
            return Reply.text(
                _("You're already sitting out the next round ({when}).", when=upcoming)
            )
        await touch_member(tx, ctx.actor, ctx.now)
        await pool.update(tx, member, ctx.now, skip_next=1)
    return Reply.text(
        _(
            "Okay: you'll sit out the next round ({when}) and be back for the one after. "
            "/buddy resume undoes it.",
            when=upcoming,
        )
    )


def _target(ctx: Context, inv: Invocation, verb: str) -> tuple[str, str]:
    text = inv.args[0] if inv.args else ""
    if not text:
        raise UserError(_("Who? Mention them: /buddy {verb} @name.", verb=verb))
    user = user_value(ctx, text)
    if user.community != ctx.community.ref:
        raise UserError(
            _("“{text}” isn't a member here. Mention them, like @name.", text=text[:40])
        )
    if user == ctx.actor.user:
        raise UserError(_("That's you! You're never paired with yourself."))
    return user.key, user.id


async def _name_of(tx: Tx, ctx: Context, user_key: str, fallback: str) -> str:
    name = await tx.fetchval(
        "SELECT display_name FROM members WHERE community_id = ? AND user_key = ?",
        ctx.community.ref.key,
        user_key,
    )
    return str(name or fallback)


async def buddy_avoid(ctx: Context, inv: Invocation) -> Reply:
    key, fallback = _target(ctx, inv, "avoid")
    async with ctx.db.transaction() as tx:
        count = await tx.fetchval(
            "SELECT COUNT(*) FROM buddy_avoid WHERE community_id = ? AND user_key = ?",
            ctx.community.ref.key,
            ctx.actor.user.key,
        )
        if int(count) >= MAX_AVOID:
            raise UserError(
                _(
                    "Your do-not-pair list is full ({most} people). Nothing changed.",
                    most=MAX_AVOID,
                )
            )
        await touch_member(tx, ctx.actor, ctx.now)
        await tx.execute(
            "INSERT INTO buddy_avoid (community_id, user_key, avoid_key, created_at)"
            " VALUES (?, ?, ?, ?) ON CONFLICT (community_id, user_key, avoid_key) DO NOTHING",
            ctx.community.ref.key,
            ctx.actor.user.key,
            key,
            to_epoch(ctx.now),
        )
        name = await _name_of(tx, ctx, key, fallback)
    return Reply.text(
        _(
            "Done: you won't be paired with @{name}. Nobody is told, and only you can see your "
            "list. /buddy unavoid @{name} undoes it.",
            name=name,
        )
    )


async def buddy_unavoid(ctx: Context, inv: Invocation) -> Reply:
    key, fallback = _target(ctx, inv, "unavoid")
    async with ctx.db.transaction() as tx:
        hashed = await known_pseudonym(tx, ctx.community.ref.key, key)
        removed = await tx.execute(
            "DELETE FROM buddy_avoid WHERE community_id = ? AND user_key = ?"
            " AND avoid_key IN (?, ?)",
            ctx.community.ref.key,
            ctx.actor.user.key,
            key,
            hashed or key,
        )
        name = await _name_of(tx, ctx, key, fallback)
    if not removed:
        raise UserError(_("@{name} isn't on your do-not-pair list, so nothing changed.", name=name))
    return Reply.text(_("Done: @{name} can be paired with you again.", name=name))


async def buddy_status(ctx: Context, inv: Invocation) -> Reply:
    lines = await status_lines(ctx, always=True)
    return Reply.text(*lines)


async def home_lines(ctx: Context) -> list[str | tuple[Text, ...]]:
    """The member's buddy status for their home view; nothing if they aren't in the pool."""
    return await status_lines(ctx, always=False)


async def status_lines(ctx: Context, *, always: bool) -> list[str | tuple[Text, ...]]:
    programme = await get_programme(ctx.db, ctx.community.ref.key, KIND)
    if programme is None:
        return [_(NOT_SET_UP)] if always else []
    member = await get_member(ctx.db, ctx.community.ref.key, ctx.actor.user.key)
    rule = buddy_rule(programme)
    lines: list[str | tuple[Text, ...]] = [(Text(_("Buddy pairing"), bold=True),)]
    if member is None or not member.active:
        if not always:
            return []
        lines.append(
            _("You're not in the buddy pool. Rounds are {settings}.", settings=describe(programme))
        )
        lines.append(_("/buddy join to be introduced to someone new each round."))
        return lines
    lines.append(_("You're in the buddy pool: {settings}.", settings=describe(programme)))
    today = local_date(ctx.now, programme.tz)
    if member.awaiting:
        lines.append(
            _(
                "You're left out of rounds until you answer my question about staying "
                "(or /buddy resume to stay)."
            )
        )
    if member.paused_on(today):
        assert member.paused_until is not None
        lines.append(_("Paused until {date}.", date=date_label(member.paused_until)))
    if member.skip_next:
        lines.append(_("You're sitting out the next round."))
    lines.extend(await _my_group(ctx, programme, member))
    if programme.paused:
        lines.append(_("Buddy pairing is paused by the admins right now."))
    else:
        lines.append(_next_round_line(rule, member, ctx.now, programme.tz))
    avoided = await ctx.db.fetchall(
        "SELECT v.avoid_key, m.display_name FROM buddy_avoid v LEFT JOIN members m"
        " ON m.community_id = v.community_id AND m.user_key = v.avoid_key"
        " WHERE v.community_id = ? AND v.user_key = ? ORDER BY v.created_at",
        ctx.community.ref.key,
        ctx.actor.user.key,
    )
    named = [r for r in avoided if not is_pseudonym(r["avoid_key"])]
    if avoided:
        shown = ["@" + (r["display_name"] or UserRef.id_in(r["avoid_key"])) for r in named]
        if len(named) < len(avoided):
            shown.append(
                ngettext(
                    "{n} person Kith no longer knows (still avoided if they come back)",
                    "{n} people Kith no longer knows (still avoided if they come back)",
                    len(avoided) - len(named),
                )
            )
        lines.append(
            _("Your do-not-pair list (only you see it): {people}.", people=", ".join(shown))
        )
    latest = await round_stats(ctx.db, programme.id, limit=1)
    if latest:
        lines.append(
            _(
                "This community's latest round: {round}.",
                round=round_line(latest[0], programme.tz),
            )
        )
    return lines


def _next_round_line(rule: BuddyRule, member: BuddyMember, now: datetime, tz: str) -> str:
    """The community's next round, and the member's own if a pause or skip puts it later."""
    first = rule.next_round(now)
    if first is None:
        return _("Next round: not scheduled.")
    if member.awaiting:
        return _("Next round: {when}, once you've answered.", when=time_label(first[1], tz))
    skip, upcoming = member.skip_next, first
    for _step in range(60):  # a year of weekly rounds is more than any pause
        day, instant = upcoming
        if not member.paused_on(day):
            if not skip:
                break
            skip = False
        found = rule.next_round(instant)
        if found is None:
            break
        upcoming = found
    if upcoming == first:
        return _("Next round: {when}.", when=time_label(first[1], tz))
    values = {"when": time_label(upcoming[1], tz), "day": day_label(first[1], tz)}
    if upcoming[0] - first[0] > rule.length:
        return _(
            "Your next round: {when} (you're sitting out the rounds from {day} until then).",
            **values,
        )
    return _("Your next round: {when} (you're sitting out the one on {day}).", **values)


async def _my_group(ctx: Context, programme: Programme, member: BuddyMember) -> list[str]:
    round_ = await latest_round(ctx.db, programme.id)
    if round_ is None:
        return []
    rows = await ctx.db.fetchall(
        "SELECT gm.member_id, gm.answer, m.display_name, bm.user_key"
        " FROM buddy_group_members mine JOIN buddy_groups g ON g.id = mine.group_id"
        " JOIN buddy_group_members gm ON gm.group_id = mine.group_id"
        " JOIN buddy_members bm ON bm.id = gm.member_id"
        " LEFT JOIN members m ON m.community_id = bm.community_id AND m.user_key = bm.user_key"
        " WHERE mine.member_id = ? AND g.round_id = ? ORDER BY gm.member_id",
        member.id,
        round_.occurrence_id,
    )
    when = _(
        "round {number}, since {day}",
        number=round_.number,
        day=day_label(round_.started_at, programme.tz),
    )
    if not rows:
        if member.id in round_.unplaced_ids:
            return [_("You weren't paired in the latest round ({when}).", when=when)]
        return [_("You weren't in the latest round ({when}).", when=when)]
    others = [
        "@" + (r["display_name"] or UserRef.id_in(r["user_key"]))
        for r in rows
        if int(r["member_id"]) != member.id
    ]
    mine = next(r["answer"] for r in rows if int(r["member_id"]) == member.id)
    lines = [
        _("Your buddies ({when}): {people}.", when=when, people=and_names(others)),
        _(
            "Conversation starter: {starter}",
            starter=starter_text(ctx.services.catalogue, round_),
        ),
    ]
    if mine is not None:
        lines.append(_("Your answer to “did you connect?”: {answer}.", answer=_(ANSWERS[mine])))
    return lines


def and_names(names: list[str]) -> str:
    """``@A``, ``@A and @B``, ``@A, @B and @C`` (in English as Kith always wrote it, without a
    serial comma; other languages their own way)."""
    if current_language() == DEFAULT_LANGUAGE:
        return " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
    return and_list(names)
