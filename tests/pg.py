"""Throwaway PostgreSQL databases for tests.

The server comes from KITH_TEST_POSTGRES_URL (default: the local server on 127.0.0.1:5432). Each
test gets a database of its own, dropped afterwards; without a reachable server the PostgreSQL
half of a test is skipped with the reason shown, never silently.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

ADMIN_URL = os.environ.get(
    "KITH_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)


def _with_database(url: str, name: str) -> str:
    base, _, _ = url.rpartition("/")
    return f"{base}/{name}"


@asynccontextmanager
async def scratch_database() -> AsyncIterator[str]:
    """Create an empty database and yield its URL; skip the test if there is no server."""
    import asyncpg

    try:
        admin = await asyncpg.connect(ADMIN_URL, timeout=5)
    except (OSError, asyncpg.PostgresError) as exc:
        pytest.skip(f"PostgreSQL is not reachable at {ADMIN_URL}: {exc}")
    name = f"kith_test_{uuid.uuid4().hex[:12]}"
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield _with_database(ADMIN_URL, name)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
