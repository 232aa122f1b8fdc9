"""Exporting and forgetting a member's data, and trimming old free text, driven by the
catalogue of personal tables."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime
from typing import Any

from bot.day_counts import forget_counts, uncount_moods
from bot.maintenance import MaintenanceRun, in_slices
from bot.privacy.catalogue import PERSONAL, PersonalTable
from bot.privacy.pseudonyms import move_reference, pseudonym
from bot.scheduling.clock import to_epoch
from bot.store.base import Database, Row, Tx

DEFAULT_RETENTION_DAYS = 90


async def _existing(db: Database | Tx) -> set[str]:
    # Only tables that exist: a deployment may not have every adapter's tables.
    rows = await db.fetchall(
        "SELECT name FROM sqlite_master WHERE type = 'table'"
        if db.dialect == "sqlite"
        else "SELECT table_name AS name FROM information_schema.tables"
        " WHERE table_schema = current_schema()"
    )
    return {r["name"] for r in rows}


def _where(entry: PersonalTable, columns: tuple[str, ...]) -> str:
    return "community_id = ? AND (" + " OR ".join(f"{c} = ?" for c in columns) + ")"


async def export_member(
    db: Database, community_key: str, user_key: str, now: datetime
) -> dict[str, Any]:
    """Everything stored about the member, read in one snapshot (one consistent moment, and on
    SQLite a reader thread rather than the event loop: a long-standing member's acts are
    thousands of rows)."""
    async with db.snapshot() as snap:
        return await _export(snap, community_key, user_key, now)


async def _export(tx: Tx, community_key: str, user_key: str, now: datetime) -> dict[str, Any]:
    present = await _existing(tx)
    tables: dict[str, list[Row]] = {}
    for entry in PERSONAL:
        columns = entry.member_columns + entry.mention_columns
        if entry.table not in present or not columns:
            continue
        rows = await tx.fetchall(
            f"SELECT * FROM {entry.table} WHERE {_where(entry, columns)}",
            community_key,
            *([user_key] * len(columns)),
        )
        if rows:
            tables[entry.table] = rows
    if "buddy_group_members" in present and "buddy_members" in present:
        rows = await tx.fetchall(
            "SELECT g.* FROM buddy_group_members g JOIN buddy_members m ON m.id = g.member_id"
            " WHERE m.community_id = ? AND m.user_key = ?",
            community_key,
            user_key,
        )
        if rows:
            tables["buddy_group_members"] = rows
    return {
        "format": "kith-export-1",
        "community": community_key,
        "member": user_key,
        "exported_at": now.isoformat(),
        "tables": tables,
    }


def export_json(document: dict[str, Any]) -> str:
    """The file; pure-Python work of tens of milliseconds for a big export (``json`` cannot use
    its C encoder with ``indent``), so callers run it in a thread (``export_file``)."""
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True, default=str)


def like_anywhere(value: str) -> str:
    """A LIKE pattern matching ``value`` anywhere, its own wildcards escaped (with ``\\``)."""
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


async def forget_occurrences(tx: Tx, community_key: str, user_key: str) -> int:
    """Cancel queued posts that name the member (a milestone queued just before the forget) and
    blank the member's key from the slot and payload of every occurrence, sent or not."""
    in_json = json.dumps(user_key)[1:-1]
    return await tx.execute(
        "UPDATE occurrences SET"
        " state = CASE WHEN state IN ('pending', 'claimed') THEN 'skipped' ELSE state END,"
        " slot = 'forgotten:' || CAST(id AS TEXT), payload = '{}'"
        " WHERE community_id = ? AND (slot LIKE ? ESCAPE '\\' OR payload LIKE ? ESCAPE '\\')",
        community_key,
        like_anywhere(user_key),
        like_anywhere(in_json),
    )


async def export_file(document: dict[str, Any]) -> str:
    """``export_json`` in a worker thread: the event loop keeps serving other members (the
    thread gives the interpreter lock back every few milliseconds)."""
    return await asyncio.to_thread(export_json, document)


async def forget_member(tx: Tx, community_key: str, user_key: str, now: datetime) -> dict[str, int]:
    """Delete everything personal about the member in this community; return rows per table.

    Rows that are someone else's and only name the member are not deleted: the reference is
    cleared, or replaced by a keyed hash (see the catalogue); they are not counted as removed."""
    present = await _existing(tx)
    removed: dict[str, int] = {}
    # The stats' day counts follow the rows: the member's share leaves them with the rows.
    await forget_counts(tx, community_key, user_key)
    if "occurrences" in present:
        cancelled = await forget_occurrences(tx, community_key, user_key)
        if cancelled:
            removed["occurrences"] = cancelled
    if "buddy_group_members" in present and "buddy_members" in present:
        # Explicitly, not only by cascade: SQLite enforces it only with foreign_keys on.
        removed["buddy_group_members"] = await tx.execute(
            "DELETE FROM buddy_group_members WHERE member_id IN (SELECT id FROM buddy_members"
            " WHERE community_id = ? AND user_key = ?)",
            community_key,
            user_key,
        )
    for entry in PERSONAL:
        if entry.table not in present:
            continue
        count = 0
        for column in entry.mention_columns:
            blank = "''" if entry.table == "custom_prompts" else "NULL"
            count += await tx.execute(
                f"UPDATE {entry.table} SET {column} = {blank}"
                f" WHERE community_id = ? AND {column} = ?",
                community_key,
                user_key,
            )
        if entry.member_columns:
            count += await tx.execute(
                f"DELETE FROM {entry.table} WHERE {_where(entry, entry.member_columns)}",
                community_key,
                *([user_key] * len(entry.member_columns)),
            )
        for column in entry.about_columns:
            if entry.pseudonymise:
                hashed = await pseudonym(tx, community_key, user_key, now)
                owner = entry.member_columns[0]
                await move_reference(
                    tx, entry.table, column, owner, community_key, user_key, hashed
                )
            else:
                await tx.execute(
                    f"UPDATE {entry.table} SET {column} = NULL"
                    f" WHERE community_id = ? AND {column} = ?",
                    community_key,
                    user_key,
                )
        if count:
            removed[entry.table] = count
    row = await tx.fetchone("SELECT admin_users FROM communities WHERE id = ?", community_key)
    if row is not None and user_key in json.loads(row["admin_users"]):
        admins = [k for k in json.loads(row["admin_users"]) if k != user_key]
        await tx.execute(
            "UPDATE communities SET admin_users = ? WHERE id = ?", json.dumps(admins), community_key
        )
    return removed


async def retention_days(db: Database | Tx, community_key: str) -> int:
    value = await db.fetchval(
        "SELECT retention_days FROM privacy_settings WHERE community_id = ?", community_key
    )
    return int(value) if value is not None else DEFAULT_RETENTION_DAYS


async def trim_all_communities(run: MaintenanceRun) -> dict[str, int]:
    """Retention for every community: each table's old free text, in slices of its ``id``
    range (``bot.maintenance``), each community's own period (or the default) applied by a
    correlated lookup. ``run.progress`` (``table:last id``) says where an interrupted run
    stopped; tables before it are done."""
    present = await _existing(run.services.db)
    period = (
        f"COALESCE((SELECT p.retention_days FROM privacy_settings p"
        f" WHERE p.community_id = {{table}}.community_id), {DEFAULT_RETENTION_DAYS}) * 86400"
    )
    tables = [e for e in PERSONAL if e.retention is not None and e.table in present]
    resume_table, _, resume_id = (run.progress or "").partition(":")
    if resume_table not in {e.table for e in tables}:
        resume_table, resume_id = "", ""
    trimmed: dict[str, int] = {}
    for entry in tables:
        if resume_table and entry.table != resume_table:
            continue  # done before the interruption
        after = int(resume_id) if resume_table else 0
        resume_table = ""
        assert entry.created_column and (entry.retention == "delete" or entry.text_column)
        old = f"{entry.table}.{entry.created_column} < ? - {period.format(table=entry.table)}"
        if entry.retention == "delete":
            statement = f"DELETE FROM {entry.table} WHERE {old}"
        else:
            statement = (
                f"UPDATE {entry.table} SET {entry.text_column} = ''"
                f" WHERE {old} AND {entry.text_column} <> ''"
            )

        async def done(tx: Tx, last_id: int, table: str = entry.table) -> None:
            await run.record(tx, f"{table}:{last_id}")

        column = f"{entry.table}.{entry.slice_column}"
        in_range = f" AND {column} > ? AND {column} <= ?"

        async def uncount(tx: Tx, start: int, end: int, where: str = old + in_range) -> None:
            await uncount_moods(tx, where, to_epoch(run.now), start, end)

        count = await in_slices(
            run.services,
            entry.table,
            statement + in_range,
            (to_epoch(run.now),),
            after=after,
            done=done,
            key=entry.slice_column,
            # Deleted moods leave the stats' day counts in the same transaction.
            before=uncount if entry.table == "moods" else None,
        )
        if count:
            trimmed[entry.table] = count
    return trimmed
