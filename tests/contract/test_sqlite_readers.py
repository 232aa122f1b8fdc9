"""SQLite's reads outside a transaction: a short one runs inline, a long one moves to a reader
thread, where a scan that never ends holds up neither the loop's transactions nor other reads,
and is interrupted when its caller gives up; a snapshot sees one committed state without the
write lock."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.store.sqlite import SqliteDatabase
from bot.store.sqlite_readers import MAX_READERS

# A read that only ends when it is interrupted: counts forever.
# Far past the inline budget, but it ends.
LONG = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 200000)"
ENDLESS = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[SqliteDatabase]:
    database = await SqliteDatabase.open(tmp_path / "readers.sqlite3")
    await database.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)")
    yield database
    await database.close()


async def started(task: asyncio.Task[object]) -> None:
    for _ in range(50):  # let the read reach its thread
        await asyncio.sleep(0.01)
    assert not task.done()


async def test_an_endless_read_holds_up_neither_transactions_nor_other_reads(
    db: SqliteDatabase,
) -> None:
    endless = asyncio.create_task(db.fetchval(ENDLESS))
    await started(endless)
    async with db.transaction() as tx:
        await tx.execute("INSERT INTO notes (text) VALUES ('written meanwhile')")
    assert await db.fetchval("SELECT text FROM notes") == "written meanwhile"
    assert not endless.done()

    endless.cancel()
    with pytest.raises(asyncio.CancelledError):
        await endless
    # Interrupted, its reader is free again: every reader can serve a read at once.
    counts = await asyncio.gather(
        *(db.fetchval("SELECT count(*) FROM notes") for _ in range(MAX_READERS * 2))
    )
    assert counts == [1] * (MAX_READERS * 2)


async def test_short_reads_stay_inline_and_long_ones_move(db: SqliteDatabase) -> None:
    await db.execute("INSERT INTO notes (text) VALUES ('one')")
    assert await db.fetchone("SELECT text FROM notes WHERE id = 1") == {"text": "one"}
    assert await db.fetchall("SELECT id, text FROM notes") == [{"id": 1, "text": "one"}]
    assert db.reads_moved == 0
    assert await db.fetchval(f"{LONG} SELECT count(*) FROM c") == 200_000
    rows = await db.fetchall(f"{LONG} SELECT x FROM c")
    assert len(rows) == 200_000 and rows[-1] == {"x": 200_000}
    assert db.reads_moved == 2
    with pytest.raises(sqlite3.OperationalError, match="no such table"):
        await db.fetchall("SELECT * FROM missing")  # an error is not mistaken for a long read
    assert db.reads_moved == 2


async def test_long_reads_wait_for_a_free_reader_when_all_are_busy(db: SqliteDatabase) -> None:
    busy = [asyncio.create_task(db.fetchval(ENDLESS)) for _ in range(MAX_READERS)]
    try:
        for task in busy:
            await started(task)
        waiting = asyncio.create_task(db.fetchval(f"{LONG} SELECT count(*) FROM c"))
        await asyncio.sleep(0.1)
        assert not waiting.done()  # no fifth reader was opened
        assert await db.fetchval("SELECT count(*) FROM notes") == 0  # a short read goes inline
        busy[0].cancel()
        assert await waiting == 200_000
    finally:
        for task in busy:
            task.cancel()
        await asyncio.gather(*busy, return_exceptions=True)


async def test_a_snapshot_sees_one_state_and_leaves_the_writer_free(db: SqliteDatabase) -> None:
    await db.execute("INSERT INTO notes (text) VALUES ('before')")
    async with db.snapshot() as snap:
        assert await snap.fetchval("SELECT count(*) FROM notes") == 1
        # The writer commits while the snapshot is open (it holds no write lock) …
        async with db.transaction() as tx:
            await tx.execute("INSERT INTO notes (text) VALUES ('during')")
        assert await db.fetchval("SELECT count(*) FROM notes") == 2
        # … and the snapshot still sees the state it started with.
        assert await snap.fetchval("SELECT count(*) FROM notes") == 1
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            await snap.execute("INSERT INTO notes (text) VALUES ('refused')")
    assert await db.fetchval("SELECT count(*) FROM notes") == 2
    async with db.snapshot() as snap:  # the reader came back out of its read transaction
        assert await snap.fetchval("SELECT count(*) FROM notes") == 2


async def test_reads_after_close_are_refused(tmp_path: Path) -> None:
    database = await SqliteDatabase.open(tmp_path / "closed.sqlite3")
    await database.fetchval("SELECT 1")
    await database.close()
    with pytest.raises(sqlite3.ProgrammingError, match="closed"):
        await database.fetchval("SELECT 1")


async def test_closing_interrupts_a_read_in_flight(tmp_path: Path) -> None:
    database = await SqliteDatabase.open(tmp_path / "closing.sqlite3")
    endless = asyncio.create_task(database.fetchval(ENDLESS))
    await started(endless)
    await database.close()  # returns although the read would never end by itself
    with pytest.raises(sqlite3.OperationalError, match="interrupted"):
        await endless
