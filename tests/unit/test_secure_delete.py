"""Kith's SQLite connections overwrite deleted rows (``secure_delete``) whatever the library's
build default: some builds leave it off, and then a deleted reflection stays in the file's free
space until the page is reused."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.store import sqlite as store


def test_kith_turns_secure_delete_on_even_where_the_build_leaves_it_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = sqlite3.connect

    def connect_with_it_off(*args: object, **kwargs: object) -> sqlite3.Connection:
        conn = real(*args, **kwargs)  # type: ignore[arg-type]
        conn.execute("PRAGMA secure_delete = OFF")
        return conn

    monkeypatch.setattr(store.sqlite3, "connect", connect_with_it_off)
    for writer in (True, False):
        conn = store._connect(str(tmp_path / "kith.sqlite3"), "FULL", writer=writer)
        try:
            assert conn.execute("PRAGMA secure_delete").fetchone()[0] == 1
        finally:
            conn.close()
