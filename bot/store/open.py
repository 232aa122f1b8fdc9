"""Choose an engine from a database URL."""

from __future__ import annotations

from pathlib import Path

from bot.store.base import Database


class UnsupportedDatabase(ValueError):
    pass


async def open_database(
    url: str, *, migrate: bool = True, sqlite_synchronous: str = "FULL"
) -> Database:
    """Open ``sqlite:///path``, a bare path or ``postgresql://…``; migrate unless told not to."""
    db: Database
    if url.startswith(("postgresql://", "postgres://")):
        raise UnsupportedDatabase(
            "PostgreSQL support is not in this version yet; use a SQLite path for now"
        )
    path = url.removeprefix("sqlite:///") if url.startswith("sqlite:///") else url
    if path.startswith("sqlite:"):
        raise UnsupportedDatabase(f"cannot read database URL {url!r}: use sqlite:///path/to/file")
    from bot.store.sqlite import SqliteDatabase

    db = await SqliteDatabase.open(
        Path(path) if path != ":memory:" else path, synchronous=sqlite_synchronous
    )
    if migrate:
        await db.migrate()
    return db
