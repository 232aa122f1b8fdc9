"""A buddy round killed (SIGKILL) in the middle of its save: the restart neither loses nor doubles
an introduction. The round is saved a slice of groups per transaction with a "saved" mark last;
the killed process had committed two slices of groups and no mark, and introduced nobody."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.buddies.plan import IN_PROCESS_POOL
from bot.buddies.rounds import SAVE_SLICE
from bot.scheduling.scheduler import LEASE
from tests.fakes import COMMUNITY, make_harness

ROOT = Path(__file__).resolve().parents[2]
# Pairs (and one trio) over six slices: a pool big enough to be paired in the worker process.
MEMBERS = SAVE_SLICE * 2 * 6 + 1
assert MEMBERS >= IN_PROCESS_POOL
MONDAY = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # the round is due at 09:00 UTC
DUE = MONDAY + timedelta(hours=1)

# The killed process: plans the due round through the real scheduler and hangs inside the save's
# third transaction, after two slices of groups have been committed.
CHILD = textwrap.dedent(
    """
    import asyncio, sys
    from datetime import datetime
    from bot.app import build_kith
    from bot.buddies import rounds
    from bot.scheduling.clock import SimulatedClock
    from tests.fakes import FakeChat

    slices = 0
    insert_groups = rounds._insert_groups

    async def hang_in_third_slice(*args, **kwargs):
        global slices
        slices += 1
        if slices == 3:
            print("saving", flush=True)
            await asyncio.Event().wait()  # killed here, inside the slice's transaction
        await insert_groups(*args, **kwargs)

    rounds._insert_groups = hang_in_third_slice

    async def main():
        clock = SimulatedClock(datetime.fromisoformat(sys.argv[2]))
        kith, db = await build_kith(sys.argv[1], clock)
        chat = FakeChat()
        try:
            await kith.run_due(kith.services.clock.now(), chat)
        finally:
            print(f"sent {len(chat.sent)}", flush=True)

    asyncio.run(main())
    """
)


def kill_mid_save(path: Path) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(path), DUE.isoformat()],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "saving"
    workers = children_of(child.pid)  # the round's worker process
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    assert workers and wait_gone(workers)  # the worker does not outlive the killed bot


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def wait_gone(pids: list[int], seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not any(Path(f"/proc/{pid}").exists() for pid in pids):
            return True
        time.sleep(0.1)
    return False


async def test_a_round_killed_mid_save_introduces_everyone_exactly_once(tmp_path: Path) -> None:
    path = tmp_path / "kith.sqlite3"
    h = await make_harness(path, MONDAY)
    h.admins.add("ada")
    await h.say("ada", "/kith setup buddies channel:#buddies every:1w day:mon time:09:00 tz:UTC")
    async with h.db.transaction() as tx:
        await tx.executemany(
            "INSERT INTO buddy_members (community_id, user_key, joined_at, updated_at)"
            " VALUES (?, ?, 0, 0)",
            [(COMMUNITY.key, f"{COMMUNITY.key}:m{i}") for i in range(MEMBERS)],
        )
    await h.db.close()

    kill_mid_save(path)

    h = await make_harness(path, DUE + LEASE + timedelta(minutes=1))
    try:
        left = await h.db.fetchone(
            "SELECT r.saved, COUNT(g.id) AS groups FROM buddy_rounds r"
            " LEFT JOIN buddy_groups g ON g.round_id = r.occurrence_id GROUP BY r.occurrence_id"
        )
        # What the killed process left: its round unsaved, with the two slices it committed.
        assert left is not None and left["saved"] == 0 and left["groups"] == 2 * SAVE_SLICE
        assert await h.db.fetchval("SELECT COUNT(*) FROM occurrences WHERE state = 'claimed'") == 1

        await h.run_due()  # the lease has run out: this process takes the round over

        rounds = await h.db.fetchall("SELECT occurrence_id, saved, pool, paired FROM buddy_rounds")
        assert [(r["saved"], r["pool"], r["paired"]) for r in rounds] == [(1, MEMBERS, MEMBERS)]
        placed = Counter(
            r["member_id"]
            for r in await h.db.fetchall(
                "SELECT gm.member_id FROM buddy_group_members gm"
                " JOIN buddy_groups g ON g.id = gm.group_id"
            )
        )
        assert len(placed) == MEMBERS and set(placed.values()) == {1}  # everyone, once
        introduced = Counter(s.to for s in h.chat.sent if s.private)
        assert len(introduced) == MEMBERS and set(introduced.values()) == {1}
        groups = await h.db.fetchval("SELECT COUNT(*) FROM buddy_groups")
        assert groups == MEMBERS // 2
        assert (
            await h.db.fetchval("SELECT COUNT(*) FROM buddy_groups WHERE intro_state = 'sent'")
            == groups
        )
    finally:
        await h.db.close()
