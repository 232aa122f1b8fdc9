"""``kith backup`` while Kith runs and writes, and ``kith restore`` once it has stopped.

In process: a writer acknowledges acts through the core while the backup runs in another thread
on its own connection. As a user would: a ``kith run`` console session on a terminal, with the ops
endpoint and JSON logs on, backed up by a second ``kith`` process, restore refused while the
session is open, then restored and started again.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import pty
import shutil
import sqlite3
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli import main
from bot.ops.backup import BackupError, backup, in_use, restore
from bot.store import open_database
from bot.store.migrations import load_migrations
from tests.e2e.console_helpers import KITH, console, kith
from tests.fakes import make_harness, reply_text

START = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
LATEST = max(m.version for m in load_migrations("sqlite"))
MEMBERS = ("bo", "cy", "di", "ed")


def query(path: Path, sql: str) -> list[object]:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        return [r[0] for r in conn.execute(sql)]


def acts(path: Path) -> list[str]:
    return [str(text) for text in query(path, "SELECT text FROM kind_acts ORDER BY id")]


def partial_files(folder: Path) -> list[Path]:
    return list(folder.glob(".*.partial-*"))


async def test_a_backup_taken_while_kith_writes_holds_every_acknowledged_act(
    tmp_path: Path,
) -> None:
    path, copy = tmp_path / "kith.sqlite3", tmp_path / "backup.sqlite3"
    h = await make_harness(path, START)
    await h.say("ada", "/kith setup kindness channel:#kindness", admin=True)
    acknowledged: list[str] = []
    twenty, backed_up = asyncio.Event(), asyncio.Event()

    async def member_keeps_acting() -> None:
        after = 0
        while after < 10:  # ten more once the backup is done
            text = f"act {len(acknowledged) + 1}"
            member = MEMBERS[len(acknowledged) % len(MEMBERS)]  # a journal holds 20 acts a day
            assert "Logged" in reply_text(await h.say(member, f"/kind {text}"))
            acknowledged.append(text)
            if len(acknowledged) >= 20:
                twenty.set()
            after += backed_up.is_set()

    writer = asyncio.create_task(member_keeps_acting())
    await twenty.wait()
    before = len(acknowledged)
    report = await asyncio.to_thread(backup, str(path), copy)
    backed_up.set()
    await writer

    saved = acts(copy)
    # Every act acknowledged before the backup began, and a consistent prefix: no gaps.
    assert len(saved) >= before and saved == acknowledged[: len(saved)]
    assert len(saved) < len(acknowledged)
    assert report.summary.schema_version == LATEST and report.summary.tables > 10
    assert query(copy, "PRAGMA integrity_check") == ["ok"]
    assert query(copy, "PRAGMA journal_mode") == ["delete"]  # one self-contained file
    assert not partial_files(tmp_path)
    migrated = await open_database(str(copy), migrate=False)
    try:
        assert await migrated.migrate() == []  # already up to date
    finally:
        await migrated.close()

    # Stop Kith, restore, start Kith on the restored file: the backed-up acts are there.
    await h.db.close()
    put = restore(copy, str(path), latest_version=LATEST)
    assert put.kept is not None and len(acts(put.kept)) == len(acknowledged)
    assert acts(path) == saved
    again = await make_harness(path, START)
    try:
        streak = reply_text(await again.say("bo", "/streak"))
        assert "Your streak: 1 day" in streak, streak
        logged = reply_text(await again.say("bo", "/kind one more after the restore"))
        assert "Logged" in logged
    finally:
        await again.db.close()
    assert acts(path) == [*saved, "one more after the restore"]


def test_backup_refuses_postgresql_an_existing_file_and_a_missing_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["backup", str(tmp_path / "b"), "--database", "postgresql://kith@db/kith"]) == 2
    assert "pg_dump" in capsys.readouterr().err
    assert main(["backup", str(tmp_path / "b"), "--database", str(tmp_path / "none")]) == 2
    assert "there is no database" in capsys.readouterr().err
    assert not (tmp_path / "none").exists()  # not created by looking

    source, target = tmp_path / "kith.sqlite3", tmp_path / "b.sqlite3"
    messages, _ = console("@bo: /kith help\n", tmp_path, "--db", str(source))
    assert messages
    target.write_text("something precious")
    assert main(["backup", str(target), "--database", str(source)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert target.read_text() == "something precious"
    assert main(["backup", str(target), "--database", str(source), "--force"]) == 0
    printed = capsys.readouterr().out
    assert f"to {target}" in printed and "integrity check ok" in printed
    assert query(target, "SELECT MAX(version) FROM schema_migrations") == [LATEST]
    folder = tmp_path / "nightly"
    folder.mkdir()
    assert main(["backup", str(folder), "--database", str(source)]) == 0  # a dated file inside
    (dated,) = folder.iterdir()
    assert dated.name.startswith("kith-") and dated.suffix == ".sqlite3"
    assert f"to {dated}" in capsys.readouterr().out
    with pytest.raises(BackupError, match="not a Kith database"):
        empty = tmp_path / "empty.sqlite3"
        sqlite3.connect(empty).close()
        restore(empty, str(source), latest_version=LATEST)
    with pytest.raises(BackupError, match="newer than this Kith"):
        restore(target, str(source), latest_version=LATEST - 1)
    assert main(["restore", str(target), "--database", "postgres://kith@db/kith"]) == 2
    assert "pg_restore" in capsys.readouterr().err


def test_in_use_sees_an_idle_connection_in_another_process(tmp_path: Path) -> None:
    path = tmp_path / "kith.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE t (x)")
    assert in_use(path)  # this process's own idle connection counts too
    conn.close()
    assert not in_use(path)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]);"
            " c.execute('SELECT * FROM t').fetchall(); print('open', flush=True);"
            " sys.stdin.read()",
            str(path),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "open\n"
        assert in_use(path)
    finally:
        holder.communicate("")
    assert not in_use(path)


class Session:
    """``kith run`` (the console community) on a pseudo-terminal, as a person would start it."""

    def __init__(self, db: Path) -> None:
        self.master, terminal = pty.openpty()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("KITH_", "DISCORD_"))}
        env = {k: v for k, v in env.items() if not k.startswith("SLACK_")}
        env.update(
            KITH_DATABASE_URL=str(db),
            KITH_OPS_PORT="0",
            KITH_LOG_FORMAT="json",
            KITH_PLATFORM="console",
        )
        self.process = subprocess.Popen(
            [KITH, "run"],
            stdin=terminal,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            text=True,
            cwd=db.parent,
        )
        os.close(terminal)
        self.replies: list[str] = []
        self.logs: list[dict[str, object]] = []
        self._changed = threading.Condition()
        threading.Thread(
            target=self._read, args=(self.process.stdout, self.replies), daemon=True
        ).start()
        threading.Thread(target=self._read_logs, daemon=True).start()
        threading.Thread(target=self._drain_echo, daemon=True).start()

    def _read(self, stream: object, into: list[str]) -> None:
        for line in stream:  # type: ignore[attr-defined]
            with self._changed:
                into.append(line)
                self._changed.notify_all()

    def _read_logs(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            if line.startswith("{"):
                with self._changed:
                    self.logs.append(json.loads(line))
                    self._changed.notify_all()

    def _drain_echo(self) -> None:
        while True:  # the terminal echoes what we type; read it so it never fills up
            try:
                if not os.read(self.master, 4096):
                    return
            except OSError:
                return

    def wait(self, predicate: object, what: str) -> None:
        with self._changed:
            assert self._changed.wait_for(predicate, timeout=60), f"waited for {what}"  # type: ignore[arg-type]

    def type(self, *lines: str) -> None:
        os.write(self.master, "".join(line + "\n" for line in lines).encode())

    def port(self) -> int:
        self.wait(lambda: any(e.get("event") == "ops_listening" for e in self.logs), "the port")
        (ready,) = [e for e in self.logs if e.get("event") == "ops_listening"]
        assert isinstance(ready["port"], int)
        return ready["port"]

    def close(self) -> int:
        self.type("\x04")  # Ctrl-D
        code = self.process.wait(timeout=60)
        os.close(self.master)
        return code


def http_get(port: int, path: str) -> tuple[int, str]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
        return response.status, response.read().decode()


@pytest.fixture
def session(tmp_path: Path) -> Iterator[Session]:
    running = Session(tmp_path / "kith.sqlite3")
    yield running
    if running.process.poll() is None:
        running.process.kill()
        running.process.wait()


def test_kith_run_serves_health_and_metrics_and_is_backed_up_while_running(
    tmp_path: Path, session: Session
) -> None:
    db, copy = tmp_path / "kith.sqlite3", tmp_path / "backup.sqlite3"
    port = session.port()
    assert http_get(port, "/healthz")[0] == 200
    session.type(":admin ada", "@ada: /kith setup kindness channel:#kindness")
    session.type(*(f"@bo: /kind act {i}" for i in range(1, 16)))
    session.wait(lambda: sum("Logged" in r for r in session.replies) == 15, "15 acts")

    done = kith("backup", str(copy), "--database", str(db))
    assert done.returncode == 0, done.stderr
    assert "integrity check ok" in done.stdout
    refused = kith("restore", str(copy), "--database", str(db))
    assert refused.returncode == 2 and "stop Kith first" in refused.stderr
    _, metrics = http_get(port, "/metrics")
    assert 'kith_actions_total{action="command",name="/kind",outcome="ok"} 15.0' in metrics

    session.type("@bo: /kind act 16")
    session.wait(lambda: sum("Logged" in r for r in session.replies) == 16, "one more act")
    assert session.close() == 0
    assert len(acts(db)) == 16 and acts(copy) == [f"act {i}" for i in range(1, 16)]

    put = kith("restore", str(copy), "--database", str(db))
    assert put.returncode == 0, put.stderr
    assert "kept as" in put.stdout and acts(db) == acts(copy)
    messages, errors = console("@bo: /streak\n", tmp_path, "--db", str(db))
    assert not errors and "Acts counted this week" in messages[0]["text"]


async def test_a_restore_never_lets_the_replaced_databases_wal_into_the_restored_data(
    tmp_path: Path,
) -> None:
    path, copy = tmp_path / "kith.sqlite3", tmp_path / "backup.sqlite3"
    h = await make_harness(path, START)
    await h.say("ada", "/kith setup kindness channel:#kindness", admin=True)
    await h.say("bo", "/kind before the backup")
    await h.db.close()
    backup(str(path), copy)
    # Kith ran on and was killed: its last commit is only in the -wal file left beside it.
    crashed = tmp_path / "crashed"
    crashed.mkdir()
    live = sqlite3.connect(path, isolation_level=None)
    live.execute("PRAGMA wal_autocheckpoint = 0")
    live.execute(
        "INSERT INTO kind_acts (community_id, user_key, text, source, local_date, tz, counted,"
        " created_at) VALUES ('test:c1', 'test:c1:bo', 'after the backup', 'kind',"
        " '2026-03-02', 'UTC', 1, 0)"
    )
    for name in ("kith.sqlite3", "kith.sqlite3-wal"):
        shutil.copyfile(tmp_path / name, crashed / name)
    live.close()

    put = restore(copy, str(crashed / "kith.sqlite3"), latest_version=LATEST)
    assert acts(crashed / "kith.sqlite3") == ["before the backup"]
    assert put.kept is not None
    assert acts(put.kept) == ["before the backup", "after the backup"]  # kept, not lost
