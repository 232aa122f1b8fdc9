"""A claim whose lease ran out before it recorded anything is taken over and its post sent
again with the same key: counted as ``resent`` in kith_occurrences_total."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.scheduling.scheduler import LEASE
from tests.fakes import make_harness

START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # a Monday
NINE = START.replace(hour=9)


async def test_a_claim_taken_over_after_its_lease_counts_as_resent(tmp_path: Path) -> None:
    h = await make_harness(tmp_path / "kith.sqlite3", START)
    try:
        h.admins.add("ada")
        await h.say("ada", "/kith setup checkin channel:#general time:09:00 days:mon-fri")
        h.clock.set(NINE)
        await h.kith.scheduler.materialise(NINE)
        [lost] = await h.kith.scheduler.claim(NINE)  # a process claims it, then dies
        metrics = h.kith.services.metrics.occurrences
        assert metrics.get((lost.kind, "resent"), 0) == 0
        h.clock.set(NINE + LEASE)
        report = await h.run_due()
        assert report.sent_ids == [lost.id]
        assert metrics[(lost.kind, "resent")] == 1
        assert metrics[(lost.kind, "sent")] == 1
    finally:
        await h.db.close()
