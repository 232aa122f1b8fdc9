"""The PostgreSQL engine (asyncpg), for deployments that run several Kith processes.

The same portable SQL runs here: ``?`` placeholders are rewritten to ``$1, $2, …`` once per
statement and cached. Migrations take an advisory lock so processes starting together apply each
step exactly once.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from functools import lru_cache
from typing import Any

import asyncpg
from asyncpg.pool import PoolConnectionProxy

from bot.store.base import Database, Row, Tx

MIGRATION_LOCK = 0x6B697468  # 'kith'
_LOST = (
    asyncpg.PostgresConnectionError,
    asyncpg.exceptions.AdminShutdownError,
    asyncpg.exceptions.CannotConnectNowError,
    ConnectionError,
)
_PLACEHOLDER = re.compile(r"\?")


@lru_cache(maxsize=2048)
def to_numbered(sql: str) -> str:
    """``?`` → ``$n``. Kith's SQL never puts a question mark inside a string literal."""
    counter = iter(range(1, 10_000))
    return _PLACEHOLDER.sub(lambda _: f"${next(counter)}", sql)


def connection_errors() -> tuple[type[BaseException], ...]:
    """What reaching or using the server at start-up can raise: a refused or reset
    connection, a wrong database name or password, a server that is starting up."""
    return (OSError, asyncpg.PostgresError, asyncpg.InterfaceError)


def _rowcount(status: str) -> int:
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


class PostgresTx(Tx):
    dialect = "postgresql"

    def __init__(self, conn: asyncpg.Connection | PoolConnectionProxy) -> None:
        self._conn = conn

    async def execute(self, sql: str, *params: Any) -> int:
        return _rowcount(await self._conn.execute(to_numbered(sql), *params))

    async def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        await self._conn.executemany(to_numbered(sql), rows)

    async def fetchall(self, sql: str, *params: Any) -> list[Row]:
        return [dict(r) for r in await self._conn.fetch(to_numbered(sql), *params)]


class PostgresDatabase(Database):
    dialect = "postgresql"

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    @classmethod
    async def open(cls, url: str, *, min_size: int = 1, max_size: int = 10) -> PostgresDatabase:
        pool = await asyncpg.create_pool(
            url, min_size=min_size, max_size=max_size, command_timeout=60
        )
        return cls(pool)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Tx]:
        async with self._pool.acquire() as conn, conn.transaction():
            yield PostgresTx(conn)

    @asynccontextmanager
    async def snapshot(self) -> AsyncIterator[Tx]:
        async with (
            self._pool.acquire() as conn,
            conn.transaction(isolation="repeatable_read", readonly=True),
        ):
            yield PostgresTx(conn)

    async def table_columns(self) -> dict[str, list[str]]:
        rows = await self.fetchall(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position"
        )
        tables: dict[str, list[str]] = {}
        for row in rows:
            tables.setdefault(row["table_name"], []).append(row["column_name"])
        return tables

    async def after_bulk_copy(self, table: str) -> None:
        sequence = await self.fetchval("SELECT pg_get_serial_sequence(?, 'id')", table)
        if sequence:
            await self.execute(
                f"SELECT setval(?, (SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)",
                sequence,
            )

    async def close(self) -> None:
        await self._pool.close()

    def connection_lost(self, exc: BaseException) -> bool:
        """A terminated backend (pg_terminate_backend, a restart) answers the next statement
        with 57P01 or drops the socket, and leaving the transaction then fails in its turn
        ("the underlying connection is closed"); the pool replaces the connection on the next
        acquire."""
        seen: BaseException | None = exc
        while seen is not None:
            if isinstance(seen, _LOST) or (
                isinstance(seen, asyncpg.InterfaceError) and "connection is closed" in str(seen)
            ):
                return True
            seen = seen.__cause__ or seen.__context__
        return False

    async def lock_migrations(self, tx: Tx) -> None:
        # Processes starting together wait here, so each step is applied exactly once.
        await tx.execute("SELECT pg_advisory_xact_lock(?)", MIGRATION_LOCK)
