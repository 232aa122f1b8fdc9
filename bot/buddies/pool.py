"""The buddy pool in the store: members' state, who a round may pair, and pairing history.

Large pools are read with one aggregated row per round (pair codes joined into a string by the
database) instead of a row per member: at 100,000 members that is the difference between seconds
and a fraction of one, because building a Python row per member dominates everything else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.buddies.pairing import History
from bot.scheduling.clock import to_epoch
from bot.store.base import Database, Row, Tx


@dataclass(frozen=True, slots=True)
class BuddyMember:
    id: int
    community_key: str
    user_key: str
    active: bool
    paused_until: date | None
    skip_next: bool
    awaiting: bool
    ignored: int

    @classmethod
    def from_row(cls, row: Row) -> BuddyMember:
        paused = row["paused_until"]
        return cls(
            id=int(row["id"]),
            community_key=row["community_id"],
            user_key=row["user_key"],
            active=bool(row["active"]),
            paused_until=date.fromisoformat(paused) if paused else None,
            skip_next=bool(row["skip_next"]),
            awaiting=bool(row["awaiting"]),
            ignored=int(row["ignored"]),
        )

    def paused_on(self, day: date) -> bool:
        return self.paused_until is not None and day < self.paused_until


async def get_member(db: Database | Tx, community_key: str, user_key: str) -> BuddyMember | None:
    row = await db.fetchone(
        "SELECT * FROM buddy_members WHERE community_id = ? AND user_key = ?",
        community_key,
        user_key,
    )
    return BuddyMember.from_row(row) if row else None


async def join(tx: Tx, community_key: str, user_key: str, now: datetime) -> BuddyMember:
    """Join, or come back after leaving: a fresh start (no pause, skip or unanswered rounds)."""
    await tx.execute(
        "INSERT INTO buddy_members (community_id, user_key, joined_at, updated_at)"
        " VALUES (?, ?, ?, ?) ON CONFLICT (community_id, user_key) DO UPDATE SET active = 1,"
        " paused_until = NULL, skip_next = 0, ignored = 0, awaiting = 0, asked_round = NULL,"
        " joined_at = excluded.joined_at, updated_at = excluded.updated_at",
        community_key,
        user_key,
        to_epoch(now),
        to_epoch(now),
    )
    member = await get_member(tx, community_key, user_key)
    assert member is not None
    return member


async def update(tx: Tx, member: BuddyMember, now: datetime, **changes: object) -> None:
    """Set some of a member's pool columns (names come from this module's callers, not input)."""
    allowed = {"active", "paused_until", "skip_next", "ignored", "awaiting", "asked_round"}
    if not changes or set(changes) - allowed:
        raise ValueError(f"cannot update {sorted(set(changes) - allowed)}")
    columns = ", ".join(f"{name} = ?" for name in changes)
    await tx.execute(
        f"UPDATE buddy_members SET {columns}, updated_at = ? WHERE id = ?",
        *changes.values(),
        to_epoch(now),
        member.id,
    )


def concat_ints(dialect: str, expression: str) -> str:
    """An aggregate that joins integers into one comma-separated string, in each engine's words."""
    function = "string_agg" if dialect == "postgresql" else "GROUP_CONCAT"
    return f"{function}(CAST({expression} AS TEXT), ',')"


def split_ints(text: str | None) -> list[int]:
    return list(map(int, text.split(","))) if text else []


# Who a round on a local day (the one parameter) pairs: joined, not left, not paused until a
# later date, not skipping this round, and not waiting to say whether they want to stay.
ELIGIBLE = (
    "active = 1 AND awaiting = 0 AND skip_next = 0 AND (paused_until IS NULL OR paused_until <= ?)"
)


async def eligible(tx: Tx, dialect: str, community_key: str, local_day: date) -> list[int]:
    """Who a round on ``local_day`` pairs (``ELIGIBLE``), as member ids."""
    text = await tx.fetchval(
        f"SELECT {concat_ints(dialect, 'id')} FROM buddy_members WHERE community_id = ?"
        f" AND {ELIGIBLE}",
        community_key,
        local_day.isoformat(),
    )
    return split_ints(text)


async def history_rounds(tx: Tx, programme_id: int, before_slot: str, depth: int) -> list[int]:
    """The latest ``depth`` rounds before ``before_slot`` that grouped anyone, latest first."""
    rows = await tx.fetchall(
        "SELECT occurrence_id FROM buddy_rounds WHERE programme_id = ? AND slot < ?"
        " AND paired > 0 AND saved = 1 ORDER BY slot DESC LIMIT ?",
        programme_id,
        before_slot,
        depth,
    )
    return [int(r["occurrence_id"]) for r in rows]


# A group did not meet when someone in it answered "couldn't this time" and nobody "we met".
NOT_MET = (
    "(EXISTS (SELECT 1 FROM buddy_group_members o WHERE o.group_id = g.id"
    " AND o.answer = 'couldnt') AND NOT EXISTS (SELECT 1 FROM buddy_group_members o"
    " WHERE o.group_id = g.id AND o.answer = 'met'))"
)


async def load_history(tx: Tx, dialect: str, round_ids: list[int]) -> History:
    """Who met whom in ``round_ids`` (latest first), as pair codes the pairing reads directly.

    Groups that said they could not meet are kept apart from the rest (``History.unmet``): they
    do not count as having met, so their pairs may be grouped again sooner.
    """
    base = int(await tx.fetchval("SELECT MAX(id) FROM buddy_members") or 0) + 1
    if not round_ids:
        return History(base)
    marks = ",".join("?" * len(round_ids))
    rows = await tx.fetchall(
        f"SELECT g.round_id AS round_id, g.not_met AS not_met,"
        f" {concat_ints(dialect, 'a.member_id * ? + b.member_id')} AS codes"
        f" FROM (SELECT g.id, g.round_id, CASE WHEN {NOT_MET} THEN 1 ELSE 0 END AS not_met"
        f" FROM buddy_groups g WHERE g.round_id IN ({marks})) g"
        " JOIN buddy_group_members a ON a.group_id = g.id"
        " JOIN buddy_group_members b ON b.group_id = a.group_id AND b.member_id > a.member_id"
        " GROUP BY g.round_id, g.not_met",
        base,
        *round_ids,
    )
    by_round = {int(r["round_id"]): r["codes"] for r in rows if not r["not_met"]}
    unmet = [code for r in rows if r["not_met"] for code in split_ints(r["codes"])]
    return History.from_codes([split_ints(by_round.get(r)) for r in round_ids], base, unmet)


async def member_zones(tx: Tx, dialect: str, community_key: str) -> dict[str, list[int]]:
    """Buddy members by the time zone they chose with /kith timezone, else their platform's;
    members with neither are left out (their zone is unknown, not the community's).

    One aggregated row per zone, as for the pool itself, so 100,000 members cost a few rows."""
    rows = await tx.fetchall(
        f"SELECT COALESCE(m.tz, m.platform_tz) AS tz, {concat_ints(dialect, 'bm.id')} AS ids"
        " FROM buddy_members bm JOIN members m"
        " ON m.community_id = bm.community_id AND m.user_key = bm.user_key"
        " WHERE bm.community_id = ? AND bm.active = 1"
        " AND COALESCE(m.tz, m.platform_tz) IS NOT NULL GROUP BY COALESCE(m.tz, m.platform_tz)",
        community_key,
    )
    return {str(r["tz"]): split_ints(r["ids"]) for r in rows}


async def avoid_pairs(tx: Tx, community_key: str) -> list[tuple[int, int]]:
    """Do-not-pair lists as member-id pairs (only where both people have joined)."""
    rows = await tx.fetchall(
        "SELECT a.id AS a, b.id AS b FROM buddy_avoid v"
        " JOIN buddy_members a ON a.community_id = v.community_id AND a.user_key = v.user_key"
        " JOIN buddy_members b ON b.community_id = v.community_id AND b.user_key = v.avoid_key"
        " WHERE v.community_id = ?",
        community_key,
    )
    return [(int(r["a"]), int(r["b"])) for r in rows]
