"""A member's own kindness settings: leaderboard visibility and public milestone mentions.

``member_prefs`` is the source of truth. The leaderboard choice is also copied onto the member's
kindness rows (``kind_members.pref``, ``kind_totals.pref``) so that an opt-in board is an index
range rather than a scan; change it only through ``set_leaderboard`` so the copies stay in step.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.scheduling.clock import to_epoch
from bot.store.base import Database, Tx


class BoardChoice(StrEnum):
    """A member's own leaderboard choice, as ``member_prefs.leaderboard`` stores it."""

    COMMUNITY_DEFAULT = "default"  # as the community's mode says: hidden on opt-in, shown else
    JOINED = "in"  # /leaderboard join
    LEFT = "out"  # /leaderboard leave


MODES = ("off", "opt-in", "everyone")
DEFAULT_MODE = "opt-in"


@dataclass(frozen=True, slots=True)
class Prefs:
    leaderboard: str = BoardChoice.COMMUNITY_DEFAULT
    public_mentions: bool = True


def visible(mode: str, pref: str) -> bool:
    """Whether a member with ``pref`` appears on a board in ``mode``: opt-in shows only members
    who joined; everyone shows all but those who left; off shows nobody."""
    if mode == "everyone":
        return pref != BoardChoice.LEFT
    if mode == "opt-in":
        return pref == BoardChoice.JOINED
    return False


async def get_prefs(db: Database | Tx, community_key: str, user_key: str) -> Prefs:
    row = await db.fetchone(
        "SELECT leaderboard, public_mentions FROM member_prefs"
        " WHERE community_id = ? AND user_key = ?",
        community_key,
        user_key,
    )
    if row is None:
        return Prefs()
    return Prefs(str(row["leaderboard"]), bool(row["public_mentions"]))


async def _ensure_row(tx: Tx, community_key: str, user_key: str, now: datetime) -> None:
    await tx.execute(
        "INSERT INTO member_prefs (community_id, user_key, updated_at) VALUES (?, ?, ?)"
        " ON CONFLICT (community_id, user_key) DO NOTHING",
        community_key,
        user_key,
        to_epoch(now),
    )


async def set_leaderboard(
    tx: Tx, community_key: str, user_key: str, choice: str, now: datetime
) -> None:
    """Set leaderboard visibility; takes effect on the very next board."""
    if choice not in tuple(BoardChoice):
        raise ValueError(f"unknown leaderboard choice {choice!r}")
    await _ensure_row(tx, community_key, user_key, now)
    await tx.execute(
        "UPDATE member_prefs SET leaderboard = ?, updated_at = ?"
        " WHERE community_id = ? AND user_key = ?",
        str(choice),
        to_epoch(now),
        community_key,
        user_key,
    )
    for table in ("kind_members", "kind_totals"):
        await tx.execute(
            f"UPDATE {table} SET pref = ? WHERE community_id = ? AND user_key = ?",
            str(choice),
            community_key,
            user_key,
        )


async def set_public_mentions(
    tx: Tx, community_key: str, user_key: str, allowed: bool, now: datetime
) -> None:
    await _ensure_row(tx, community_key, user_key, now)
    await tx.execute(
        "UPDATE member_prefs SET public_mentions = ?, updated_at = ?"
        " WHERE community_id = ? AND user_key = ?",
        int(allowed),
        to_epoch(now),
        community_key,
        user_key,
    )
