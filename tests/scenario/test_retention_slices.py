"""Retention works in short slices and picks up where a run that died left off: old free text
is trimmed exactly as one big statement would, no slice's work is lost or redone, and a run cut
short is taken over only after its lease has run out."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot import maintenance
from bot.maintenance import MaintenanceRun
from bot.scheduling.clock import to_epoch
from tests.fakes import COMMUNITY, Harness

OLD, YOUNG = 2_400, 600


class Crash(BaseException):
    """The process dying mid-run: not an error the scheduler records."""


async def fill(h: Harness) -> None:
    now = to_epoch(h.clock.now())
    await h.db.execute(
        "INSERT INTO communities (id, platform, created_at) VALUES (?, 't', 0)", COMMUNITY.key
    )
    rows = [
        (
            COMMUNITY.key,
            f"{COMMUNITY.key}:m{i % 50}",
            f"note {i}",
            "kind",
            "2026-01-01",
            "UTC",
            1,
            now - (200 if i < OLD else 10) * 86400 + i,
        )
        for i in range(OLD + YOUNG)
    ]
    async with h.db.transaction() as tx:
        await tx.executemany(
            "INSERT INTO kind_acts (community_id, user_key, text, source, local_date, tz,"
            " counted, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )


async def texts(h: Harness) -> tuple[int, int]:
    row = await h.db.fetchone(
        "SELECT SUM(CASE WHEN text = '' THEN 1 ELSE 0 END) AS blank,"
        " SUM(CASE WHEN text <> '' THEN 1 ELSE 0 END) AS kept FROM kind_acts"
    )
    assert row is not None
    return int(row["blank"] or 0), int(row["kept"] or 0)


async def test_a_run_cut_short_is_taken_over_after_its_lease_and_finishes_the_rest(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = harness
    await fill(h)
    # Slices of 100 ids, whatever they cost, so the run has 30 of them.
    monkeypatch.setattr(maintenance, "FIRST_SLICE", 100)
    monkeypatch.setattr(maintenance, "MAX_SLICE", 100)
    recorded: list[str] = []
    record = MaintenanceRun.record

    async def dies_after_eight_slices(self: MaintenanceRun, tx, progress: str) -> None:  # type: ignore[no-untyped-def]
        if len(recorded) == 8:
            raise Crash  # inside the ninth slice's transaction: that slice is rolled back
        recorded.append(progress)
        await record(self, tx, progress)

    monkeypatch.setattr(MaintenanceRun, "record", dies_after_eight_slices)
    now = h.clock.now()  # past the job's hour
    with pytest.raises(Crash):
        await h.kith.scheduler.run_maintenance(now)
    assert await texts(h) == (800, OLD + YOUNG - 800)  # eight slices of 100, all old
    run = await h.db.fetchone("SELECT * FROM maintenance_runs WHERE job = 'retention'")
    assert run is not None and run["finished_at"] is None
    assert run["progress"] == recorded[-1] == "kind_acts:800"

    monkeypatch.setattr(MaintenanceRun, "record", record)
    # Another process, five minutes later: the lease still holds, so it leaves the run alone.
    h.clock.advance(timedelta(minutes=5))
    assert await h.kith.scheduler.run_maintenance(h.clock.now()) == []
    assert await texts(h) == (800, OLD + YOUNG - 800)

    resumed: list[str] = []

    async def counts(self: MaintenanceRun, tx, progress: str) -> None:  # type: ignore[no-untyped-def]
        resumed.append(progress)
        await record(self, tx, progress)

    monkeypatch.setattr(MaintenanceRun, "record", counts)
    h.clock.set(now + maintenance.LEASE + timedelta(minutes=1))
    assert await h.kith.scheduler.run_maintenance(h.clock.now()) == ["retention"]
    assert resumed[0] == "kind_acts:900"  # the slice after the last one that committed
    assert await texts(h) == (OLD, YOUNG)  # every old note blanked, every young one kept
    run = await h.db.fetchone("SELECT * FROM maintenance_runs WHERE job = 'retention'")
    assert run is not None and run["finished_at"] is not None
    assert run["detail"] == f"trimmed {OLD - 800} records"
    # Finished: nobody runs it again today.
    h.clock.advance(maintenance.LEASE * 2)
    assert await h.kith.scheduler.run_maintenance(h.clock.now()) == []


async def test_slices_grow_while_they_are_quick(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = harness
    await fill(h)
    monkeypatch.setattr(maintenance, "FIRST_SLICE", 100)
    ends: list[int] = []
    record = MaintenanceRun.record

    async def remember(self: MaintenanceRun, tx, progress: str) -> None:  # type: ignore[no-untyped-def]
        ends.append(int(progress.rsplit(":", 1)[1]))
        await record(self, tx, progress)

    monkeypatch.setattr(MaintenanceRun, "record", remember)
    assert await h.kith.scheduler.run_maintenance(h.clock.now()) == ["retention"]
    sizes = [b - a for a, b in zip([0, *ends], ends, strict=False)]
    # A slice of 100 ids takes far less than SLICE_SECONDS, so each of the next is twice as big.
    assert sizes[:3] == [100, 200, 400]
    assert await texts(h) == (OLD, YOUNG)
