"""Platform faults on Discord, through the real discord.py client and the loopback fake.

Two servers share one Kith process: "Home", whose #general suffers the fault, and "Away". For
each fault: Kith backs off (the fake counts the requests it saw), Away's 09:00 check-in still
goes out at 09:00, Home's ``/kith status`` names the problem while it lasts, and once the fault
clears the next attempt posts exactly once and the problem line goes away.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from adapters.discord.ids import user_ref
from adapters.discord.run import serve
from bot.i18n.stored import english
from bot.messages import message
from bot.ports import DeliveryError
from bot.scheduling import scheduler
from bot.scheduling.clock import to_epoch
from bot.settings import Settings
from tests.e2e.discord_fake import TOKEN
from tests.e2e.discord_helpers import FAST, World, discord_world

START = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)  # Monday 06:00 UTC
NINE = START + timedelta(hours=3)  # 09:00 London (GMT): both check-ins are due
PROBLEM = "Delivery problem since Mon 02 Mar 09:00 GMT"


@dataclass
class Two:
    world: World
    away: dict[str, Any]  # the other server
    away_channel: dict[str, Any]
    eve: dict[str, Any]  # Away's admin

    @property
    def fake(self) -> Any:
        return self.world.fake

    @property
    def home_posts(self) -> str:
        return rf"/channels/{self.world.general['id']}/messages"

    async def setup(self, guild_id: str, user: dict[str, Any], channel_id: str) -> None:
        options = {"channel": channel_id, "time": "09:00", "days": "mon-fri", "tz": "Europe/London"}
        record = await self.fake.slash(
            guild_id, user, channel_id, "kith setup checkin", options, admin=True
        )
        reply = await self.fake.answer(record)
        assert "set up" in reply.text, reply.text

    async def status(self) -> str:
        return (await self.world.slash(self.world.ada, "kith status")).text

    async def occurrence(self, guild_id: str) -> dict[str, Any]:
        assert self.world.bot is not None
        row = await self.world.bot.db.fetchone(
            "SELECT state, attempts, detail, finished_at FROM occurrences"
            " WHERE community_id = ? AND kind = 'checkin.post' AND due_at = ?",
            f"discord:{guild_id}",
            to_epoch(NINE),
        )
        assert row is not None
        return dict(row)

    async def assert_away_on_time(self) -> None:
        assert len(self.fake.posts(self.away_channel["id"])) == 1
        away = await self.occurrence(self.away["id"])
        assert (away["state"], away["attempts"]) == ("sent", 1)
        assert away["finished_at"] == to_epoch(NINE)  # sent in the 09:00 run, not after

    def home_calls(self) -> list[Any]:
        return list(self.fake.calls_to("POST", self.home_posts))


@pytest.fixture
async def two(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Two]:
    async with discord_world(tmp_path, monkeypatch, START) as world:
        away = world.fake.add_guild("Away", ("general",))
        await world.fake.join_guild(away)
        pair = Two(
            world, away, world.fake.channel(away["id"], "general"), world.fake.add_user("Eve")
        )
        await pair.setup(world.gid, world.ada, world.general["id"])
        await pair.setup(away["id"], pair.eve, pair.away_channel["id"])
        yield pair


async def test_a_burst_of_429s_is_waited_out_as_discord_asks(two: Two) -> None:
    two.fake.fail("POST", two.home_posts, 429, times=3, retry_after=0.2)
    await two.world.advance(NINE - START)
    calls = two.home_calls()
    assert [c.status for c in calls] == [429, 429, 429, 200]
    # discord.py waited retry_after between tries (a lower bound, so never flaky).
    assert all(b.at - a.at >= 0.19 for a, b in itertools.pairwise(calls))
    home = await two.occurrence(two.world.gid)
    assert (home["state"], home["attempts"]) == ("sent", 1)
    await two.assert_away_on_time()
    assert "Delivery problem" not in await two.status()


async def test_429s_beyond_the_clients_tries_back_off_show_in_status_and_clear(two: Two) -> None:
    two.fake.fail("POST", two.home_posts, 429, times=8, retry_after=0.01)
    await two.world.advance(NINE - START)
    assert len(two.home_calls()) == 5  # discord.py's own tries, then the attempt gives up
    home = await two.occurrence(two.world.gid)
    assert (home["state"], home["attempts"]) == ("pending", 1)
    await two.assert_away_on_time()
    status = await two.status()
    assert PROBLEM in status and "rate-limiting" in status and "Next try" in status, status

    await two.world.advance(timedelta(minutes=5))
    assert [c.status for c in two.home_calls()].count(200) == 1
    assert len(two.home_calls()) == 9  # 5 + the 3 still limited + the post
    assert len(two.fake.posts(two.world.general["id"])) == 1
    assert (await two.occurrence(two.world.gid))["state"] == "sent"
    assert "Delivery problem" not in await two.status()


async def test_a_long_rate_limit_is_waited_out_by_the_scheduler_not_retried_early(
    two: Two,
) -> None:
    # Longer than discord.py will sleep inside a request (30 s): it gives up at once.
    two.fake.fail("POST", two.home_posts, 429, times=10_000, retry_after=600)
    await two.world.advance(NINE - START + timedelta(minutes=9))
    home = await two.occurrence(two.world.gid)
    assert (home["state"], home["attempts"]) == ("pending", 1)  # not at 15 s, 45 s, 1¾ min …
    assert len(two.home_calls()) == 1
    await two.assert_away_on_time()
    status = await two.status()
    assert "slow down for 600 s" in status and "Next try: Mon 02 Mar 09:10 GMT" in status, status

    two.fake.clear_faults()
    await two.world.advance(timedelta(minutes=2))
    assert len(two.fake.posts(two.world.general["id"])) == 1
    assert (await two.occurrence(two.world.gid))["attempts"] == 2


async def test_a_server_error_outage_backs_off_exponentially_and_recovers(two: Two) -> None:
    two.fake.fail("POST", two.home_posts, 503, times=10_000)
    await two.world.advance(NINE - START + timedelta(minutes=20))
    home = await two.occurrence(two.world.gid)
    # Tries at 0, 15 s, 45 s, 1¾, 3¾, 7¾ and 15¾ min: doubling waits, not a hot loop.
    assert home["state"] == "pending" and 3 <= home["attempts"] <= 8
    assert len(two.home_calls()) == home["attempts"]  # a 503 is not retried inside an attempt
    await two.assert_away_on_time()
    status = await two.status()
    assert PROBLEM in status and "server error (503)" in status, status

    two.fake.clear_faults()
    await two.world.advance(timedelta(minutes=20))
    assert len(two.fake.posts(two.world.general["id"])) == 1
    assert (await two.occurrence(two.world.gid))["state"] == "sent"
    assert "Delivery problem" not in await two.status()


async def test_a_request_that_hangs_is_abandoned_and_the_retry_posts_once(
    two: Two, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scheduler, "DELIVERY_TIMEOUT", timedelta(seconds=0.3))
    # The post lands, but Discord's answer never comes (held until the fault clears).
    two.fake.fail("POST", two.home_posts, 503, hang=10, commit=True)
    await two.world.advance(NINE - START)
    home = await two.occurrence(two.world.gid)
    assert home["state"] == "pending" and "did not answer within 0.3 s" in english(home["detail"])
    await two.assert_away_on_time()
    assert PROBLEM in await two.status()

    two.fake.clear_faults()
    await two.world.advance(timedelta(minutes=1))
    assert len(two.home_calls()) == 2
    assert len(two.fake.posts(two.world.general["id"])) == 1  # the nonce found the first post
    assert (await two.occurrence(two.world.gid))["state"] == "sent"
    assert "Delivery problem" not in await two.status()


async def test_a_post_whose_answer_was_lost_is_found_after_the_nonce_window(two: Two) -> None:
    """Discord forgets a nonce after a few minutes; Kith's backoff grows to a quarter of an hour.
    A retry past the window looks in the channel for the first post instead of posting twice."""
    two.fake.clock = lambda: two.world.clock.now().timestamp()
    two.fake.nonce_window = 150.0
    # The post lands but the answer is lost, then Discord fails for a while.
    two.fake.fail("POST", two.home_posts, 503, commit=True)
    two.fake.fail("POST", two.home_posts, 503, times=5)
    await two.world.advance(NINE - START + timedelta(minutes=20))
    assert len(two.fake.posts(two.world.general["id"])) == 1
    home = await two.occurrence(two.world.gid)
    assert home["state"] == "sent"
    looked = two.fake.calls_to("GET", two.home_posts)
    assert looked and all(c.status == 200 for c in looked)
    await two.assert_away_on_time()
    # Within the window the nonce alone deduplicates: no look in the channel was needed then.
    first_look = looked[0].at
    early = [c for c in two.home_calls() if c.at < first_look]
    assert len(early) >= 3


async def test_a_deleted_channel_fails_once_shows_until_fixed(two: Two) -> None:
    two.fake.delete_channel(two.world.general["id"])
    await two.world.advance(NINE - START + timedelta(hours=2))
    assert len(two.home_calls()) == 1  # permanent: never retried
    await two.assert_away_on_time()
    kindness = two.fake.channel(two.world.gid, "kindness")
    status = (await two.world.slash(two.world.ada, "kith status", channel=kindness)).text
    assert PROBLEM in status and "no longer exists" in status, status

    moved = await two.world.slash(
        two.world.ada, "kith setup checkin", {"channel": kindness["id"]}, channel=kindness
    )
    assert "updated" in moved.text, moved.text
    await two.world.advance(timedelta(days=1))
    assert len(two.fake.posts(kindness["id"])) == 1
    status = (await two.world.slash(two.world.ada, "kith status", channel=kindness)).text
    assert "Delivery problem" not in status and "Failed:" in status  # history stays


async def test_a_revoked_token_is_logged_once_retried_sparsely_and_recovers(
    two: Two, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="kith")
    two.fake.tokens.discard(TOKEN)  # the token was reset: every authenticated call is a 401
    await two.world.advance(NINE - START + timedelta(minutes=10))
    posts = two.fake.calls_to("POST", r"/channels/\d+/messages")
    assert posts and {c.status for c in posts} == {401}
    attempts = 0
    for guild_id in (two.world.gid, two.away["id"]):
        row = await two.occurrence(guild_id)
        assert row["state"] == "pending" and "rejected Kith's bot token" in row["detail"]
        assert row["attempts"] <= 7  # 0, 15 s, 45 s, 1¾, 3¾, 7¾ min
        attempts += row["attempts"]
    assert len(posts) == attempts  # one request per attempt
    rejected = [r for r in caplog.records if "event=discord_token_rejected " in r.getMessage()]
    assert len(rejected) == 1 and rejected[0].levelno == logging.ERROR
    status = await two.status()  # interaction answers need no bot token
    assert PROBLEM in status and "bot token" in status, status
    assert TOKEN not in status and TOKEN not in caplog.text

    two.fake.tokens.add(TOKEN)  # the operator restored a working token
    await two.world.advance(timedelta(minutes=10))
    assert len(two.fake.posts(two.world.general["id"])) == 1
    assert len(two.fake.posts(two.away_channel["id"])) == 1
    assert "event=discord_token_rejected_cleared" in caplog.text
    assert "Delivery problem" not in await two.status()


async def test_a_502_is_retried_inside_the_attempt_by_discord_py(two: Two) -> None:
    two.fake.fail("POST", two.home_posts, 502)  # discord.py waits 1 s and tries again
    await two.world.advance(NINE - START)
    assert [c.status for c in two.home_calls()] == [502, 200]
    home = await two.occurrence(two.world.gid)
    assert (home["state"], home["attempts"]) == ("sent", 1)
    await two.assert_away_on_time()


async def test_closed_dms_are_permanent_and_never_retried(two: Two) -> None:
    assert two.world.bot is not None
    chat = two.world.bot.client.chat
    two.fake.closed_dms.add(two.world.bo["id"])
    bo = user_ref(two.world.gid, two.world.bo["id"])
    for _ in range(2):
        with pytest.raises(DeliveryError) as failed:
            await chat.send_private(bo, message("hello"))
        assert failed.value.permanent and "does not accept direct messages" in failed.value.reason
    dm = two.fake.dm_of[two.world.bo["id"]]
    assert len(two.fake.calls_to("POST", rf"/channels/{dm}/messages")) == 2  # one per send


async def test_a_token_reset_while_running_ends_with_one_clear_line(
    two: Two, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = Settings.from_env(
        {
            "KITH_PLATFORM": "discord",
            "DISCORD_TOKEN": TOKEN,
            "KITH_DATABASE_URL": str(tmp_path / "other.sqlite3"),
        }
    )
    known = set(two.fake.sessions)
    running = asyncio.create_task(serve(settings, FAST))
    await two.fake.until(lambda: bool(set(two.fake.sessions) - known))
    (session,) = (two.fake.sessions[s] for s in set(two.fake.sessions) - known)
    two.fake.tokens.discard(TOKEN)  # reset in the Developer Portal: Discord drops the session
    assert session.ws is not None
    await session.ws.close(code=4004, message=b"Authentication failed.")
    assert await asyncio.wait_for(running, 15) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Discord rejected DISCORD_TOKEN" in err
    assert TOKEN not in err and "Traceback" not in err
