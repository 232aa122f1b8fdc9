"""Slash-command sync, only when the tree changed.

Discord rate-limits command registration and a bulk overwrite makes clients refetch commands, so
the digest of the last synced tree is kept in the database per application and scope. A restart,
another shard's process, or a redeploy without command changes does not call Discord at all.
"""

from __future__ import annotations

import logging

import discord

from adapters.discord.commands import CommandTree
from adapters.discord.store import AdapterStore
from bot.logs import event
from bot.scheduling.clock import Clock

log = logging.getLogger("kith.discord.sync")


def sync_key(application_id: int, guild_id: str) -> str:
    scope = f"guild:{guild_id}" if guild_id else "global"
    return f"commands:{application_id}:{scope}"


async def sync_commands(
    client: discord.Client,
    store: AdapterStore,
    tree: CommandTree,
    clock: Clock,
    *,
    guild_id: str = "",
) -> bool:
    """Overwrite the application's commands (globally, or in one guild for development) if the
    tree differs from the last one synced; return whether Discord was called."""
    application_id = client.application_id
    if application_id is None:
        raise RuntimeError("the client has no application id yet; sync after login")
    key = sync_key(application_id, guild_id)
    if await store.get(key) == tree.digest:
        event(log, "commands_unchanged", scope=guild_id or "global")
        return False
    if guild_id:
        await client.http.bulk_upsert_guild_commands(
            application_id, int(guild_id), payload=tree.payload
        )
    else:
        await client.http.bulk_upsert_global_commands(application_id, payload=tree.payload)
    await store.put(key, tree.digest, clock.now())
    event(log, "commands_synced", scope=guild_id or "global", commands=len(tree.payload))
    return True
