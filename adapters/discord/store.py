"""The Discord adapter's own rows in the shared database (tables ``discord_*``, migration 0005).

Kept in the database rather than in memory because several processes (shards) and a restarted
process must agree on them: the synced command tree, which community a DM belongs to, and the
thread already opened for a group introduction.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.clock import to_epoch
from bot.identity import UserRef
from bot.store.base import Database

# DM buttons older than this route nowhere (the core refuses answers that old anyway).
DM_ROUTE_TTL = timedelta(days=90)
# Retries of a group introduction happen within its grace window; older thread rows are done.
THREAD_TTL = timedelta(days=30)


class AdapterStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, key: str) -> str | None:
        value = await self.db.fetchval("SELECT value FROM discord_kv WHERE key = ?", key)
        return None if value is None else str(value)

    async def put(self, key: str, value: str, now: datetime) -> None:
        await self.db.execute(
            "INSERT INTO discord_kv (key, value, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value,"
            " updated_at = excluded.updated_at",
            key,
            value,
            to_epoch(now),
        )

    async def remember_dm(
        self, message_id: str, dm_channel_id: str, user: UserRef, now: datetime
    ) -> None:
        """Named by member, so /kith forget drops the member's routes at once."""
        async with self.db.transaction() as tx:
            await tx.execute(
                "INSERT INTO discord_dm_routes (message_id, dm_channel_id, community_id,"
                " user_key, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (message_id) DO NOTHING",
                message_id,
                dm_channel_id,
                user.community.key,
                user.key,
                to_epoch(now),
            )
            await tx.execute(
                "DELETE FROM discord_dm_routes WHERE created_at < ?",
                to_epoch(now - DM_ROUTE_TTL),
            )

    async def dm_community(self, message_id: str | None, dm_channel_id: str) -> str | None:
        """The community a DM belongs to: the clicked message's, else the latest sent there."""
        if message_id is not None:
            found = await self.db.fetchval(
                "SELECT community_id FROM discord_dm_routes WHERE message_id = ?", message_id
            )
            if found is not None:
                return str(found)
        latest = await self.db.fetchval(
            "SELECT community_id FROM discord_dm_routes WHERE dm_channel_id = ?"
            " ORDER BY created_at DESC, message_id DESC LIMIT 1",
            dm_channel_id,
        )
        return None if latest is None else str(latest)

    async def thread_for(self, delivery_key: str) -> str | None:
        value = await self.db.fetchval(
            "SELECT thread_id FROM discord_threads WHERE delivery_key = ?", delivery_key
        )
        return None if value is None else str(value)

    async def remember_thread(self, delivery_key: str, thread_id: str, now: datetime) -> None:
        async with self.db.transaction() as tx:
            await tx.execute(
                "INSERT INTO discord_threads (delivery_key, thread_id, created_at)"
                " VALUES (?, ?, ?) ON CONFLICT (delivery_key) DO UPDATE SET"
                " thread_id = excluded.thread_id",
                delivery_key,
                thread_id,
                to_epoch(now),
            )
            await tx.execute(
                "DELETE FROM discord_threads WHERE created_at < ?", to_epoch(now - THREAD_TTL)
            )
