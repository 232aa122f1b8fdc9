"""The store contract: what every engine must do the same way."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.context import Services
from bot.features import build_registry
from bot.prompts import load_catalogue
from bot.scheduling.clock import SimulatedClock, to_epoch
from bot.scheduling.scheduler import LEASE, DeliveryState, Scheduler
from bot.store import Database
from bot.store.migrations import load_migrations
from tests.contract.conftest import OpenDb

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)


async def seed_occurrences(db: Database, count: int) -> None:
    async with db.transaction() as tx:
        await tx.execute(
            "INSERT INTO communities (id, platform, created_at) VALUES ('t:c', 't', 0)"
        )
        await tx.execute(
            "INSERT INTO programmes (community_id, kind, channel_key, tz, config,"
            " materialised_until, created_at, updated_at)"
            " VALUES ('t:c', 'checkin', 't:c:general', 'UTC', '{}', ?, 0, 0)",
            to_epoch(NOW) + 10**6,
        )
        for i in range(count):
            await tx.execute(
                "INSERT INTO occurrences (programme_id, community_id, kind, slot, due_at, ready_at)"
                " VALUES (1, 't:c', 'checkin.post', ?, ?, ?)",
                f"s{i}",
                to_epoch(NOW),
                to_epoch(NOW),
            )


def scheduler(db: Database, worker: str) -> Scheduler:
    services = Services(
        db=db,
        clock=SimulatedClock(NOW),
        catalogue=load_catalogue(),
        registry=build_registry(),
        worker_id=worker,
    )
    return Scheduler(services)


async def test_migrations_apply_once_and_record_versions(open_db: OpenDb) -> None:
    db = await open_db()
    assert await db.migrate() == []  # already applied on open
    versions = [
        r["version"]
        for r in await db.fetchall("SELECT version FROM schema_migrations ORDER BY version")
    ]
    assert versions == [m.version for m in load_migrations(db.dialect)]


async def test_a_failed_transaction_leaves_nothing_behind(open_db: OpenDb) -> None:
    db = await open_db()
    with pytest.raises(RuntimeError):
        async with db.transaction() as tx:
            await tx.execute(
                "INSERT INTO communities (id, platform, created_at) VALUES ('a:b', 'a', 0)"
            )
            raise RuntimeError("boom")
    assert await db.fetchval("SELECT COUNT(*) FROM communities") == 0


async def test_a_committed_write_is_visible_to_another_connection(open_db: OpenDb) -> None:
    first, second = await open_db(), await open_db()
    await first.execute("INSERT INTO communities (id, platform, created_at) VALUES ('a:b', 'a', 0)")
    assert await second.fetchval("SELECT id FROM communities") == "a:b"


async def test_occurrence_slots_are_unique(open_db: OpenDb) -> None:
    db = await open_db()
    await seed_occurrences(db, 1)
    async with db.transaction() as tx:
        inserted = await tx.execute(
            "INSERT INTO occurrences (programme_id, community_id, kind, slot, due_at, ready_at)"
            " VALUES (1, 't:c', 'checkin.post', 's0', 1, 1)"
            " ON CONFLICT (programme_id, kind, slot) DO NOTHING"
        )
    assert inserted == 0
    assert await db.fetchval("SELECT COUNT(*) FROM occurrences") == 1


async def test_two_workers_never_claim_the_same_occurrence(open_db: OpenDb) -> None:
    db_a, db_b = await open_db(), await open_db()
    await seed_occurrences(db_a, 60)
    a, b = scheduler(db_a, "a"), scheduler(db_b, "b")
    claims = await asyncio.gather(*(s.claim(NOW, limit=7) for s in [a, b] * 6))
    ids = [o.id for batch in claims for o in batch]
    assert len(ids) == len(set(ids)) == 60


async def test_an_expired_lease_is_reclaimed_and_the_old_holder_cannot_finish(
    open_db: OpenDb,
) -> None:
    db = await open_db()
    await seed_occurrences(db, 1)
    a, b = scheduler(db, "a"), scheduler(db, "b")
    [first] = await a.claim(NOW)
    assert await b.claim(NOW + LEASE - timedelta(seconds=1)) == []  # lease still held
    [second] = await b.claim(NOW + LEASE)
    assert second.fence == first.fence + 1
    assert not await a.finish(first, DeliveryState.SENT, NOW + LEASE)  # fenced out
    assert await b.finish(second, DeliveryState.SENT, NOW + LEASE)
    assert await db.fetchval("SELECT claimed_by FROM occurrences") == "b"
    assert await a.claim(NOW + 10 * LEASE) == []  # finished rows are never claimed again


async def test_rows_are_keyed_by_column_name_in_order_on_every_engine(open_db: OpenDb) -> None:
    db = await open_db()
    await db.execute("INSERT INTO communities (id, platform, created_at) VALUES ('a:b', 'a', 7)")
    repeated = "SELECT created_at, id, 1 AS id FROM communities"
    first_column = "SELECT platform, id FROM communities"
    async with db.transaction() as tx:
        in_tx = (await tx.fetchone(repeated), await tx.fetchval(first_column))
    outside = (await db.fetchone(repeated), await db.fetchval(first_column))
    for row, value in (in_tx, outside):
        assert row is not None
        assert list(row.items()) == [("created_at", 7), ("id", 1)]  # a repeated name: the last
        assert value == "a"


async def test_a_snapshot_sees_one_committed_state_while_others_write(open_db: OpenDb) -> None:
    db = await open_db()
    await db.execute("INSERT INTO communities (id, platform, created_at) VALUES ('t:a', 't', 0)")
    async with db.snapshot() as snap:
        assert await snap.fetchval("SELECT COUNT(*) FROM communities") == 1
        async with db.transaction() as tx:  # the snapshot does not hold the write lock
            await tx.execute(
                "INSERT INTO communities (id, platform, created_at) VALUES ('t:b', 't', 0)"
            )
        assert await snap.fetchval("SELECT COUNT(*) FROM communities") == 1
    assert await db.fetchval("SELECT COUNT(*) FROM communities") == 2
