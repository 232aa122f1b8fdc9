"""The invite link asks for exactly what Kith uses: two scopes and six channel permissions."""

from __future__ import annotations

import base64
from urllib.parse import parse_qs, urlparse

import discord
import pytest

from adapters.discord.invite import client_id_from_token, invite_url, permissions
from bot.cli import main

APP_ID = "1234567890123456789"


def test_url_has_exactly_the_scopes_and_permission_integer() -> None:
    query = parse_qs(urlparse(invite_url(APP_ID)).query)
    assert query["client_id"] == [APP_ID]
    assert query["scope"] == ["bot applications.commands"]
    granted = discord.Permissions(int(query["permissions"][0]))
    assert {name for name, value in granted if value} == {
        "read_messages",  # discord.py's name for View Channel when iterating
        "send_messages",
        "read_message_history",
        "create_public_threads",
        "create_private_threads",
        "send_messages_in_threads",
    }
    assert int(query["permissions"][0]) == permissions().value == 377957190656


def test_no_dangerous_permissions() -> None:
    granted = permissions()
    risky = ("administrator", "manage_guild", "mention_everyone", "manage_messages")
    for name in (*risky, "manage_threads", "manage_roles", "kick_members", "ban_members"):
        assert not getattr(granted, name), name


def test_client_id_is_read_from_the_bot_token() -> None:
    head = base64.b64encode(APP_ID.encode()).decode().rstrip("=")
    assert client_id_from_token(f"{head}.GhIjKl.secretpart") == APP_ID
    assert client_id_from_token("not-a-token") is None
    assert client_id_from_token("") is None


def test_cli_prints_the_url_and_reasons(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["discord", "invite-url", "--client-id", APP_ID]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == invite_url(APP_ID)
    assert "Create Private Threads" in out and "applications.commands" in out


def test_cli_without_an_id_or_token_is_one_clear_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)  # type: ignore[arg-type]
    assert main(["discord", "invite-url"]) == 2
    err = capsys.readouterr().err
    assert "--client-id" in err and "Traceback" not in err
    assert main(["discord", "invite-url", "--client-id", "abc"]) == 2
