"""Storage faults, end to end through ``kith console`` and ``kith run``.

At start-up every fault is one line on stderr naming the file and what to do, exit status 2,
no traceback. While running, a full disk refuses writes with a clear message, serves reads,
reports itself on ``/healthz`` and recovers by itself once there is room; a damaged file is
found at start-up, and at run time refuses every write from then on.

A full disk and a read-only file are real: a small tmpfs, filled or remounted read-only (root
only, as root ignores file permissions; otherwise those cases are skipped with the reason).
"""

from __future__ import annotations

import json
import os
import queue
import socket
import sqlite3
import subprocess
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest

from tests.e2e.console_helpers import KITH, kith

SCRIPT = ":admin ada\n@ada: /kith setup kindness channel:#general leaderboard:off\n"


def _one_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


def _make_database(path: Path) -> None:
    result = kith("console", "--db", str(path), stdin=SCRIPT + "@bo: /kind helped\n")
    assert result.returncode == 0, result.stderr


@contextmanager
def tmpfs(where: Path, size: str) -> Iterator[Path]:
    if os.geteuid() != 0:
        pytest.skip("a real full disk or read-only mount needs root (a small tmpfs)")
    where.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def _read_only(where: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(where)], check=True)


def _fill(disk: Path) -> Path:
    filler = disk / "filler"
    with suppress(OSError), filler.open("wb", buffering=0) as out:  # closing may fail too
        while True:
            out.write(b"\0" * 65536)
            os.fsync(out.fileno())
    return filler


# ---- start-up --------------------------------------------------------------------------------


def test_a_folder_given_as_the_database(tmp_path: Path) -> None:
    line = _one_line(kith("console", "--db", str(tmp_path)))
    assert line == (
        f"kith: {tmp_path} is a folder, not a database file: give a file path, "
        f"like {tmp_path / 'kith.sqlite3'}"
    )


def test_a_text_file_given_as_the_database(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("shopping: milk, bread\n" * 50)
    line = _one_line(kith("console", "--db", str(notes)))
    assert line.startswith(f"kith: {notes} is not a Kith database")
    assert "kith restore" in line
    assert notes.read_text() == "shopping: milk, bread\n" * 50  # untouched


def test_a_corrupted_header(tmp_path: Path) -> None:
    db = tmp_path / "kith.sqlite3"
    _make_database(db)
    with db.open("r+b") as f:
        f.write(b"\xff" * 16)
    line = _one_line(kith("run", env={"KITH_DATABASE_URL": str(db)}))
    assert line.startswith(f"kith: {db} is not a Kith database") and "kith restore" in line


def test_bytes_overwritten_in_the_middle_are_found_at_start_up(tmp_path: Path) -> None:
    db = tmp_path / "kith.sqlite3"
    _make_database(db)
    conn = sqlite3.connect(db)  # enough rows for pages beyond the first few, in the file
    with conn:
        conn.execute("CREATE TABLE padding (x TEXT)")
        conn.executemany("INSERT INTO padding VALUES (?)", [("p" * 500,)] * 2000)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    pages = db.stat().st_size // 4096
    # Eight whole pages of the padding table (the last ~250 pages of the file), counted from the
    # end so that the schema growing by a page or two does not move them onto the schema's own.
    with db.open("r+b") as f:
        f.seek((pages - 100) * 4096)
        f.write(b"\xff" * 8 * 4096)
    line = _one_line(kith("console", "--db", str(db), stdin="@bo: /kind more\n"))
    assert line.startswith(f"kith: {db} is damaged (SQLite's quick_check: ")
    assert line.endswith("restore the latest backup with `kith restore BACKUP` (stop Kith first)")


def test_a_schema_newer_than_this_kith(tmp_path: Path) -> None:
    db = tmp_path / "kith.sqlite3"
    _make_database(db)
    conn = sqlite3.connect(db)
    with conn:
        known = conn.execute("SELECT MAX(version) FROM schema_migrations").fetchone()[0]
        conn.execute("INSERT INTO schema_migrations VALUES (?, 'from_the_future', 0)", (99,))
    conn.close()
    line = _one_line(kith("console", "--db", str(db), stdin="@bo: /kind more\n"))
    assert line.startswith(
        f"kith: {db}: the database has schema version 99, newer than this Kith knows ({known})"
    )
    migrate = kith("migrate", "--database", str(db))
    assert _one_line(migrate).startswith("kith: the database has schema version 99")
    assert "nothing to apply" not in migrate.stdout


def test_a_full_disk_at_start_up(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "disk", "256k") as disk:
        _fill(disk)
        line = _one_line(kith("console", "--db", str(disk / "kith.sqlite3")))
        assert line == (
            f"kith: the disk holding {disk / 'kith.sqlite3'} is full: free some space, "
            "then start Kith again"
        )


def test_a_read_only_database_file_and_folder(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "disk", "4m") as disk:
        _make_database(disk / "kith.sqlite3")
        _read_only(disk)
        line = _one_line(kith("console", "--db", str(disk / "kith.sqlite3")))
        assert line == (
            f"kith: {disk / 'kith.sqlite3'} is read-only: make it writable by the user "
            "running Kith, or give another path"
        )
        line = _one_line(kith("console", "--db", str(disk / "new.sqlite3")))
        assert line.startswith(f"kith: the folder {disk} is not writable")


def test_an_unwritable_data_directory_under_kith_run(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "disk", "64k") as disk:
        _read_only(disk)
        line = _one_line(kith("run", env={"XDG_DATA_HOME": str(disk / "data")}))
        assert line.startswith(f"kith: cannot create the folder {disk / 'data'}")
        assert "(Read-only file system)" in line and "KITH_DATABASE_URL" in line


# ---- while running ----------------------------------------------------------------------------


class Running:
    """``kith run`` on the console platform, fed line by line, with its ops endpoint."""

    def __init__(self, database: Path, cwd: Path) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        env = {
            k: v for k, v in os.environ.items() if not k.startswith(("KITH_", "DISCORD_", "SLACK_"))
        }
        env.update({"KITH_DATABASE_URL": str(database), "KITH_OPS_PORT": str(self.port)})
        self.process = subprocess.Popen(
            [KITH, "run"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=cwd,
        )
        self._out: queue.Queue[str] = queue.Queue()
        assert self.process.stdout is not None
        threading.Thread(target=self._pump, args=(self.process.stdout,), daemon=True).start()

    def _pump(self, stream: object) -> None:
        for line in stream:  # type: ignore[attr-defined]
            self._out.put(line)

    def send(self, line: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()

    def say(self, line: str) -> str:
        """Send a line; the bot's next message."""
        self.send(line)
        return self._out.get(timeout=30)

    def health(self) -> tuple[int, dict[str, object]]:
        url = f"http://127.0.0.1:{self.port}/healthz"
        for _ in range(100):
            try:
                with urllib.request.urlopen(url, timeout=10) as answer:
                    return answer.status, json.loads(answer.read())
            except urllib.error.HTTPError as error:
                return error.code, json.loads(error.read())
            except urllib.error.URLError:  # not listening yet
                threading.Event().wait(0.1)
        raise AssertionError("the ops endpoint never answered")

    def finish(self) -> tuple[int, str]:
        assert self.process.stdin is not None
        self.process.stdin.close()
        code = self.process.wait(timeout=60)
        assert self.process.stderr is not None
        return code, self.process.stderr.read()


def test_a_full_disk_while_running_refuses_writes_serves_reads_and_recovers(
    tmp_path: Path,
) -> None:
    with tmpfs(tmp_path / "disk", "8m") as disk:
        database = disk / "kith.sqlite3"
        kith_run = Running(database, tmp_path)
        try:
            assert kith_run.health()[0] == 200
            kith_run.send(":admin ada")
            assert "Kindness streaks are set up" in kith_run.say(
                "@ada: /kith setup kindness channel:#general leaderboard:off"
            )
            assert "streak" in kith_run.say("@bo: /kind helped a neighbour").lower()
            filler = _fill(disk)

            refused = kith_run.say("@bo: /kind carried the shopping")
            assert refused.startswith("[unsaved → @bo (private)] I couldn't save that:")
            assert "disk is full" in refused
            status, body = kith_run.health()
            assert (status, body["status"]) == (503, "degraded")
            assert body["database"] == "writes are refused: the disk is full"
            read = kith_run.say("@bo: /streak")  # reads are still served
            assert "[unsaved → @bo (private)]" in read and "1 day" in read

            filler.unlink()  # space returns; nobody writes: the health probe finds out
            status, body = kith_run.health()
            assert (status, body["database"]) == (200, "ok")
            saved = kith_run.say("@bo: /kind made tea for the team")
            assert saved.startswith("[m") and "couldn't save" not in saved
        finally:
            code, stderr = kith_run.finish()
        assert code == 0, stderr
        assert "Traceback" not in stderr
        assert "event=write_refused" in stderr and "the disk is full" in stderr
        with sqlite3.connect(database) as conn:
            acts = [r[0] for r in conn.execute("SELECT COUNT(*) FROM kind_acts")]
        assert acts == [2]  # the refused act was not half-saved, the others both were
