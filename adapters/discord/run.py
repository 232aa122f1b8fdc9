"""``kith run`` with ``KITH_PLATFORM=discord``: build the core, connect, run until stopped."""

from __future__ import annotations

import asyncio
import logging
import sys

import aiohttp
import discord

from adapters.discord.client import ClientOptions, KithClient
from bot.app import build_kith
from bot.ops.loop_watch import LoopWatch
from bot.ops.server import start_ops, stop_ops
from bot.scheduling.clock import SystemClock
from bot.settings import Settings
from bot.shutdown import stop_on_signals

log = logging.getLogger("kith.discord")

REJECTED_TOKEN = (
    "kith: Discord rejected DISCORD_TOKEN. Copy the bot token again from the Developer Portal "
    "(your application → Bot → Reset Token) and set DISCORD_TOKEN to it."
)
AUTHENTICATION_FAILED = 4004  # gateway close code: the token is no longer valid
# Close codes after which discord.py gives up instead of reconnecting: each is a setting to fix,
# so a supervisor restarting Kith would only fail again (and Discord resets a token after 1,000
# logins in a day). One line saying what to fix, and exit status 2 like a rejected token.
GATEWAY_REFUSALS = {
    4010: "Discord refused the shard Kith asked for (gateway close code 4010, invalid shard): "
    "check KITH_DISCORD_SHARDS, like 0-3/8 for shards 0 to 3 of 8.",
    4011: "Discord requires sharding for this bot (gateway close code 4011, sharding "
    "required): it is in too many servers for one connection; unset KITH_DISCORD_SHARDS to "
    "let Kith ask Discord how many shards to run, or set a larger count.",
    4012: "Discord refused the gateway API version (close code 4012, invalid API version): "
    "this Kith is too old for Discord's gateway; upgrade Kith.",
    4013: "Discord refused the gateway intents Kith sent (close code 4013, invalid intents); "
    "check that nothing overrides the default intents.",
}
INTENTS_REFUSED = (
    "kith: Discord refused the gateway intents Kith asked for. Kith needs no privileged intents; "
    "check that nothing overrides the default intents."
)


def main(settings: Settings) -> int:
    """Run the Discord bot; the exit code for ``kith run``."""

    async def run() -> int:
        stop = asyncio.Event()
        stop_on_signals(stop)  # SIGTERM/SIGINT: finish what was accepted, exit 0 (bot.shutdown)
        return await serve(settings, stop=stop)

    try:
        return asyncio.run(run())
    except KeyboardInterrupt:
        return 130


async def serve(
    settings: Settings, options: ClientOptions | None = None, stop: asyncio.Event | None = None
) -> int:
    kith, db = await build_kith(
        settings.database_url,
        SystemClock(),
        sqlite_synchronous=settings.sqlite_synchronous,
        default_grace_minutes=settings.default_grace_minutes,
    )
    client = KithClient(
        kith,
        options
        or ClientOptions(guild_id=settings.discord_guild_id, shards=settings.discord_shards),
    )
    ops = None
    watch = LoopWatch(kith.services.metrics).start()  # kith_event_loop_lag_seconds, stall logs
    stopping = asyncio.create_task(_shutdown_on(stop, client)) if stop is not None else None
    try:
        ops = await start_ops(settings, kith)  # /healthz and /metrics, if KITH_OPS_PORT is set
        await client.start(settings.discord_token.value)
    except discord.LoginFailure:
        print(REJECTED_TOKEN, file=sys.stderr)
        return 2
    except discord.ConnectionClosed as exc:
        if exc.code in GATEWAY_REFUSALS:
            print(f"kith: {GATEWAY_REFUSALS[exc.code]}", file=sys.stderr)
            return 2
        if exc.code != AUTHENTICATION_FAILED:
            raise
        # The token was reset while Kith ran: the same clear line as at start-up and exit 2, a
        # configuration error a supervisor can be told not to restart on, not a traceback.
        print(REJECTED_TOKEN, file=sys.stderr)
        return 2
    except discord.PrivilegedIntentsRequired:
        print(INTENTS_REFUSED, file=sys.stderr)
        return 2
    except (aiohttp.ClientConnectionError, OSError) as exc:
        print(
            f"kith: could not reach Discord ({type(exc).__name__}); is the network up?",
            file=sys.stderr,
        )
        return 1
    finally:
        if stopping is not None and not stopping.done():
            stopping.cancel()
        if not client.is_closed():
            await client.close()
        await stop_ops(ops)
        await watch.stop()
        await db.close()
    return 0


async def _shutdown_on(stop: asyncio.Event, client: KithClient) -> None:
    await stop.wait()
    await client.shutdown()  # ends client.start(); serve then closes the database
