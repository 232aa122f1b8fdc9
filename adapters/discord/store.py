"""The Discord adapter's own rows in the shared database (tables ``discord_*``, migration 0005).

Kept in the database rather than in memory because several processes (shards) and a restarted
process must agree on them: the synced command tree, which community a DM belongs to, and the
thread already opened for a group introduction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.identity import UserRef
from bot.scheduling.clock import from_epoch, to_epoch
from bot.store.base import Database

# DM buttons older than this route nowhere (the core refuses answers that old anyway).
DM_ROUTE_TTL = timedelta(days=90)
# Retries of a group introduction happen within its grace window; older thread rows are done.
THREAD_TTL = timedelta(days=30)
# Retries of a keyed send end within its grace window (a day at most); a week is plenty.
SEND_TTL = timedelta(days=7)


@dataclass(frozen=True)
class SendAttempt:
    """An earlier attempt at a keyed send: when it began, and the message if Discord answered."""

    first_attempt_at: datetime
    message_id: str | None


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

    async def begin_send(self, nonce: str, channel_id: int, now: datetime) -> SendAttempt | None:
        """Note an attempt before it is made; the earlier one, if this nonce was tried before."""
        async with self.db.transaction() as tx:
            row = await tx.fetchone(
                "SELECT first_attempt_at, message_id FROM discord_sends WHERE nonce = ?", nonce
            )
            if row is not None:
                message_id = row["message_id"]
                return SendAttempt(
                    from_epoch(int(row["first_attempt_at"])),
                    None if message_id is None else str(message_id),
                )
            await tx.execute(
                "INSERT INTO discord_sends (nonce, channel_id, first_attempt_at) VALUES (?, ?, ?)",
                nonce,
                str(channel_id),
                to_epoch(now),
            )
            await tx.execute(
                "DELETE FROM discord_sends WHERE first_attempt_at < ?", to_epoch(now - SEND_TTL)
            )
        return None

    async def sent(self, nonce: str, message_id: int) -> None:
        await self.db.execute(
            "UPDATE discord_sends SET message_id = ? WHERE nonce = ?", str(message_id), nonce
        )

    async def forget_send(self, nonce: str) -> None:
        """An attempt Discord refused posted nothing: the next one starts afresh."""
        await self.db.execute("DELETE FROM discord_sends WHERE nonce = ?", nonce)
