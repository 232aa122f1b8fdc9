"""Store contract fixtures: every engine runs the same tests.

Engines are listed in ENGINES; a test gets a freshly migrated, empty database of each.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from bot.store import Database, open_database
from tests.pg import scratch_database

OpenDb = Callable[[], Awaitable[Database]]


async def _sqlite(tmp_path: Path) -> AsyncIterator[OpenDb]:
    path = tmp_path / "contract.sqlite3"
    opened: list[Database] = []

    async def open_one() -> Database:
        db = await open_database(str(path))
        opened.append(db)
        return db

    yield open_one
    for db in opened:
        await db.close()


async def _postgresql(tmp_path: Path) -> AsyncIterator[OpenDb]:
    async with scratch_database() as url:
        opened: list[Database] = []

        async def open_one() -> Database:
            db = await open_database(url)
            opened.append(db)
            return db

        yield open_one
        for db in opened:
            await db.close()


ENGINES = {"sqlite": _sqlite, "postgresql": _postgresql}


@pytest.fixture(params=sorted(ENGINES))
async def open_db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[OpenDb]:
    """A factory: each call opens another connection (another "process") to one database."""
    async for factory in ENGINES[request.param](tmp_path):
        yield factory
