"""``kith backup`` and ``kith restore`` for the SQLite file.

A backup is taken with SQLite's online backup API on a connection of its own, so it works while
Kith runs and writes: the copy is one read transaction, a consistent snapshot of every commit up
to its start, and in WAL mode it blocks no writer. It is written beside the target under a
temporary name, checked (``PRAGMA integrity_check``) and only then renamed into place, so a file
with the target's name is always a complete backup.

A restore refuses while any process has the database open, keeps the current file (and any
``-wal``/``-shm`` beside it) under a ``.before-restore-…`` name instead of deleting it, and moves
the backup in. Leaving an old ``-wal`` next to a restored file would let SQLite replay it into
the restored data; that is the mistake a hand-made restore can make and this one cannot.

PostgreSQL has its own tools (``pg_dump``, ``pg_restore``); these commands refuse its URLs.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

SIDECARS = ("-wal", "-shm", "-journal")
BUSY_TIMEOUT_S = 30.0


class BackupError(Exception):
    """Something the operator can fix; the message says what."""


@dataclass(frozen=True)
class Summary:
    """What a backup or a restore handled: the database file's size, tables and schema."""

    bytes: int
    tables: int
    schema_version: int


@dataclass(frozen=True)
class BackupReport:
    source: Path
    target: Path
    summary: Summary
    seconds: float


@dataclass(frozen=True)
class RestoreReport:
    backup: Path
    database: Path
    summary: Summary
    kept: Path | None  # where the replaced database now is


def sqlite_path(url: str, *, action: str) -> Path:
    """The file behind a database URL; PostgreSQL URLs are refused with what to use instead."""
    if url.startswith(("postgresql://", "postgres://")):
        tool = "pg_dump" if action == "backup" else "pg_restore (or psql for a plain dump)"
        raise BackupError(
            f"kith {action} works on the SQLite file; this database is PostgreSQL. "
            f"Use {tool} instead, for example: pg_dump --format=custom --file=kith.dump <URL>"
        )
    path = url.removeprefix("sqlite:///") if url.startswith("sqlite:///") else url
    if path.startswith("sqlite:") or path == ":memory:" or not path:
        raise BackupError(f"cannot read database URL {url!r}: use a path or sqlite:///path")
    return Path(path)


def _connect_existing(path: Path) -> sqlite3.Connection:
    """Open a database that must already exist (``mode=rw`` never creates an empty one)."""
    return sqlite3.connect(
        path.resolve().as_uri() + "?mode=rw", uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None
    )


def _summary(conn: sqlite3.Connection, path: Path) -> Summary:
    """Integrity-checked facts about a copy; BackupError if it is damaged or not Kith's."""
    verdict = conn.execute("PRAGMA integrity_check").fetchone()[0]
    if verdict != "ok":
        raise BackupError(f"{path} failed SQLite's integrity check: {verdict}")
    tables = conn.execute(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ).fetchone()[0]
    try:
        version = conn.execute("SELECT MAX(version) FROM schema_migrations").fetchone()[0]
    except sqlite3.OperationalError:
        raise BackupError(f"{path} is not a Kith database (it has no schema_migrations)") from None
    return Summary(path.stat().st_size, int(tables), int(version or 0))


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _install(partial: Path, target: Path) -> None:
    """Make ``partial`` durable, then atomically give it ``target``'s name."""
    _fsync(partial)
    os.replace(partial, target)
    with contextlib.suppress(OSError):  # a directory fsync is not possible everywhere
        _fsync(target.parent)


def backup(url: str, target: Path, *, force: bool = False) -> BackupReport:
    """Copy the database at ``url`` to ``target`` (a folder: a time-stamped file in it)."""
    source = sqlite_path(url, action="backup")
    if not source.is_file():
        raise BackupError(f"there is no database at {source}")
    if target.is_dir():
        target = target / f"kith-{_stamp()}.sqlite3"
    if target.exists() and not force:
        raise BackupError(f"{target} already exists: choose another name, or add --force")
    if target.exists() and target.resolve() == source.resolve():
        raise BackupError("the target is the database itself")
    if not target.parent.is_dir():
        raise BackupError(f"the folder {target.parent} does not exist")
    started = time.perf_counter()
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    try:
        with contextlib.closing(_connect_existing(source)) as src:
            with contextlib.closing(sqlite3.connect(partial, isolation_level=None)) as dst:
                # pages=-1: the whole copy in one step, under one read transaction.
                src.backup(dst)
                # The copy inherits WAL mode; a backup should be one self-contained file.
                dst.execute("PRAGMA journal_mode = DELETE")
                summary = _summary(dst, partial)
        _install(partial, target)
    except sqlite3.Error as exc:
        raise BackupError(f"the backup failed: {exc}") from None
    except OSError as exc:
        raise BackupError(f"could not write {target}: {exc.strerror or exc}") from None
    finally:
        partial.unlink(missing_ok=True)
    return BackupReport(source, target, summary, time.perf_counter() - started)


def in_use(path: Path) -> bool:
    """Does any connection (in any process) have this database open?

    An exclusive-mode connection cannot take the exclusive lock while another connection holds
    the WAL index open, even one that is idle between transactions.
    """
    if not path.exists():
        return False
    conn = sqlite3.connect(
        path.resolve().as_uri() + "?mode=rw", uri=True, timeout=0.2, isolation_level=None
    )
    try:
        conn.execute("PRAGMA locking_mode = EXCLUSIVE")
        conn.execute("BEGIN EXCLUSIVE")
        conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        conn.execute("ROLLBACK")
    except sqlite3.OperationalError:
        return True
    except sqlite3.DatabaseError:  # not a database at all: nobody is using it as one
        return False
    finally:
        conn.close()
    return False


def restore(backup_file: Path, url: str, *, latest_version: int) -> RestoreReport:
    """Put ``backup_file`` in place of the database at ``url``, keeping the current one aside.
    ``latest_version``: the newest migration this Kith knows (a newer backup is refused)."""
    database = sqlite_path(url, action="restore")
    if not backup_file.is_file():
        raise BackupError(f"there is no backup at {backup_file}")
    if database.exists() and database.resolve() == backup_file.resolve():
        raise BackupError("the backup is the database itself")
    try:
        with contextlib.closing(_connect_existing(backup_file)) as conn:
            summary = _summary(conn, backup_file)
        if in_use(database):
            raise BackupError(
                f"{database} is open in another process: stop Kith first, then restore"
            )
    except sqlite3.Error as exc:
        raise BackupError(f"cannot read {backup_file}: {exc}") from None
    if summary.schema_version > latest_version:
        raise BackupError(
            f"{backup_file} has schema version {summary.schema_version}, newer than this Kith "
            f"({latest_version}): restore it with the Kith version that made it"
        )
    database.parent.mkdir(parents=True, exist_ok=True)
    kept = _set_aside(database)
    partial = database.with_name(f".{database.name}.partial-{os.getpid()}")
    try:
        shutil.copyfile(backup_file, partial)
        _install(partial, database)
    except OSError as exc:  # a full disk, say: put the database back as it was
        if kept is not None:
            _move_with_sidecars(kept, database)
        raise BackupError(f"could not write {database}: {exc.strerror or exc}") from None
    finally:
        partial.unlink(missing_ok=True)
    return RestoreReport(backup_file, database, summary, kept)


def _set_aside(database: Path) -> Path | None:
    """Rename the database and its sidecar files to ``<name>.before-restore-<UTC time>``."""
    if not database.exists():
        return None
    stamp = _stamp()
    kept = database.with_name(f"{database.name}.before-restore-{stamp}")
    n = 1
    while kept.exists():
        n += 1
        kept = database.with_name(f"{database.name}.before-restore-{stamp}-{n}")
    _move_with_sidecars(database, kept)
    return kept


def _move_with_sidecars(source: Path, target: Path) -> None:
    for suffix in SIDECARS:
        sidecar = source.with_name(source.name + suffix)
        if sidecar.exists():
            os.replace(sidecar, target.with_name(target.name + suffix))
    os.replace(source, target)


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
