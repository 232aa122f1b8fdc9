"""The discord.py client: wiring Discord's events to the core, and the scheduler tick.

Default intents only (no members, presences or message content), so a community can add Kith
without Discord's approval for privileged intents. It is an ``AutoShardedClient``: one process
runs every shard Discord recommends, or the range ``KITH_DISCORD_SHARDS`` names, so a large
deployment runs several processes against one PostgreSQL database (claims keep scheduled posts
exactly-once across them).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import discord

from adapters.discord import inbound
from adapters.discord.chat import DiscordChat
from adapters.discord.commands import CommandTree, build_tree
from adapters.discord.handler import ACK_BUDGET, InteractionHandler
from adapters.discord.ids import PLATFORM, community_ref, snowflake
from adapters.discord.store import AdapterStore
from adapters.discord.sync import sync_commands
from adapters.discord.views import KithButton
from bot.core import Kith
from bot.events import DirectTextEvent
from bot.identity import CommunityRef
from bot.lifecycle import community_joined, community_left
from bot.logs import event
from bot.scheduling.wakeups import Timer
from bot.settings import ShardRange
from bot.shutdown import DRAIN_SECONDS, InFlight

log = logging.getLogger("kith.discord")

MAX_RATELIMIT_WAIT = 20.0  # longer waits fail the send; the scheduler retries it later


@dataclass(frozen=True)
class ClientOptions:
    guild_id: str = ""  # sync commands to this guild only (development)
    shards: ShardRange | None = None
    guild_ready_timeout: float = 2.0
    identify_delay: float | None = None  # None: discord.py's default pacing between shards
    run_timer: bool = True
    ack_budget: float = ACK_BUDGET


class KithClient(discord.AutoShardedClient):
    def __init__(self, kith: Kith, options: ClientOptions | None = None, **extra: Any) -> None:
        options = options or ClientOptions()
        if options.shards is not None:  # else discord.py asks Discord how many shards to run
            extra.update(shard_ids=list(options.shards.ids), shard_count=options.shards.count)
        super().__init__(
            intents=discord.Intents.default(),
            allowed_mentions=discord.AllowedMentions.none(),
            max_messages=None,
            chunk_guilds_at_startup=False,
            guild_ready_timeout=options.guild_ready_timeout,
            max_ratelimit_timeout=MAX_RATELIMIT_WAIT,
            **extra,
        )
        self.kith = kith
        self.options = options
        self.store = AdapterStore(kith.services.db)
        self.chat = DiscordChat(self, self.store, kith.services.clock)
        self.command_tree: CommandTree = build_tree(kith.services.registry)
        self.kith_handler = InteractionHandler(
            kith, self.chat, self.store, self.command_tree, ack_budget=options.ack_budget
        )
        self.timer: Timer | None = None
        self.commands_synced: bool | None = None
        self.reconciled = asyncio.Event()  # set once the first READY has been checked
        self.inflight = InFlight()  # accepted work a shutdown waits for (bot.shutdown)

    # -- start-up ----------------------------------------------------------------------------

    async def setup_hook(self) -> None:
        """After login, before the gateway: the button route, command sync, the timer."""
        self.add_dynamic_items(KithButton)
        for skipped in self.command_tree.skipped:
            event(log, "command_not_on_discord", logging.WARNING, detail=skipped)
        try:
            self.commands_synced = await sync_commands(
                self,
                self.store,
                self.command_tree,
                self.kith.services.clock,
                guild_id=self.options.guild_id,
            )
        except discord.HTTPException as exc:
            # Buttons and scheduled posts still work with stale commands; say so loudly.
            event(
                log,
                "commands_sync_failed",
                logging.ERROR,
                status=exc.status,
                code=exc.code,
                hint="check the applications.commands scope and KITH_DISCORD_GUILD_ID",
            )
        if self.options.run_timer:
            self.timer = Timer(self.tick)
            self.timer.start()

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        if self.options.identify_delay is None:
            await super().before_identify_hook(shard_id, initial=initial)
        elif not initial:
            await asyncio.sleep(self.options.identify_delay)

    async def tick(self) -> datetime | None:
        """One scheduler pass: deliver what is due, say when there is more."""
        async with self.inflight.working() as accepted:
            if not accepted:
                return None
            clock = self.kith.services.clock
            await self.kith.run_due(clock.now(), self.chat)
            return await self.kith.scheduler.next_wake(clock.now())

    async def shutdown(self, seconds: float = DRAIN_SECONDS) -> None:
        """SIGTERM/SIGINT: take no new interactions or ticks, let the accepted ones finish and
        answer (at most ``seconds``), then disconnect. The caller closes the database after."""
        await self.inflight.close(seconds)  # ticks are refused too; close() stops the timer
        await self.close()

    async def close(self) -> None:
        if self.timer is not None:
            self.timer.stop()
        await super().close()

    # -- gateway events ----------------------------------------------------------------------

    async def on_ready(self) -> None:
        user = self.user
        event(
            log,
            "ready",
            user=user.id if user else "?",
            guilds=len(self.guilds),
            shards=",".join(str(s) for s in sorted(self.shards)),
            shard_count=self.shard_count,
        )
        await self.reconcile_guilds()

    async def reconcile_guilds(self) -> None:
        """A server that removed Kith while it was offline sends no GUILD_DELETE. Every active
        community on this process's shards that Discord did not list at READY has left."""
        try:
            present = {guild.id for guild in self.guilds}  # unavailable ones are listed too
            count, mine = self.shard_count or 1, set(self.shards)
            rows = await self.kith.services.db.fetchall(
                "SELECT id FROM communities WHERE platform = ? AND active = 1", PLATFORM
            )
            for row in rows:
                ref = CommunityRef.parse(row["id"])
                try:
                    guild_id = snowflake(ref.id)
                except ValueError:
                    continue
                if guild_id in present or (guild_id >> 22) % count not in mine:
                    continue
                await community_left(self.kith, ref, self.kith.services.clock.now())
                self.dispatch("kith_community_changed", guild_id, "left")
        finally:
            self.reconciled.set()

    async def on_interaction(self, interaction: discord.Interaction[Any]) -> None:
        async with self.inflight.working() as accepted:
            if accepted:  # else shutting down: left unanswered, so the member can retry
                await self.kith_handler.on_interaction(interaction)

    async def on_guild_join(self, guild: discord.Guild) -> None:
        """Kith was added to a server: its community exists from now on."""
        await community_joined(self.kith, community_ref(guild.id), self.kith.services.clock.now())
        self.dispatch("kith_community_changed", guild.id, "joined")

    async def on_guild_available(self, guild: discord.Guild) -> None:
        """A server Kith is in came online (start-up, or after an outage). If Kith was added
        while it was offline, this is the first it hears of the server."""
        await community_joined(self.kith, community_ref(guild.id), self.kith.services.clock.now())
        self.dispatch("kith_community_changed", guild.id, "joined")

    async def on_guild_remove(self, guild: discord.Guild) -> None:
        """Kith was removed (or the server deleted): pause, keep every row."""
        await community_left(self.kith, community_ref(guild.id), self.kith.services.clock.now())
        self.dispatch("kith_community_changed", guild.id, "left")

    async def on_message(self, message: discord.Message) -> None:
        """Direct messages to Kith go to the core (safety screening, typed answers) for the
        community Kith last wrote to that member from. Channel messages are never read."""
        async with self.inflight.working() as accepted:
            if accepted:
                await self._direct_message(message)

    async def _direct_message(self, message: discord.Message) -> None:
        if message.guild is not None or message.author.bot or not message.content:
            return
        key = await self.store.dm_community(None, str(message.channel.id))
        if key is None:
            return
        who = inbound.actor(
            CommunityRef.parse(key).id,
            message.author.id,
            message.author.display_name,
            permissions=0,
        )
        reply = await self.kith.handle(DirectTextEvent(who, message.content), self.chat)
        if reply.message is not None:
            await self.chat.send_private(who.user, reply.message)
