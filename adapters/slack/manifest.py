"""The Slack app manifest, generated from the core's command registry.

A workspace admin creates Kith by pasting ``adapters/slack/manifest.json`` at api.slack.com/apps
("From an app manifest"). A test regenerates it and fails when the committed file drifts from the
registry, so a new command can never be missing on Slack. Regenerate with
``python -m adapters.slack.manifest > adapters/slack/manifest.json``; for HTTP mode print one with
``python -m adapters.slack.manifest --http https://your.host/slack/events``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any

from adapters.slack.app import command_words
from bot.features import build_registry
from bot.registry import Registry

NAME = "Kith"
DESCRIPTION = "Daily check-ins, buddy pairing and kindness streaks for your community."
LONG_DESCRIPTION = (
    "Kith is a peer-support companion for your workspace. It posts a short daily check-in with "
    "mood buttons and room to reflect privately, pairs members who opt in with a buddy to reach "
    "out to, and keeps kindness streaks and a leaderboard the community can opt into. Stats stay "
    "aggregate, members can export or delete their data at any time, and a safety net points "
    "people to real help. Kith is not a therapy or crisis service."
)
DESCRIPTION_MAX = 100  # what Slack shows beside a command in the picker; keep it short
USAGE_MAX = 100

BOT_SCOPES = (
    "commands",  # slash commands
    "chat:write",  # posts, replies, intros
    "chat:write.public",  # post in public channels without being invited first
    "files:write",  # a member's data export, sent to their DM as a file
    "channels:join",  # join a public channel to read back its history on a retry
    "channels:history",  # find a post made before a crash (metadata) in public channels
    "groups:history",  # … and in private channels Kith was invited to
    "im:history",  # direct messages to Kith, and the retry check in DMs
    "im:write",  # open a DM with a member
    "mpim:history",  # the retry check in group DMs
    "mpim:write",  # open a group DM for buddy intros
    "users:read",  # time zone, display name, workspace admin/owner
)
# tokens_revoked: the workspace revoked Kith's bot token (without uninstalling it), so its
# programmes are paused as for an uninstall. app_rate_limited needs no subscription: Slack sends
# it to every app whose events it starts dropping.
BOT_EVENTS = ("app_home_opened", "app_uninstalled", "message.im", "tokens_revoked")


def _command(registry: Registry, word: str, url: str | None) -> dict[str, Any]:
    own = registry.commands.get((word,))
    # help first: it is what a newcomer looks for in the picker
    subs = sorted(
        {c.path[1] for c in registry.under((word,)) if len(c.path) > 1},
        key=lambda sub: (sub != "help", sub),
    )
    if own is not None:
        description = own.summary
        usage = " ".join(filter(None, [own.usage, *(f"{o.name}:…" for o in own.options)]))
    else:
        description = f"{NAME}: {', '.join(subs)}"
        usage = ""
    if subs:
        usage = " | ".join(filter(None, [usage, *subs]))
    entry: dict[str, Any] = {
        "command": f"/{word}",
        "description": _fit(description[:1].upper() + description[1:], DESCRIPTION_MAX),
        "should_escape": True,  # mentions arrive as <@U…> and <#C…>, which the core resolves
    }
    if usage:
        entry["usage_hint"] = _fit(usage, USAGE_MAX)
    if url:
        entry["url"] = url
    return entry


def _fit(text: str, limit: int) -> str:
    """``text`` within ``limit`` characters, cut between words (never inside one, which reads
    as a command that does not exist), with an ellipsis item in the list's own style."""
    if len(text) <= limit:
        return text
    suffix = " | …" if " | " in text else ", …" if ", " in text else " …"
    cut = text[: limit - len(suffix) + 1]
    cut = cut[: cut.rfind(" ")] if " " in cut else cut[: limit - len(suffix)]
    return cut.rstrip(" ,|") + suffix


def build_manifest(registry: Registry, http_url: str | None = None) -> dict[str, Any]:
    """Socket Mode by default; with ``http_url``, HTTP mode with every request URL set to it."""
    settings: dict[str, Any] = {
        "event_subscriptions": {"bot_events": list(BOT_EVENTS)},
        "interactivity": {"is_enabled": True},
        "org_deploy_enabled": False,
        "socket_mode_enabled": http_url is None,
        "token_rotation_enabled": False,
    }
    if http_url:
        settings["event_subscriptions"]["request_url"] = http_url
        settings["interactivity"]["request_url"] = http_url
    return {
        "_metadata": {"major_version": 1, "minor_version": 1},
        "display_information": {
            "name": NAME,
            "description": DESCRIPTION,
            "long_description": LONG_DESCRIPTION,
            "background_color": "#2f5d50",
        },
        "features": {
            "app_home": {
                "home_tab_enabled": True,
                "messages_tab_enabled": True,
                "messages_tab_read_only_enabled": False,
            },
            "bot_user": {"display_name": NAME, "always_online": True},
            "slash_commands": [_command(registry, w, http_url) for w in command_words(registry)],
        },
        "oauth_config": {"scopes": {"bot": list(BOT_SCOPES)}},
        "settings": settings,
    }


def manifest_json(registry: Registry, http_url: str | None = None) -> str:
    return json.dumps(build_manifest(registry, http_url), indent=2, ensure_ascii=False) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Print Kith's Slack app manifest.")
    parser.add_argument("--http", metavar="URL", help="HTTP mode with this request URL")
    args = parser.parse_args(argv)
    sys.stdout.write(manifest_json(build_registry(), args.http))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
