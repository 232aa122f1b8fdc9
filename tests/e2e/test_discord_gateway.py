"""The real discord.py client against the fake: login, intents, command sync, the gateway
(READY, GUILD_CREATE/DELETE, RECONNECT and RESUME), sharding, a rejected token, and the timer."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import discord
import pytest

from adapters.discord.run import serve
from adapters.discord.sync import sync_key
from bot.settings import Settings, ShardRange
from tests.e2e.discord_fake import PRIVILEGED_INTENTS, TOKEN
from tests.e2e.discord_helpers import FAST, World, discord_world, fake_discord

START = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)  # Monday, 06:00 UTC
COMMANDS = r"/applications/\d+/commands"


@pytest.fixture
async def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[World]:
    async with discord_world(tmp_path, monkeypatch, START) as w:
        yield w


async def community_row(world: World, guild_id: str) -> dict[str, object] | None:
    assert world.bot is not None
    row = await world.bot.db.fetchone(
        "SELECT * FROM communities WHERE id = ?", f"discord:{guild_id}"
    )
    return dict(row) if row else None


async def test_login_and_ready_with_default_intents_only(world: World) -> None:
    fake = world.fake
    first = [(c.method, c.path) for c in fake.calls[:2]]
    assert first == [("GET", "/users/@me"), ("GET", "/oauth2/applications/@me")]
    (identify,) = fake.identifies
    assert identify["intents"] == discord.Intents.default().value
    assert identify["intents"] & PRIVILEGED_INTENTS == 0
    assert world.bot is not None and world.bot.client.is_ready()
    # The server Kith was already in at start-up is a community from the first moment.
    assert await community_row(world, world.gid) is not None


async def test_commands_sync_once_and_not_again_when_unchanged(world: World) -> None:
    fake = world.fake
    assert len(fake.calls_to("PUT", COMMANDS)) == 1
    registered = {c["name"] for c in fake.commands["global"]}
    assert {"kith", "checkin", "kind", "thanks", "streak", "leaderboard"} <= registered

    await world.restart()
    assert len(fake.calls_to("PUT", COMMANDS)) == 1  # same tree: Discord is not called

    assert world.bot is not None
    key = sync_key(int(fake.app_id), "")
    await world.bot.client.store.put(key, "an older tree", world.clock.now())
    await world.restart()
    assert len(fake.calls_to("PUT", COMMANDS)) == 2  # the tree changed: synced again


async def test_development_guild_sync(world: World) -> None:
    await world.restart(guild_id=world.gid)
    guild_puts = world.fake.calls_to("PUT", rf"/applications/\d+/guilds/{world.gid}/commands")
    assert len(guild_puts) == 1
    assert {c["name"] for c in world.fake.commands[f"guild:{world.gid}"]} >= {"kith"}
    await world.restart(guild_id=world.gid)
    assert len(world.fake.calls_to("PUT", rf"/applications/\d+/guilds/{world.gid}/commands")) == 1


async def test_reconnect_resumes_the_same_session(world: World) -> None:
    fake = world.fake
    session = await fake.reconnect(world.gid)
    await fake.until(lambda: len(fake.resumes) == 1 and session.ws is not None)
    assert fake.resumes[0]["session_id"] == session.id
    assert len(fake.identifies) == 1  # resumed, not re-identified
    reply = await world.slash(world.bo, "kith help")
    assert "not a therapy or crisis service" in reply.text


def community_change(world: World, guild_id: str, state: str) -> asyncio.Future[object]:
    """Resolves when the client has written a server's arrival or departure to the database."""
    assert world.bot is not None
    return asyncio.ensure_future(
        world.bot.client.wait_for(
            "kith_community_changed",
            check=lambda gid, what: str(gid) == guild_id and what == state,
            timeout=10,
        )
    )


async def test_guild_join_creates_the_community_and_removal_pauses_without_deleting(
    world: World,
) -> None:
    fake = world.fake
    newcomer = fake.add_guild("Newcomer", ("lobby",))
    joined = community_change(world, newcomer["id"], "joined")
    await fake.join_guild(newcomer)
    await joined
    row = await community_row(world, newcomer["id"])
    assert row is not None and row["active"] == 1

    lobby = fake.channel(newcomer["id"], "lobby")
    setup = await fake.answer(
        await fake.slash(
            newcomer["id"],
            world.ada,
            lobby["id"],
            "kith setup checkin",
            {"channel": lobby["id"], "time": "09:00"},
            admin=True,
        )
    )
    assert "set up" in setup.text

    left = community_change(world, newcomer["id"], "left")
    await fake.remove_guild(newcomer["id"])
    await left
    assert world.bot is not None
    db = world.bot.db
    key = f"discord:{newcomer['id']}"
    assert await db.fetchval("SELECT paused FROM programmes WHERE community_id = ?", key) == 1
    assert (await community_row(world, newcomer["id"]) or {})["active"] == 0
    await world.advance(timedelta(days=1))
    assert fake.posts(lobby["id"]) == []  # nothing posted into a server Kith left
    assert await db.fetchval("SELECT COUNT(*) FROM programmes WHERE community_id = ?", key) == 1

    rejoined = community_change(world, newcomer["id"], "joined")
    await fake.join_guild(newcomer)
    await rejoined
    assert await db.fetchval("SELECT paused FROM programmes WHERE community_id = ?", key) == 0
    await world.advance(timedelta(days=1))
    assert len(fake.posts(lobby["id"])) == 1  # back to posting


async def test_a_server_that_removed_kith_while_it_was_offline_is_paused(world: World) -> None:
    reply = await world.slash(
        world.ada, "kith setup checkin", {"channel": world.general["id"], "time": "09:00"}
    )
    assert "set up" in reply.text
    other = world.fake.add_guild("Elsewhere", guild_id=world.fake.guild_id_for_shard(0, 2))
    await world.stop()
    del world.fake.guilds[world.gid]  # removed while Kith was down: no GUILD_DELETE
    await world.start(shards=ShardRange((1,), 2))  # a process that does not hold either server
    assert world.bot is not None
    await world.bot.client.reconciled.wait()
    home_shard = (int(world.gid) >> 22) % 2
    paused = await world.bot.db.fetchval("SELECT paused FROM programmes WHERE kind = 'checkin'")
    assert paused == (1 if home_shard == 1 else 0)  # only the process holding its shard decides
    await world.restart(shards=ShardRange((0, 1), 2))
    assert world.bot is not None
    await world.bot.client.reconciled.wait()
    assert await world.bot.db.fetchval("SELECT paused FROM programmes WHERE kind = 'checkin'") == 1
    assert (await community_row(world, world.gid) or {})["active"] == 0
    assert (await community_row(world, other["id"]) or {})["active"] == 1


async def test_sharded_process_runs_only_its_shards(world: World) -> None:
    fake = world.fake
    await world.stop()
    fake.identifies.clear()
    fake.calls.clear()
    on_one = fake.add_guild("Shard one", guild_id=fake.guild_id_for_shard(1, 2))
    on_zero = fake.add_guild("Shard zero", guild_id=fake.guild_id_for_shard(0, 2))
    await world.start(shards=ShardRange((1,), 2))
    assert [i["shard"] for i in fake.identifies] == [[1, 2]]
    assert world.bot is not None
    client = world.bot.client
    assert client.get_guild(int(on_one["id"])) is not None
    assert client.get_guild(int(on_zero["id"])) is None
    assert fake.calls_to("GET", "/gateway/bot") == []  # the shard count was given

    await world.stop()
    fake.identifies.clear()
    await world.start(shards=ShardRange((0, 1), 2))
    assert sorted(i["shard"][0] for i in fake.identifies) == [0, 1]
    lobby = fake.channel(on_one["id"], "general")
    reply = await fake.answer(await fake.slash(on_one["id"], world.bo, lobby["id"], "kith help"))
    assert reply.ephemeral and "Kith" in reply.text


async def test_unsharded_process_asks_discord_how_many_shards(world: World) -> None:
    assert len(world.fake.calls_to("GET", "/gateway/bot")) == 1


async def test_rejected_token_is_one_clear_error(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wrong = "MTIz.wrong.token-that-must-not-be-printed"
    settings = Settings.from_env(
        {
            "KITH_PLATFORM": "discord",
            "DISCORD_TOKEN": wrong,
            "KITH_DATABASE_URL": str(tmp_path / "other.sqlite3"),
        }
    )
    assert await serve(settings) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Discord rejected DISCORD_TOKEN" in err
    assert wrong not in err and "Traceback" not in err


async def test_the_scheduler_tick_runs_in_the_bot_process(world: World) -> None:
    reply = await world.slash(
        world.ada, "kith setup checkin", {"channel": world.general["id"], "time": "09:00"}
    )
    assert "set up" in reply.text
    await world.stop()
    world.clock.set(START + timedelta(hours=3, minutes=1))  # 09:01 UTC, nobody ran the tick
    await world.start(run_timer=True)
    assert world.bot is not None and world.bot.client.timer is not None
    await world.fake.until(lambda: len(world.fake.posts(world.general["id"])) == 1)


async def test_a_refused_command_sync_is_logged_and_retried_on_the_next_start(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    await world.stop()
    world.fake.fail("PUT", rf"/applications/\d+/guilds/{world.gid}/commands", 403, code=50001)
    await world.start(guild_id=world.gid)
    assert world.bot is not None and world.bot.client.commands_synced is None
    assert "commands_sync_failed" in caplog.text and "applications.commands" in caplog.text
    reply = await world.slash(world.bo, "kith help")  # the bot runs on with the old commands
    assert "Kith" in reply.text
    await world.restart(guild_id=world.gid)
    assert world.bot is not None and world.bot.client.commands_synced is True


@pytest.mark.parametrize(
    ("code", "reason", "says"),
    [
        (4010, "Invalid shard.", "KITH_DISCORD_SHARDS"),
        (4011, "Sharding required.", "requires sharding"),
        (4012, "Invalid API version.", "upgrade Kith"),
        (4013, "Invalid intent(s).", "invalid intents"),
    ],
)
async def test_a_gateway_refusal_is_one_clear_line_and_exit_2(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    code: int,
    reason: str,
    says: str,
) -> None:
    """Close codes after which discord.py stops reconnecting: a setting to fix, so a supervisor
    must not restart Kith in a loop (Discord resets a token after 1,000 logins a day)."""
    async with fake_discord(monkeypatch) as fake:
        fake.refuse_identify = (code, reason)
        settings = Settings.from_env(
            {
                "KITH_PLATFORM": "discord",
                "DISCORD_TOKEN": TOKEN,
                "KITH_DATABASE_URL": str(tmp_path / "kith.sqlite3"),
            }
        )
        assert await asyncio.wait_for(serve(settings, FAST), 30) == 2
        assert len(fake.identifies) == 1  # not retried
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("kith: Discord ") and says in err, err
    assert f"close code {code}" in err
    assert TOKEN not in err and "Traceback" not in err
