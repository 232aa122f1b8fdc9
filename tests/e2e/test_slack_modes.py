"""What only one mode has: HTTP signatures, and Socket Mode acks and reconnects."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.conftest import START
from tests.e2e.slack_fake import (
    SIGNING_SECRET,
    form_body,
    interaction_body,
    post_signed,
    sign,
    slash_command,
)
from tests.e2e.slack_world import ADA, BO, GENERAL, SlackWorld, block_text, open_world
from tests.fakes import snapshot


@pytest.fixture
async def http(tmp_path) -> AsyncIterator[SlackWorld]:  # type: ignore[no-untyped-def]
    world = await open_world(tmp_path / "kith.sqlite3", "http", START)
    yield world
    await world.close()


@pytest.fixture
async def socket(tmp_path) -> AsyncIterator[SlackWorld]:  # type: ignore[no-untyped-def]
    world = await open_world(tmp_path / "kith.sqlite3", "socket", START)
    yield world
    await world.close()


SETUP = "setup checkin channel:<#C0GENERAL|general> time:09:00"


async def test_bad_signature_and_stale_timestamp_are_refused(http: SlackWorld) -> None:
    await http.command(ADA, "help")
    before = await snapshot(http.db)
    calls = len(http.fake.calls)
    body = form_body(slash_command(http.fake, user=ADA, text=SETUP))
    status, _ = await post_signed(http.endpoint, body, secret="not-the-signing-secret")
    assert status == 401
    status, _ = await post_signed(http.endpoint, body, signature="v0=" + "0" * 64)
    assert status == 401
    stale = int(time.time()) - 6 * 60  # Slack's window is five minutes
    status, _ = await post_signed(http.endpoint, body, timestamp=stale)
    assert status == 401
    status, _ = await post_signed(
        http.endpoint, body, timestamp=stale, signature=sign(body, stale, SIGNING_SECRET)
    )
    assert status == 401
    click = {"type": "block_actions", "actions": [{"action_id": "v1:mood:1:3"}]}
    status, _ = await post_signed(http.endpoint, interaction_body(click), secret="wrong")
    assert status == 401
    assert await snapshot(http.db) == before
    assert len(http.fake.calls) == calls and http.fake.posts(GENERAL) == []


async def test_a_signed_request_is_accepted_and_answered(http: SlackWorld) -> None:
    answer = await http.command(ADA, SETUP)
    assert "set up" in block_text(answer["blocks"])
    assert await http.db.fetchval("SELECT COUNT(*) FROM programmes") == 1


async def test_url_verification_echoes_the_challenge(http: SlackWorld) -> None:
    body = json.dumps(
        {"token": "x", "challenge": "kith-challenge-123", "type": "url_verification"}
    ).encode()
    status, text = await post_signed(http.endpoint, body, content_type="application/json")
    assert status == 200 and "kith-challenge-123" in text


async def test_socket_mode_acks_every_envelope_and_survives_refresh(socket: SlackWorld) -> None:
    first = await socket.command(ADA, "help")
    assert "Kith helps" in block_text(first["blocks"])
    old = socket.fake.live_socket()
    await socket.fake.refresh()
    assert socket.fake.live_socket() is not old
    assert len(socket.fake.called("apps.connections.open")) == 2
    answer = await socket.command(ADA, SETUP)  # over the new connection
    assert "set up" in block_text(answer["blocks"])
    assert await socket.db.fetchval("SELECT COUNT(*) FROM programmes") == 1
    # A member's command after the reconnect is still refused where it should be.
    refused = await socket.command(BO, "status")
    assert "for this community's admins" in block_text(refused["blocks"])


RATE_LIMITED = {
    "token": "deprecated-verification-token",
    "type": "app_rate_limited",
    "team_id": "T0KITH",
    "minute_rate_limited": 1518467820,
    "api_app_id": "A0KITH",
}


@pytest.mark.parametrize("mode", ["http", "socket"])
async def test_app_rate_limited_is_acknowledged_and_logged(
    tmp_path: Path, mode: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Slack's notice that it drops this workspace's events for a minute: not an event_callback,
    so only a listener for it answers (HTTP: 200, not 404; Socket Mode: an ack)."""
    world = await open_world(tmp_path / "kith.sqlite3", mode, START)
    try:
        with caplog.at_level(logging.WARNING, logger="kith.slack"):
            await world.send("events_api", RATE_LIMITED)  # asserts the 200 or the ack
        assert "event=slack_events_rate_limited" in caplog.text
        assert "minute=1518467820" in caplog.text
        answer = await world.command(ADA, "help")  # and everything else still works
        assert "Kith helps" in block_text(answer["blocks"])
    finally:
        await world.close()


@pytest.mark.parametrize("mode", ["http", "socket"])
async def test_a_revoked_bot_token_pauses_programmes_like_an_uninstall(
    tmp_path: Path, mode: str
) -> None:
    world = await open_world(tmp_path / "kith.sqlite3", mode, START)
    try:
        answer = await world.command(ADA, SETUP)
        assert "set up" in block_text(answer["blocks"])
        user_only = {"type": "tokens_revoked", "tokens": {"oauth": ["U0ADA"], "bot": []}}
        await world.event(user_only, event_id="Ev0USER")
        revoked = {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": ["U0KITHBOT"]}}
        await world.event(revoked, event_id="Ev0REVOKED")
        for _ in range(1000):  # acknowledged first, handled after
            if await world.db.fetchval("SELECT paused FROM programmes") == 1:
                break
            await asyncio.sleep(0.01)
        assert await world.db.fetchval("SELECT paused FROM programmes") == 1
        assert await world.db.fetchval("SELECT active FROM communities") == 0
    finally:
        await world.close()
