"""Kith's own posts that carry a member's words or name: found before /kith forget deletes the
rows that point at them, then deleted on the platform where it lets Kith delete its messages.
Retention does the same for shared reflections: each one's post is queued as an occurrence
(``privacy.unpost``, the message in its slot) before its row goes, and the scheduler deletes it
with its usual retries.

What Kith cannot delete is said plainly in the confirmation: what other people wrote (replies,
their own messages), quotes in moderator alerts, and messages already in someone else's private
messages (thank-you notes, buddy introductions).
"""

from __future__ import annotations

import json
import logging

from bot.identity import MessageRef
from bot.logs import event
from bot.maintenance import MaintenanceRun
from bot.ports import ChatPort, DeliveryError, MessageDeleter
from bot.privacy.data import DEFAULT_RETENTION_DAYS, like_anywhere
from bot.scheduling.clock import to_epoch
from bot.scheduling.occurrences import DeliveryContext
from bot.store.base import Tx

UNPOST = "privacy.unpost"

log = logging.getLogger("kith.privacy")


def _ref(message_key: str) -> MessageRef:
    channel_key, _, message_id = message_key.rpartition("|")
    return MessageRef(channel_key, message_id)


async def member_posts(tx: Tx, community_key: str, user_key: str) -> list[MessageRef]:
    """Reflections the member shared, and posts about them (a streak milestone), by message."""
    shared = await tx.fetchall(
        "SELECT shared_message_key AS k FROM reflections WHERE community_id = ? AND user_key = ?"
        " AND shared_message_key IS NOT NULL",
        community_key,
        user_key,
    )
    about = await tx.fetchall(
        "SELECT message_key AS k FROM occurrences WHERE community_id = ? AND state = 'sent'"
        " AND message_key IS NOT NULL"
        " AND (slot LIKE ? ESCAPE '\\' OR payload LIKE ? ESCAPE '\\')",
        community_key,
        like_anywhere(user_key),
        like_anywhere(json.dumps(user_key)[1:-1]),
    )
    return [_ref(str(r["k"])) for r in (*shared, *about)]


async def delete_posts(chat: ChatPort, posts: list[MessageRef]) -> tuple[int, int]:
    """Delete each post; (deleted, not deleted). A platform that cannot delete leaves them all."""
    if not posts:
        return 0, 0
    if not isinstance(chat, MessageDeleter):
        return 0, len(posts)
    deleted = 0
    for post in posts:
        try:
            await chat.delete_message(post)
        except DeliveryError as exc:
            event(log, "post_delete_failed", logging.WARNING, reason=exc.reason)
            continue
        deleted += 1
    return deleted, len(posts) - deleted


async def queue_unposts(run: MaintenanceRun) -> int:
    """Before retention deletes shared reflections, queue the deletion of their posts (once
    each: the slot is the message). The reflection's check-in programme carries the occurrence."""
    now = to_epoch(run.now)
    async with run.services.db.transaction() as tx:
        return await tx.execute(
            "INSERT INTO occurrences (programme_id, community_id, kind, slot, due_at, ready_at)"
            " SELECT o.programme_id, r.community_id, ?, r.shared_message_key, ?, ?"
            " FROM reflections r JOIN occurrences o ON o.id = r.occurrence_id"
            " WHERE r.shared_message_key IS NOT NULL AND r.created_at < ? - COALESCE("
            "(SELECT p.retention_days FROM privacy_settings p"
            f" WHERE p.community_id = r.community_id), {DEFAULT_RETENTION_DAYS}) * 86400"
            " ON CONFLICT (programme_id, kind, slot) DO NOTHING",
            UNPOST,
            now,
            now,
            now,
        )


async def deliver_unpost(ctx: DeliveryContext) -> MessageRef | None:
    """Delete one queued post; a refusal raises for the scheduler to retry or report."""
    if isinstance(ctx.chat, MessageDeleter):
        await ctx.chat.delete_message(_ref(ctx.occurrence.slot))
    return None
