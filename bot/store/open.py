"""Choose an engine from a database URL."""

from __future__ import annotations

from bot.store.base import Database


class UnsupportedDatabase(ValueError):
    pass


async def open_database(
    url: str, *, migrate: bool = True, sqlite_synchronous: str = "FULL"
) -> Database:
    """Open ``sqlite:///path``, a bare path or ``postgresql://…``; migrate unless told not to."""
    db: Database
    if url.startswith(("postgresql://", "postgres://")):
        try:
            from bot.store.postgres import PostgresDatabase
        except ModuleNotFoundError:
            raise UnsupportedDatabase(
                "PostgreSQL needs the postgres extra: pip install 'kith-bot[postgres]'"
            ) from None
        db = await PostgresDatabase.open(url)
    else:
        path = url.removeprefix("sqlite:///") if url.startswith("sqlite:///") else url
        if path.startswith("sqlite:"):
            raise UnsupportedDatabase(f"cannot read database URL {url!r}: use sqlite:///path")
        from bot.store.sqlite import SqliteDatabase

        db = await SqliteDatabase.open(path, synchronous=sqlite_synchronous)
    if migrate:
        await db.migrate()
    return db
