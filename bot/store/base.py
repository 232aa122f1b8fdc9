"""The engine-neutral database interface."""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any

from bot.store.faults import RESTORE_HINT, SchemaTooNew, WriteRefused

Row = Mapping[str, Any]


class Tx(ABC):
    """One open transaction. Everything a member's action writes happens in one of these and is
    committed before the acknowledgement is sent."""

    dialect: str

    @abstractmethod
    async def execute(self, sql: str, *params: Any) -> int:
        """Run a statement; return the number of rows it changed."""

    @abstractmethod
    async def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None: ...

    @abstractmethod
    async def fetchall(self, sql: str, *params: Any) -> list[Row]: ...

    async def fetchone(self, sql: str, *params: Any) -> Row | None:
        rows = await self.fetchall(sql, *params)
        return rows[0] if rows else None

    async def fetchval(self, sql: str, *params: Any) -> Any:
        row = await self.fetchone(sql, *params)
        return None if row is None else next(iter(row.values()))


class Database(ABC):
    dialect: str
    # The URL it was opened from (``open_database``), so a worker process can open it too.
    url: str = ""
    # The storage fault the last write ran into (a full disk, a damaged file), until a write is
    # saved again; None when all is well. ``/healthz`` reports it.
    fault: WriteRefused | None = None

    @abstractmethod
    def transaction(self) -> AbstractAsyncContextManager[Tx]:
        """``async with db.transaction() as tx:`` (SQLite: BEGIN IMMEDIATE)."""

    def snapshot(self) -> AbstractAsyncContextManager[Tx]:
        """``async with db.snapshot() as tx:`` several reads that see one committed state, for a
        job that reads a lot before it writes (a big round). Engines that can do it without
        holding the write lock do (SQLite: a read transaction on a reader; PostgreSQL: a
        repeatable-read, read-only transaction); this fallback is a write transaction."""
        return self.transaction()

    @abstractmethod
    async def close(self) -> None: ...

    @abstractmethod
    async def table_columns(self) -> dict[str, list[str]]:
        """Every table of the schema (and adapters' own tables) with its columns, in order."""

    @abstractmethod
    async def after_bulk_copy(self, table: str) -> None:
        """Move the ``id`` counter past ids inserted explicitly (PostgreSQL needs it)."""

    @abstractmethod
    async def lock_migrations(self, tx: Tx) -> None:
        """Serialise migrations across processes."""

    async def scrub_deleted(self) -> bool:
        """After a deletion that must really delete (forget, retention): make the deleted bytes
        unrecoverable from the engine's files where the engine allows it. PostgreSQL reclaims
        dead rows with (auto)vacuum; SQLite overrides this. True when done."""
        return True

    async def migrate(self) -> list[int]:
        """Apply pending migrations in one transaction; return the versions applied."""
        from bot.store.migrations import load_migrations

        applied: list[int] = []
        async with self.transaction() as tx:
            await self.lock_migrations(tx)
            await tx.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)"
            )
            done = {
                r["version"] for r in await tx.fetchall("SELECT version FROM schema_migrations")
            }
            migrations = load_migrations(self.dialect)
            known = max(m.version for m in migrations)
            if done and max(done) > known:
                # Its tables may not mean what this code thinks: using it would fail later,
                # one member's action at a time.
                raise SchemaTooNew(
                    f"the database has schema version {max(done)}, newer than this Kith knows "
                    f"({known}): run the newer Kith that last used it, or {RESTORE_HINT}"
                )
            for migration in migrations:
                if migration.version in done:
                    continue
                for statement in migration.statements:
                    await tx.execute(statement)
                await tx.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    migration.version,
                    migration.name,
                    int(time.time()),
                )
                applied.append(migration.version)
        return applied

    def connection_lost(self, exc: BaseException) -> bool:
        """Whether ``exc`` means the connection went away under the statement (a server
        restart, a reset): the same work may then be tried again on a fresh one."""
        return False

    async def probe_write(self) -> None:
        """A real (if unchanging) write, to learn whether writes are saved again: a full disk
        may have been given space while nobody wrote."""
        async with self.transaction() as tx:
            await tx.execute(
                "UPDATE schema_migrations SET applied_at = applied_at"
                " WHERE version = (SELECT MAX(version) FROM schema_migrations)"
            )

    async def fetchall(self, sql: str, *params: Any) -> list[Row]:
        async with self.transaction() as tx:
            return await tx.fetchall(sql, *params)

    async def fetchone(self, sql: str, *params: Any) -> Row | None:
        async with self.transaction() as tx:
            return await tx.fetchone(sql, *params)

    async def fetchval(self, sql: str, *params: Any) -> Any:
        async with self.transaction() as tx:
            return await tx.fetchval(sql, *params)

    async def execute(self, sql: str, *params: Any) -> int:
        async with self.transaction() as tx:
            return await tx.execute(sql, *params)
