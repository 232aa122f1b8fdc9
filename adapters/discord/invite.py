"""The OAuth2 invite link: exactly the scopes and channel permissions Kith uses, and why.

Everything else Kith does needs no permission at all: slash commands, buttons, modals and
ephemeral replies are interactions, and direct messages only need the member to accept them.
Kith never asks for Administrator, Manage Server, Mention Everyone or message content.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from typing import TextIO

import discord

SCOPES = ("bot", "applications.commands")
SCOPE_REASONS = {
    "bot": "adds Kith's bot user to the server so it can post check-ins and open threads",
    "applications.commands": "registers Kith's slash commands in the server",
}
# (permission attribute, why Kith needs it)
NEEDED = (
    ("view_channel", "see the channels an admin sets up (check-ins, buddies, kindness, alerts)"),
    ("send_messages", "post check-ins, kindness milestones and moderator alerts"),
    ("read_message_history", "open a reply thread under its own check-in post"),
    ("create_public_threads", "start the thread where members share reflections"),
    ("create_private_threads", "introduce buddies to each other in a private thread"),
    ("send_messages_in_threads", "post in those threads"),
)


def permissions() -> discord.Permissions:
    return discord.Permissions(**{name: True for name, _ in NEEDED})


def client_id_from_token(token: str) -> str | None:
    """A bot token's first part is its user id in base64, which is the application id."""
    head = token.split(".", 1)[0]
    try:
        decoded = base64.b64decode(head + "=" * (-len(head) % 4), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    return decoded if decoded.isdigit() else None


def invite_url(client_id: str) -> str:
    return discord.utils.oauth_url(client_id, permissions=permissions(), scopes=SCOPES)


def explain(client_id: str) -> str:
    perms = permissions()
    lines = [
        invite_url(client_id),
        "",
        "Scopes:",
        *(f"  {scope}: {SCOPE_REASONS[scope]}" for scope in SCOPES),
        f"Permissions (integer {perms.value}):",
        *(
            f"  {name.replace('_', ' ').title()} ({getattr(discord.Permissions, name).flag}): "
            f"{reason}"
            for name, reason in NEEDED
        ),
        "Admin commands work for members with Manage Server (and anyone added with "
        "/kith admins); Kith checks this itself on every admin command.",
    ]
    return "\n".join(lines)


def command(client_id: str | None, env: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    """``kith discord invite-url``: the application id comes from ``--client-id`` or is read from
    the bot token (never printed)."""
    chosen = (client_id or "").strip() or client_id_from_token(env.get("DISCORD_TOKEN", "").strip())
    if not chosen:
        err.write(
            "kith discord invite-url: give --client-id (the Application ID from the Developer "
            "Portal) or set DISCORD_TOKEN.\n"
        )
        return 2
    if not chosen.isdigit() or len(chosen) > 20:
        err.write("kith discord invite-url: --client-id must be the numeric Application ID.\n")
        return 2
    out.write(explain(chosen) + "\n")
    return 0
