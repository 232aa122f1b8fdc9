"""Settings, parsed from a mapping of environment variables (and an optional ``.env``).

Parsing takes a mapping rather than reading ``os.environ`` so tests can pass exactly what they mean.
Secrets are wrapped so that printing or logging a Settings object never shows them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

PLATFORMS = ("console", "discord", "slack")
# How late a scheduled post may still go out after downtime (KITH_GRACE_MINUTES); a programme
# keeps the value it was set up with, and `/kith setup … grace:` changes it per programme.
DEFAULT_GRACE_MINUTES = 120


class SettingsError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Secret:
    value: str = field(repr=False)

    def __repr__(self) -> str:
        return "Secret('***')" if self.value else "Secret('')"

    __str__ = __repr__

    def __bool__(self) -> bool:
        return bool(self.value)


@dataclass(frozen=True, slots=True)
class ShardRange:
    """The Discord shards this process runs: ``ids`` out of ``count`` in total."""

    ids: tuple[int, ...]
    count: int


def parse_shards(text: str) -> ShardRange:
    """``0-3/8`` (shards 0 to 3 of 8), ``5/8`` (one shard) or ``0,2,4/8`` (a list)."""
    wanted, _, total = text.replace(" ", "").partition("/")
    problem = SettingsError(
        f"KITH_DISCORD_SHARDS={text[:20]!r} should look like 0-3/8 (shards 0 to 3 of 8)."
    )
    if not total.isdigit() or not 0 < int(total) <= 100_000 or not wanted:
        raise problem
    ids: list[int] = []
    for part in wanted.split(","):
        first, dash, last = part.partition("-")
        if not first.isdigit() or (dash and not (last.isdigit() and int(last) >= int(first))):
            raise problem
        ids.extend(range(int(first), int(last if dash else first) + 1))
    if not ids or len(set(ids)) != len(ids) or max(ids) >= int(total):
        raise problem
    return ShardRange(tuple(sorted(ids)), int(total))


def default_database_url() -> str:
    return str(Path(platformdirs.user_data_dir("kith", appauthor=False)) / "kith.sqlite3")


@dataclass(frozen=True)
class Settings:
    platform: str
    platform_reason: str
    database_url: str
    log_level: str = "INFO"
    sqlite_synchronous: str = "FULL"
    default_grace_minutes: int = DEFAULT_GRACE_MINUTES
    discord_token: Secret = Secret("")
    discord_guild_id: str = ""
    discord_shards: ShardRange | None = None
    slack_bot_token: Secret = Secret("")
    slack_app_token: Secret = Secret("")
    slack_signing_secret: Secret = Secret("")
    http_port: int | None = None
    ops_port: int | None = None  # /healthz and /metrics; None: not served
    ops_host: str = "127.0.0.1"
    log_format: str = "text"

    @property
    def secrets(self) -> list[str]:
        return [
            s.value
            for s in (
                self.discord_token,
                self.slack_bot_token,
                self.slack_app_token,
                self.slack_signing_secret,
            )
            if s
        ]

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        def get(name: str) -> str:
            return env.get(name, "").strip()

        discord, slack_bot = Secret(get("DISCORD_TOKEN")), Secret(get("SLACK_BOT_TOKEN"))
        slack_app, signing = Secret(get("SLACK_APP_TOKEN")), Secret(get("SLACK_SIGNING_SECRET"))
        chosen = get("KITH_PLATFORM").lower()
        if chosen:
            if chosen not in PLATFORMS:
                raise SettingsError(
                    f"KITH_PLATFORM={chosen[:20]!r} is not one of {', '.join(PLATFORMS)}."
                )
            platform, reason = chosen, "KITH_PLATFORM"
        elif discord:
            platform, reason = "discord", "DISCORD_TOKEN is set"
        elif slack_bot:
            platform, reason = "slack", "SLACK_BOT_TOKEN is set"
        else:
            platform, reason = "console", "no platform credentials are configured"
        if platform == "discord" and not discord:
            raise SettingsError("KITH_PLATFORM=discord needs DISCORD_TOKEN (the bot token).")
        if platform == "slack" and not slack_bot:
            raise SettingsError("KITH_PLATFORM=slack needs SLACK_BOT_TOKEN (xoxb-…).")

        port_text = get("KITH_HTTP_PORT")
        port: int | None = None
        if port_text:
            if not port_text.isdigit() or not 0 < int(port_text) < 65536:
                raise SettingsError(f"KITH_HTTP_PORT={port_text[:10]!r} is not a port number.")
            port = int(port_text)
        grace_text = get("KITH_GRACE_MINUTES") or str(DEFAULT_GRACE_MINUTES)
        if not grace_text.isdigit() or not 0 <= int(grace_text) <= 24 * 60:
            raise SettingsError("KITH_GRACE_MINUTES must be a whole number of minutes, 0 to 1440.")
        level = (get("KITH_LOG_LEVEL") or "INFO").upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise SettingsError("KITH_LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR.")
        sync = (get("KITH_SQLITE_SYNCHRONOUS") or "FULL").upper()
        if sync not in {"FULL", "NORMAL", "EXTRA"}:
            raise SettingsError("KITH_SQLITE_SYNCHRONOUS must be FULL, NORMAL or EXTRA.")
        guild_id = get("KITH_DISCORD_GUILD_ID")
        if guild_id and not (guild_id.isdigit() and len(guild_id) <= 20):
            raise SettingsError("KITH_DISCORD_GUILD_ID must be a server id (digits only).")
        shards = parse_shards(get("KITH_DISCORD_SHARDS")) if get("KITH_DISCORD_SHARDS") else None
        ops_port, ops_host, log_format = _ops(get)
        return cls(
            platform=platform,
            platform_reason=reason,
            database_url=get("KITH_DATABASE_URL") or default_database_url(),
            log_level=level,
            sqlite_synchronous=sync,
            default_grace_minutes=int(grace_text),
            discord_token=discord,
            discord_guild_id=guild_id,
            discord_shards=shards,
            slack_bot_token=slack_bot,
            slack_app_token=slack_app,
            slack_signing_secret=signing,
            http_port=port,
            ops_port=ops_port,
            ops_host=ops_host,
            log_format=log_format,
        )


def _ops(get: Callable[[str], str]) -> tuple[int | None, str, str]:
    """KITH_OPS_PORT (0: any free port, logged), KITH_OPS_HOST, KITH_LOG_FORMAT."""
    text = get("KITH_OPS_PORT")
    port: int | None = None
    if text:
        if not text.isdigit() or not 0 <= int(text) < 65536:
            raise SettingsError(f"KITH_OPS_PORT={text[:10]!r} is not a port number.")
        port = int(text)
    log_format = (get("KITH_LOG_FORMAT") or "text").lower()
    if log_format not in {"text", "json"}:
        raise SettingsError("KITH_LOG_FORMAT must be text or json.")
    return port, get("KITH_OPS_HOST") or "127.0.0.1", log_format
