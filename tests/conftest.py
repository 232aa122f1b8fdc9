from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from tests.fakes import Harness, make_harness

# A Monday morning in winter, before Europe/London's and America/New_York's clock changes.
START = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)


@pytest.fixture
async def harness(tmp_path) -> AsyncIterator[Harness]:  # type: ignore[no-untyped-def]
    h = await make_harness(tmp_path / "kith.sqlite3", START)
    h.admins.add("ada")
    yield h
    await h.db.close()
