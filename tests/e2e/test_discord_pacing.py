"""Personal check-ins for many members on the real discord.py client: every DM goes out once,
paced under Discord's global limit of 50 requests a second, which the fake enforces with global
429s (none may be served)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from adapters.discord.ids import user_ref
from tests.e2e.discord_helpers import discord_world

START = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
MEMBERS = 100  # 200 requests (open the DM, send): about five seconds at 40 a second


async def test_many_private_checkins_stay_under_the_global_limit_and_go_out_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with discord_world(tmp_path, monkeypatch, START) as world:
        world.fake.global_limit = 50
        await world.slash(
            world.ada,
            "kith setup checkin",
            {"channel": world.general["id"], "time": "09:00", "days": "mon-fri"},
        )
        users = [world.fake.add_user(f"Member{n}") for n in range(MEMBERS)]
        assert world.bot is not None
        db = world.bot.db
        community = user_ref(world.gid, users[0]["id"]).community.key
        async with db.transaction() as tx:
            await tx.executemany(
                "INSERT INTO personal_checkins (community_id, user_key, at_time, days, tz,"
                " materialised_until, planned_at, created_at, updated_at)"
                " VALUES (?, ?, '07:00', ?, 'UTC', ?, ?, 0, 0)",
                [
                    (
                        community,
                        user_ref(world.gid, u["id"]).key,
                        json.dumps([0, 1, 2, 3, 4]),
                        int(START.timestamp()),
                        int(START.timestamp()),
                    )
                    for u in users
                ],
            )
        await world.advance(timedelta(hours=1, minutes=30))  # 07:00 UTC passes

        for user in users:
            (dm,) = world.fake.dm_messages(user["id"])  # exactly one each
            assert "Your own check-in, 07:00 mon-fri (UTC)" in dm["content"]
        assert world.fake.global_limited == 0  # paced: Discord never had to refuse one
        bot_calls = [
            c.at
            for c in world.fake.calls
            if not c.path.startswith(("/interactions/", "/webhooks/"))
        ]
        busiest = max(sum(1 for t in bot_calls if start <= t < start + 1.0) for start in bot_calls)
        assert busiest <= 50
        rows = await db.fetchall(
            "SELECT state, COUNT(*) AS n FROM occurrences WHERE kind = 'checkin.personal'"
            " AND due_at <= ? GROUP BY state",
            int((START + timedelta(hours=1, minutes=30)).timestamp()),
        )
        assert [(r["state"], r["n"]) for r in rows] == [("sent", MEMBERS)]
