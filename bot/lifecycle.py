"""A community arriving and leaving: the bot added to or removed from a guild or workspace.

Removal must not delete anything (people may re-add Kith by mistake or after a dispute), but it
must stop posting into a place Kith can no longer reach. So leaving marks the community inactive
and pauses its running programmes with a hold; coming back lifts exactly those holds, leaving
programmes an admin paused on purpose paused.
"""

from __future__ import annotations

import logging
from datetime import datetime

from bot.community import Community, ensure_community
from bot.core import Kith
from bot.identity import CommunityRef
from bot.logs import event
from bot.programmes import get_programme_by_id, list_programmes, set_paused
from bot.scheduling.clock import to_epoch

REMOVED = "removed"

log = logging.getLogger("kith.lifecycle")


async def community_joined(kith: Kith, ref: CommunityRef, now: datetime) -> Community:
    """Create the community if it is new; if it had left, make it active and resume what the
    removal paused. Safe to call again for a community that never left (start-up, reconnects)."""
    db = kith.services.db
    community = await ensure_community(db, ref, now)
    holds = await db.fetchall(
        "SELECT h.programme_id FROM programme_holds h JOIN programmes p ON p.id = h.programme_id"
        " WHERE p.community_id = ? AND h.reason = ?",
        ref.key,
        REMOVED,
    )
    if community.active and not holds:
        return community
    resumed = 0
    async with db.transaction() as tx:
        await tx.execute("UPDATE communities SET active = 1 WHERE id = ?", ref.key)
        for hold in holds:
            programme = await get_programme_by_id(tx, int(hold["programme_id"]))
            if programme is not None and programme.paused:
                await set_paused(tx, programme, False, now)
                resumed += 1
            await tx.execute(
                "DELETE FROM programme_holds WHERE programme_id = ?", hold["programme_id"]
            )
    event(log, "community_joined", community=ref.key, resumed=resumed)
    return await ensure_community(db, ref, now)


async def community_left(kith: Kith, ref: CommunityRef, now: datetime) -> int:
    """Mark the community inactive and pause its running programmes; returns how many were
    paused. Members' data, programmes and history all stay."""
    db = kith.services.db
    exists = await db.fetchval("SELECT id FROM communities WHERE id = ?", ref.key)
    if exists is None:
        return 0
    paused = 0
    async with db.transaction() as tx:
        await tx.execute("UPDATE communities SET active = 0 WHERE id = ?", ref.key)
        for programme in await list_programmes(tx, ref.key):
            if programme.paused:
                continue
            await set_paused(tx, programme, True, now)
            await tx.execute(
                "INSERT INTO programme_holds (programme_id, reason, created_at) VALUES (?, ?, ?)"
                " ON CONFLICT (programme_id) DO NOTHING",
                programme.id,
                REMOVED,
                to_epoch(now),
            )
            paused += 1
    event(log, "community_left", community=ref.key, paused=paused)
    return paused
