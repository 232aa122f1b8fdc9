"""Slack failures → DeliveryError, and users.info → what Kith knows about a member."""

from __future__ import annotations

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.slack_response import SlackResponse

from adapters.slack.directory import profile_from_user
from adapters.slack.errors import delivery_error, error_code


def api_error(error: str | None, status: int = 200) -> SlackApiError:
    data = {"ok": False, "error": error} if error else {}
    response = SlackResponse(
        client=None,
        http_verb="POST",
        api_url="http://x/api/chat.postMessage",
        req_args={},
        data=data,
        headers={},
        status_code=status,
    )
    return SlackApiError("failed", response)


@pytest.mark.parametrize(
    ("error", "status", "permanent", "words"),
    [
        ("channel_not_found", 200, True, "channel was not found"),
        ("not_in_channel", 200, True, "/invite @Kith"),
        ("is_archived", 200, True, "archived"),
        ("user_not_found", 200, True, "no longer in the workspace"),
        ("cannot_dm_bot", 200, True, "bot"),
        ("invalid_auth", 200, False, "rejected the bot token"),
        ("token_revoked", 200, False, "was revoked"),
        ("missing_scope", 200, True, "reinstall"),
        ("ratelimited", 429, False, "rate limited"),
        (None, 429, False, "rate limited"),
        ("internal_error", 500, False, "internal_error; will try again"),
        ("fatal_error", 200, False, "will try again"),
        (None, 503, False, "http_503"),
    ],
)
def test_slack_errors_map_to_delivery_errors(
    error: str | None, status: int, permanent: bool, words: str
) -> None:
    mapped = delivery_error(api_error(error, status), "post")
    assert mapped.permanent is permanent
    assert words in mapped.reason and mapped.reason.startswith("Slack post:")


@pytest.mark.parametrize(
    "exc", [aiohttp.ClientConnectionError("reset"), TimeoutError(), OSError("down")]
)
def test_network_failures_are_transient(exc: BaseException) -> None:
    mapped = delivery_error(exc, "post")
    assert not mapped.permanent and "could not reach Slack" in mapped.reason


def test_error_code_prefers_slacks_own_code() -> None:
    assert error_code(api_error("channel_not_found")) == "channel_not_found"
    assert error_code(api_error(None, 429)) == "ratelimited"


def test_profile_from_users_info() -> None:
    user = {
        "id": "U0ADA",
        "name": "ada",
        "real_name": "Ada Lovelace",
        "tz": "europe/london",
        "is_owner": True,
        "profile": {"display_name": "", "real_name": "Ada L."},
    }
    profile = profile_from_user(user)
    assert (profile.name, profile.tz, profile.is_admin, profile.is_bot) == (
        "Ada L.",
        "Europe/London",
        True,
        False,
    )
    odd = profile_from_user({"id": "USLACKBOT", "tz": "Mars/Olympus", "deleted": True}, "fb")
    assert (odd.name, odd.tz, odd.is_bot, odd.deleted, odd.is_admin) == (
        "fb",
        None,
        True,
        True,
        False,
    )


def test_the_slack_locale_is_read_when_users_info_gives_it() -> None:
    assert profile_from_user({"id": "U0BO", "locale": "pt-BR"}).locale == "pt-BR"
    assert profile_from_user({"id": "U0BO"}).locale is None  # asked without include_locale
    assert profile_from_user({"id": "U0BO", "locale": 42}).locale is None
    assert profile_from_user({"id": "U0BO", "locale": ""}).locale is None


def test_a_rate_limit_carries_slacks_retry_after() -> None:
    response = SlackResponse(
        client=None,
        http_verb="POST",
        api_url="http://x/api/chat.postMessage",
        req_args={},
        data={"ok": False, "error": "ratelimited"},
        headers={"retry-after": "30"},
        status_code=429,
    )
    mapped = delivery_error(SlackApiError("failed", response), "post")
    assert mapped.retry_after == 30 and "asked for 30 s" in mapped.reason
    assert delivery_error(api_error("ratelimited", 429), "post").retry_after is None
