"""Discord failures as ``DeliveryError``: permanent ones are reported, transient ones retried.

discord.py already retries 429s (when Discord sends ``Via`` and ``retry_after``) and 500/502/504;
what reaches here is final for this attempt. A rejected token (401) is retried like an outage:
it is the operator's to fix, and posts still within their grace window go out once it is.
The reasons are written for the admin who reads them in ``/kith status``.
"""

from __future__ import annotations

import asyncio

import aiohttp
import discord

from bot.ops.metrics import counts_platform_errors
from bot.ports import DeliveryError

CANNOT_DM = 50007
MISSING_PERMISSIONS = 50013
MISSING_ACCESS = 50001
UNKNOWN_CHANNEL = 10003
UNKNOWN_MESSAGE = 10008
UNKNOWN_MEMBER = 10007
UNKNOWN_USER = 10013
THREAD_ALREADY_CREATED = 160004

PERMANENT_REASONS = {
    CANNOT_DM: "the member does not accept direct messages from Kith (Discord error 50007)",
    MISSING_PERMISSIONS: (
        "Kith lacks a permission it needs there — check Send Messages, Create Private Threads "
        "and Send Messages in Threads (Discord error 50013)"
    ),
    MISSING_ACCESS: "Kith cannot see that channel (Discord error 50001)",
    UNKNOWN_CHANNEL: "the channel no longer exists (Discord error 10003)",
    UNKNOWN_MEMBER: "the member is no longer in the server (Discord error 10007)",
    UNKNOWN_USER: "the member's account no longer exists (Discord error 10013)",
}


TOKEN_REJECTED = (
    "Discord rejected Kith's bot token (HTTP 401): the token was reset or the application "
    "deleted. Reset the token in the Developer Portal, set DISCORD_TOKEN and restart Kith; "
    "will retry"
)


def token_rejected(exc: BaseException) -> bool:
    """A 401: the bot token itself no longer works, for every server, not this one's fault."""
    return isinstance(exc, discord.HTTPException) and exc.status == 401


def error_kind(exc: BaseException) -> str:
    """The ``kind`` label of ``kith_platform_errors_total`` for a failed Discord call."""
    if isinstance(exc, discord.RateLimited):
        return "rate_limited"
    if isinstance(exc, discord.HTTPException):
        if exc.status == 429:
            return "rate_limited"
        if exc.status >= 500:
            return "server_error"
        if exc.status == 401:
            return "auth"
        if exc.status == 403 or exc.code in (CANNOT_DM, MISSING_PERMISSIONS, MISSING_ACCESS):
            return "forbidden"
        return "not_found" if exc.status == 404 else "refused"
    return "timeout" if isinstance(exc, TimeoutError) else "network"


@counts_platform_errors("discord", error_kind)
def delivery_error(exc: BaseException, where: str = "") -> DeliveryError:
    """Classify a failed Discord call. ``where`` names the target for the admin (``<#1>``)."""
    prefix = f"{where}: " if where else ""
    if isinstance(exc, discord.RateLimited):
        return DeliveryError(
            f"{prefix}Discord asked Kith to slow down for {exc.retry_after:.0f} s; will retry",
            permanent=False,
            retry_after=exc.retry_after,
        )
    if isinstance(exc, discord.DiscordServerError):
        return DeliveryError(
            f"{prefix}Discord had a server error ({exc.status}); will retry", permanent=False
        )
    if isinstance(exc, discord.HTTPException):
        if token_rejected(exc):
            # Retried, not failed: once the token is replaced, posts still in their grace
            # window go out. The scheduler's backoff keeps the retries sparse meanwhile.
            return DeliveryError(TOKEN_REJECTED, permanent=False)
        if exc.status == 429:
            return DeliveryError(
                f"{prefix}Discord kept rate-limiting the request; will retry", permanent=False
            )
        if exc.code in PERMANENT_REASONS:
            return DeliveryError(prefix + PERMANENT_REASONS[exc.code], permanent=True)
        if exc.status >= 500:
            return DeliveryError(f"{prefix}Discord error {exc.status}; will retry", permanent=False)
        # Any other 4xx is a request Discord will refuse again in the same way.
        return DeliveryError(
            f"{prefix}Discord refused the message (HTTP {exc.status}, code {exc.code})",
            permanent=True,
        )
    if isinstance(exc, (aiohttp.ClientError, asyncio.TimeoutError, OSError)):
        return DeliveryError(
            f"{prefix}could not reach Discord ({type(exc).__name__}); will retry",
            permanent=False,
        )
    raise exc


def error_code(exc: BaseException) -> int | None:
    return exc.code if isinstance(exc, discord.HTTPException) else None
