"""A text box on a platform without forms: the form waits for the member's next private message.

Where the chat port has no modals (the console), a button that would open a form instead asks
the member to write their answer as their next message to Kith. The ``pending_inputs`` table
remembers, per member, which form that message answers and until when (one at a time: a newer
request replaces an older one). The core takes the row when the message arrives.
"""

from __future__ import annotations

from datetime import datetime

from bot.scheduling.clock import to_epoch
from bot.store.base import Database, Tx


async def await_text(
    tx: Tx, community_key: str, user_key: str, form_id: str, expires_at: datetime
) -> None:
    """The member's next private message answers ``form_id``, if it comes before ``expires_at``."""
    await tx.execute(
        "INSERT INTO pending_inputs (community_id, user_key, form_id, expires_at)"
        " VALUES (?, ?, ?, ?) ON CONFLICT (community_id, user_key) DO UPDATE SET"
        " form_id = excluded.form_id, expires_at = excluded.expires_at",
        community_key,
        user_key,
        form_id,
        to_epoch(expires_at),
    )


async def take_pending_form(
    db: Database, community_key: str, user_key: str, now: datetime
) -> str | None:
    """The form a private message answers, if one was waiting and is still open. The request is
    used up either way: a late answer is an ordinary message, and so is the next one."""
    async with db.transaction() as tx:
        row = await tx.fetchone(
            "SELECT form_id, expires_at FROM pending_inputs"
            " WHERE community_id = ? AND user_key = ?",
            community_key,
            user_key,
        )
        if row is None:
            return None
        await tx.execute(
            "DELETE FROM pending_inputs WHERE community_id = ? AND user_key = ?",
            community_key,
            user_key,
        )
    return str(row["form_id"]) if row["expires_at"] >= to_epoch(now) else None
