"""Looking after a member whose words suggest they may be in crisis.

The member gets, privately and at most once in 24 hours, a short caring message with resources
for their region, the line that Kith is not a crisis service, and a way to say it missed the mark.
Inside those 24 hours a more serious or more concrete disclosure (a plan, a time, a means) gets a
short follow-up and a fresh alert marked as a repeat; the same again leaves the member in peace and
moderators see a count. If the community set an alert channel, moderators get a private alert
naming the member and where, quoting the words only if the community chose that, and saying
truthfully whether Kith reached the member privately. When it could not, the caring message is
shown where the member wrote, only to them. A member worried about someone else ("my friend says
she wants to die") gets a short message on supporting them, with the same resources, and no alert
names them. The member's own flow carries on either way.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

from bot.clock import to_epoch
from bot.commands.parse import clean_text
from bot.community import member_timezone
from bot.context import Context
from bot.identity import ChannelRef
from bot.logs import event
from bot.messages import Mention
from bot.ports import DeliveryError
from bot.safety.care_messages import (
    alert_message,
    care_message,
    count_note,
    followup_message,
    support_message,
)
from bot.safety.escalation import Level
from bot.safety.resources import region_for
from bot.safety.screen import PhraseList, Severity, Signal, builtin_phrases
from bot.store.base import Database, Tx

log = logging.getLogger("kith.safety")

QUIET_PERIOD = timedelta(hours=24)


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


@dataclass(frozen=True)
class CareOutcome:
    """What screening did: ``response`` is "care" (the full caring message), "followup" (a short
    one, inside the quiet period, because this sounds more serious than before) or "quiet"
    (the same again: the member is left in peace); ``delivered`` says whether a message reached
    them privately."""

    signal: Signal
    response: str
    delivered: bool


async def look_after(
    ctx: Context, text: str, source: str, settings: SafetySettings | None = None
) -> CareOutcome | None:
    """Screen ``text`` that the actor gave Kith; respond with care if it shows a signal.

    ``source`` names where it came from, for moderators: "a check-in reflection".
    ``settings`` saves a read for a caller that already loaded the community's safety settings
    (in its own transaction, where a read costs less than on its own).
    Returns what happened (or None). Never raises for delivery problems: the member's own action
    must not fail because a safety message could not be sent. A caring message that could not be
    sent privately is left on ``ctx.care_inline`` for the core to show where the member wrote.
    """
    ctx.screened = True
    # Zero-width and control characters would split words ("ki\u200bll") and hide a phrase.
    text = clean_text(text)
    if settings is None:
        settings = await load_settings(ctx.db, ctx.community.ref.key)
    signal = settings.phrases().screen(text)
    if signal is None:
        return None
    ctx.signal_seen = True
    level = Level.of(signal.severity, text)
    key, user = ctx.community.ref.key, ctx.actor.user.key
    async with ctx.db.transaction() as tx:
        recent = await tx.fetchall(
            "SELECT severity, concrete, cared FROM safety_events WHERE community_id = ?"
            " AND user_key = ? AND created_at > ?",
            key,
            user,
            to_epoch(ctx.now - QUIET_PERIOD),
        )
        # Worry about someone else says nothing about the member's own risk: it neither counts
        # as the member having had care nor, ever, alerts moderators about them.
        about_me = [r for r in recent if r["severity"] > Severity.CONCERN]
        cared_levels = [
            Level(int(r["severity"]), bool(r["concrete"])) for r in about_me if r["cared"]
        ]
        if signal.about_someone_else:
            response = "quiet" if any(r["cared"] for r in recent) else "care"
        elif not cared_levels:
            response = "care"
        elif level > max(cared_levels):
            response = "followup"
        else:
            response = "quiet"
        alert = settings.alert_channel is not None and not signal.about_someone_else
        event_id = int(
            await tx.fetchval(
                "INSERT INTO safety_events (community_id, user_key, severity, concrete, source,"
                " cared, alerted, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                key,
                user,
                int(signal.severity),
                int(level.concrete),
                source,
                int(response != "quiet"),
                int(alert),
                to_epoch(ctx.now),
            )
        )
    count = len(about_me) + 1
    event(
        log,
        "safety_signal",
        community=key,
        event_id=event_id,
        severity=signal.severity.name,
        concrete=level.concrete,
        source=source,
        response=response,
        alerted=alert,
    )
    delivered = False
    if response != "quiet":
        delivered = await _send_care(ctx, settings, event_id, response, signal)
    if alert:
        await _alert(ctx, settings, event_id, source, signal, text, response, delivered, count)
    return CareOutcome(signal, response, delivered)


async def _send_care(
    ctx: Context, settings: SafetySettings, event_id: int, response: str, signal: Signal
) -> bool:
    zone = await member_timezone(ctx.db, ctx.community, ctx.actor.user.key)
    region = region_for(settings.region, zone)
    if signal.about_someone_else:
        build = support_message
    else:
        build = care_message if response == "care" else followup_message
    care = build(event_id, region)
    try:
        await ctx.chat.send_private(ctx.actor.user, care, delivery_key=f"kith-care-{event_id}")
    except DeliveryError as exc:
        event(log, "safety_care_undelivered", logging.WARNING, event_id=event_id, reason=exc.reason)
        ctx.care_inline = care  # shown where they wrote, only to them
        return False
    async with ctx.db.transaction() as tx:
        await tx.execute("UPDATE safety_events SET delivered = 1 WHERE id = ?", event_id)
    return True


async def _alert(
    ctx: Context,
    settings: SafetySettings,
    event_id: int,
    source: str,
    signal: Signal,
    text: str,
    response: str,
    delivered: bool,
    count: int,
) -> None:
    assert settings.alert_channel is not None
    member = Mention(ctx.actor.user, ctx.actor.display_name)
    quote = text if settings.quote_text else None
    if response == "quiet":
        alert = count_note(member, source, count, quote)
    else:
        alert = alert_message(
            member,
            source,
            signal.severity >= Severity.HIGH,
            delivered=delivered,
            count=count,
            repeat=response == "followup",
            quote=quote,
        )
    try:
        await ctx.chat.send_channel(
            settings.alert_channel, alert, delivery_key=f"kith-alert-{event_id}"
        )
    except DeliveryError as exc:
        event(log, "safety_alert_undelivered", logging.ERROR, event_id=event_id, reason=exc.reason)
        async with ctx.db.transaction() as tx:
            await tx.execute("UPDATE safety_events SET alerted = 0 WHERE id = ?", event_id)
