"""Choose an engine from a database URL."""

from __future__ import annotations

import logging
import sqlite3

from bot.store.base import Database
from bot.store.faults import StorageFault, describe_postgres, describe_sqlite

log = logging.getLogger("kith.store")


class UnsupportedDatabase(ValueError):
    pass


async def open_database(
    url: str, *, migrate: bool = True, sqlite_synchronous: str = "FULL"
) -> Database:
    """Open ``sqlite:///path``, a bare path or ``postgresql://…``; migrate unless told not to.

    A database that cannot be used as it is raises StorageFault: one line saying which and what
    to do (the traceback goes to the log at DEBUG level only)."""
    if url.startswith(("postgresql://", "postgres://")):
        try:
            from bot.store.postgres import PostgresDatabase, connection_errors
        except ModuleNotFoundError:
            raise UnsupportedDatabase(
                "PostgreSQL needs the postgres extra: pip install 'kith-bot[postgres]'"
            ) from None
        try:
            return await _migrated(await PostgresDatabase.open(url), migrate, url)
        except connection_errors() as exc:
            log.debug("cannot open the database", exc_info=True)
            raise StorageFault(describe_postgres(url, exc)) from exc
    path = url.removeprefix("sqlite:///") if url.startswith("sqlite:///") else url
    if path.startswith("sqlite:"):
        raise UnsupportedDatabase(f"cannot read database URL {url!r}: use sqlite:///path")
    from bot.store.sqlite import SqliteDatabase

    try:
        return await _migrated(
            await SqliteDatabase.open(path, synchronous=sqlite_synchronous), migrate, path
        )
    except StorageFault as exc:
        log.debug("cannot open the database", exc_info=True)
        raise StorageFault(_named(str(exc), path)) from exc
    except (sqlite3.Error, OSError) as exc:
        log.debug("cannot open the database", exc_info=True)
        raise StorageFault(describe_sqlite(path, exc)) from exc


async def _migrated(db: Database, migrate: bool, url: str) -> Database:
    db.url = url
    try:
        if migrate:
            await db.migrate()
    except BaseException:
        await db.close()
        raise
    return db


def _named(reason: str, path: str) -> str:
    return reason if path in reason else f"{path}: {reason}"
