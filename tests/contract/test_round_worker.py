"""A big round is read and paired in the worker process, from its own snapshot: the groups are
exactly those the same work gives in-process, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest

from bot.buddies import plan
from bot.buddies.plan import load_and_pair, read_and_pair
from bot.buddies.rule import KIND
from bot.programmes import get_programme
from bot.store import Database
from tests.contract.conftest import OpenDb

MEMBERS = 301


async def seed(db: Database) -> None:
    async with db.transaction() as tx:
        await tx.execute(
            "INSERT INTO communities (id, platform, tz, created_at) VALUES ('t:c', 't', 'UTC', 0)"
        )
        await tx.execute(
            "INSERT INTO programmes (community_id, kind, channel_key, tz, config,"
            " materialised_until, created_at, updated_at)"
            " VALUES ('t:c', ?, 't:c:buddies', 'UTC', ?, 0, 0, 0)",
            KIND,
            '{"every": 1, "day": 0, "time": "09:00", "size": 2, "anchor": "2026-03-02"}',
        )
        await tx.executemany(
            "INSERT INTO buddy_members (community_id, user_key, joined_at, updated_at, skip_next)"
            " VALUES ('t:c', ?, 0, 0, ?)",
            [(f"t:c:u{i}", int(i % 50 == 0)) for i in range(MEMBERS)],
        )


async def test_the_worker_process_pairs_exactly_as_in_process(
    open_db: OpenDb, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = await open_db()
    assert db.url  # opened from a URL the worker can open again
    await seed(db)
    programme = await get_programme(db, "t:c", KIND)
    assert programme is not None
    slot = date(2026, 3, 9).isoformat()
    async with db.snapshot() as snap:
        here = await load_and_pair(snap, db.dialect, programme, slot)

    monkeypatch.setattr(plan, "IN_PROCESS_POOL", 0)  # every pool goes to the worker
    there = await read_and_pair(db, programme, slot)

    assert there == here
    skipping = MEMBERS // 50 + 1
    assert len(there.pool) == MEMBERS - skipping and len(there.skipping) == skipping
    assert sorted(m for g in there.pairing.groups for m in g) == sorted(there.pool)
