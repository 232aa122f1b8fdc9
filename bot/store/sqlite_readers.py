"""SQLite's reads outside a transaction: query-only connections, each on its own thread (aiosqlite).

A read outside a transaction may be a single indexed row (a member's community, a few µs) or a
scan of millions of rows (an admin's stats, a member's export, a big round's history). On the
event-loop thread the scan would stop every other member's action for as long as it runs; on a
reader thread SQLite releases the interpreter lock while it steps, so the loop keeps going. A
thread hop costs 55–135 µs, which a member's action pays once (its community read), not per
statement: its transaction still runs on the loop (see ``bot.store.sqlite``).

Readers are opened as they are needed, up to ``MAX_READERS``, so one long scan holding a reader
does not make the short reads queue behind it. In WAL mode each read sees exactly the data
committed when it started and never waits for the writer. A read whose caller is cancelled is
interrupted, so an abandoned scan frees its reader at once.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import aiosqlite

from bot.store.base import Row, Tx

MAX_READERS = 4
T = TypeVar("T")


def dict_row(cursor: sqlite3.Cursor, row: tuple[Any, ...]) -> Row:
    """Rows as dicts, built on the reader's thread. A name that repeats keeps the last value."""
    return dict(zip([column[0] for column in cursor.description], row, strict=True))


class ReadOnlyTx(Tx):
    """Reads on one reader connection, in one snapshot when used inside ``Readers.snapshot``.
    A write is refused by SQLite (``query_only``)."""

    dialect = "sqlite"

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def execute(self, sql: str, *params: Any) -> int:
        await _interruptible(self._conn, self._conn.execute_fetchall(sql, params))
        return 0

    async def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        raise sqlite3.OperationalError("a snapshot is read-only")

    async def fetchall(self, sql: str, *params: Any) -> list[Row]:
        rows = await _interruptible(self._conn, self._conn.execute_fetchall(sql, params))
        return list(rows)  # dict_row is the row factory; fetchone and fetchval come from Tx


async def _interruptible(conn: aiosqlite.Connection, work: Any) -> Any:
    task = asyncio.ensure_future(work)
    try:
        return await asyncio.shield(task)
    except asyncio.CancelledError:
        await conn.interrupt()  # thread-safe: the running statement stops with SQLITE_INTERRUPT
        task.add_done_callback(lambda t: t.cancelled() or t.exception())
        raise


async def _end_snapshot(tx: ReadOnlyTx) -> None:
    try:
        await tx.execute("ROLLBACK")
    except sqlite3.OperationalError:
        pass  # an interrupted read may already have ended it


class Readers:
    """A pool of query-only aiosqlite connections on one database file."""

    def __init__(self, connect: Callable[[], sqlite3.Connection]) -> None:
        self._connect = connect
        self._idle: list[aiosqlite.Connection] = []
        self._all: list[aiosqlite.Connection] = []
        self._opening = 0
        self._released = asyncio.Condition()
        self._closed = False

    async def _open(self) -> aiosqlite.Connection:
        conn = aiosqlite.Connection(self._connect, iter_chunk_size=256)
        await conn  # starts its thread and connects there
        conn.row_factory = dict_row  # type: ignore[assignment]
        return conn

    async def _take(self) -> aiosqlite.Connection:
        async with self._released:
            while True:
                if self._closed:
                    raise sqlite3.ProgrammingError("the database is closed")
                if self._idle:
                    return self._idle.pop()
                if len(self._all) + self._opening < MAX_READERS:
                    self._opening += 1
                    break
                await self._released.wait()
        try:
            conn = await self._open()
        finally:
            self._opening -= 1
        self._all.append(conn)
        return conn

    async def _give_back(self, conn: aiosqlite.Connection) -> None:
        async with self._released:
            self._idle.append(conn)
            self._released.notify()

    @asynccontextmanager
    async def reader(self) -> AsyncIterator[ReadOnlyTx]:
        conn = await self._take()
        try:
            yield ReadOnlyTx(conn)
        finally:
            await asyncio.shield(self._give_back(conn))

    @asynccontextmanager
    async def snapshot(self) -> AsyncIterator[ReadOnlyTx]:
        """Several reads that see one committed state, without taking the write lock."""
        async with self.reader() as tx:
            await tx.execute("BEGIN")
            try:
                yield tx
            finally:
                await asyncio.shield(_end_snapshot(tx))

    async def fetchall(self, sql: str, *params: Any) -> list[Row]:
        async with self.reader() as tx:
            return await tx.fetchall(sql, *params)

    async def close(self) -> None:
        async with self._released:
            self._closed = True
            self._released.notify_all()
        for conn in self._all:
            if conn not in self._idle:
                await conn.interrupt()  # a long read in flight at shutdown stops now
            await conn.close()
        self._all.clear()
        self._idle.clear()
