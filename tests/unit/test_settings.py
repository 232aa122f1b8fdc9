from __future__ import annotations

import pytest

from bot.settings import Settings, SettingsError


def test_console_is_the_default_without_credentials() -> None:
    settings = Settings.from_env({})
    assert settings.platform == "console"
    assert settings.platform_reason == "no platform credentials are configured"
    assert settings.database_url.endswith("kith.sqlite3")


def test_platform_follows_credentials_and_explicit_choice() -> None:
    assert Settings.from_env({"DISCORD_TOKEN": "abc.def"}).platform == "discord"
    assert Settings.from_env({"SLACK_BOT_TOKEN": "xoxb-1"}).platform == "slack"
    assert (
        Settings.from_env({"KITH_PLATFORM": "Console", "DISCORD_TOKEN": "x"}).platform == "console"
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"KITH_PLATFORM": "discord"}, "needs DISCORD_TOKEN"),
        ({"KITH_PLATFORM": "slack"}, "needs SLACK_BOT_TOKEN"),
        ({"KITH_PLATFORM": "irc"}, "is not one of"),
        ({"KITH_HTTP_PORT": "http"}, "not a port"),
        ({"KITH_HTTP_PORT": "70000"}, "not a port"),
        ({"KITH_GRACE_MINUTES": "-5"}, "KITH_GRACE_MINUTES"),
        ({"KITH_LOG_LEVEL": "loud"}, "KITH_LOG_LEVEL"),
        ({"KITH_SQLITE_SYNCHRONOUS": "OFF"}, "KITH_SQLITE_SYNCHRONOUS"),
    ],
)
def test_bad_settings_are_one_clear_error(env: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        Settings.from_env(env)


def test_secrets_never_show_in_repr() -> None:
    settings = Settings.from_env(
        {
            "DISCORD_TOKEN": "super-secret-token-value",
            "SLACK_SIGNING_SECRET": "another-secret-value",
        }
    )
    assert "super-secret" not in repr(settings) and "another-secret" not in str(settings)
    assert settings.secrets == ["super-secret-token-value", "another-secret-value"]


def test_values_are_read() -> None:
    settings = Settings.from_env(
        {
            "KITH_DATABASE_URL": "/data/k.sqlite3",
            "KITH_HTTP_PORT": "8080",
            "KITH_GRACE_MINUTES": "30",
            "KITH_LOG_LEVEL": "debug",
        }
    )
    assert (
        settings.database_url,
        settings.http_port,
        settings.default_grace_minutes,
        settings.log_level,
    ) == ("/data/k.sqlite3", 8080, 30, "DEBUG")
