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

Languages: every text is screened against every shipped language's rules, whatever the member's
setting. Care is written in the member's language (their /kith language, else their platform's,
else the community's), not in the language a message happened to be written in: one short
message is a poor guide to what someone reads comfortably (a lyric, a quote, a phrase shared by
Spanish and Portuguese, a switch mid-sentence), a wrong guess would hand a person in crisis a
text they may not follow, and the setting is one they can change. The alert goes to the
moderators' channel in the community's language and says which language the words were read in
and which language Kith wrote to the member in, where either differs. A translation that fails
(a broken catalogue entry) never stops care: the message goes out in English.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import cache, lru_cache

from bot.commands.parse import clean_text
from bot.context import Context
from bot.i18n import current_language, use_language
from bot.i18n.languages import DEFAULT_LANGUAGE
from bot.identity import ChannelRef
from bot.logs import event
from bot.messages import Mention, Message
from bot.ports import DeliveryError
from bot.safety.care_messages import (
    alert_message,
    care_message,
    count_note,
    followup_message,
    support_message,
)
from bot.safety.escalation import Level
from bot.safety.resources import Region, region_for
from bot.safety.screen import PhraseList, Severity, Signal, builtin_phrases
from bot.scheduling.clock import to_epoch
from bot.store.base import Database, Tx
from bot.store.faults import WriteRefused

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
    alert = settings.alert_channel is not None and not signal.about_someone_else
    try:
        response, event_id, count = await _record(ctx, signal, level, source, alert)
    except WriteRefused as exc:
        # The event cannot be saved (a full disk, a damaged file), but care never waits on
        # storage: without a history to consult, the member gets the caring message (with no
        # answer buttons, as there is no event for them to mark) and moderators are told.
        event(log, "safety_event_unsaved", logging.ERROR, reason=str(exc))
        response, event_id, count = "care", None, 1
    event(
        log,
        "safety_signal",
        community=ctx.community.ref.key,
        event_id=event_id,
        severity=signal.severity.name,
        concrete=level.concrete,
        source=source,
        response=response,
        alerted=alert,
    )
    delivered, cared_in = False, None
    if response != "quiet":
        delivered, cared_in = await _send_care(ctx, settings, event_id, response, signal)
    if alert:
        await _alert(
            ctx, settings, event_id, source, signal, text, response, delivered, count, cared_in
        )
    return CareOutcome(signal, response, delivered)


async def _record(
    ctx: Context, signal: Signal, level: Level, source: str, alert: bool
) -> tuple[str, int, int]:
    """Decide the response from the member's last day of signals and save the event: the
    response, the event's id and how many signals about the member the day now holds."""
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
    return response, event_id, len(about_me) + 1


async def member_region(ctx: Context, configured: str | None) -> Region:
    """The resources for the member behind the event: the community's choice, else their own
    time zone's country, else the country their Spanish or Portuguese platform language (or, without
    one, their chosen language) names, else the community's zone's, else the international list."""
    row = await ctx.db.fetchone(
        "SELECT tz, platform_tz, platform_locale, language FROM members"
        " WHERE community_id = ? AND user_key = ?",
        ctx.community.ref.key,
        ctx.actor.user.key,
    )
    stored = dict(row) if row is not None else {}
    own_zone = stored.get("tz") or ctx.actor.platform_tz or stored.get("platform_tz")
    locale = ctx.actor.locale or stored.get("platform_locale") or stored.get("language")
    return region_for(configured, own_zone, locale, ctx.community.tz)


def in_a_language(build: Callable[[], Message], what: str) -> tuple[Message, str]:
    """``build()`` in the current language, and that language; if the translation fails (a
    catalogue entry with a broken placeholder), the same message in English rather than none."""
    try:
        return build(), current_language()
    except Exception as exc:  # any failure in a translation must not cost a safety message
        event(
            log,
            "safety_translation_failed",
            logging.ERROR,
            what=what,
            language=current_language(),
            reason=repr(exc),
        )
        with use_language(DEFAULT_LANGUAGE):
            return build(), DEFAULT_LANGUAGE


async def _send_care(
    ctx: Context, settings: SafetySettings, event_id: int | None, response: str, signal: Signal
) -> tuple[bool, str]:
    """Whether the caring message reached the member privately, and the language it was in."""
    region = await member_region(ctx, settings.region)
    if signal.about_someone_else:
        build = support_message
    else:
        build = care_message if response == "care" else followup_message
    care, language = in_a_language(lambda: build(event_id, region), response)
    try:
        await ctx.chat.send_private(ctx.actor.user, care, delivery_key=_key("care", event_id))
    except DeliveryError as exc:
        event(log, "safety_care_undelivered", logging.WARNING, event_id=event_id, reason=exc.reason)
        ctx.care_inline = care  # shown where they wrote, only to them
        return False, language
    await _mark(ctx, "UPDATE safety_events SET delivered = 1 WHERE id = ?", event_id)
    return True, language


@cache
def _one_language(language: str) -> PhraseList:
    everything = builtin_phrases()
    [ruleset] = [r for r in everything.builtin if r.language == language]
    return PhraseList(
        builtin=(ruleset,), models=tuple(m for m in everything.models if m[0] is ruleset)
    )


def languages_read(text: str) -> tuple[str, ...]:
    """The shipped languages whose own rules flag ``text`` ("me mato" reads as Spanish and as
    Portuguese), for the moderators' alert. Run only after a signal, so its cost is rare."""
    found = []
    for ruleset in builtin_phrases().builtin:
        if _one_language(ruleset.language).screen(text) is not None:
            found.append(ruleset.language)
    return tuple(found)


async def _alert(
    ctx: Context,
    settings: SafetySettings,
    event_id: int | None,
    source: str,
    signal: Signal,
    text: str,
    response: str,
    delivered: bool,
    count: int,
    cared_in: str | None,
) -> None:
    assert settings.alert_channel is not None
    member = Mention(ctx.actor.user, ctx.actor.display_name)
    quote = text if settings.quote_text else None  # the member's words, as written
    wrote_in = languages_read(text)

    def build() -> Message:
        if response == "quiet":
            return count_note(member, source, count, quote, wrote_in)
        return alert_message(
            member,
            source,
            signal.severity >= Severity.HIGH,
            delivered=delivered,
            count=count,
            repeat=response == "followup",
            quote=quote,
            wrote_in=wrote_in,
            cared_in=cared_in,
        )

    # The moderators' channel reads the community's language, whoever wrote.
    with use_language(ctx.community.language):
        alert, _language = in_a_language(build, "alert")
    try:
        await ctx.chat.send_channel(
            settings.alert_channel, alert, delivery_key=_key("alert", event_id)
        )
    except DeliveryError as exc:
        event(log, "safety_alert_undelivered", logging.ERROR, event_id=event_id, reason=exc.reason)
        await _mark(ctx, "UPDATE safety_events SET alerted = 0 WHERE id = ?", event_id)


def _key(what: str, event_id: int | None) -> str | None:
    """A saved event's sends are keyed (a retry never doubles them); an unsaved one's cannot be."""
    return None if event_id is None else f"kith-{what}-{event_id}"


async def _mark(ctx: Context, sql: str, event_id: int | None) -> None:
    """Note a delivery's result on the saved event; storage that refuses it loses only the note."""
    if event_id is None:
        return
    try:
        async with ctx.db.transaction() as tx:
            await tx.execute(sql, event_id)
    except WriteRefused as exc:
        event(log, "safety_event_unsaved", logging.ERROR, event_id=event_id, reason=str(exc))
