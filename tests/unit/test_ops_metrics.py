"""Metrics objects are per process (fresh in every test), render the Prometheus text format, and
count platform errors where each adapter classifies them."""

from __future__ import annotations

import contextvars
from types import SimpleNamespace

import aiohttp
import discord
import pytest
from prometheus_client.parser import text_string_to_metric_families

from adapters.discord import errors as discord_errors
from adapters.slack import errors as slack_errors
from bot.ops.metrics import Metrics
from tests.unit.test_slack_errors import api_error as slack_error


def families(metrics: Metrics) -> dict[str, list[tuple[dict[str, str], float]]]:
    text = metrics.render().decode()
    return {
        f.name: [(dict(s.labels), s.value) for s in f.samples]
        for f in text_string_to_metric_families(text)
    }


def test_two_metrics_objects_share_nothing_and_render_the_text_format() -> None:
    first, second = Metrics(), Metrics()  # the same names twice: no global-registry collision
    first.action("command", "/kind", "ok", 0.0004)
    first.action("command", "/kind", "ok", 0.002)
    first.action("click", "mood", "refused", 0.001)
    first.occurrence("checkin.post", "sent")
    first.occurrence("checkin.post", "retry")
    first.platform_error("discord", "rate_limited")

    assert first.value("kith_actions_total", action="command", name="/kind", outcome="ok") == 2
    assert second.value("kith_actions_total", action="command", name="/kind", outcome="ok") == 0
    found = families(first)
    buckets = {
        labels["le"]: value
        for labels, value in found["kith_action_seconds"]
        if labels.get("action") == "command" and "le" in labels
    }
    assert buckets["0.001"] == 1 and buckets["0.0025"] == 2 and buckets["+Inf"] == 2
    assert ({"kind": "checkin.post", "outcome": "retried"}, 1.0) in found["kith_occurrences"]
    assert ({"platform": "discord", "kind": "rate_limited"}, 1.0) in found["kith_platform_errors"]
    # Process basics come with every Metrics; the version is labelled.
    assert {"process_start_time_seconds", "process_resident_memory_bytes"} <= set(found)
    assert found["kith_build_info"][0][1] == 1.0 and "version" in found["kith_build_info"][0][0]
    assert "kith_actions_created" not in first.render().decode()


def run_isolated(fn: object) -> None:
    """Run in a copy of the current context, so activating a Metrics leaks into no other test."""
    contextvars.copy_context().run(fn)  # type: ignore[arg-type]


def http_exception(status: int, code: int = 0) -> discord.HTTPException:
    response = SimpleNamespace(status=status, reason="x")
    return discord.HTTPException(response, {"code": code, "message": "x"})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("exc", "kind"),
    [
        (http_exception(429), "rate_limited"),
        (http_exception(503), "server_error"),
        (http_exception(403, discord_errors.MISSING_PERMISSIONS), "forbidden"),
        (http_exception(403, discord_errors.CANNOT_DM), "forbidden"),
        (http_exception(404, discord_errors.UNKNOWN_CHANNEL), "not_found"),
        (http_exception(401), "auth"),
        (http_exception(400, 50035), "refused"),
        (TimeoutError(), "timeout"),
        (aiohttp.ClientConnectionError(), "network"),
    ],
)
def test_discord_failures_are_counted_by_kind(exc: BaseException, kind: str) -> None:
    def check() -> None:
        metrics = Metrics(process=False)
        metrics.activate()
        discord_errors.delivery_error(exc, "<#1>")
        assert metrics.value("kith_platform_errors_total", platform="discord", kind=kind) == 1

    run_isolated(check)


@pytest.mark.parametrize(
    ("exc", "kind"),
    [
        (slack_error("ratelimited", 429), "rate_limited"),
        (slack_error(None, 429), "rate_limited"),
        (slack_error(None, 503), "server_error"),
        (slack_error("internal_error"), "server_error"),
        (slack_error("channel_not_found"), "not_found"),
        (slack_error("user_not_found"), "not_found"),
        (slack_error("not_in_channel"), "forbidden"),
        (slack_error("restricted_action"), "forbidden"),
        (slack_error("invalid_auth"), "auth"),
        (slack_error("msg_too_long"), "refused"),
        (TimeoutError(), "timeout"),
        (aiohttp.ClientConnectionError(), "network"),
    ],
)
def test_slack_failures_are_counted_by_kind(exc: BaseException, kind: str) -> None:
    def check() -> None:
        metrics = Metrics(process=False)
        metrics.activate()
        slack_errors.delivery_error(exc, "post")
        assert metrics.value("kith_platform_errors_total", platform="slack", kind=kind) == 1

    run_isolated(check)


def test_platform_errors_go_to_the_active_metrics_only() -> None:
    def check() -> None:
        old, new = Metrics(process=False), Metrics(process=False)
        old.activate()
        new.activate()  # a restarted core in the same process: the newest one counts
        error = discord_errors.delivery_error(http_exception(503), "<#1>")
        assert not error.permanent  # the classification itself is unchanged
        assert new.value("kith_platform_errors_total", platform="discord", kind="server_error")
        assert not old.value("kith_platform_errors_total", platform="discord", kind="server_error")

    run_isolated(check)
    # With no active metrics (a tool, or a test that built none), classifying still works.
    assert contextvars.Context().run(
        lambda: discord_errors.delivery_error(http_exception(503), "x").permanent is False
    )


def test_an_unknown_exception_is_not_counted_and_still_raises() -> None:
    def check() -> None:
        metrics = Metrics(process=False)
        metrics.activate()
        with pytest.raises(KeyError):
            discord_errors.delivery_error(KeyError("a bug"), "x")
        assert "kith_platform_errors_total{" not in metrics.render().decode()

    run_isolated(check)
