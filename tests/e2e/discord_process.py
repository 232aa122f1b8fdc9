"""``kith run`` on Discord as its own process, pointed at a loopback fake Discord.

The test keeps the fake in its own event loop (so it outlives every bot process) and starts this
module with ``python -m tests.e2e.discord_process API_BASE GATEWAY_URL``; settings come from the
environment exactly as for ``kith run``. Only where discord.py connects is changed, plus, when
``CHAOS_LEASE_SECONDS`` is set, the scheduler's lease: a real-clock test cannot wait out the
production lease after each SIGKILL.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import BinaryIO

import discord
import yarl

ROOT = Path(__file__).resolve().parents[2]


def main() -> int:
    api_base, gateway = sys.argv[1], sys.argv[2]
    discord.http.Route.BASE = api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway)
    if lease := os.environ.get("CHAOS_LEASE_SECONDS"):
        import bot.scheduling.scheduler

        bot.scheduling.scheduler.LEASE = timedelta(seconds=float(lease))
    from bot import cli

    return cli.main(["run"])


async def start(
    api_base: str, gateway: str, database: Path, **extra: str
) -> asyncio.subprocess.Process:
    """The bot process, with stdout and stderr kept in files next to the database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KITH_", "DISCORD_", "SLACK_"))}
    env.update(
        {
            "KITH_PLATFORM": "discord",
            "DISCORD_TOKEN": "fake-bot-token",
            "KITH_DATABASE_URL": str(database),
            "KITH_LOG_LEVEL": "WARNING",
        }
        | extra
    )
    log = database.with_suffix(".log").open("ab")
    try:
        return await _spawn(api_base, gateway, env, log)
    finally:
        log.close()  # the child has its own copy


async def _spawn(
    api_base: str, gateway: str, env: dict[str, str], log: BinaryIO
) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.e2e.discord_process",
        api_base,
        gateway,
        env=env,
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=log,
    )


if __name__ == "__main__":
    raise SystemExit(main())
