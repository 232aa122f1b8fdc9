"""Planning a round: who is in the pool, who has gone quiet, and the groups — stored once.

The plan is written in one transaction keyed by the round's occurrence, before anything is sent.
A retried or re-claimed round finds its plan and sends the same groups again under the same
delivery keys, so members are introduced once, to the same people, whatever happens in between.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime

from bot.buddies.pairing import Pairing, pair_round
from bot.buddies.pool import (
    avoid_pairs,
    eligible,
    history_rounds,
    load_history,
    member_zones,
    split_ints,
)
from bot.buddies.rule import (
    HISTORY_ROUNDS,
    buddy_rule,
    group_size,
    repeat_window,
    uses_timezones,
)
from bot.clock import from_epoch, to_epoch
from bot.context import DeliveryContext, Services
from bot.identity import UserRef
from bot.programmes import Programme
from bot.prompts import Catalogue, Prompt
from bot.store.base import Database, Row, Tx
from bot.timezones import utc_offset_minutes

QUIET_ROUNDS = 3  # rounds in a row without an answer before a member is asked whether to stay
ENGAGED = (
    "(gm.answer IS NOT NULL OR EXISTS (SELECT 1 FROM buddy_group_members o"
    " WHERE o.group_id = gm.group_id AND o.answer = 'met'))"
)
IN_ROUND = "buddy_groups g JOIN buddy_group_members gm ON gm.group_id = g.id WHERE g.round_id = ?"


@dataclass(frozen=True, slots=True)
class Person:
    member_id: int
    user: UserRef
    name: str
    active: bool
    reached: bool | None = None
    answer: str | None = None


@dataclass(frozen=True, slots=True)
class Group:
    id: int
    number: int
    people: tuple[Person, ...]
    intro_state: str
    nudge_state: str
    followup_state: str


@dataclass(frozen=True)
class Round:
    occurrence_id: int
    programme_id: int
    slot: str
    number: int
    started_at: datetime
    ends_at: datetime
    starter_text: str
    pool: int
    paired: int
    unplaced_ids: tuple[int, ...]
    repeats: int
    kept_apart: int
    followup_at: datetime | None

    @classmethod
    def from_row(cls, row: Row) -> Round:
        return cls(
            occurrence_id=int(row["occurrence_id"]),
            programme_id=int(row["programme_id"]),
            slot=row["slot"],
            number=int(row["number"]),
            started_at=from_epoch(row["started_at"]),
            ends_at=from_epoch(row["ends_at"]),
            starter_text=row["starter_text"],
            pool=int(row["pool"]),
            paired=int(row["paired"]),
            unplaced_ids=tuple(split_ints(row["unplaced_ids"])),
            repeats=int(row["repeats"]),
            kept_apart=int(row["kept_apart"]),
            followup_at=from_epoch(row["followup_at"]) if row["followup_at"] else None,
        )


def starter_for(catalogue: Catalogue, programme: Programme, number: int) -> Prompt:
    """Round ``number``'s conversation starter: the deck in an order of the community's own,
    dealt one per round, so nobody sees a starter twice until the deck is used up."""
    deck = sorted(catalogue.starters, key=lambda p: p.key)
    if not deck:
        raise ValueError("the conversation starter deck is empty")
    random.Random(f"starters:{programme.community_key}:{programme.id}").shuffle(deck)
    return deck[(number - 1) % len(deck)]


async def find_round(db: Database | Tx, programme_id: int, slot: str) -> Round | None:
    row = await db.fetchone(
        "SELECT * FROM buddy_rounds WHERE programme_id = ? AND slot = ?", programme_id, slot
    )
    return Round.from_row(row) if row else None


async def latest_round(db: Database | Tx, programme_id: int) -> Round | None:
    row = await db.fetchone(
        "SELECT * FROM buddy_rounds WHERE programme_id = ? ORDER BY slot DESC LIMIT 1",
        programme_id,
    )
    return Round.from_row(row) if row else None


async def round_planned(services: Services, occurrence_id: int) -> bool:
    """Whether an earlier attempt planned this round: its groups are saved (and count as met in
    pairing history), and some may already have been introduced, so the round must be finished
    even past its grace window rather than leave the other groups without their introduction."""
    row = await services.db.fetchone(
        "SELECT 1 AS planned FROM buddy_rounds WHERE occurrence_id = ?", occurrence_id
    )
    return row is not None


async def plan_round(ctx: DeliveryContext) -> Round:
    """The round for this occurrence: planned now, or as planned by an earlier attempt."""
    occurrence, programme = ctx.occurrence, ctx.programme
    db = ctx.services.db
    async with db.transaction() as tx:
        row = await tx.fetchone("SELECT * FROM buddy_rounds WHERE occurrence_id = ?", occurrence.id)
        if row is None:
            await _tally_answers(tx, programme.id, occurrence.id)
            await _set_quiet_aside(tx, programme.community_key, occurrence.id, ctx.now)
            pairing, pool = await pair_for_round(tx, db.dialect, programme, occurrence.slot)
            await save_round(tx, ctx, pairing, pool)
            row = await tx.fetchone(
                "SELECT * FROM buddy_rounds WHERE occurrence_id = ?", occurrence.id
            )
    assert row is not None
    return Round.from_row(row)


async def _tally_answers(tx: Tx, programme_id: int, current: int) -> None:
    """Count each finished round once toward members' "rounds in a row without an answer".

    A member engaged with a round if they answered "did you connect?" or someone in their group
    said they met. Only members the question reached are counted either way.
    """
    rounds = await tx.fetchall(
        "SELECT occurrence_id FROM buddy_rounds WHERE programme_id = ? AND tallied = 0"
        " AND followup_at IS NOT NULL AND occurrence_id <> ? ORDER BY slot",
        programme_id,
        current,
    )
    for row in rounds:
        round_id = int(row["occurrence_id"])
        await tx.execute(
            "UPDATE buddy_members SET ignored = ignored + 1 WHERE id IN ("
            f" SELECT gm.member_id FROM {IN_ROUND} AND gm.asked = 1 AND NOT {ENGAGED})",
            round_id,
        )
        await tx.execute(
            "UPDATE buddy_members SET ignored = 0 WHERE id IN ("
            f" SELECT gm.member_id FROM {IN_ROUND} AND {ENGAGED})",
            round_id,
        )
        await tx.execute("UPDATE buddy_rounds SET tallied = 1 WHERE occurrence_id = ?", round_id)


async def _set_quiet_aside(tx: Tx, community_key: str, round_id: int, now: datetime) -> None:
    """Members quiet for ``QUIET_ROUNDS`` rounds are asked (once) whether to stay, and are left
    out of pairing until they answer; the question goes out with this round."""
    await tx.execute(
        "UPDATE buddy_members SET awaiting = 1, asked_round = ?, updated_at = ?"
        " WHERE community_id = ? AND active = 1 AND awaiting = 0 AND ignored >= ?",
        round_id,
        to_epoch(now),
        community_key,
        QUIET_ROUNDS,
    )


async def pair_for_round(
    tx: Tx, dialect: str, programme: Programme, slot: str
) -> tuple[Pairing, list[int]]:
    """Load the round's pool, history and do-not-pair lists from the store and pair them: the
    whole of a round's pairing work, as the benchmark measures it."""
    day = date.fromisoformat(slot)
    pool = await eligible(tx, dialect, programme.community_key, day)
    # "Skip the next round" is used up by this round; pauses that have run out are cleared.
    await tx.execute(
        "UPDATE buddy_members SET skip_next = 0 WHERE community_id = ? AND skip_next = 1",
        programme.community_key,
    )
    await tx.execute(
        "UPDATE buddy_members SET paused_until = NULL WHERE community_id = ? AND paused_until <= ?",
        programme.community_key,
        slot,
    )
    rounds = await history_rounds(tx, programme.id, slot, HISTORY_ROUNDS)
    history = await load_history(tx, dialect, rounds)
    avoid = await avoid_pairs(tx, programme.community_key)
    zones = None
    if uses_timezones(programme):
        by_zone = await member_zones(tx, dialect, programme.community_key)
        zones = offsets_at(by_zone, buddy_rule(programme).at_local(day))
    pairing = pair_round(
        pool,
        history,
        avoid,
        size=group_size(programme),
        window=repeat_window(programme),
        seed=f"{programme.id}:{slot}",
        zones=zones,
    )
    return pairing, pool


def offsets_at(by_zone: dict[str, list[int]], instant: datetime) -> dict[int, int]:
    """Each member's UTC offset in minutes at the round's start (so summer time counts)."""
    offsets: dict[int, int] = {}
    for name, members in by_zone.items():
        offset = utc_offset_minutes(name, instant)
        if offset is not None:
            offsets.update(dict.fromkeys(members, offset))
    return offsets


async def save_round(tx: Tx, ctx: DeliveryContext, pairing: Pairing, pool: list[int]) -> None:
    """Write the round, its groups and their members (one statement per table)."""
    programme, occurrence = ctx.programme, ctx.occurrence
    number = (
        int(
            await tx.fetchval(
                "SELECT COUNT(*) FROM buddy_rounds WHERE programme_id = ?", programme.id
            )
        )
        + 1
    )
    starter = starter_for(ctx.services.catalogue, programme, number)
    rule = buddy_rule(programme)
    paired = sum(len(g) for g in pairing.groups)
    note = None
    if len(pool) == 1:
        note = "only one member in the pool"
    elif not pool:
        note = "nobody in the pool"
    await tx.execute(
        "INSERT INTO buddy_rounds (occurrence_id, programme_id, community_id, slot, number,"
        " started_at, ends_at, size, pool, paired, unplaced, repeats, kept_apart, starter_key,"
        " starter_text, note, unplaced_ids)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        occurrence.id,
        programme.id,
        programme.community_key,
        occurrence.slot,
        number,
        to_epoch(ctx.now),
        to_epoch(occurrence.due_at + rule.length),
        group_size(programme),
        len(pool),
        paired,
        len(pairing.unplaced),
        len(pairing.repeats),
        pairing.kept_apart,
        starter.key,
        starter.text,
        note,
        ",".join(str(m) for m in pairing.unplaced),
    )
    if not pairing.groups:
        return
    await tx.executemany(
        "INSERT INTO buddy_groups (round_id, community_id, number) VALUES (?, ?, ?)",
        [
            (occurrence.id, programme.community_key, number)
            for number in range(1, len(pairing.groups) + 1)
        ],
    )
    ids = {
        int(r["number"]): int(r["id"])
        for r in await tx.fetchall(
            "SELECT id, number FROM buddy_groups WHERE round_id = ?", occurrence.id
        )
    }
    await tx.executemany(
        "INSERT INTO buddy_group_members (group_id, member_id) VALUES (?, ?)",
        [
            (ids[number], member)
            for number, group in enumerate(pairing.groups, 1)
            for member in group
        ],
    )


async def round_groups(
    db: Database | Tx, round_id: int, *, where: str = "", params: tuple[object, ...] = ()
) -> list[Group]:
    """The round's groups with their people (names from the members table), in order."""
    rows = await db.fetchall(
        "SELECT g.id AS group_id, g.number, g.intro_state, g.nudge_state, g.followup_state,"
        " gm.member_id, gm.reached, gm.answer, bm.user_key, bm.active, m.display_name"
        " FROM buddy_groups g JOIN buddy_group_members gm ON gm.group_id = g.id"
        " JOIN buddy_members bm ON bm.id = gm.member_id"
        " LEFT JOIN members m ON m.community_id = bm.community_id AND m.user_key = bm.user_key"
        f" WHERE g.round_id = ? {where} ORDER BY g.number, gm.member_id",
        round_id,
        *params,
    )
    groups: list[Group] = []
    people: list[Person] = []
    for index, row in enumerate(rows):
        user = UserRef.parse(row["user_key"])
        people.append(
            Person(
                member_id=int(row["member_id"]),
                user=user,
                name=row["display_name"] or user.id,
                active=bool(row["active"]),
                reached=None if row["reached"] is None else bool(row["reached"]),
                answer=row["answer"],
            )
        )
        last = index + 1 == len(rows) or rows[index + 1]["group_id"] != row["group_id"]
        if last:
            groups.append(
                Group(
                    id=int(row["group_id"]),
                    number=int(row["number"]),
                    people=tuple(people),
                    intro_state=row["intro_state"],
                    nudge_state=row["nudge_state"],
                    followup_state=row["followup_state"],
                )
            )
            people = []
    return groups


async def people_by_id(db: Database | Tx, member_ids: list[int]) -> list[Person]:
    if not member_ids:
        return []
    marks = ",".join("?" * len(member_ids))
    rows = await db.fetchall(
        "SELECT bm.id, bm.user_key, bm.active, m.display_name FROM buddy_members bm"
        " LEFT JOIN members m ON m.community_id = bm.community_id AND m.user_key = bm.user_key"
        f" WHERE bm.id IN ({marks}) ORDER BY bm.id",
        *member_ids,
    )
    people = []
    for row in rows:
        user = UserRef.parse(row["user_key"])
        people.append(
            Person(int(row["id"]), user, row["display_name"] or user.id, bool(row["active"]))
        )
    return people
