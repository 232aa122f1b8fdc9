"""The ops endpoint over real HTTP on an ephemeral port: /healthz follows the database, /metrics
follows real actions through the core, scheduled posts, and platform errors from an adapter."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from adapters.discord import run as discord_run
from adapters.slack import run as slack_run
from bot.app import build_kith
from bot.core import Kith
from bot.ops.probe import probe
from bot.ops.server import OpsServer, start_ops, stop_ops
from bot.scheduling.clock import SimulatedClock
from bot.settings import Settings
from tests.e2e.discord_fake import TOKEN as DISCORD_TOKEN
from tests.e2e.discord_helpers import FAST, discord_world, fake_discord
from tests.e2e.slack_fake import APP_TOKEN, BOT_TOKEN, FakeSlack, Fault, slash_command
from tests.e2e.slack_world import ADA, GENERAL, SlackWorld, block_text, open_world
from tests.fakes import Harness, make_harness, reply_text
from tests.pg import scratch_database

START = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)  # Monday 06:00 UTC


async def serve(kith: Kith) -> OpsServer:
    settings = Settings.from_env({"KITH_OPS_PORT": "0"})
    server = await start_ops(settings, kith)
    assert server is not None
    return server


async def get(server: OpsServer, path: str, method: str = "GET") -> tuple[int, str, str]:
    async with (
        aiohttp.ClientSession() as session,
        session.request(method, f"http://127.0.0.1:{server.port}{path}") as response,
    ):
        return response.status, response.headers["Content-Type"], await response.text()


async def scrape(server: OpsServer) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    status, content_type, text = await get(server, "/metrics")
    assert status == 200 and content_type.startswith("text/plain; version=0.0.4")
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def sample(
    found: dict[tuple[str, frozenset[tuple[str, str]]], float], metric: str, /, **labels: str
) -> float:
    return found.get((metric, frozenset(labels.items())), 0.0)


@pytest.fixture
async def running(tmp_path: Path) -> AsyncIterator[tuple[Harness, OpsServer]]:
    h = await make_harness(tmp_path / "kith.sqlite3", START)
    h.admins.add("ada")
    server = await serve(h.kith)
    yield h, server
    await stop_ops(server)
    await h.db.close()


async def test_healthz_answers_200_while_the_database_answers_and_503_once_it_does_not(
    running: tuple[Harness, OpsServer],
) -> None:
    h, server = running
    status, content_type, body = await get(server, "/healthz")
    assert (status, content_type) == (200, "application/json")
    assert '"status": "ok"' in body and '"database": "ok"' in body
    await h.db.close()
    status, _, body = await get(server, "/healthz")
    assert status == 503
    assert '"status": "unavailable"' in body and "the database failed" in body


async def test_kith_health_is_healthy_only_while_healthz_says_ok(
    running: tuple[Harness, OpsServer],
) -> None:
    h, server = running
    port = server.port
    # A server listening on every interface is asked on the loopback.
    healthy = await asyncio.to_thread(probe, "0.0.0.0", port)
    assert healthy.healthy and healthy.message.startswith("200 ")
    await h.db.close()
    sick = await asyncio.to_thread(probe, "127.0.0.1", port)
    assert not sick.healthy
    assert sick.message.startswith("503 ") and "the database failed" in sick.message
    await stop_ops(server)
    gone = await asyncio.to_thread(probe, "127.0.0.1", port)
    assert not gone.healthy and "cannot reach" in gone.message


async def test_metrics_count_actions_through_the_core_and_scheduled_posts(
    running: tuple[Harness, OpsServer],
) -> None:
    h, server = running
    before = await scrape(server)
    assert sample(before, "kith_actions_total", action="command", name="/kind", outcome="ok") == 0

    await h.say("ada", "/kith setup kindness channel:#kindness")
    assert "streak" in reply_text(await h.say("bo", "/kind carried a neighbour's shopping"))
    await h.say("bo", "/kind held the door")
    await h.say("bo", "/nosuchcommand please")  # refused, and the member's words are no label
    await h.say("bo", "/kith setup checkin channel:#general time:09:00 days:mon-fri tz:UTC")
    await h.say("ada", "/kith setup checkin channel:#general time:09:00 days:mon-fri tz:UTC")
    await h.say("bo", "hello there")
    await h.advance_to(START.replace(hour=9, minute=1))  # the 09:00 check-in goes out
    (post,) = [s for s in h.chat.to("#general") if s.message.choices]
    await h.click("bo", post.choice("4"))
    # Kith was down across Tuesday's post and came back past its grace window: missed.
    h.clock.set(START + timedelta(days=1, hours=6))  # Tuesday 12:00, three hours late
    await h.run_due()

    found = await scrape(server)
    counts = {
        ("/kith setup kindness", "ok"): 1,
        ("/kind", "ok"): 2,
        ("unknown", "refused"): 1,
        ("/kith setup checkin", "refused"): 1,
        ("/kith setup checkin", "ok"): 1,
    }
    for (name, outcome), n in counts.items():
        assert (
            sample(found, "kith_actions_total", action="command", name=name, outcome=outcome) == n
        ), (name, outcome)
    assert sample(found, "kith_actions_total", action="text", name="message", outcome="ok") == 1
    assert sample(found, "kith_actions_total", action="click", name="mood", outcome="ok") == 1
    assert not any("nosuchcommand" in str(labels) for _, labels in found)
    assert sample(found, "kith_action_seconds_count", action="command") == 6
    assert sample(found, "kith_action_seconds_bucket", action="command", le="+Inf") == 6
    assert sample(found, "kith_occurrences_total", kind="checkin.post", outcome="sent") == 1
    assert sample(found, "kith_occurrences_total", kind="checkin.post", outcome="missed") == 1
    assert sample(found, "kith_scheduler_run_seconds_count") >= 2
    assert sample(found, "process_start_time_seconds") > 0


async def test_only_the_two_routes_answer_and_a_bad_request_harms_nothing(
    running: tuple[Harness, OpsServer],
) -> None:
    _, server = running
    assert (await get(server, "/"))[0] == 404
    assert (await get(server, "/metrics", "POST"))[0] == 405
    status, _, body = await get(server, "/healthz?verbose=1", "HEAD")
    assert status == 200 and body == ""
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    writer.write(b"\x16\x03\x01 not http at all\r\n\r\n")  # a TLS hello, say
    await writer.drain()
    assert (await reader.read()).startswith(b"HTTP/1.1 400 ")
    writer.close()
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    writer.close()  # hangs up without a word
    assert (await get(server, "/healthz"))[0] == 200


async def test_no_port_means_no_endpoint(running: tuple[Harness, OpsServer]) -> None:
    h, _ = running
    assert await start_ops(Settings.from_env({}), h.kith) is None


async def test_a_platform_error_in_the_discord_adapter_is_counted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with discord_world(tmp_path, monkeypatch, START) as world:
        assert world.bot is not None
        server = await serve(world.bot.client.kith)
        try:
            setup = await world.slash(
                world.ada,
                "kith setup checkin",
                {"channel": world.general["id"], "time": "09:00", "days": "mon-fri", "tz": "UTC"},
            )
            assert "09:00" in setup.text, setup.text
            # Kith lost Send Messages in #general: the 09:00 post fails, permanently.
            world.fake.fail(
                "POST",
                rf"/channels/{world.general['id']}/messages",
                403,
                code=50013,
                message="Missing Permissions",
            )
            await world.advance(timedelta(hours=3, minutes=1))
            found = await scrape(server)
        finally:
            await stop_ops(server)
    assert sample(found, "kith_platform_errors_total", platform="discord", kind="forbidden") == 1
    assert sample(found, "kith_occurrences_total", kind="checkin.post", outcome="failed") == 1
    assert (
        sample(
            found, "kith_actions_total", action="command", name="/kith setup checkin", outcome="ok"
        )
        == 1
    )


@pytest.fixture
async def slack(tmp_path: Path) -> AsyncIterator[SlackWorld]:
    world = await open_world(tmp_path / "kith.sqlite3", "http", START)
    yield world
    await world.close()


async def test_a_platform_error_in_the_slack_adapter_is_counted(slack: SlackWorld) -> None:
    server = await serve(slack.kith)
    try:
        answer = await slack.command(
            ADA, f"setup checkin channel:<#{GENERAL}|general> time:09:00 days:mon-fri tz:UTC"
        )
        assert "set up" in block_text(answer["blocks"]), answer
        slack.fake.fail("chat.postMessage", Fault(error="channel_not_found"))  # deleted
        await slack.advance(timedelta(hours=3, minutes=1))
        found = await scrape(server)
    finally:
        await stop_ops(server)
    assert sample(found, "kith_platform_errors_total", platform="slack", kind="not_found") == 1
    assert sample(found, "kith_occurrences_total", kind="checkin.post", outcome="failed") == 1
    assert (
        sample(
            found, "kith_actions_total", action="command", name="/kith setup checkin", outcome="ok"
        )
        == 1
    )


async def test_healthz_on_postgresql() -> None:
    async with scratch_database() as url:
        kith, db = await build_kith(url, SimulatedClock(START))
        server = await serve(kith)
        try:
            assert (await get(server, "/healthz"))[0] == 200
            await db.close()
            status, _, body = await get(server, "/healthz")
            assert status == 503 and "the database failed" in body
        finally:
            await stop_ops(server)
            await db.close()


def ops_port(caplog: pytest.LogCaptureFixture) -> int | None:
    """The port ``start_ops`` logged (KITH_OPS_PORT=0 picks a free one)."""
    for record in caplog.records:
        if getattr(record, "kith_event", None) == "ops_listening":
            return int(record.kith_fields["port"])  # type: ignore[attr-defined]
    return None


async def get_port(port: int, path: str) -> tuple[int, str]:
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"http://127.0.0.1:{port}{path}") as response,
    ):
        return response.status, await response.text()


async def until_port(task: asyncio.Task[int], caplog: pytest.LogCaptureFixture) -> int:
    async with asyncio.timeout(15):
        while (port := ops_port(caplog)) is None:
            assert not task.done(), task.result()
            await asyncio.sleep(0.01)
    return port


async def test_kith_run_on_slack_serves_the_ops_port_until_it_stops(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="kith.ops")
    fake = await FakeSlack().start()
    fake.add_user(ADA, "Ada", is_admin=True)
    settings = Settings.from_env(
        {
            "KITH_PLATFORM": "slack",
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_APP_TOKEN": APP_TOKEN,
            "KITH_DATABASE_URL": str(tmp_path / "kith.sqlite3"),
            "KITH_OPS_PORT": "0",
        }
    )
    stop = asyncio.Event()
    try:
        task = asyncio.create_task(slack_run.serve(settings, stop=stop, api_url=fake.api_url))
        port = await until_port(task, caplog)
        assert (await get_port(port, "/healthz"))[0] == 200
        await fake.wait_for(lambda: bool(fake.sockets))  # the ops port opens first
        fields = slash_command(fake, user=ADA, text="help")
        await fake.send_envelope("slash_commands", fields)
        await fake.wait_for(
            lambda: any(r["_url"] == fields["response_url"] for r in fake.responses)
        )
        _, text = await get_port(port, "/metrics")
        assert 'kith_actions_total{action="command",name="/kith help",outcome="ok"} 1.0' in text
        stop.set()
        assert await asyncio.wait_for(task, 10) == 0
        with pytest.raises(aiohttp.ClientConnectionError):  # closed with the process
            await get_port(port, "/healthz")
    finally:
        await fake.close()


async def test_kith_run_on_discord_serves_the_ops_port(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="kith.ops")
    async with fake_discord(monkeypatch) as fake:
        fake.add_guild("Home", ("general",))
        settings = Settings.from_env(
            {
                "KITH_PLATFORM": "discord",
                "DISCORD_TOKEN": DISCORD_TOKEN,
                "KITH_DATABASE_URL": str(tmp_path / "kith.sqlite3"),
                "KITH_OPS_PORT": "0",
            }
        )
        task = asyncio.create_task(discord_run.serve(settings, FAST))
        try:
            port = await until_port(task, caplog)
            status, body = await get_port(port, "/healthz")
            assert status == 200 and '"database": "ok"' in body
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        with pytest.raises(aiohttp.ClientConnectionError):
            await get_port(port, "/healthz")
