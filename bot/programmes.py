"""Programmes: a configured feature in a community, bound to a channel, with a schedule."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from bot.identity import ChannelRef
from bot.scheduling.clock import from_epoch, to_epoch
from bot.settings import DEFAULT_GRACE_MINUTES
from bot.store.base import Database, Row, Tx


@dataclass(frozen=True, slots=True)
class Programme:
    id: int
    community_key: str
    kind: str
    channel: ChannelRef
    tz: str
    config: dict[str, Any]
    paused: bool
    materialised_until: datetime
    created_at: datetime
    # Views of ``config`` a feature derives once per row (``KindnessConfig.of``): instances are
    # shared per distinct row (see ``_programme``), so the work is not repeated per action.
    derived: dict[str, Any] = field(default_factory=dict, init=False, compare=False, repr=False)

    @classmethod
    def from_row(cls, row: Row, prefix: str = "") -> Programme:
        """From a ``programmes`` row, or a join's columns named ``prefix + column``."""
        return _programme(*[row[c] for c in _prefixed(prefix)])


def grace_window(programme: Programme) -> timedelta:
    """How late this programme's posts may still go out (``grace_minutes`` in its config)."""
    return timedelta(minutes=int(programme.config.get("grace_minutes", DEFAULT_GRACE_MINUTES)))


COLUMNS = (
    "id",
    "community_id",
    "kind",
    "channel_key",
    "tz",
    "config",
    "paused",
    "materialised_until",
    "created_at",
)


@lru_cache(maxsize=8)
def _prefixed(prefix: str) -> tuple[str, ...]:
    return tuple(prefix + c for c in COLUMNS)


@lru_cache(maxsize=4096)
def _programme(
    id: int,
    community_id: str,
    kind: str,
    channel_key: str,
    tz: str,
    config: str,
    paused: int,
    materialised_until: int,
    created_at: int,
) -> Programme:
    """Parsed once per distinct row (every action reads its programme; it rarely changes). The
    instance is shared, so its ``config`` must be treated as read-only, as everywhere."""
    return Programme(
        id=int(id),
        community_key=community_id,
        kind=kind,
        channel=ChannelRef.parse(channel_key),
        tz=tz,
        config=json.loads(config),
        paused=bool(paused),
        materialised_until=from_epoch(materialised_until),
        created_at=from_epoch(created_at),
    )


async def get_programme(db: Database | Tx, community_key: str, kind: str) -> Programme | None:
    row = await db.fetchone(
        "SELECT * FROM programmes WHERE community_id = ? AND kind = ?", community_key, kind
    )
    return Programme.from_row(row) if row else None


async def get_programme_by_id(db: Database | Tx, programme_id: int) -> Programme | None:
    row = await db.fetchone("SELECT * FROM programmes WHERE id = ?", programme_id)
    return Programme.from_row(row) if row else None


async def list_programmes(db: Database | Tx, community_key: str) -> list[Programme]:
    rows = await db.fetchall(
        "SELECT * FROM programmes WHERE community_id = ? ORDER BY kind", community_key
    )
    return [Programme.from_row(r) for r in rows]


async def save_programme(
    tx: Tx,
    community_key: str,
    kind: str,
    channel: ChannelRef,
    tz: str,
    config: dict[str, Any],
    now: datetime,
) -> Programme:
    """Create or change a programme. A change drops occurrences not yet sent from now on, so the
    next materialisation lays them out again under the new schedule; slots already sent stay, and
    the unique slot key stops a changed time from posting a second time on the same day."""
    await tx.execute(
        "INSERT INTO programmes (community_id, kind, channel_key, tz, config, materialised_until,"
        " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (community_id, kind) DO UPDATE SET channel_key = excluded.channel_key,"
        " tz = excluded.tz, config = excluded.config,"
        " materialised_until = excluded.materialised_until, updated_at = excluded.updated_at",
        community_key,
        kind,
        channel.key,
        tz,
        json.dumps(config, sort_keys=True),
        to_epoch(now),
        to_epoch(now),
        to_epoch(now),
    )
    row = await tx.fetchone(
        "SELECT * FROM programmes WHERE community_id = ? AND kind = ?", community_key, kind
    )
    assert row is not None
    programme = Programme.from_row(row)
    await drop_pending(tx, programme.id, now)
    return programme


async def drop_pending(tx: Tx, programme_id: int, now: datetime) -> None:
    await tx.execute(
        "DELETE FROM occurrences WHERE programme_id = ? AND state = 'pending' AND due_at >= ?",
        programme_id,
        to_epoch(now),
    )


async def set_paused(tx: Tx, programme: Programme, paused: bool, now: datetime) -> None:
    """Pausing drops future occurrences (nothing is "missed" on purpose); resuming lays them out
    again from now. Data is never lost either way."""
    await tx.execute(
        "UPDATE programmes SET paused = ?, materialised_until = ?, updated_at = ? WHERE id = ?",
        int(paused),
        to_epoch(now),
        to_epoch(now),
        programme.id,
    )
    await drop_pending(tx, programme.id, now)
