"""Communities and members: the rows every feature hangs off."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from bot.events import Actor
from bot.identity import CommunityRef, UserRef
from bot.scheduling.clock import to_epoch
from bot.store.base import Database, Row, Tx


@dataclass(frozen=True, slots=True)
class Community:
    ref: CommunityRef
    tz: str
    admin_users: frozenset[str]
    admin_roles: frozenset[str]
    active: bool

    @classmethod
    def from_row(cls, row: Row) -> Community:
        return _community(
            row["id"], row["tz"], row["admin_users"], row["admin_roles"], bool(row["active"])
        )

    def is_admin(self, actor: Actor) -> bool:
        """Admin rights come from the platform (checked by the adapter) or from this community's
        own list; the core checks them on every admin command, not only in the UI."""
        return (
            actor.is_platform_admin
            or actor.user.key in self.admin_users
            or bool(actor.role_ids & self.admin_roles)
        )


@lru_cache(maxsize=4096)
def _community(key: str, tz: str, admin_users: str, admin_roles: str, active: bool) -> Community:
    """Parsed once per distinct row: every event reads its community, which rarely changes."""
    return Community(
        ref=CommunityRef.parse(key),
        tz=tz,
        admin_users=frozenset(json.loads(admin_users)),
        admin_roles=frozenset(json.loads(admin_roles)),
        active=active,
    )


async def ensure_community(
    db: Database, ref: CommunityRef, now: datetime, tz: str = "UTC"
) -> Community:
    row = await db.fetchone("SELECT * FROM communities WHERE id = ?", ref.key)
    if row is None:
        async with db.transaction() as tx:
            await tx.execute(
                "INSERT INTO communities (id, platform, tz, created_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (id) DO NOTHING",
                ref.key,
                ref.platform,
                tz,
                to_epoch(now),
            )
            row = await tx.fetchone("SELECT * FROM communities WHERE id = ?", ref.key)
        assert row is not None
    return Community.from_row(row)


async def touch_member(tx: Tx, actor: Actor, now: datetime) -> None:
    """Remember a member who used Kith (display name and platform time zone kept fresh)."""
    await tx.execute(
        "INSERT INTO members (community_id, user_key, display_name, platform_tz, created_at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (community_id, user_key) DO UPDATE SET"
        " display_name = excluded.display_name,"
        " platform_tz = COALESCE(excluded.platform_tz, members.platform_tz)",
        actor.community.key,
        actor.user.key,
        actor.display_name[:80],
        actor.platform_tz,
        to_epoch(now),
    )


async def member_timezone(
    db: Database | Tx, community: Community, user_key: str, platform_tz: str | None = None
) -> str:
    """The member's own zone, else their platform's, else the community's (else UTC).

    ``platform_tz`` is the platform's zone for the member as of this event (``Actor.platform_tz``):
    it counts even before Kith has stored anything about the member, and it is fresher than the
    stored copy."""
    row = await db.fetchone(
        "SELECT tz, platform_tz FROM members WHERE community_id = ? AND user_key = ?",
        community.ref.key,
        user_key,
    )
    if row is not None:
        return str(row["tz"] or platform_tz or row["platform_tz"] or community.tz)
    return platform_tz or community.tz


async def display_names(
    db: Database | Tx, community_key: str, user_keys: list[str]
) -> dict[str, str]:
    """Display names Kith remembers; members it never met fall back to their platform id."""
    names = {key: UserRef.id_in(key) for key in user_keys}
    if user_keys:
        marks = ",".join("?" * len(user_keys))
        for row in await db.fetchall(
            f"SELECT user_key, display_name FROM members WHERE community_id = ?"
            f" AND user_key IN ({marks})",
            community_key,
            *user_keys,
        ):
            names[row["user_key"]] = row["display_name"] or names[row["user_key"]]
    return names
