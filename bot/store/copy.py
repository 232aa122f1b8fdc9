"""Copy a Kith database to another (for example SQLite → PostgreSQL), table by table.

Both sides are migrated to the same schema first. Tables are copied in the order migrations
create them, so a row's parents always arrive before it; adapters' own tables (``console_*``,
``discord_*`` …) come along when the target has them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.store.base import Database
from bot.store.migrations import load_migrations

BATCH = 5000
_CREATE = re.compile(r"CREATE TABLE (?:IF NOT EXISTS )?(\w+)", re.IGNORECASE)


class CopyError(RuntimeError):
    pass


@dataclass(frozen=True)
class CopyReport:
    rows: dict[str, int]
    skipped: list[str]


def schema_order(dialect: str) -> list[str]:
    order = ["schema_migrations"]
    for migration in load_migrations(dialect):
        for statement in migration.statements:
            order += _CREATE.findall(statement)
    return order


async def copy_database(source: Database, target: Database) -> CopyReport:
    source_versions = {
        r["version"] for r in await source.fetchall("SELECT version FROM schema_migrations")
    }
    target_versions = {
        r["version"] for r in await target.fetchall("SELECT version FROM schema_migrations")
    }
    if source_versions != target_versions:
        raise CopyError(
            "the two databases are at different schema versions; run `kith migrate` on both first"
        )
    if await target.fetchval("SELECT COUNT(*) FROM communities"):
        raise CopyError("the target database already holds communities; copy into an empty one")
    source_tables, target_tables = await source.table_columns(), await target.table_columns()
    known = schema_order(source.dialect)
    ordered = [t for t in known if t in source_tables and t != "schema_migrations"]
    ordered += sorted(t for t in source_tables if t not in known)
    rows: dict[str, int] = {}
    skipped = [t for t in ordered if t not in target_tables]
    async with target.transaction() as tx:
        for table in ordered:
            if table in skipped:
                continue
            columns = [c for c in source_tables[table] if c in target_tables[table]]
            column_list = ", ".join(columns)
            insert = f"INSERT INTO {table} ({column_list}) VALUES ({', '.join('?' * len(columns))})"
            data = await source.fetchall(f"SELECT {column_list} FROM {table}")
            for start in range(0, len(data), BATCH):
                await tx.executemany(
                    insert, [tuple(r[c] for c in columns) for r in data[start : start + BATCH]]
                )
            rows[table] = len(data)
    for table in rows:
        if "id" in target_tables[table]:
            await target.after_bulk_copy(table)
    return CopyReport(rows, skipped)
