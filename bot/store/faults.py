"""Storage faults, said in one line with what to do about them.

Two kinds. At start-up (``StorageFault``) the database cannot be used as it is — a full disk, a
read-only file, a folder given as the database, a damaged file, a schema from a newer Kith —
and Kith stops with that line and exit status 2 (a supervisor restarting it would only fail
again). While running (``WriteRefused``) one write could not be saved or trusted: nothing was
changed, the member is told so, and Kith goes on serving what it can.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from bot.i18n import N_, _

RESTORE_HINT = "restore the latest backup with `kith restore BACKUP` (stop Kith first)"


class StorageFault(Exception):
    """The database cannot be used at all: one line for whoever runs Kith, exit status 2."""


class SchemaTooNew(StorageFault):
    pass


class WriteRefused(Exception):
    """A write was not saved (a full disk) or may not be trusted (a damaged file). Nothing was
    changed; ``member_text`` is what the member sees, in the language of whoever reads it (the
    refusal outlives the event that met it: a damaged file refuses every later write)."""

    def __init__(self, reason: str, text_id: str) -> None:
        super().__init__(reason)
        self.text_id = text_id  # the English message id (FULL_TEXT, DAMAGED_TEXT)

    @property
    def member_text(self) -> str:
        return _(self.text_id)


FULL_TEXT = N_(
    "I couldn't save that: the server's disk is full, so nothing was changed. Please try "
    "again later; I'll pick up by myself once there is room."
)
DAMAGED_TEXT = N_(
    "I couldn't save that: my database needs repair, so nothing was changed. The people who "
    "run this bot have been told."
)


def sqlite_code(exc: BaseException) -> int:
    """The primary SQLite result code behind ``exc`` (0 if none), following the chain of
    causes: a batch aborted by a failed COMMIT carries the COMMIT's error as its cause."""
    seen: BaseException | None = exc
    while seen is not None:
        code = getattr(seen, "sqlite_errorcode", None)
        if isinstance(code, int):
            return code & 0xFF
        seen = seen.__cause__
    return 0


FULL_CODES = {sqlite3.SQLITE_FULL}
DAMAGED_CODES = {sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB}


def refusal(exc: BaseException) -> WriteRefused | None:
    """A run-time SQLite error as a refused write, or None if it is not a storage fault."""
    code = sqlite_code(exc)
    if code in FULL_CODES:
        return WriteRefused("the disk is full", FULL_TEXT)
    if code in DAMAGED_CODES:
        return WriteRefused(f"the database file is damaged ({exc}): {RESTORE_HINT}", DAMAGED_TEXT)
    return None


def describe_sqlite(path: str, exc: BaseException) -> str:
    """Why the SQLite database at ``path`` could not be opened, and what to do."""
    where = Path(path)
    folder = where.parent
    if isinstance(exc, OSError) and not isinstance(exc, sqlite3.Error):
        reason = exc.strerror or type(exc).__name__
        return (
            f"cannot create the folder {exc.filename or folder} for the database ({reason}): "
            "create it, writable by the user running Kith, or choose another place with "
            "KITH_DATABASE_URL (--db for kith console)"
        )
    if where.is_dir():
        return (
            f"{where} is a folder, not a database file: give a file path, "
            f"like {where / 'kith.sqlite3'}"
        )
    code = sqlite_code(exc)
    if code in FULL_CODES:
        return f"the disk holding {where} is full: free some space, then start Kith again"
    if code == sqlite3.SQLITE_NOTADB:
        return (
            f"{where} is not a Kith database (not an SQLite file, or its first page is "
            f"damaged): {RESTORE_HINT}, or give another path"
        )
    if code == sqlite3.SQLITE_CORRUPT:
        return f"{where} is damaged ({exc}): {RESTORE_HINT}"
    if where.exists() and not os.access(where, os.W_OK):
        return (
            f"{where} is read-only: make it writable by the user running Kith, or give another path"
        )
    if folder.exists() and not os.access(folder, os.W_OK):
        return (
            f"the folder {folder} is not writable: SQLite keeps {where.name}-wal and "
            f"{where.name}-shm beside the database, so the user running Kith must be able "
            "to write there"
        )
    if code in FULL_CODES | {sqlite3.SQLITE_IOERR}:
        return f"cannot write {where} ({exc}): check the disk, then start Kith again"
    return f"cannot open the database {where} ({exc}): check the path and its permissions"


def describe_postgres(url: str, exc: BaseException) -> str:
    """Why PostgreSQL could not be reached, without the password in the URL."""
    host = url.split("@", 1)[-1] if "@" in url else url.split("://", 1)[-1]
    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return (
        f"cannot use the PostgreSQL database at {host} ({reason}): check that the server is "
        "running and KITH_DATABASE_URL is right"
    )
