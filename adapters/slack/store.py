"""The Slack adapter's own rows (migration 0006): handled event ids and keyed deliveries.

Both live in the shared database rather than in memory, so a restarted process, or a second one
sharing PostgreSQL, still handles a redelivered event once and still finds a post it made before
it crashed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.identity import UserRef
from bot.scheduling.clock import to_epoch
from bot.store.base import Database

EVENT_MEMORY = timedelta(days=2)  # Slack gives up redelivering long before this
DELIVERY_MEMORY = timedelta(days=40)  # longer than any programme's retry window
PRUNE_EVERY = 500  # inserts between clean-ups


class EventLog:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._since_prune = 0

    async def first_time(self, event_id: str, now: datetime) -> bool:
        """Record ``event_id``; True only for the first delivery of it."""
        async with self.db.transaction() as tx:
            added = await tx.execute(
                "INSERT INTO slack_events (event_id, received_at) VALUES (?, ?)"
                " ON CONFLICT (event_id) DO NOTHING",
                event_id,
                to_epoch(now),
            )
        self._since_prune += 1
        if self._since_prune >= PRUNE_EVERY:
            self._since_prune = 0
            await self.prune(now)
        return added == 1

    async def prune(self, now: datetime) -> None:
        async with self.db.transaction() as tx:
            await tx.execute(
                "DELETE FROM slack_events WHERE received_at < ?", to_epoch(now - EVENT_MEMORY)
            )
            await tx.execute(
                "DELETE FROM slack_deliveries WHERE attempted_at < ?",
                to_epoch(now - DELIVERY_MEMORY),
            )


@dataclass(frozen=True, slots=True)
class Attempt:
    channel_id: str
    ts: str | None
    attempted_at: int


class DeliveryLog:
    """Write-ahead markers for keyed posts: written before chat.postMessage, completed after."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def begin(
        self,
        key: str,
        channel_id: str,
        thread_ts: str | None,
        now: datetime,
        *,
        member: UserRef | None = None,
    ) -> Attempt | None:
        """Mark an attempt; return the earlier attempt if there was one."""
        async with self.db.transaction() as tx:
            row = await tx.fetchone(
                "SELECT channel_id, ts, attempted_at FROM slack_deliveries WHERE delivery_key = ?",
                key,
            )
            if row is None:
                await tx.execute(
                    "INSERT INTO slack_deliveries (delivery_key, channel_id, thread_ts,"
                    " attempted_at, community_id, user_key) VALUES (?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT (delivery_key) DO NOTHING",
                    key,
                    channel_id,
                    thread_ts,
                    to_epoch(now),
                    member.community.key if member else None,
                    member.key if member else None,
                )
                return None
        return Attempt(str(row["channel_id"]), row["ts"], int(row["attempted_at"]))

    async def done(self, key: str, channel_id: str, ts: str) -> None:
        async with self.db.transaction() as tx:
            await tx.execute(
                "UPDATE slack_deliveries SET ts = ?, channel_id = ? WHERE delivery_key = ?",
                ts,
                channel_id,
                key,
            )
