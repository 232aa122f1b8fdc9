"""Planning a round: who is in the pool, who has gone quiet, and the groups — stored once.

The plan is stored, keyed by the round's occurrence, before anything is sent. A retried or
re-claimed round finds its plan and sends the same groups again under the same delivery keys, so
members are introduced once, to the same people, whatever happens in between.

A big round is read and paired away from the event loop (``bot.buddies.plan``) and saved in
short transactions (``SAVE_SLICE`` groups each), so members' actions are served between them.
The round's row is written first with ``saved = 0`` and marked ``saved = 1`` in the last
transaction; only a saved round counts (for sending, history, status and stats). An attempt that
died mid-save left an unsaved round, which nobody was introduced from: the next attempt deletes
it and plans the round afresh.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.buddies.pairing import Pairing
from bot.buddies.plan import Planned, read_and_pair
from bot.buddies.pool import split_ints
from bot.buddies.rule import buddy_rule, group_size
from bot.context import Services
from bot.identity import UserRef
from bot.programmes import Programme
from bot.prompts import Catalogue, Prompt
from bot.scheduling.clock import from_epoch, to_epoch
from bot.scheduling.occurrences import DeliveryContext
from bot.store.base import Database, Row, Tx

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
    starter_key: str
    starter_text: str  # in English, as dealt; members read it with ``starter_text()``
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
            starter_key=row["starter_key"],
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


def starter_text(catalogue: Catalogue, round_: Round) -> str:
    """The round's starter in the current language (the deck's, by the key stored with the
    round); a starter since dropped from the deck reads as it was dealt."""
    prompt = next((p for p in catalogue.starters if p.key == round_.starter_key), None)
    return catalogue.text(prompt) if prompt is not None else round_.starter_text


SAVE_SLICE = 100  # groups per transaction while saving a round: a few milliseconds each


async def find_round(db: Database | Tx, programme_id: int, slot: str) -> Round | None:
    row = await db.fetchone(
        "SELECT * FROM buddy_rounds WHERE programme_id = ? AND slot = ? AND saved = 1",
        programme_id,
        slot,
    )
    return Round.from_row(row) if row else None


async def latest_round(db: Database | Tx, programme_id: int) -> Round | None:
    row = await db.fetchone(
        "SELECT * FROM buddy_rounds WHERE programme_id = ? AND saved = 1"
        " ORDER BY slot DESC LIMIT 1",
        programme_id,
    )
    return Round.from_row(row) if row else None


async def round_planned(services: Services, occurrence_id: int) -> bool:
    """Whether an earlier attempt planned this round: its groups are saved (and count as met in
    pairing history), and some may already have been introduced, so the round must be finished
    even past its grace window rather than leave the other groups without their introduction."""
    row = await services.db.fetchone(
        "SELECT 1 AS planned FROM buddy_rounds WHERE occurrence_id = ? AND saved = 1",
        occurrence_id,
    )
    return row is not None


async def plan_round(ctx: DeliveryContext) -> Round:
    """The round for this occurrence: planned now, or as planned by an earlier attempt."""
    occurrence, programme = ctx.occurrence, ctx.programme
    db = ctx.services.db
    row = await _round_row(db, occurrence.id)
    if row is not None and row["saved"]:
        return Round.from_row(row)
    if row is not None:
        await _discard_unsaved(db, occurrence.id)
    async with db.transaction() as tx:
        await _tally_answers(tx, programme.id, occurrence.id)
        await _set_quiet_aside(tx, programme.community_key, occurrence.id, ctx.now)
    planned = await read_and_pair(db, programme, occurrence.slot)
    await save_round_in_slices(db, ctx, planned)
    row = await _round_row(db, occurrence.id)
    assert row is not None and row["saved"]
    return Round.from_row(row)


async def _round_row(db: Database, occurrence_id: int) -> Row | None:
    return await db.fetchone("SELECT * FROM buddy_rounds WHERE occurrence_id = ?", occurrence_id)


async def _discard_unsaved(db: Database, round_id: int) -> None:
    """Delete a round an earlier attempt did not finish saving (nobody was introduced from it:
    introductions start only once it is saved), a slice of groups per transaction."""
    while True:
        async with db.transaction() as tx:
            groups = await tx.fetchall(
                "SELECT id FROM buddy_groups WHERE round_id = ? ORDER BY id LIMIT ?",
                round_id,
                SAVE_SLICE,
            )
            if not groups:
                await tx.execute(
                    "DELETE FROM buddy_rounds WHERE occurrence_id = ? AND saved = 0", round_id
                )
                return
            first, last = int(groups[0]["id"]), int(groups[-1]["id"])
            await tx.execute(
                "DELETE FROM buddy_group_members WHERE group_id >= ? AND group_id <= ?",
                first,
                last,
            )
            await tx.execute(
                "DELETE FROM buddy_groups WHERE round_id = ? AND id >= ? AND id <= ?",
                round_id,
                first,
                last,
            )


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


async def save_round(tx: Tx, ctx: DeliveryContext, pairing: Pairing, pool: list[int]) -> None:
    """Write the round, its groups and their members in one transaction (the pairing benchmark
    times this; a live round is saved in slices, ``save_round_in_slices``)."""
    await _insert_round(tx, ctx, pairing, pool, saved=True)
    await _insert_groups(tx, ctx, pairing.groups, 1)


async def save_round_in_slices(db: Database, ctx: DeliveryContext, planned: Planned) -> None:
    """Write the round unsaved, its groups ``SAVE_SLICE`` at a time, then mark it saved; skips
    that this round used up are cleared with the mark."""
    pairing, groups = planned.pairing, planned.pairing.groups
    async with db.transaction() as tx:
        await _insert_round(tx, ctx, pairing, planned.pool, saved=False)
    for first in range(0, len(groups), SAVE_SLICE):
        async with db.transaction() as tx:
            await _insert_groups(tx, ctx, groups[first : first + SAVE_SLICE], first + 1)
    programme, occurrence = ctx.programme, ctx.occurrence
    async with db.transaction() as tx:
        await _clear_used_up(tx, programme, occurrence.slot, planned.skipping)
        await tx.execute("UPDATE buddy_rounds SET saved = 1 WHERE occurrence_id = ?", occurrence.id)


async def _clear_used_up(tx: Tx, programme: Programme, slot: str, skipping: list[int]) -> None:
    """ "Skip the next round" is used up by this round (for exactly those who skipped it, as
    read with the pool); pauses that have run out are cleared."""
    for first in range(0, len(skipping), 500):
        chunk = skipping[first : first + 500]
        await tx.execute(
            "UPDATE buddy_members SET skip_next = 0"
            f" WHERE id IN ({','.join('?' * len(chunk))}) AND skip_next = 1",
            *chunk,
        )
    await tx.execute(
        "UPDATE buddy_members SET paused_until = NULL WHERE community_id = ? AND paused_until <= ?",
        programme.community_key,
        slot,
    )


async def _insert_round(
    tx: Tx, ctx: DeliveryContext, pairing: Pairing, pool: list[int], *, saved: bool
) -> None:
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
        " starter_text, note, unplaced_ids, saved)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
        int(saved),
    )


async def _insert_groups(
    tx: Tx, ctx: DeliveryContext, groups: Sequence[tuple[int, ...]], first_number: int
) -> None:
    """Groups numbered from ``first_number``, with their members."""
    if not groups:
        return
    round_id, community = ctx.occurrence.id, ctx.programme.community_key
    last_number = first_number + len(groups) - 1
    await tx.executemany(
        "INSERT INTO buddy_groups (round_id, community_id, number) VALUES (?, ?, ?)",
        [(round_id, community, number) for number in range(first_number, last_number + 1)],
    )
    ids = {
        int(r["number"]): int(r["id"])
        for r in await tx.fetchall(
            "SELECT id, number FROM buddy_groups WHERE round_id = ? AND number >= ?"
            " AND number <= ?",
            round_id,
            first_number,
            last_number,
        )
    }
    await tx.executemany(
        "INSERT INTO buddy_group_members (group_id, member_id) VALUES (?, ?)",
        [
            (ids[number], member)
            for number, group in enumerate(groups, first_number)
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
