"""Is a programme's delivery healthy right now? One line for ``/kith status`` if not.

Read from the occurrences alone: a problem is any failed or still-retrying post after the
programme's last successful one. It clears by itself when a post goes out again, so an admin sees
a problem exactly while it lasts ("since" is when the first affected post was due). Posts missed
while Kith was not running are not a delivery problem; status lists them separately.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.i18n import _
from bot.i18n.stored import render
from bot.scheduling.clock import from_epoch
from bot.store.base import Database, Tx


@dataclass(frozen=True)
class DeliveryProblem:
    since: datetime  # when the first post affected was due
    reason: str  # the latest failure, in the adapter's words and the reader's language
    affected: int  # posts failed or still retrying since the last success
    retry_at: datetime | None  # the next attempt, if one is still coming


def kinds_left_out(skip: tuple[str, ...]) -> str:
    """SQL leaving out occurrence kinds that are not the programme's own posts (a member's
    private check-ins: one member's closed DMs say nothing about the channel)."""
    return f" AND kind NOT IN ({','.join('?' * len(skip))})" if skip else ""


async def delivery_problem(
    db: Database | Tx, programme_id: int, skip: tuple[str, ...] = ()
) -> DeliveryProblem | None:
    left_out = kinds_left_out(skip)
    last_sent = await db.fetchval(
        "SELECT MAX(due_at) FROM occurrences WHERE programme_id = ? AND state = 'sent'" + left_out,
        programme_id,
        *skip,
    )
    rows = await db.fetchall(
        "SELECT state, due_at, ready_at, detail FROM occurrences WHERE programme_id = ?"
        " AND due_at > ? AND (state = 'failed' OR (state = 'pending' AND attempts > 0))"
        + left_out
        + " ORDER BY due_at, id",
        programme_id,
        last_sent if last_sent is not None else -1,
        *skip,
    )
    if not rows:
        return None
    latest = rows[-1]
    retrying = [r for r in rows if r["state"] == "pending"]
    return DeliveryProblem(
        since=from_epoch(rows[0]["due_at"]),
        reason=render(latest["detail"], _("unknown error")),
        affected=len(rows),
        retry_at=from_epoch(min(r["ready_at"] for r in retrying)) if retrying else None,
    )
