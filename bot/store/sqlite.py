"""The embedded SQLite engine: WAL, ``synchronous=FULL`` and group commit.

Each kind of work runs where it costs the least and blocks nobody:

- **Transactions on the event-loop thread.** A hop to a worker thread costs 55–135 µs on a
  small machine, a statement on a warm page cache a few µs, and a member's action is 6–8
  statements in one transaction, so a thread hop per statement (how this store first worked,
  through aiosqlite) capped acknowledged actions near 650/s. One writer connection; a
  transaction takes SQLite's write lock up front (``BEGIN IMMEDIATE``; when another process
  holds it, the loop retries with a short sleep instead of blocking), so its statements never
  wait for a lock and run inline in microseconds. The price: a transaction must stay short.
  Jobs that write a lot (retention, a big round's save) write in slices, each its own short
  transaction, so a member's action waits for at most one slice.
- **Group commit.** Transactions that queue up while one runs share its physical transaction,
  each in a savepoint (a failing one rolls back only its own writes). Whoever finishes with
  nobody left waiting commits for the whole batch, in a worker thread so the fsync does not
  stall the loop, and every member returns only after that ``COMMIT``: an acknowledgement still
  follows a durable commit, but one fsync now covers many actions.
- **Reads outside a transaction: short ones inline, long ones on reader threads.** Such a read
  can be a scan of millions of rows (stats, an export, a round's history), which on the loop
  would stall everyone; on a reader thread (``bot.store.sqlite_readers``, aiosqlite) SQLite
  releases the interpreter lock while it works. But most are one row by key (every action reads
  its community), where the hop to a thread costs more than the read and cost a third of the
  action rate. So each read first runs on a query-only connection on the loop with a budget of
  ``INLINE_STEPS`` SQLite VM steps (about half a millisecond); a read that passes it is stopped
  by SQLite's progress handler and run again on a reader thread. Reads change nothing, so
  running one again is safe. In WAL mode readers see exactly the committed data and never wait
  for the writer or its batch. ``snapshot()`` holds one reader in a read transaction for a job
  that needs several reads of one state without the write lock.
- Several Kith processes on one file (a shard range each) take turns to write through a lock
  file beside it (``_WriteTurns``), so a waiting process wakes the moment the other commits.
"""

from __future__ import annotations

import asyncio
import fcntl
import logging
import os
import sqlite3
import time
from collections.abc import AsyncIterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

from bot.logs import event
from bot.store.base import Database, Row, Tx
from bot.store.faults import DAMAGED_TEXT, RESTORE_HINT, StorageFault, WriteRefused, refusal
from bot.store.sqlite_readers import Readers, ReadOnlyTx

log = logging.getLogger("kith.store")

BUSY_TIMEOUT_MS = 10_000
# The start-up check reads every page of a small database; on a large one it stops after this
# long (and says so) rather than delay the start by minutes.
QUICK_CHECK_SECONDS = 5.0
FREE_SPACE_TO_RESUME = 1 << 20  # bytes free before a full disk counts as having room again
# A batch commits when nobody else is waiting, or at this size so a steady stream of arrivals
# cannot keep the first members waiting for their acknowledgement.
MAX_BATCH = 64
# SQLite VM steps a read outside a transaction may take on the loop (40–50 million a second on
# the reference machine, so about 0.5 ms) before it is moved to a reader thread.
INLINE_STEPS = 20_000
STATEMENT_CACHE = 512  # prepared statements kept per connection; Kith has a few hundred
_BUSY_CODES = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}


class BatchAborted(sqlite3.OperationalError):
    """SQLite rolled the shared transaction back by itself (an I/O error, a full disk …): every
    member of the batch lost its writes and must not be acknowledged."""


class SqliteTx(Tx):
    dialect = "sqlite"

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    async def execute(self, sql: str, *params: Any) -> int:
        return self._conn.execute(sql, params).rowcount

    async def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self._conn.executemany(sql, rows)

    async def fetchall(self, sql: str, *params: Any) -> list[Row]:
        return _dicts(self._conn.execute(sql, params))

    # The one-row reads directly, without the base class's extra coroutine per call: a member's
    # action makes several, and each layer of coroutine costs about as much as a short query.
    async def fetchone(self, sql: str, *params: Any) -> Row | None:
        return _first(self._conn.execute(sql, params))

    async def fetchval(self, sql: str, *params: Any) -> Any:
        return _value(self._conn.execute(sql, params))


# Rows are dicts zipped with the column names from ``description``: looking each column up by
# name in an ``sqlite3.Row`` compares it with every name before it, which was 5% of a member's
# action. A name that repeats (a join's two ``id`` columns) keeps the last value, as on PostgreSQL.


def _dicts(cursor: sqlite3.Cursor) -> list[Row]:
    rows = cursor.fetchall()
    if not rows:
        return []
    names = _names(cursor)
    return [dict(zip(names, row, strict=True)) for row in rows]


def _first(cursor: sqlite3.Cursor) -> Row | None:
    row = cursor.fetchone()
    return None if row is None else dict(zip(_names(cursor), row, strict=True))


def _value(cursor: sqlite3.Cursor) -> Any:
    row = cursor.fetchone()
    return None if row is None else row[0]


def _names(cursor: sqlite3.Cursor) -> list[str]:
    return [column[0] for column in cursor.description]


class _Batch:
    """One physical transaction shared by the logical ones that queued up behind each other."""

    def __init__(self, changes: int) -> None:
        self.committed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        # A failed batch whose members were all cancelled must not log "exception never retrieved".
        self.committed.add_done_callback(lambda f: f.cancelled() or f.exception())
        self.members = 0
        self.changes = changes  # the connection's total_changes when the batch began


def _connect(path: str, synchronous: str, *, writer: bool) -> sqlite3.Connection:
    conn = sqlite3.connect(
        path,
        isolation_level=None,
        # The writer is opened in a worker thread, used on the loop, and commits in both.
        check_same_thread=False,
        cached_statements=STATEMENT_CACHE,
        timeout=BUSY_TIMEOUT_MS / 1000,
    )
    if writer:
        conn.execute("PRAGMA journal_mode = WAL")
    # FULL: a commit survives power loss, not just a crash. An acknowledgement promises that.
    conn.execute(f"PRAGMA synchronous = {synchronous}")
    conn.execute("PRAGMA foreign_keys = ON")
    # Deleted rows are overwritten with zeros, not left in free space for anyone with the file.
    conn.execute("PRAGMA secure_delete = ON")
    if writer:
        # The write lock is taken by BEGIN IMMEDIATE, retried on the loop (see _begin); after it
        # nothing in WAL mode waits for a lock, so SQLite's own busy wait would only ever block
        # the event loop.
        conn.execute("PRAGMA busy_timeout = 0")
    else:
        conn.execute("PRAGMA query_only = ON")
    return conn


def _quick_check(conn: sqlite3.Connection, path: str) -> None:
    """``PRAGMA quick_check`` at start-up, bounded in time: a damaged file stops Kith with one
    line instead of acknowledging writes it cannot keep."""
    deadline = time.monotonic() + QUICK_CHECK_SECONDS
    conn.set_progress_handler(lambda: time.monotonic() > deadline, 10_000)
    try:
        problems = [row[0] for row in conn.execute("PRAGMA quick_check(3)")]
    except sqlite3.OperationalError as exc:
        if exc.sqlite_errorcode != sqlite3.SQLITE_INTERRUPT:
            raise
        event(log, "quick_check_skipped", logging.WARNING, path=path, seconds=QUICK_CHECK_SECONDS)
        return
    finally:
        conn.set_progress_handler(None, 0)
    if problems != ["ok"]:
        lines = [ln for p in problems for ln in p.splitlines() if not ln.startswith("***")]
        found = "; ".join(lines[:2]) or problems[0]
        raise StorageFault(f"{path} is damaged (SQLite's quick_check: {found}): {RESTORE_HINT}")


def _over_budget() -> int:
    return 1  # called after INLINE_STEPS VM steps: interrupt, the read moves to a reader thread


def _is_interrupted(exc: sqlite3.OperationalError) -> bool:
    return getattr(exc, "sqlite_errorcode", 0) == sqlite3.SQLITE_INTERRUPT


class _WriteTurns:
    """Kith's processes on one database file take turns to write through a lock on a file beside
    it. A process waiting for its turn sleeps in the kernel and wakes as soon as the holder has
    committed, where retrying SQLite's own lock would poll (and idle between polls while the
    other process's batches come and go). Other programs (an ``sqlite3`` shell, a backup) do not
    take turns: ``BEGIN IMMEDIATE`` still waits for them by retrying. The kernel drops a killed
    process's turn with it."""

    def __init__(self, path: str) -> None:
        self._fd = os.open(f"{path}-turns", os.O_RDWR | os.O_CREAT, 0o600)
        self.held = False

    def take_now(self) -> bool:
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        self.held = True
        return True

    def wait_and_take(self) -> None:
        """Blocks: for a worker thread."""
        fcntl.flock(self._fd, fcntl.LOCK_EX)
        self.held = True

    def give_back(self) -> None:
        if self.held:
            self.held = False
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    def close(self) -> None:
        self.give_back()
        os.close(self._fd)


class _Transaction(AbstractAsyncContextManager[Tx]):
    """One logical transaction: a savepoint in the current batch, acknowledged once the batch's
    COMMIT is done. (A class rather than ``@asynccontextmanager``: every action enters one, and
    the generator machinery cost more than the savepoint.)"""

    __slots__ = ("_batch", "_db")

    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db
        self._batch: _Batch | None = None

    async def __aenter__(self) -> Tx:
        db = self._db
        if db.damaged is not None:  # nothing written to a damaged file can be trusted
            raise db.damaged
        await db._acquire()
        try:
            self._batch = await db._join_batch()
            db._writer.execute("SAVEPOINT kith_tx")
        except BaseException:
            db._end_turn()
            raise
        return SqliteTx(db._writer)

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: Any
    ) -> None:
        db, batch = self._db, self._batch
        assert batch is not None
        try:
            if kind is not None:
                db._undo_savepoint(batch)
                refused = db._noticed(error) if isinstance(error, sqlite3.Error) else None
                if refused is not None:
                    raise refused from error
                return
            try:
                db._writer.execute("RELEASE kith_tx")
            except BaseException:
                db._undo_savepoint(batch)
                raise
            batch.members += 1
        finally:
            db._end_turn()
        # Cancelling one member while it waits must not cancel the commit the others wait for.
        await asyncio.shield(batch.committed)


def _is_busy(exc: sqlite3.Error) -> bool:
    return getattr(exc, "sqlite_errorcode", 0) & 0xFF in _BUSY_CODES


class SqliteDatabase(Database):
    dialect = "sqlite"

    def __init__(
        self,
        writer: sqlite3.Connection,
        inline: sqlite3.Connection | None,
        readers: Readers | None,
        path: str,
        worker: ThreadPoolExecutor,
    ) -> None:
        self._writer = writer
        # Both None for ":memory:", which a second connection cannot share.
        self._inline = inline
        self._readers = readers
        self._worker = worker
        self._turns = _WriteTurns(path) if readers is not None else None
        self._lock = asyncio.Lock()
        self._waiting = 0
        self._batch: _Batch | None = None
        self._tasks: set[asyncio.Task[None]] = set()  # commits and rescues in flight
        self.path = path
        self._closed = False
        self.commits = 0  # physical COMMITs, each covering a batch of transactions
        self.fault: WriteRefused | None = None  # the last write's storage fault, until one saves
        self.damaged: WriteRefused | None = None  # SQLITE_CORRUPT seen: no write is trusted
        self.reads_moved = 0  # reads outside a transaction that went to a reader thread

    @classmethod
    async def open(cls, path: str | Path, *, synchronous: str = "FULL") -> SqliteDatabase:
        path = str(path)
        synchronous = synchronous.upper()
        if synchronous not in {"FULL", "NORMAL", "EXTRA"}:
            raise ValueError("KITH_SQLITE_SYNCHRONOUS must be FULL, NORMAL or EXTRA")
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kith-sqlite")
        loop = asyncio.get_running_loop()
        # Opening can wait for another process's lock or a WAL recovery: not on the loop.
        writer = await loop.run_in_executor(
            worker, lambda: _connect(path, synchronous, writer=True)
        )
        inline, readers = None, None
        if path != ":memory:":
            inline = await loop.run_in_executor(
                worker, lambda: _connect(path, synchronous, writer=False)
            )
            try:
                await loop.run_in_executor(worker, _quick_check, inline, path)
            except BaseException:
                inline.close()
                writer.close()
                worker.shutdown(wait=False)
                raise
            # After the check, which sets and clears a progress handler of its own.
            inline.set_progress_handler(_over_budget, INLINE_STEPS)
            readers = Readers(lambda: _connect(path, synchronous, writer=False))
        return cls(writer, inline, readers, path, worker)

    # ---- reads outside a transaction: inline if short, else on a reader thread -------------

    async def fetchall(self, sql: str, *params: Any) -> list[Row]:
        if self._inline is None or self._readers is None:
            return await super().fetchall(sql, *params)
        try:
            return _dicts(self._inline.execute(sql, params))
        except sqlite3.OperationalError as exc:
            if not _is_interrupted(exc):
                raise
        self.reads_moved += 1
        async with self._readers.reader() as tx:
            return await tx.fetchall(sql, *params)

    async def fetchone(self, sql: str, *params: Any) -> Row | None:
        if self._inline is None or self._readers is None:
            return await super().fetchone(sql, *params)
        try:
            return _first(self._inline.execute(sql, params))
        except sqlite3.OperationalError as exc:
            if not _is_interrupted(exc):
                raise
        self.reads_moved += 1
        async with self._readers.reader() as tx:
            return await tx.fetchone(sql, *params)

    async def fetchval(self, sql: str, *params: Any) -> Any:
        if self._inline is None or self._readers is None:
            return await super().fetchval(sql, *params)
        try:
            return _value(self._inline.execute(sql, params))
        except sqlite3.OperationalError as exc:
            if not _is_interrupted(exc):
                raise
        self.reads_moved += 1
        async with self._readers.reader() as tx:
            return await tx.fetchval(sql, *params)

    @asynccontextmanager
    async def snapshot(self) -> AsyncIterator[Tx]:
        if self._readers is None:
            async with self.transaction() as tx:
                yield tx
            return
        snapshot: AbstractAsyncContextManager[ReadOnlyTx] = self._readers.snapshot()
        async with snapshot as tx:
            yield tx

    # ---- transactions, batched --------------------------------------------------------------

    def transaction(self) -> _Transaction:
        return _Transaction(self)

    async def _acquire(self) -> None:
        self._waiting += 1
        try:
            await self._lock.acquire()
        except BaseException:
            self._waiting -= 1
            self._rescue_abandoned_batch()
            raise
        self._waiting -= 1

    async def _join_batch(self) -> _Batch:
        if self._batch is None:
            await self._begin()
            self._batch = _Batch(self._writer.total_changes)
        return self._batch

    async def _begin(self) -> None:
        await self._take_turn()
        try:
            await self._begin_immediate()
        except BaseException:
            self._give_back_turn()
            raise

    async def _take_turn(self) -> None:
        turns = self._turns
        if turns is None or turns.take_now():
            return
        waiting = asyncio.get_running_loop().run_in_executor(self._worker, turns.wait_and_take)
        try:
            await asyncio.shield(waiting)
        except asyncio.CancelledError:
            # The thread still takes the turn when it comes; nobody would give it back.
            waiting.add_done_callback(lambda _: self._give_back_turn())
            raise

    def _give_back_turn(self) -> None:
        if self._turns is not None and not self._writer.in_transaction:
            self._turns.give_back()

    async def _begin_immediate(self) -> None:
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        delay = 0.001
        while True:
            try:
                self._writer.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if not _is_busy(exc) or time.monotonic() > deadline:
                    raise
            await asyncio.sleep(delay)  # another program writes: let the loop run meanwhile
            delay = min(delay * 2, 0.05)

    def _undo_savepoint(self, batch: _Batch) -> None:
        if self._writer.in_transaction:
            try:
                self._writer.execute("ROLLBACK TO kith_tx")
                self._writer.execute("RELEASE kith_tx")
                return
            except sqlite3.Error:
                pass
        self._abort_batch(batch, "SQLite rolled back the transaction after an error")

    def _abort_batch(self, batch: _Batch, why: str, cause: sqlite3.Error | None = None) -> None:
        if self._writer.in_transaction:
            try:
                self._writer.execute("ROLLBACK")
            except sqlite3.Error:
                pass
        self._give_back_turn()
        if self._batch is batch:
            self._batch = None
        if not batch.committed.done():
            aborted = BatchAborted(f"{why}; nothing was saved")
            refused = self._noticed(cause) if cause is not None else None
            if refused is not None:
                refused.__cause__ = aborted
            batch.committed.set_exception(refused or aborted)

    def _noticed(self, error: sqlite3.Error) -> WriteRefused | None:
        """Classify a failed write. A full disk refuses writes until one is saved again; a
        damaged file refuses every write from now on (fatal for writes, reads still served)."""
        refused = refusal(error)
        if refused is None:
            return None
        if self.fault is None or str(self.fault) != str(refused):
            event(log, "write_refused", logging.ERROR, reason=str(refused), path=self.path)
        self.fault = refused
        if refused.text_id == DAMAGED_TEXT:
            self.damaged = refused
        return refused

    def _end_turn(self) -> None:
        """Hand the lock on: to the next transaction in line, which joins this batch, or, with
        nobody waiting, to the batch's commit, which releases it when done."""
        batch = self._batch
        if batch is None or (self._waiting and batch.members < MAX_BATCH):
            self._lock.release()
            return
        if batch.members == 0:
            self._abort_batch(batch, "no member of the batch completed")
            self._lock.release()
            return
        task = asyncio.get_running_loop().create_task(self._commit_and_release(batch))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _commit_and_release(self, batch: _Batch) -> None:
        # This runs a loop iteration after the batch's last member finished. Members whose turn
        # came in that iteration (they were already runnable: typically those the previous
        # commit just acknowledged, back with their next action) join this batch instead of
        # waiting for its COMMIT and starting one of their own.
        if self._waiting and batch.members < MAX_BATCH and self._batch is batch:
            self._lock.release()
            return
        try:
            await self._commit(batch)
        finally:
            self._lock.release()

    async def _commit(self, batch: _Batch) -> None:
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(self._worker, self._commit_and_give_back_turn)
        except sqlite3.Error as exc:
            self._abort_batch(batch, f"the commit failed ({exc})", exc)
            return
        except asyncio.CancelledError:
            # The loop is shutting down; the COMMIT may still land. Nobody is acknowledged.
            if not batch.committed.done():
                batch.committed.cancel()
            self._batch = None
            raise
        self._batch = None
        self.commits += 1
        wrote = self._writer.total_changes != batch.changes  # an empty COMMIT proves nothing
        if self.fault is not None and self.damaged is None and wrote:
            event(log, "storage_recovered", logging.WARNING, was=str(self.fault))
            self.fault = None  # space came back: writes are saved again
        batch.committed.set_result(None)

    def _commit_and_give_back_turn(self) -> None:
        """In the worker thread: the turn passes on the moment the COMMIT is done (or, if it
        failed and left the transaction open, once ``_abort_batch`` has rolled it back)."""
        try:
            self._writer.execute("COMMIT")
        finally:
            self._give_back_turn()

    def _rescue_abandoned_batch(self) -> None:
        """A cancelled waiter may have been the one the last member left the commit to."""
        if self._batch is not None and self._waiting == 0 and not self._lock.locked():

            async def finish() -> None:
                await self._acquire()
                self._end_turn()

            task = asyncio.get_running_loop().create_task(finish())
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    # ---- the rest -------------------------------------------------------------------------

    async def table_columns(self) -> dict[str, list[str]]:
        names = await self.fetchall(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " ORDER BY name"
        )
        return {
            r["name"]: [c["name"] for c in await self.fetchall(f"PRAGMA table_info({r['name']})")]
            for r in names
        }

    async def after_bulk_copy(self, table: str) -> None:
        """SQLite moves AUTOINCREMENT counters past explicit ids by itself."""

    async def scrub_deleted(self) -> bool:
        """Make deleted rows' bytes unrecoverable from the files: ``secure_delete`` (set on every
        connection) zeroes them in the live pages, and a TRUNCATE checkpoint copies those pages
        into the database file and empties the ``-wal``, whose older page copies still held them.
        False if another connection's read kept the ``-wal`` from being emptied (the next forget
        or retention run tries again)."""
        if self._readers is None:
            return True  # ":memory:": no files
        await self._acquire()
        try:
            if self._batch is not None:  # a batch in flight commits first
                await self._commit(self._batch)
            await self._take_turn()
            try:
                loop = asyncio.get_running_loop()
                for attempt in range(3):
                    busy, _, _ = await loop.run_in_executor(
                        self._worker,
                        lambda: self._writer.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone(),
                    )
                    if not busy:
                        return True
                    await asyncio.sleep(0.01 * (attempt + 1))
                return False
            finally:
                self._give_back_turn()
        finally:
            self._lock.release()

    async def lock_migrations(self, tx: Tx) -> None:
        """Nothing to do: BEGIN IMMEDIATE already holds SQLite's write lock."""

    async def probe_write(self) -> None:
        """After a full disk, a small write can land in space the failed one left allocated;
        writes count as back only once the disk has room for more than that."""
        if self.fault is not None and self.damaged is None and self.path != ":memory:":
            disk = os.statvfs(Path(self.path).parent)
            if disk.f_bavail * disk.f_frsize < FREE_SPACE_TO_RESUME:
                raise self.fault
        await super().probe_write()

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        await self._acquire()  # a commit in flight finishes first
        try:
            if self._batch is not None:  # its last member left the commit to us
                await self._commit(self._batch)
        finally:
            if self._inline is not None:
                self._inline.close()
            if self._readers is not None:
                await self._readers.close()
            self._writer.close()
            if self._turns is not None:
                self._turns.close()
            self._worker.shutdown(wait=True)
            self._lock.release()
