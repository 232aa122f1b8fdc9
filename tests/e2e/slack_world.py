"""The real Kith core and the real slack-bolt app, against the loopback fake of Slack.

``SlackWorld`` runs in either mode: HTTP (signed requests to the app's aiohttp endpoint) or
Socket Mode (envelopes over the fake's websocket). Tests speak to it in Slack's terms (a member
runs a slash command, clicks a button, submits a modal) and read what Slack received.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator

from adapters.slack.app import SlackAdapter
from adapters.slack.run import HTTP_PATH, make_client
from bot.app import build_kith
from bot.core import Kith
from bot.scheduling.clock import SimulatedClock
from bot.scheduling.fast_forward import run_until
from bot.store import Database
from tests.e2e.slack_fake import (
    APP_TOKEN,
    BOT_TOKEN,
    SIGNING_SECRET,
    FakeSlack,
    block_actions,
    event_callback,
    form_body,
    interaction_body,
    post_signed,
    slash_command,
    view_submission,
)

GENERAL = "C0GENERAL"
ADA, BO, CY, DEE = "U0ADA", "U0BO", "U0CY", "U0DEE"


def block_text(blocks: list[dict[str, Any]]) -> str:
    """Everything a reader sees in a list of blocks, as one string."""
    parts: list[str] = []
    for block in blocks:
        if isinstance(block.get("text"), dict):
            parts.append(block["text"]["text"])
        for element in block.get("elements", []):
            if isinstance(element, dict) and element.get("type") in ("mrkdwn", "plain_text"):
                parts.append(element["text"])
    return "\n".join(parts)


def buttons(blocks: list[dict[str, Any]]) -> dict[str, str]:
    """value → action_id for every button in the blocks."""
    found: dict[str, str] = {}
    for block in blocks:
        if block.get("type") == "actions":
            for element in block["elements"]:
                found[element["value"]] = element["action_id"]
    return found


@dataclass
class SlackWorld:
    mode: str
    fake: FakeSlack
    kith: Kith
    db: Database
    clock: SimulatedClock
    adapter: SlackAdapter
    endpoint: str = ""
    runner: web.AppRunner | None = None
    handler: AsyncSocketModeHandler | None = None

    # -- sending what Slack sends --------------------------------------------------------------

    async def send(self, kind: str, payload: dict[str, Any], **http_headers: str) -> None:
        """Deliver one request to the app and check it was acknowledged."""
        if self.mode == "socket":
            retry = int(http_headers.get("X-Slack-Retry-Num", "0"))
            ack = await self.fake.send_envelope(kind, payload, retry_attempt=retry)
            assert "envelope_id" in ack
            return
        if kind == "slash_commands":
            status, text = await post_signed(self.endpoint, form_body(payload))
        elif kind == "interactive":
            status, text = await post_signed(self.endpoint, interaction_body(payload))
        else:
            body = json_bytes(payload)
            status, text = await post_signed(
                self.endpoint, body, content_type="application/json", headers=http_headers
            )
        assert status == 200, (status, text)

    async def command(
        self, user: str, text: str, *, command: str = "/kith", channel: str = GENERAL
    ) -> dict[str, Any]:
        """Run a slash command and return what came back on its response_url."""
        fields = slash_command(self.fake, user=user, text=text, command=command, channel=channel)
        await self.send("slash_commands", fields)
        return await self.response_to(fields["response_url"])

    async def click(
        self, user: str, message: dict[str, Any], value: str, *, channel: str = GENERAL
    ) -> dict[str, Any]:
        """Click the button with ``value`` on ``message``; return the payload sent."""
        action_id = buttons(message["blocks"])[value]
        payload = block_actions(
            self.fake, user=user, message=message, channel=channel, action_id=action_id, value=value
        )
        await self.send("interactive", payload)
        return payload

    async def submit(self, user: str, view: dict[str, Any], values: dict[str, str]) -> None:
        await self.send(
            "interactive", view_submission(self.fake, user=user, view=view, values=values)
        )

    async def event(self, event: dict[str, Any], *, event_id: str, retry: int = 0) -> None:
        headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
        await self.send(
            "events_api", event_callback(event, event_id=event_id), **(headers if retry else {})
        )

    async def response_to(self, response_url: str) -> dict[str, Any]:
        await self.fake.wait_for(
            lambda: any(r["_url"] == response_url for r in self.fake.responses)
        )
        return next(r for r in self.fake.responses if r["_url"] == response_url)

    # -- time ------------------------------------------------------------------------------------

    async def advance(self, delta: timedelta) -> None:
        await self.advance_to(self.clock.now() + delta)

    async def advance_to(self, target: datetime) -> None:
        await run_until(self.kith, self.clock, target, self.adapter.chat)

    async def close(self) -> None:
        if self.handler is not None:
            await self.handler.close_async()  # type: ignore[no-untyped-call]
        if self.runner is not None:
            await self.runner.cleanup()
        assert await self.adapter.drain(), "a listener was still running at the end of the test"
        await self.db.close()
        await self.fake.close()


def json_bytes(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload).encode()


async def open_world(path: Path, mode: str, start: datetime) -> SlackWorld:
    clock = SimulatedClock(start)
    fake = await FakeSlack(now=lambda: clock.now().timestamp()).start()
    fake.add_user(ADA, "Ada", is_admin=True, tz="Europe/London")
    fake.add_user(BO, "Bo", tz="America/New_York")
    fake.add_user(CY, "Cy", tz="Europe/Berlin")
    fake.add_user(DEE, "Dee", tz="Asia/Tokyo")
    fake.add_channel(GENERAL, "general")
    kith, db = await build_kith(str(path), clock)
    client = make_client(BOT_TOKEN, fake.api_url, FixedValueRetryIntervalCalculator(0))
    adapter = SlackAdapter(kith, client, db, signing_secret=SIGNING_SECRET)
    world = SlackWorld(mode, fake, kith, db, clock, adapter)
    if mode == "http":
        world.runner = web.AppRunner(adapter.app.web_app(path=HTTP_PATH))
        await world.runner.setup()
        await web.TCPSite(world.runner, "127.0.0.1", 0).start()
        host, port = world.runner.addresses[0][:2]
        world.endpoint = f"http://{host}:{port}{HTTP_PATH}"
    else:
        world.handler = AsyncSocketModeHandler(adapter.app, APP_TOKEN, web_client=client)
        await world.handler.connect_async()  # type: ignore[no-untyped-call]
        await fake.wait_for(lambda: bool(fake.sockets))
    return world
