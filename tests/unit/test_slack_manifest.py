"""The Slack app manifest is generated from the registry, and the committed file matches it."""

from __future__ import annotations

from pathlib import Path

from adapters.slack.app import command_words
from adapters.slack.manifest import BOT_EVENTS, BOT_SCOPES, build_manifest, main, manifest_json
from bot.features import build_registry

COMMITTED = Path(__file__).parents[2] / "adapters" / "slack" / "manifest.json"


def test_committed_manifest_matches_the_registry() -> None:
    assert COMMITTED.read_text(encoding="utf-8") == manifest_json(build_registry()), (
        "adapters/slack/manifest.json is out of date: "
        "python -m adapters.slack.manifest > adapters/slack/manifest.json"
    )


def test_every_top_level_command_is_a_slash_command_with_escaping() -> None:
    registry = build_registry()
    manifest = build_manifest(registry)
    commands = manifest["features"]["slash_commands"]
    assert [c["command"] for c in commands] == [f"/{w}" for w in command_words(registry)]
    assert {"/kith", "/checkin"} <= {c["command"] for c in commands}
    for command in commands:
        assert command["should_escape"] is True
        assert 0 < len(command["description"]) <= 100
        assert "url" not in command
        assert len(command["command"]) <= 32


def test_socket_mode_app_with_home_interactivity_and_scopes() -> None:
    manifest = build_manifest(build_registry())
    assert manifest["settings"]["socket_mode_enabled"] is True
    assert manifest["settings"]["interactivity"] == {"is_enabled": True}
    assert manifest["settings"]["event_subscriptions"]["bot_events"] == list(BOT_EVENTS)
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    scopes = manifest["oauth_config"]["scopes"]["bot"]
    assert scopes == list(BOT_SCOPES)
    for needed in ("commands", "chat:write", "im:write", "mpim:write", "users:read"):
        assert needed in scopes


def test_http_mode_manifest_points_every_request_at_the_url(capsys) -> None:  # type: ignore[no-untyped-def]
    url = "https://kith.example.org/slack/events"
    manifest = build_manifest(build_registry(), url)
    assert manifest["settings"]["socket_mode_enabled"] is False
    assert manifest["settings"]["interactivity"]["request_url"] == url
    assert manifest["settings"]["event_subscriptions"]["request_url"] == url
    assert all(c["url"] == url for c in manifest["features"]["slash_commands"])
    assert main(["--http", url]) == 0
    assert url in capsys.readouterr().out


def test_a_long_usage_hint_or_description_is_cut_between_words() -> None:
    """Slack cuts nothing itself: a hint cut inside a word shows a command that does not exist."""
    registry = build_registry()
    kith = next(
        c for c in build_manifest(registry)["features"]["slash_commands"] if c["command"] == "/kith"
    )
    subs = {c.path[1] for c in registry.under(("kith",)) if len(c.path) > 1}
    *shown, last = kith["usage_hint"].split(" | ")
    assert last == "…" and shown and set(shown) <= subs, kith["usage_hint"]
    assert len(kith["usage_hint"]) <= 100
    *named, last = kith["description"].removeprefix("Kith: ").split(", ")
    assert last == "…" and set(named) <= subs, kith["description"]


def test_revoked_tokens_are_subscribed() -> None:
    manifest = build_manifest(build_registry())
    assert "tokens_revoked" in manifest["settings"]["event_subscriptions"]["bot_events"]
