"""Running the real discord.py client (KithClient) against the loopback fake."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import discord
import pytest
import yarl

from adapters.discord.client import ClientOptions, KithClient
from bot.app import build_kith
from bot.registry import Registry
from bot.scheduling.clock import SimulatedClock
from bot.scheduling.fast_forward import run_until
from bot.store import Database
from tests.e2e.discord_fake import TOKEN, FakeDiscord, Interaction, button

FAST = ClientOptions(guild_ready_timeout=0.05, identify_delay=0.0, run_timer=False)


@dataclass
class RunningBot:
    client: KithClient
    db: Database
    clock: SimulatedClock
    task: asyncio.Task[None]

    async def advance(self, delta: timedelta) -> None:
        """Move the simulated clock, running the scheduler at every due moment (the tick)."""
        await self.advance_to(self.clock.now() + delta)

    async def advance_to(self, target: datetime) -> None:
        await run_until(self.client.kith, self.clock, target, self.client.chat)

    async def stop(self) -> None:
        await self.client.close()
        with contextlib.suppress(Exception, asyncio.CancelledError):
            await self.task
        await self.db.close()


@contextlib.asynccontextmanager
async def fake_discord(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeDiscord]:
    fake = await FakeDiscord().start()
    monkeypatch.setattr(discord.http.Route, "BASE", fake.api_base)
    monkeypatch.setattr(
        discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(fake.gateway_url)
    )
    try:
        yield fake
    finally:
        await fake.stop()


async def start_bot(
    db_path: Path,
    clock: SimulatedClock,
    *,
    options: ClientOptions = FAST,
    token: str = TOKEN,
    extend: Callable[[Registry], None] | None = None,
    **changes: Any,
) -> RunningBot:
    kith, db = await build_kith(str(db_path), clock)
    if extend is not None:  # a test's own commands, registered like a feature's
        extend(kith.services.registry)
    client = KithClient(kith, replace(options, **changes) if changes else options)
    task = asyncio.create_task(client.start(token))
    ready = asyncio.create_task(client.wait_until_ready())
    done, _ = await asyncio.wait({task, ready}, timeout=15, return_when=asyncio.FIRST_COMPLETED)
    if ready not in done:
        ready.cancel()
        await client.close()
        await db.close()
        if task in done:
            task.result()  # raise what stopped the client
        raise AssertionError("the client did not become ready")
    return RunningBot(client, db, clock, task)


@dataclass
class World:
    """One fake Discord with a server ("Home": #general, #kindness), three members and a bot."""

    fake: FakeDiscord
    db_path: Path
    clock: SimulatedClock
    guild: dict[str, Any]
    general: dict[str, Any]
    ada: dict[str, Any]  # has Manage Server
    bo: dict[str, Any]
    cy: dict[str, Any]
    bot: RunningBot | None = None

    @property
    def gid(self) -> str:
        return str(self.guild["id"])

    async def start(self, **changes: Any) -> RunningBot:
        self.bot = await start_bot(self.db_path, self.clock, **changes)
        return self.bot

    async def stop(self) -> None:
        if self.bot is not None:
            await self.bot.stop()
            self.bot = None

    async def restart(self, **changes: Any) -> RunningBot:
        """A new client object and core on the same database: what a process restart leaves."""
        await self.stop()
        return await self.start(**changes)

    async def slash(
        self,
        user: dict[str, Any],
        path: str,
        options: dict[str, Any] | None = None,
        *,
        channel: dict[str, Any] | None = None,
        **kw: Any,
    ) -> Interaction:
        record = await self.fake.slash(
            self.gid,
            user,
            (channel or self.general)["id"],
            path,
            options,
            admin=user is self.ada,
            **kw,
        )
        return await self.fake.answer(record)

    async def click(
        self, user: dict[str, Any], message: dict[str, Any], label: str, **locales: str
    ) -> Interaction:
        channel = self.fake.channels.get(message["channel_id"], {})
        guild = self.gid if channel.get("guild_id") else None  # a DM click has no guild
        custom_id = button(message, label)
        record = await self.fake.click(user, message, custom_id, guild_id=guild, **locales)
        return await self.fake.answer(record)

    async def advance(self, delta: timedelta) -> None:
        assert self.bot is not None
        await self.bot.advance(delta)


@contextlib.asynccontextmanager
async def discord_world(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, start: datetime, **changes: Any
) -> AsyncIterator[World]:
    async with fake_discord(monkeypatch) as fake:
        guild = fake.add_guild("Home", ("general", "kindness"))
        world = World(
            fake,
            tmp_path / "kith.sqlite3",
            SimulatedClock(start),
            guild,
            fake.channel(guild["id"], "general"),
            fake.add_user("Ada"),
            fake.add_user("Bo"),
            fake.add_user("Cy"),
        )
        await world.start(**changes)
        try:
            yield world
        finally:
            await world.stop()
