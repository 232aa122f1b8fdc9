"""A member's privacy: what Kith stores, their settings, export, and forget."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import replace

from bot import choice_ids
from bot.choice_ids import ChoiceId, ChoiceIdError
from bot.commands.parse import Invocation
from bot.context import Context
from bot.errors import UserError
from bot.i18n import N_, _, ngettext, pgettext
from bot.kindness.config import KindnessConfig
from bot.kindness.prefs import (
    DEFAULT_MODE,
    BoardChoice,
    get_prefs,
    set_leaderboard,
    set_public_mentions,
    visible,
)
from bot.logs import event
from bot.messages import Attachment, Choice, ChoiceStyle, Reply, Text, message
from bot.privacy.data import (
    DEFAULT_RETENTION_DAYS,
    export_file,
    export_member,
    forget_member,
    retention_days,
)
from bot.privacy.posts import delete_posts, member_posts
from bot.programmes import get_programme
from bot.safety.care_messages import MODERATORS_NEVER_SEE, SCREENING
from bot.scheduling.clock import to_epoch
from bot.sparklines import MIN_GROUP

log = logging.getLogger("kith.privacy")
CONFIRM_WINDOW_S = 10 * 60
LABELS = {
    "members": N_("your name and time zone"),
    "moods": N_("check-in moods"),
    "reflections": N_("reflections"),
    "safety_events": N_("times Kith checked in on you"),
    "support_requests": N_("times you asked for a person"),
    "discord_dm_routes": N_("private messages Kith sent you (to route your answers)"),
    "slack_deliveries": N_("private messages Kith sent you (to route your answers)"),
    "member_prefs": N_("your settings"),
    "kind_acts": N_("kind acts"),
    "kind_members": N_("your streak"),
    "kind_totals": N_("leaderboard totals"),
    "kind_thanks": N_("thank-you notes, given and received"),
    "kind_milestones": N_("milestones"),
    "buddy_members": N_("your buddy-pool membership"),
    "buddy_avoid": N_("your do-not-pair list"),
    "buddy_group_members": N_("buddy groups and answers"),
    "pending_inputs": N_("a reflection Kith is waiting for"),
    "custom_prompts": N_("prompts you added"),
    "personal_checkins": N_("your own check-in schedule"),
}
SETTINGS = ("leaderboard", "mentions", "anonymous", "notify")


def _member_tag(user_key: str) -> str:
    """A short, one-way tag tying a confirm button to the member it was shown to."""
    return hashlib.sha256(user_key.encode()).hexdigest()[:12]


async def _settings(ctx: Context) -> dict[str, bool]:
    prefs = await get_prefs(ctx.db, ctx.community.ref.key, ctx.actor.user.key)
    programme = await get_programme(ctx.db, ctx.community.ref.key, "kindness")
    mode = KindnessConfig.of(programme).leaderboard if programme else DEFAULT_MODE
    row = await ctx.db.fetchone(
        "SELECT share_anonymously, notify_thanks FROM member_prefs"
        " WHERE community_id = ? AND user_key = ?",
        ctx.community.ref.key,
        ctx.actor.user.key,
    )
    return {
        "leaderboard": visible(mode, prefs.leaderboard),
        "mentions": prefs.public_mentions,
        "anonymous": bool(row["share_anonymously"]) if row else False,
        "notify": bool(row["notify_thanks"]) if row else True,
    }


SETTING_LINES = {
    "leaderboard": N_("• Show me on the leaderboard: {state}"),
    "mentions": N_("• Name me when I reach a streak milestone: {state}"),
    "anonymous": N_("• Share my reflections anonymously by default: {state}"),
    "notify": N_("• Tell me privately when someone thanks me: {state}"),
}
# Each button's words, whole (the setting is on → the button turns it off).
TOGGLE_LABELS = {
    ("leaderboard", True): N_("Turn leaderboard off"),
    ("leaderboard", False): N_("Turn leaderboard on"),
    ("mentions", True): N_("Turn milestone names off"),
    ("mentions", False): N_("Turn milestone names on"),
    ("anonymous", True): N_("Turn anonymous sharing off"),
    ("anonymous", False): N_("Turn anonymous sharing on"),
    ("notify", True): N_("Turn thanks notes off"),
    ("notify", False): N_("Turn thanks notes on"),
}


def _settings_lines(values: dict[str, bool]) -> list[str]:
    def onoff(flag: bool) -> str:
        # Translators: a setting's state, as in "Show me on the leaderboard: on".
        return _("on") if flag else _("off")

    return [_(SETTING_LINES[name], state=onoff(values[name])) for name in SETTINGS]


def _toggles(values: dict[str, bool]) -> tuple[Choice, ...]:
    return tuple(
        Choice(
            choice_ids.encode("pref", name, "off" if values[name] else "on"),
            _(TOGGLE_LABELS[name, values[name]]),
            name,
        )
        for name in SETTINGS
    )


async def privacy_command(ctx: Context, inv: Invocation) -> Reply:
    document = await export_member(ctx.db, ctx.community.ref.key, ctx.actor.user.key, ctx.now)
    stored = [
        _("{what}: {count}", what=_(LABELS[t]) if t in LABELS else t, count=len(rows))
        for t, rows in document["tables"].items()
    ]
    days = await retention_days(ctx.db, ctx.community.ref.key)
    values = await _settings(ctx)
    return Reply(
        message(
            (Text(_("Your privacy here"), bold=True),),
            _("What Kith stores about you: {stored}.", stored="; ".join(stored))
            if stored
            else _("What Kith stores about you: nothing yet."),
            ngettext(
                "Reflections, notes, moods and safety check-ins are deleted after {n} day. "
                "Moods only ever appear in community stats as totals of {min} or more answers.",
                "Reflections, notes, moods and safety check-ins are deleted after {n} days. "
                "Moods only ever appear in community stats as totals of {min} or more answers.",
                days,
                min=MIN_GROUP,
            ),
            *_settings_lines(values),
            _("/kith export sends you all of it as a file; /kith forget deletes it."),
            _(SCREENING),
            _(MODERATORS_NEVER_SEE),
            choices=_toggles(values),
        )
    )


async def pref_clicked(ctx: Context, choice: ChoiceId) -> Reply:
    name = choice.fields[0] if choice.fields else ""
    value = choice.fields[1] if len(choice.fields) > 1 else ""
    if name not in SETTINGS or value not in {"on", "off"}:
        raise ChoiceIdError("unknown setting")
    on = value == "on"
    key, user = ctx.community.ref.key, ctx.actor.user.key
    async with ctx.db.transaction() as tx:
        if name == "leaderboard":
            await set_leaderboard(
                tx, key, user, BoardChoice.JOINED if on else BoardChoice.LEFT, ctx.now
            )
        elif name == "mentions":
            await set_public_mentions(tx, key, user, on, ctx.now)
        else:
            column = "share_anonymously" if name == "anonymous" else "notify_thanks"
            await tx.execute(
                "INSERT INTO member_prefs (community_id, user_key, updated_at) VALUES (?, ?, ?)"
                " ON CONFLICT (community_id, user_key) DO NOTHING",
                key,
                user,
                to_epoch(ctx.now),
            )
            await tx.execute(
                f"UPDATE member_prefs SET {column} = ?, updated_at = ?"
                " WHERE community_id = ? AND user_key = ?",
                int(on),
                to_epoch(ctx.now),
                key,
                user,
            )
    values = await _settings(ctx)
    return Reply(
        message(
            _("Saved. It takes effect right away."),
            *_settings_lines(values),
            choices=_toggles(values),
        )
    )


async def export_command(ctx: Context, inv: Invocation) -> Reply:
    document = await export_member(ctx.db, ctx.community.ref.key, ctx.actor.user.key, ctx.now)
    name = f"kith-export-{ctx.now:%Y%m%d}.json"
    reply = Reply.text(
        _("Here is everything Kith stores about you in this community, only for you.")
    )
    assert reply.message is not None
    return replace(
        reply,
        message=replace(reply.message, attachment=Attachment(name, await export_file(document))),
    )


async def forget_command(ctx: Context, inv: Invocation) -> Reply:
    stamp = to_epoch(ctx.now)
    tag = _member_tag(ctx.actor.user.key)
    return Reply(
        message(
            _(
                "This deletes everything Kith stores about you in this community: moods, "
                "reflections, kind acts and streaks, thanks, buddy history and settings, and "
                "Kith's own posts that carry your words or name (shared reflections, streak "
                "celebrations). It can't be undone. Totals already counted in community stats "
                "stay, without your name."
            ),
            _("Want a copy first? /kith export."),
            choices=(
                Choice(
                    choice_ids.encode("forget", tag, stamp, "yes"),
                    pgettext("button", "Delete my data"),
                    "yes",
                    ChoiceStyle.DANGER,
                ),
                Choice(
                    choice_ids.encode("forget", tag, stamp, "no"),
                    pgettext("button", "Keep it"),
                    "no",
                ),
            ),
        )
    )


async def forget_clicked(ctx: Context, choice: ChoiceId) -> Reply:
    tag, stamp = choice.fields[0] if choice.fields else "", choice.field_int(1)
    answer = choice.fields[2] if len(choice.fields) > 2 else ""
    if answer not in {"yes", "no"}:
        raise ChoiceIdError("unknown answer")
    if tag != _member_tag(ctx.actor.user.key):
        raise UserError(_("That button was for someone else, so nothing was deleted."))
    if answer == "no":
        return Reply.text(_("Nothing was deleted."))
    if not 0 <= to_epoch(ctx.now) - stamp <= CONFIRM_WINDOW_S:
        raise UserError(
            _(
                "That confirmation has expired, so nothing was deleted. "
                "Run /kith forget again if you still want to."
            )
        )
    async with ctx.db.transaction() as tx:
        posts = await member_posts(tx, ctx.community.ref.key, ctx.actor.user.key)
        removed = await forget_member(tx, ctx.community.ref.key, ctx.actor.user.key, ctx.now)
    if not await ctx.db.scrub_deleted():
        # Another reader held the files: the next forget or retention run finishes the job.
        event(log, "forget_scrub_deferred", logging.WARNING, community=ctx.community.ref.key)
    total = sum(removed.values())
    deleted, kept = await delete_posts(ctx.chat, posts)
    lines = [
        ngettext(
            "Done: {n} record about you is deleted from this community. "
            "If you use Kith again, it starts fresh.",
            "Done: {n} records about you are deleted from this community. "
            "If you use Kith again, it starts fresh.",
            total,
        )
    ]
    if deleted:
        lines.append(
            ngettext(
                "I also deleted {n} of my own posts that carried your words or name "
                "(shared reflections, streak celebrations).",
                "I also deleted {n} of my own posts that carried your words or name "
                "(shared reflections, streak celebrations).",
                deleted,
            )
        )
    if kept:
        lines.append(
            ngettext(
                "{n} of my posts that carried your words or name could not be deleted here; "
                "a moderator can remove it.",
                "{n} of my posts that carried your words or name could not be deleted here; "
                "a moderator can remove them.",
                kept,
            )
        )
    lines.append(
        _(
            "What I can't delete: what other people wrote (replies, their own messages), quotes "
            "in moderator alerts, and messages already delivered to others privately (thank-you "
            "notes, buddy introductions)."
        )
    )
    return Reply.text(*lines)


async def setup_privacy(ctx: Context, inv: Invocation) -> Reply:
    text = inv.options.get("retention", "").strip().lower().removesuffix("d")
    if not text:
        days = await retention_days(ctx.db, ctx.community.ref.key)
        return Reply.text(
            ngettext(
                "Reflections and notes are kept for {n} day. "
                "Change with /kith setup privacy retention:<days> (7 to 365).",
                "Reflections and notes are kept for {n} days. "
                "Change with /kith setup privacy retention:<days> (7 to 365).",
                days,
            )
        )
    # isdecimal, not isdigit: "²" is a digit to Python but no number to int().
    if not text.isdecimal() or len(text) > 6 or not 7 <= int(text) <= 365:
        raise UserError(_("retention: is a number of days from 7 to 365. Nothing was changed."))
    async with ctx.db.transaction() as tx:
        await tx.execute(
            "INSERT INTO privacy_settings (community_id, retention_days, updated_at)"
            " VALUES (?, ?, ?) ON CONFLICT (community_id) DO UPDATE SET"
            " retention_days = excluded.retention_days, updated_at = excluded.updated_at",
            ctx.community.ref.key,
            int(text),
            to_epoch(ctx.now),
        )
    if int(text) == DEFAULT_RETENTION_DAYS:
        return Reply.text(
            _(
                "Reflections and notes are now kept for {days} days (the default); older ones "
                "are deleted by the daily retention job.",
                days=int(text),
            )
        )
    return Reply.text(
        _(
            "Reflections and notes are now kept for {days} days; older ones "
            "are deleted by the daily retention job.",
            days=int(text),
        )
    )
