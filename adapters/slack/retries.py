"""How the Slack Web API client retries, per kind of failure (slack-sdk's retry handlers).

429s wait for Slack's Retry-After when it is short; 500 and 503 back off; a dropped connection is
tried again. A call that may already have taken effect (a post) is never retried blindly: the
scheduler retries it later with the same delivery key, and first looks for it in the channel.
"""

from __future__ import annotations

from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import BackoffRetryIntervalCalculator
from slack_sdk.http_retry.interval_calculator import RetryIntervalCalculator
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

from adapters.slack.errors import retry_after

# Methods that may have taken effect before a 5xx or a dropped connection. Retrying them blindly
# could post twice; a keyed post is retried by the scheduler instead, which checks the channel
# history first. (A 429 is safe to retry: Slack did nothing.)
NOT_IDEMPOTENT = ("chat.postMessage",)


def _idempotent(request: HttpRequest) -> bool:
    return not request.url.endswith(tuple("/" + m for m in NOT_IDEMPOTENT))


class _OnlyIdempotent:
    """Put before a slack-sdk retry handler: retry only calls that cannot already have happened."""

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        return _idempotent(request) and await super()._can_retry_async(  # type: ignore[misc]
            state=state, request=request, response=response, error=error
        )


class IdempotentServerErrorRetryHandler(_OnlyIdempotent, AsyncServerErrorRetryHandler):
    """500 and 503 retried with backoff, except for calls that may already have happened."""


class IdempotentConnectionErrorRetryHandler(_OnlyIdempotent, AsyncConnectionErrorRetryHandler):
    """A dropped connection retried once, except for calls that may already have happened."""


RATE_LIMIT_WAIT = 20.0  # seconds a call may sleep on a 429; longer waits are the scheduler's


class CappedRateLimitErrorRetryHandler(AsyncRateLimitErrorRetryHandler):
    """A 429 is retried after Retry-After only when that is short: a long wait inside one call
    would hold a delivery (and its claim) for minutes. Past the cap the call fails at once and
    the scheduler retries the post no sooner than Slack asked."""

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if response is None or response.status_code != 429:
            return False
        wait = retry_after(response.headers)
        return wait is None or wait <= RATE_LIMIT_WAIT


def retry_handlers(
    server_backoff: RetryIntervalCalculator | None = None,
) -> list[AsyncRetryHandler]:
    """429s wait for Retry-After; 500/503 back off; dropped connections retry once."""
    return [
        IdempotentConnectionErrorRetryHandler(max_retry_count=2),
        CappedRateLimitErrorRetryHandler(max_retry_count=3),
        IdempotentServerErrorRetryHandler(
            max_retry_count=2,
            interval_calculator=server_backoff or BackoffRetryIntervalCalculator(0.5),
        ),
    ]
