"""The embedded SQLite engine (aiosqlite), in WAL mode with a busy timeout.

One connection per process; an asyncio lock serialises transactions on it, and ``BEGIN IMMEDIATE``
takes SQLite's write lock up front so two processes sharing a file never deadlock on upgrade.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite

from bot.store.base import Database, Row, Tx

BUSY_TIMEOUT_MS = 10_000


class SqliteTx(Tx):
    dialect = "sqlite"

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    # One round trip to aiosqlite's thread per call: the hop, not SQLite, is the cost here.
    async def execute(self, sql: str, *params: Any) -> int:
        cursor = await self._conn.execute(sql, params)
        return cursor.rowcount

    async def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        await self._conn.executemany(sql, rows)

    async def fetchall(self, sql: str, *params: Any) -> list[Row]:
        rows = await self._conn.execute_fetchall(sql, params)
        return [dict(row) for row in rows]


class SqliteDatabase(Database):
    dialect = "sqlite"

    def __init__(self, conn: aiosqlite.Connection, path: str) -> None:
        self._conn = conn
        self._lock = asyncio.Lock()
        self.path = path

    @classmethod
    async def open(cls, path: str | Path, *, synchronous: str = "FULL") -> SqliteDatabase:
        path = str(path)
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        conn = await aiosqlite.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
        conn.row_factory = sqlite3.Row
        await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        await conn.execute("PRAGMA journal_mode = WAL")
        # FULL: a commit survives power loss, not just a crash. An acknowledgement promises that.
        if synchronous.upper() not in {"FULL", "NORMAL", "EXTRA"}:
            raise ValueError("KITH_SQLITE_SYNCHRONOUS must be FULL, NORMAL or EXTRA")
        await conn.execute(f"PRAGMA synchronous = {synchronous.upper()}")
        await conn.execute("PRAGMA foreign_keys = ON")
        return cls(conn, path)

    # A lone statement outside a transaction needs no BEGIN IMMEDIATE/COMMIT pair: in autocommit
    # mode SQLite runs it atomically in its own transaction, in one round trip to aiosqlite's
    # thread instead of three. The lock still keeps it out of another coroutine's open transaction.
    async def fetchall(self, sql: str, *params: Any) -> list[Row]:
        async with self._lock:
            rows = await self._conn.execute_fetchall(sql, params)
        return [dict(row) for row in rows]

    async def fetchone(self, sql: str, *params: Any) -> Row | None:
        rows = await self.fetchall(sql, *params)
        return rows[0] if rows else None

    async def fetchval(self, sql: str, *params: Any) -> Any:
        row = await self.fetchone(sql, *params)
        return None if row is None else next(iter(row.values()))

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Tx]:
        async with self._lock:
            await self._begin()
            try:
                yield SqliteTx(self._conn)
            except BaseException:
                await self._conn.execute("ROLLBACK")
                raise
            else:
                await self._conn.execute("COMMIT")

    async def _begin(self) -> None:
        # busy_timeout covers most contention; this loop covers the rare SQLITE_BUSY that
        # BEGIN IMMEDIATE reports at once when another process holds the lock during a checkpoint.
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        while True:
            try:
                await self._conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.01)

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

    async def lock_migrations(self, tx: Tx) -> None:
        """Nothing to do: BEGIN IMMEDIATE already holds SQLite's write lock."""

    async def close(self) -> None:
        await self._conn.close()
