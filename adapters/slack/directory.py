"""Who a Slack member is: name, time zone, admin rights (``users.info``, cached briefly).

Admin rights come from Slack (workspace admins and owners) and are re-read after a few minutes,
so a demoted admin loses them soon; the core adds the community's own configured admins on top.
A member's Slack time zone becomes their default time zone in Kith, and their Slack language
(``locale``, which ``users.info`` returns only when asked with ``include_locale``) the language
Kith speaks to them unless they choose another: the same call and cache serve both.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.errors import FAILURES, TOKEN_ERRORS, TOKEN_HINT, delivery_error, error_code
from adapters.slack.inbound import Who
from bot.alarm import Alarm
from bot.events import Actor
from bot.logs import event
from bot.scheduling.timezones import UnknownTimeZone, canonical_zone

log = logging.getLogger("kith.slack.directory")

TTL_SECONDS = 300.0  # how long users.info answers are trusted
FAILED_TTL_SECONDS = 30.0  # after a failed lookup, try again soon
MAX_ENTRIES = 10_000
MEMBER_GONE = frozenset({"user_not_found", "user_disabled"})


@dataclass(frozen=True, slots=True)
class Profile:
    user_id: str
    name: str
    is_admin: bool
    is_bot: bool
    deleted: bool
    tz: str | None
    found: bool = True
    locale: str | None = None


def profile_from_user(user: Mapping[str, Any], fallback_name: str = "") -> Profile:
    """A users.info ``user`` object → what Kith needs (pure)."""
    profile = user.get("profile") or {}
    name = (
        profile.get("display_name")
        or profile.get("real_name")
        or user.get("real_name")
        or user.get("name")
        or fallback_name
        or "someone"
    )
    tz: str | None = None
    raw_tz = user.get("tz")
    if isinstance(raw_tz, str) and raw_tz:
        try:
            tz = canonical_zone(raw_tz)
        except UnknownTimeZone:
            tz = None
    raw_locale = user.get("locale")
    return Profile(
        user_id=str(user.get("id", "")),
        name=str(name)[:80],
        is_admin=bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner")),
        is_bot=bool(user.get("is_bot")) or user.get("id") == "USLACKBOT",
        deleted=bool(user.get("deleted")),
        tz=tz,
        locale=raw_locale[:35] if isinstance(raw_locale, str) and raw_locale else None,
    )


class Directory:
    def __init__(
        self,
        client: AsyncWebClient,
        *,
        ttl: float = TTL_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = client
        self.ttl = ttl
        self._monotonic = monotonic
        self._cache: dict[str, tuple[float, Profile]] = {}
        # Shared with the chat port (it sets this): a rejected token is one alarm per workspace.
        self.token_alarm: Alarm | None = None

    async def profile(self, user_id: str, fallback_name: str = "") -> Profile:
        now = self._monotonic()
        cached = self._cache.get(user_id)
        if cached is not None and cached[0] > now:
            return cached[1]
        try:
            response = await self.client.users_info(user=user_id, include_locale=True)
            found = profile_from_user(response.get("user") or {}, fallback_name)
            expires = now + self.ttl
            if self.token_alarm is not None:
                self.token_alarm.clear()
        except FAILURES as exc:
            code = error_code(exc) if isinstance(exc, SlackApiError) else ""
            if code in TOKEN_ERRORS and self.token_alarm is not None:
                self.token_alarm.raise_(code=code, hint=TOKEN_HINT)
            reason = delivery_error(exc, "users.info").reason
            event(log, "slack_user_lookup_failed", logging.WARNING, user=user_id, reason=reason)
            gone = isinstance(exc, SlackApiError) and error_code(exc) in MEMBER_GONE
            found = Profile(user_id, fallback_name or "someone", False, False, gone, None, False)
            expires = now + FAILED_TTL_SECONDS
        if len(self._cache) >= MAX_ENTRIES:
            self._cache.clear()
        self._cache[user_id] = (expires, found)
        return found

    async def actor(self, who: Who) -> Actor:
        profile = await self.profile(who.user_id, who.name)
        return Actor(
            user=who.user,
            display_name=profile.name if profile.found else (who.name or profile.name),
            is_platform_admin=profile.is_admin,
            is_bot=profile.is_bot,
            platform_tz=profile.tz,
            locale=profile.locale,
        )

    def forget(self, user_id: str) -> None:
        self._cache.pop(user_id, None)
