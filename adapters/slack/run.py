"""``kith run`` on Slack: Socket Mode by default, HTTP mode with a signing secret and a port.

Start-up checks the credentials before anything listens, so a wrong or revoked token is one clear
line (``SettingsError``, printed by the CLI) instead of a retry loop or a traceback.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass

from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.interval_calculator import RetryIntervalCalculator
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.app import SlackAdapter
from adapters.slack.errors import FAILURES, TOKEN_ERRORS, error_code
from adapters.slack.inbound import community
from adapters.slack.retries import retry_handlers
from bot.app import build_kith
from bot.lifecycle import community_joined
from bot.logs import event
from bot.ops.loop_watch import LoopWatch
from bot.ops.server import start_ops, stop_ops
from bot.scheduling.clock import SystemClock
from bot.scheduling.wakeups import Timer
from bot.settings import Settings, SettingsError
from bot.shutdown import stop_on_signals

log = logging.getLogger("kith.slack.run")

API_URL = "https://slack.com/api/"
HTTP_HOST = "0.0.0.0"  # Slack must reach it; put it behind your TLS proxy
HTTP_PATH = "/slack/events"
SOCKET, HTTP = "Socket Mode", "HTTP mode"


def make_client(
    token: str, api_url: str = API_URL, server_backoff: RetryIntervalCalculator | None = None
) -> AsyncWebClient:
    return AsyncWebClient(
        token=token, base_url=api_url, retry_handlers=retry_handlers(server_backoff)
    )


def choose_mode(settings: Settings) -> str:
    """HTTP mode when a signing secret and a port are given, else Socket Mode (SPEC: Running it).
    Token shapes are checked here, before any network or database work."""
    bot = settings.slack_bot_token.value
    if not bot.startswith("xoxb-"):
        hint = " (that looks like the app-level token)" if bot.startswith("xapp-") else ""
        raise SettingsError(
            f"SLACK_BOT_TOKEN should be the Bot User OAuth Token, starting with xoxb-{hint}."
        )
    if settings.slack_signing_secret and settings.http_port is not None:
        return HTTP
    app = settings.slack_app_token.value
    if app:
        if not app.startswith("xapp-"):
            raise SettingsError(
                "SLACK_APP_TOKEN should be the app-level token, starting with xapp-."
            )
        return SOCKET
    if settings.slack_signing_secret or settings.http_port is not None:
        missing = "KITH_HTTP_PORT" if settings.slack_signing_secret else "SLACK_SIGNING_SECRET"
        raise SettingsError(
            f"HTTP mode needs SLACK_SIGNING_SECRET and KITH_HTTP_PORT; {missing} is not set."
        )
    raise SettingsError(
        "KITH_PLATFORM=slack needs SLACK_APP_TOKEN (xapp-…, for Socket Mode) or "
        "SLACK_SIGNING_SECRET and KITH_HTTP_PORT (for HTTP mode)."
    )


async def check_bot_token(client: AsyncWebClient) -> dict[str, str]:
    """auth.test: which workspace and bot user this token is; a rejection is a SettingsError."""
    try:
        response = await client.auth_test()
    except SlackApiError as exc:
        code = error_code(exc)
        if code in TOKEN_ERRORS:
            raise SettingsError(
                f"Slack rejected SLACK_BOT_TOKEN ({code}). Copy the Bot User OAuth Token from "
                "your app's OAuth & Permissions page, and reinstall the app if it was removed."
            ) from None
        raise SettingsError(f"Slack refused the token check ({code}).") from None
    except FAILURES as exc:
        raise SettingsError(
            f"Could not reach Slack to check the token ({type(exc).__name__})."
        ) from None
    return {k: str(response.get(k) or "") for k in ("team_id", "team", "user_id", "bot_id")}


async def check_app_token(client: AsyncWebClient, app_token: str) -> None:
    """apps.connections.open once up front: the Socket Mode client would retry a bad token
    forever, quietly."""
    try:
        await client.apps_connections_open(app_token=app_token)
    except SlackApiError as exc:
        code = error_code(exc)
        raise SettingsError(
            f"Slack rejected SLACK_APP_TOKEN ({code}). Create an app-level token with the "
            "connections:write scope under Basic Information, and turn on Socket Mode."
        ) from None
    except FAILURES as exc:
        raise SettingsError(
            f"Could not reach Slack for Socket Mode ({type(exc).__name__})."
        ) from None


@dataclass
class Running:
    """What ``serve`` started, for whoever waits on it (tests read the bound port)."""

    adapter: SlackAdapter
    mode: str
    team_id: str
    port: int | None = None


async def serve(
    settings: Settings,
    *,
    stop: asyncio.Event,
    api_url: str = API_URL,
    host: str = HTTP_HOST,
    on_ready: Callable[[Running], None] | None = None,
) -> int:
    mode = choose_mode(settings)
    client = make_client(settings.slack_bot_token.value, api_url)
    identity = await check_bot_token(client)
    if mode == SOCKET:
        await check_app_token(client, settings.slack_app_token.value)
    kith, db = await build_kith(
        settings.database_url,
        SystemClock(),
        sqlite_synchronous=settings.sqlite_synchronous,
        default_grace_minutes=settings.default_grace_minutes,
    )
    adapter = SlackAdapter(kith, client, db, signing_secret=settings.slack_signing_secret.value)
    timer = Timer(adapter.tick)
    handler: AsyncSocketModeHandler | None = None
    runner: web.AppRunner | None = None
    ops = None
    watch = LoopWatch(kith.services.metrics).start()  # kith_event_loop_lag_seconds, stall logs
    try:
        ops = await start_ops(settings, kith)  # /healthz and /metrics, if KITH_OPS_PORT is set
        # A workspace that removed Kith and installed it again gets its programmes back.
        await community_joined(kith, community(identity["team_id"]), adapter.now())
        running = Running(adapter, mode, identity["team_id"])
        if mode == SOCKET:
            handler = AsyncSocketModeHandler(
                adapter.app, settings.slack_app_token.value, web_client=client
            )
            await handler.connect_async()  # type: ignore[no-untyped-call]
        else:
            runner = web.AppRunner(adapter.app.web_app(path=HTTP_PATH))
            await runner.setup()
            site = web.TCPSite(runner, host, settings.http_port)
            await site.start()
            running.port = int(runner.addresses[0][1]) if runner.addresses else None
        timer.start()
        event(
            log,
            "slack_ready",
            mode=mode,
            team=identity["team_id"],
            bot=identity["user_id"],
            port=running.port or "",
        )
        if on_ready is not None:
            on_ready(running)
        await stop.wait()
    finally:
        timer.stop()
        if handler is not None:
            await handler.close_async()  # type: ignore[no-untyped-call]
        if runner is not None:
            await runner.cleanup()
        await adapter.drain()  # what was acknowledged is finished before the database closes
        await stop_ops(ops)
        await watch.stop()
        await db.close()
    return 0


def main(settings: Settings) -> int:
    """Entry point for ``kith run`` with KITH_PLATFORM=slack."""
    choose_mode(settings)  # configuration errors before any network or database work

    async def run() -> int:
        stop = asyncio.Event()
        stop_on_signals(stop)  # SIGTERM/SIGINT: finish what was accepted, exit 0 (bot.shutdown)
        return await serve(settings, stop=stop)

    return asyncio.run(run())
