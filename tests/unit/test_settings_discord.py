"""Discord settings: shard ranges and the development guild."""

from __future__ import annotations

import pytest

from bot.settings import Settings, SettingsError, ShardRange, parse_shards

BASE = {"DISCORD_TOKEN": "token.part.secret"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0-3/8", ShardRange((0, 1, 2, 3), 8)),
        ("5/8", ShardRange((5,), 8)),
        ("0,2, 4/8", ShardRange((0, 2, 4), 8)),
        ("0-0/1", ShardRange((0,), 1)),
    ],
)
def test_shard_ranges(text: str, expected: ShardRange) -> None:
    assert parse_shards(text) == expected
    assert Settings.from_env({**BASE, "KITH_DISCORD_SHARDS": text}).discord_shards == expected


@pytest.mark.parametrize("text", ["8/8", "0-3", "3-1/8", "a-b/8", "0-3/0", "/8", "1,1/4", "0-3/x"])
def test_bad_shard_ranges_are_one_clear_error(text: str) -> None:
    with pytest.raises(SettingsError, match="KITH_DISCORD_SHARDS"):
        Settings.from_env({**BASE, "KITH_DISCORD_SHARDS": text})


def test_shards_default_to_what_discord_recommends() -> None:
    assert Settings.from_env(BASE).discord_shards is None


def test_guild_id_must_be_a_snowflake() -> None:
    assert Settings.from_env(
        {**BASE, "KITH_DISCORD_GUILD_ID": "123456789012345678"}
    ).discord_guild_id
    with pytest.raises(SettingsError, match="KITH_DISCORD_GUILD_ID"):
        Settings.from_env({**BASE, "KITH_DISCORD_GUILD_ID": "my-server"})
