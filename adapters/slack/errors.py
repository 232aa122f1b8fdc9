"""Slack API failures → the core's ``DeliveryError``.

Slack reports most failures as HTTP 200 with ``{"ok": false, "error": "…"}`` and rate limits as
HTTP 429. The client's retry handlers have already retried 429s (after Retry-After) and 500/503s
(with backoff) by the time an error reaches here, so what is left is either permanent (a deleted
channel, a member who left) or a transient outage the scheduler retries later.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.ops.metrics import counts_platform_errors
from bot.ports import DeliveryError

# What an admin reads in /kith status, per Slack error code.
PERMANENT: dict[str, str] = {
    "channel_not_found": "the channel was not found (deleted, or private without Kith in it)",
    "not_in_channel": "Kith is not in that channel: invite it with /invite @Kith",
    "is_archived": "the channel is archived",
    "channel_is_archived": "the channel is archived",
    "user_not_found": "the member is no longer in the workspace",
    "user_disabled": "the member's account is deactivated",
    "users_not_found": "a member is no longer in the workspace",
    "cannot_dm_bot": "that member is a bot",
    "messages_tab_disabled": "the member has turned off direct messages from apps",
    "restricted_action": "a workspace setting stops Kith from posting there",
    "restricted_action_read_only_channel": "the channel is read-only",
    "restricted_action_thread_only_channel": "the channel only allows thread replies",
    "restricted_action_non_threadable_channel": "the channel does not allow threads",
    "ekm_access_denied": "the workspace's key management refused access",
    "team_access_not_granted": "Kith is not installed for that workspace",
    "missing_scope": "the Slack app lacks a permission (reinstall it from the manifest)",
    "not_allowed_token_type": "the Slack token is of the wrong type",
    "no_permission": "Kith lacks permission for that",
    "access_denied": "Kith lacks permission for that",
    "msg_too_long": "the message was too long for Slack",
    "invalid_blocks": "Slack refused the message layout",
    "invalid_blocks_format": "Slack refused the message layout",
    "too_many_users": "the group is too large for a group DM",
    "not_enough_users": "the group DM needs at least two members",
    "method_not_supported_for_channel_type": "Kith cannot do that in this kind of channel",
}
# Everything a Web API call can raise that is Slack's or the network's doing, not a bug.
FAILURES: tuple[type[BaseException], ...] = (
    SlackClientError,
    aiohttp.ClientError,
    TimeoutError,
    OSError,
)
# The bot token itself stopped working: every workspace call fails until an operator replaces it.
# Retried like an outage rather than failed, so posts still in their grace window go out once
# the token is fixed; the scheduler's backoff keeps the retries sparse meanwhile.
TOKEN: dict[str, str] = {
    "invalid_auth": "Slack rejected the bot token",
    "not_authed": "Slack rejected the bot token",
    "account_inactive": "the bot token belongs to a deactivated app or user",
    "token_revoked": "the bot token was revoked",
    "token_expired": "the bot token expired",
}
TOKEN_ERRORS = frozenset(TOKEN)
TOKEN_HINT = "reinstall the app and set SLACK_BOT_TOKEN to its Bot User OAuth Token, then restart"


def retry_after(headers: Mapping[str, Any] | None) -> float | None:
    """Seconds from a Retry-After header (values may come as a string or a list of them)."""
    for key, value in (headers or {}).items():
        if key.lower() == "retry-after":
            first = value[0] if isinstance(value, list) and value else value
            try:
                return float(first)
            except (TypeError, ValueError):
                return None
    return None


def error_code(exc: SlackApiError) -> str:
    data = exc.response.data if exc.response is not None else None
    code = data.get("error") if isinstance(data, dict) else None
    if isinstance(code, str) and code:
        return code
    status = exc.response.status_code if exc.response is not None else 0
    return "ratelimited" if status == 429 else f"http_{status}"


# Slack error codes by the ``kind`` label of ``kith_platform_errors_total`` (others: refused).
FORBIDDEN_CODES = frozenset(
    {
        "not_in_channel",
        "is_archived",
        "channel_is_archived",
        "cannot_dm_bot",
        "messages_tab_disabled",
        "ekm_access_denied",
        "team_access_not_granted",
        "missing_scope",
        "not_allowed_token_type",
        "no_permission",
        "access_denied",
    }
)
SERVER_CODES = frozenset({"internal_error", "fatal_error", "service_unavailable"})


def error_kind(exc: BaseException) -> str:
    """The ``kind`` label of ``kith_platform_errors_total`` for a failed Slack call."""
    if not isinstance(exc, SlackApiError):
        return "timeout" if isinstance(exc, TimeoutError) else "network"
    code = error_code(exc)
    if code == "ratelimited":
        return "rate_limited"
    if code in TOKEN_ERRORS:
        return "auth"
    if code.endswith("_not_found") or code == "user_disabled":
        return "not_found"
    if code in FORBIDDEN_CODES or code.startswith("restricted_action"):
        return "forbidden"
    if code in SERVER_CODES or code.startswith("http_5"):
        return "server_error"
    return "timeout" if code == "request_timeout" else "refused"


@counts_platform_errors("slack", error_kind)
def delivery_error(exc: BaseException, action: str) -> DeliveryError:
    """A DeliveryError whose reason an admin can act on, without secrets or payloads."""
    if isinstance(exc, SlackApiError):
        code = error_code(exc)
        if code in TOKEN:
            return DeliveryError(
                f"Slack {action}: {TOKEN[code]} ({code}): {TOKEN_HINT}; will try again",
                permanent=False,
            )
        if code in PERMANENT:
            return DeliveryError(f"Slack {action}: {PERMANENT[code]} ({code})", permanent=True)
        if code == "ratelimited":
            wait = retry_after(exc.response.headers if exc.response is not None else None)
            asked = f" (Slack asked for {wait:.0f} s)" if wait else ""
            return DeliveryError(
                f"Slack {action}: rate limited{asked}, retries used up; will try again",
                permanent=False,
                retry_after=wait,
            )
        return DeliveryError(f"Slack {action}: {code}; will try again", permanent=False)
    return DeliveryError(
        f"Slack {action}: could not reach Slack ({type(exc).__name__}); will try again",
        permanent=False,
    )
