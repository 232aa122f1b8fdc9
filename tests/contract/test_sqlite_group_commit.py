"""The SQLite store's group commit: concurrent transactions share a COMMIT, each keeps its own
all-or-nothing, and none returns before its writes are durable."""

from __future__ import annotations

import asyncio
import fcntl
import os
import sqlite3
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from bot.store.sqlite import BatchAborted, SqliteDatabase

SCHEMA = (
    "CREATE TABLE parent (id INTEGER PRIMARY KEY)",
    "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL UNIQUE)",
    # A deferred foreign key is checked at COMMIT: the one way to make a COMMIT itself fail.
    "CREATE TABLE child (id INTEGER PRIMARY KEY,"
    " parent_id INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)",
)


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[SqliteDatabase]:
    database = await SqliteDatabase.open(tmp_path / "batch.sqlite3")
    for statement in SCHEMA:
        await database.execute(statement)
    yield database
    await database.close()


def committed_texts(path: str) -> list[str]:
    """What another connection (another process, after a crash) would find on disk."""
    with sqlite3.connect(path) as conn:
        return sorted(r[0] for r in conn.execute("SELECT text FROM notes"))


async def add_note(db: SqliteDatabase, text: str, *, pause: bool = True) -> None:
    async with db.transaction() as tx:
        await tx.execute("INSERT INTO notes (text) VALUES (?)", text)
        if pause:
            await asyncio.sleep(0)  # let the others queue up behind this one


async def hold_open(db: SqliteDatabase, text: str) -> tuple[asyncio.Task[None], asyncio.Event]:
    """A transaction that has written ``text`` and stays open until the returned event is set."""
    inside = asyncio.Event()
    release = asyncio.Event()

    async def holder() -> None:
        async with db.transaction() as tx:
            await tx.execute("INSERT INTO notes (text) VALUES (?)", text)
            inside.set()
            await release.wait()

    task = asyncio.create_task(holder())
    await inside.wait()
    return task, release


async def test_concurrent_transactions_share_commits_and_all_land(db: SqliteDatabase) -> None:
    before = db.commits
    await asyncio.gather(*(add_note(db, f"note {i:03d}") for i in range(100)))
    assert committed_texts(db.path) == [f"note {i:03d}" for i in range(100)]
    assert 1 <= db.commits - before < 100 / 4  # batches, not a COMMIT per transaction


async def test_members_back_with_their_next_transaction_join_the_pending_commit(
    db: SqliteDatabase,
) -> None:
    """Eight members each run five transactions back to back. When a commit acknowledges them,
    all eight come back in the same loop iteration; the first one's transaction must not go out
    in a commit of its own while the other seven start the next one."""

    async def member(name: str) -> None:
        for round_ in range(5):
            await add_note(db, f"{name}-{round_}", pause=False)

    before = db.commits
    await asyncio.gather(*(member(f"m{i}") for i in range(8)))
    assert len(committed_texts(db.path)) == 40
    assert db.commits - before <= 6, db.commits - before  # a commit a round, one more to line up


async def test_each_transaction_returns_only_after_its_commit_is_on_disk(
    db: SqliteDatabase,
) -> None:
    seen_on_return: dict[str, bool] = {}

    async def add_and_check(text: str) -> None:
        await add_note(db, text)
        seen_on_return[text] = text in committed_texts(db.path)

    await asyncio.gather(*(add_and_check(f"n{i}") for i in range(20)))
    assert seen_on_return == {f"n{i}": True for i in range(20)}


async def test_a_failing_transaction_rolls_back_alone(db: SqliteDatabase) -> None:
    async def failing() -> None:
        async with db.transaction() as tx:
            await tx.execute("INSERT INTO notes (text) VALUES ('half-written')")
            await asyncio.sleep(0)
            await tx.execute("INSERT INTO notes (text) VALUES ('a')")  # duplicate: fails

    results = await asyncio.gather(
        add_note(db, "a"), failing(), add_note(db, "b"), return_exceptions=True
    )
    assert results[0] is None and results[2] is None
    assert isinstance(results[1], sqlite3.IntegrityError)
    assert committed_texts(db.path) == ["a", "b"]


async def test_a_failed_commit_fails_every_member_and_the_store_goes_on(
    db: SqliteDatabase,
) -> None:
    async def orphan() -> None:
        async with db.transaction() as tx:
            await tx.execute("INSERT INTO child (parent_id) VALUES (42)")

    results = await asyncio.gather(
        add_note(db, "x"), orphan(), add_note(db, "y"), return_exceptions=True
    )
    # The batch's COMMIT failed, so nobody in it may be told their write was saved.
    assert all(isinstance(r, BatchAborted) for r in results), results
    assert committed_texts(db.path) == []
    with another_process_turn(db.path, wait=False):
        pass  # the rolled-back batch gave the write turn back
    await add_note(db, "after")
    assert committed_texts(db.path) == ["after"]


async def test_reads_outside_a_transaction_see_only_committed_data(db: SqliteDatabase) -> None:
    writer, release = await hold_open(db, "pending")
    assert await db.fetchval("SELECT COUNT(*) FROM notes") == 0  # and it did not wait
    release.set()
    await writer
    assert await db.fetchval("SELECT COUNT(*) FROM notes") == 1


async def test_a_member_cancelled_while_waiting_does_not_stop_the_others(
    db: SqliteDatabase,
) -> None:
    holder, release = await hold_open(db, "first")
    queued = [asyncio.create_task(add_note(db, f"q{i}")) for i in range(3)]
    await asyncio.sleep(0)
    queued[2].cancel()  # still waiting for its turn: it never runs
    release.set()
    await asyncio.gather(holder, queued[0], queued[1])
    with pytest.raises(asyncio.CancelledError):
        await queued[2]
    assert committed_texts(db.path) == ["first", "q0", "q1"]


async def test_when_the_last_in_line_is_cancelled_the_batch_still_commits(
    db: SqliteDatabase,
) -> None:
    holder, release = await hold_open(db, "first")
    waiter = asyncio.create_task(add_note(db, "never"))
    await asyncio.sleep(0)
    release.set()  # `first` sees someone waiting, so it leaves the COMMIT to the line …
    await asyncio.sleep(0)
    waiter.cancel()  # … whose only member then gives up before its turn
    await asyncio.wait_for(holder, timeout=10)
    assert committed_texts(db.path) == ["first"]


async def test_another_process_holding_the_lock_does_not_block_the_loop(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite3"
    mine = await SqliteDatabase.open(path)
    await mine.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)")
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process is writing
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.005)

    ticking = asyncio.create_task(ticker())
    write = asyncio.create_task(mine.execute("INSERT INTO notes (text) VALUES ('waited')"))
    await asyncio.sleep(0.2)
    assert not write.done() and ticks >= 10  # waiting for the lock, the loop kept running
    other.execute("COMMIT")
    await asyncio.wait_for(write, timeout=10)
    ticking.cancel()
    other.close()
    assert committed_texts(str(path)) == ["waited"]
    await mine.close()


async def test_close_commits_a_batch_left_to_it(db: SqliteDatabase) -> None:
    await asyncio.gather(add_note(db, "one"), add_note(db, "two"), db.close())
    assert committed_texts(db.path) == ["one", "two"]


async def test_a_member_cancelled_during_the_commit_does_not_cancel_it(
    db: SqliteDatabase,
) -> None:
    gate = threading.Event()
    db._worker.submit(gate.wait)  # the COMMIT queues behind this in the store's one thread
    members = [asyncio.create_task(add_note(db, f"m{i}")) for i in range(3)]
    for _ in range(20):
        await asyncio.sleep(0)  # every member has had its turn and now waits for the COMMIT
    members[0].cancel()
    gate.set()
    await asyncio.gather(members[1], members[2])
    with pytest.raises(asyncio.CancelledError):
        await members[0]
    # Its write was committed with the batch; it just never heard so (never acknowledged).
    assert committed_texts(db.path) == ["m0", "m1", "m2"]


@contextmanager
def another_process_turn(path: str | Path, *, wait: bool = True) -> Iterator[None]:
    """Another Kith process's write turn on the same file (a lock on its own open file, which
    conflicts with the store's as another process's would). ``wait=False``: it must be free."""
    fd = os.open(f"{path}-turns", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        yield
        fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


async def test_kith_processes_on_one_file_take_turns_to_write(db: SqliteDatabase) -> None:
    with another_process_turn(db.path):
        write = asyncio.create_task(add_note(db, "mine", pause=False))
        await asyncio.sleep(0.2)
        assert not write.done()  # SQLite's lock is free, but it is the other process's turn
        assert committed_texts(db.path) == []
    await asyncio.wait_for(write, timeout=5)
    assert committed_texts(db.path) == ["mine"]
    with another_process_turn(db.path, wait=False):
        pass  # and the store gave the turn back with its commit


async def test_a_transaction_cancelled_while_waiting_for_its_turn_gives_it_back(
    db: SqliteDatabase,
) -> None:
    with another_process_turn(db.path):
        waiting = asyncio.create_task(add_note(db, "never", pause=False))
        await asyncio.sleep(0.05)
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting
    # The store's thread still gets the turn when the other process lets go; it must pass it on.
    for _ in range(200):
        try:
            with another_process_turn(db.path, wait=False):
                break
        except BlockingIOError:
            await asyncio.sleep(0.01)
    else:
        pytest.fail("the cancelled transaction's turn was never given back")
    await add_note(db, "later")
    assert committed_texts(db.path) == ["later"]
