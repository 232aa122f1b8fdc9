"""``compose.yaml``: PostgreSQL and two Kith processes, run here as compose would start them.

Docker is not available here, so the file is read as compose reads it (YAML merge keys and
``${VAR:?…}`` interpolation) and its two Kith services are started as real ``kith run``
processes with their environment, against a fresh PostgreSQL database in place of the ``db``
service and a loopback Discord in place of Discord. Both migrate the empty database at once,
each runs the shard compose gives it and answers its own server, both write to the one
database, each container's health check says healthy, and both stop cleanly on ``SIGTERM``.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import asyncpg
import yaml

from bot.settings import parse_shards
from bot.shutdown import DRAIN_SECONDS
from tests.e2e import discord_process
from tests.e2e.discord_fake import FakeDiscord
from tests.pg import scratch_database

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 60.0
PASSWORD = "s3cret-for-the-test"


def interpolate(value: str, env: dict[str, str]) -> str:
    """Compose's ``${VAR}``, ``${VAR:-default}`` and ``${VAR:?error}``."""

    def one(match: re.Match[str]) -> str:
        name, operator, rest = match.group(1), match.group(2) or "", match.group(3) or ""
        if env.get(name):
            return env[name]
        assert operator != ":?", f"compose would stop: {rest}"
        return rest

    return re.sub(r"\$\{(\w+)(:[-?])?([^}]*)\}", one, value)


def compose(env: dict[str, str]) -> dict[str, Any]:
    text = interpolate((ROOT / "compose.yaml").read_text(), env)
    loaded: dict[str, Any] = yaml.safe_load(text)
    return loaded


def seconds(duration: str) -> float:
    match = re.fullmatch(r"(\d+)(s|m)", duration)
    assert match, duration
    return int(match.group(1)) * (60 if match.group(2) == "m" else 1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_compose_needs_a_database_password() -> None:
    try:
        compose({})
    except AssertionError as exc:
        assert "POSTGRES_PASSWORD" in str(exc)
    else:
        raise AssertionError("compose.yaml runs PostgreSQL with no password")


async def test_compose_runs_two_kith_processes_that_share_postgresql(tmp_path: Path) -> None:
    services = compose({"POSTGRES_PASSWORD": PASSWORD})["services"]
    db = services["db"]["environment"]
    kiths = {name: s for name, s in services.items() if s.get("build") == "."}
    assert len(kiths) == 2
    shards = {}
    for name, service in kiths.items():
        assert service["depends_on"]["db"]["condition"] == "service_healthy"
        assert seconds(service["stop_grace_period"]) > DRAIN_SECONDS
        url = urlsplit(service["environment"]["KITH_DATABASE_URL"])
        # The database compose runs, with the credentials it gives it.
        assert (url.scheme, url.hostname, url.port) == ("postgresql", "db", 5432)
        assert (url.username, url.password) == (db["POSTGRES_USER"], db["POSTGRES_PASSWORD"])
        assert url.path == f"/{db['POSTGRES_DB']}"
        shards[name] = parse_shards(service["environment"]["KITH_DISCORD_SHARDS"])
    counts = {s.count for s in shards.values()}
    ids = [i for s in shards.values() for i in s.ids]
    assert len(counts) == 1 and sorted(ids) == list(range(counts.pop()))  # each shard once

    fake = await FakeDiscord().start()
    fake.shard_count = 2
    guilds = [fake.add_guild(f"Home {n}", guild_id=fake.guild_id_for_shard(n, 2)) for n in range(2)]
    ada = fake.add_user("Ada")
    processes: list[asyncio.subprocess.Process] = []
    ports: list[int] = []
    try:
        async with scratch_database() as database_url:
            for name, service in kiths.items():
                ports.append(free_port())
                environment = {k: str(v) for k, v in service["environment"].items()}
                environment |= {"KITH_DATABASE_URL": database_url, "KITH_OPS_PORT": str(ports[-1])}
                processes.append(
                    await discord_process.start(
                        fake.api_base, fake.gateway_url, tmp_path / f"{name}.db", **environment
                    )
                )
            await fake.until(
                lambda: (
                    {s.shard for s in fake.sessions.values()} == {(0, 2), (1, 2)}
                    and bool(fake.commands)
                ),
                LIMIT,
            )
            for guild in guilds:
                general = fake.channel(guild["id"], "general")["id"]
                setup = await fake.slash(
                    guild["id"],
                    ada,
                    general,
                    "kith setup kindness",
                    {"channel": general},
                    admin=True,
                )
                assert "set up" in (await fake.answer(setup, LIMIT)).text
            connection = await asyncpg.connect(database_url)
            try:
                communities = await connection.fetch(
                    "SELECT community_id FROM programmes WHERE kind = 'kindness'"
                )
            finally:
                await connection.close()
            assert {r["community_id"] for r in communities} == {
                f"discord:{g['id']}" for g in guilds
            }
            for port in ports:
                health = await asyncio.to_thread(kith_health, port)
                assert health.returncode == 0, health.stderr
            for process in processes:
                process.send_signal(signal.SIGTERM)
            for process in processes:
                assert await asyncio.wait_for(process.wait(), LIMIT) == 0
    finally:
        for process in processes:
            if process.returncode is None:
                process.kill()
                await process.wait()
        await fake.stop()


def kith_health(port: int) -> subprocess.CompletedProcess[str]:
    """The image's HEALTHCHECK (``kith health``) in the container's environment."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KITH_", "DISCORD_"))}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "health"],
        env=env | {"KITH_OPS_PORT": str(port)},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    )
