"""Looking after a member whose words suggest they may be in crisis.

The member gets, privately and at most once in 24 hours (sooner only if things look more
serious than last time), a short caring message with resources for their region, the line that
Kith is not a crisis service, and a way to say it missed the mark. If the community set an alert
channel, moderators get a private alert naming the member and where, quoting the words only if
the community chose that. A member worried about someone else ("my friend says she wants to
die") gets a short message on supporting them, with the same resources, and no alert names them.
The member's own flow carries on untouched either way.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

from bot import choice_ids
from bot.clock import to_epoch
from bot.commands.parse import clean_text
from bot.community import member_timezone
from bot.context import Context
from bot.identity import ChannelRef
from bot.logs import event
from bot.messages import Choice, ChoiceStyle, Inline, Link, Mention, Message, Text, message
from bot.ports import DeliveryError
from bot.safety.resources import INTERNATIONAL, Region, region_for, regions
from bot.safety.screen import PhraseList, Severity, Signal, builtin_phrases
from bot.store.base import Database, Tx

log = logging.getLogger("kith.safety")

QUIET_PERIOD = timedelta(hours=24)
NOT_A_CRISIS_SERVICE = (
    "Kith is a peer-support companion, not a crisis service. The people above are trained to "
    "help, any time of day."
)


@dataclass(frozen=True)
class SafetySettings:
    alert_channel: ChannelRef | None = None
    region: str | None = None
    quote_text: bool = False
    extra_high: tuple[str, ...] = ()
    extra_medium: tuple[str, ...] = ()

    def phrases(self) -> PhraseList:
        return _phrases(self.extra_high, self.extra_medium)


@lru_cache(maxsize=1024)
def _phrases(extra_high: tuple[str, ...], extra_medium: tuple[str, ...]) -> PhraseList:
    """One list per distinct set of a community's own phrases, so it is compiled only once."""
    return builtin_phrases().with_extra(extra_high, extra_medium)


_COLUMNS = ("alert_channel_key", "region", "quote_text", "extra_high", "extra_medium")
_LOAD = f"SELECT {', '.join(_COLUMNS)} FROM safety_settings WHERE community_id = ?"
_DEFAULTS = SafetySettings()


async def load_settings(db: Database | Tx, community_key: str) -> SafetySettings:
    row = await db.fetchone(_LOAD, community_key)
    if row is None:
        return _DEFAULTS
    return _settings(*[row[c] for c in _COLUMNS])


@lru_cache(maxsize=4096)
def _settings(
    alert_channel_key: str | None,
    region: str | None,
    quote_text: int,
    extra_high: str,
    extra_medium: str,
) -> SafetySettings:
    """Parsed once per distinct row: text a member writes is screened against it every time."""
    return SafetySettings(
        alert_channel=ChannelRef.parse(alert_channel_key) if alert_channel_key else None,
        region=region,
        quote_text=bool(quote_text),
        extra_high=tuple(json.loads(extra_high)),
        extra_medium=tuple(json.loads(extra_medium)),
    )


def care_message(event_id: int, region: Region) -> Message:
    return _with_resources(
        event_id,
        region,
        [
            "💛 What you wrote sounded heavy, and I wanted to check in. You don't have to carry "
            "this alone.",
            f"If you might be in danger right now, please call {region.emergency}.",
        ],
    )


def support_message(event_id: int, region: Region) -> Message:
    """For a member worried about someone else: how to support them, with the same resources.
    Nothing here suggests the member themself is at risk, and moderators are not alerted."""
    return _with_resources(
        event_id,
        region,
        [
            "💛 It sounds like you're worried about someone. That's a lot to hold, and it's kind "
            "of you to care.",
            "What helps: ask them gently and directly how they are, and whether they're thinking "
            "about suicide (asking does not put the idea in their head). Listen without judging "
            "or rushing to fix it. Help them contact one of the services below, and stay with "
            "them if you can.",
            f"If they might be in danger right now, call {region.emergency}. These services "
            "also support people who are worried about someone, and that includes you.",
        ],
    )


def _with_resources(
    event_id: int, region: Region, opening: list[str | tuple[Inline, ...]]
) -> Message:
    paragraphs = list(opening)
    lines = list(region.lines)
    if region.code != INTERNATIONAL:
        lines += regions()[INTERNATIONAL].lines[:1]
    for line in lines:
        paragraphs.append((Text(f"• {line.name}: {line.contact} "), Link(line.source, "source")))
    paragraphs.append(NOT_A_CRISIS_SERVICE)
    choices = (
        Choice(choice_ids.encode("safety", event_id, "ok"), "Thank you", "ok"),
        Choice(
            choice_ids.encode("safety", event_id, "false"),
            "Not helpful / false alarm",
            "false",
            ChoiceStyle.DEFAULT,
        ),
    )
    return message(*paragraphs, choices=choices)


def alert_message(ctx: Context, source: str, severity: Severity, quote: str | None) -> Message:
    how = "may be at risk" if severity == Severity.HIGH else "may be struggling"
    paragraphs: list[str | tuple[Inline, ...]] = [
        (
            Text("🛟 Kith noticed that "),
            Mention(ctx.actor.user, ctx.actor.display_name),
            Text(f" {how}, from {source}."),
        ),
        "They have been sent support resources privately. A kind, private check-in from someone "
        "they trust can help; if you believe someone is in immediate danger, contact emergency "
        "services.",
    ]
    if quote is not None:
        paragraphs.append(f"They wrote: “{quote[:500]}”")
    return message(*paragraphs)


async def look_after(
    ctx: Context, text: str, source: str, settings: SafetySettings | None = None
) -> Signal | None:
    """Screen ``text`` that the actor gave Kith; respond with care if it shows a signal.

    ``source`` names where it came from, for moderators: "a check-in reflection".
    ``settings`` saves a read for a caller that already loaded the community's safety settings
    (in its own transaction, where a read costs less than on its own).
    Returns the signal (or None). Never raises for delivery problems: the member's own action
    must not fail because a safety message could not be sent.
    """
    # Zero-width and control characters would split words ("ki\u200bll") and hide a phrase.
    text = clean_text(text)
    if settings is None:
        settings = await load_settings(ctx.db, ctx.community.ref.key)
    signal = settings.phrases().screen(text)
    if signal is None:
        return None
    key, user = ctx.community.ref.key, ctx.actor.user.key
    async with ctx.db.transaction() as tx:
        worst_recent = await tx.fetchval(
            "SELECT MAX(severity) FROM safety_events WHERE community_id = ? AND user_key = ?"
            " AND cared = 1 AND created_at > ?",
            key,
            user,
            to_epoch(ctx.now - QUIET_PERIOD),
        )
        care = worst_recent is None or int(worst_recent) < signal.severity
        # Worry about someone else is not a sign that the member is at risk: no alert names them.
        alert = care and settings.alert_channel is not None and not signal.about_someone_else
        event_id = int(
            await tx.fetchval(
                "INSERT INTO safety_events (community_id, user_key, severity, source, cared,"
                " alerted, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                key,
                user,
                int(signal.severity),
                source,
                int(care),
                int(alert),
                to_epoch(ctx.now),
            )
        )
    event(
        log,
        "safety_signal",
        community=key,
        event_id=event_id,
        severity=signal.severity.name,
        source=source,
        cared=care,
        alerted=alert,
    )
    if not care:
        return signal
    zone = await member_timezone(ctx.db, ctx.community, user)
    compose = support_message if signal.about_someone_else else care_message
    try:
        await ctx.chat.send_private(
            ctx.actor.user,
            compose(event_id, region_for(settings.region, zone)),
            delivery_key=f"kith-care-{event_id}",
        )
    except DeliveryError as exc:
        event(log, "safety_care_undelivered", logging.WARNING, event_id=event_id, reason=exc.reason)
    if alert and settings.alert_channel is not None:
        quote = text if settings.quote_text else None
        try:
            await ctx.chat.send_channel(
                settings.alert_channel,
                alert_message(ctx, source, signal.severity, quote),
                delivery_key=f"kith-alert-{event_id}",
            )
        except DeliveryError as exc:
            event(
                log,
                "safety_alert_undelivered",
                logging.WARNING,
                event_id=event_id,
                reason=exc.reason,
            )
    return signal
